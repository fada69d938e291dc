"""The fixed vocabulary of a fact sheet: relation names, entity types, statuses and grades.

A sheet names relations in plain words (``commands``, ``member of``, ``sponsors``); this table
maps each to the docs/model.md terms. ``docs/sheet-format.md`` lists the same table for curators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from rapidfuzz import fuzz, process

from kgraph.namespaces import KGO, ORG

RelationKind = Literal["membership", "triple", "event"]


@dataclass(frozen=True)
class Relation:
    """How one sheet relation becomes RDF.

    * ``membership``: a ``kgo:Membership`` node (member = subject, organisation = object) with
      ``role``; ``predicate`` is the shortcut property a claim uses (``kgo:commands``).
    * ``triple``: the plain triple ``subject predicate object``, backed by an evidence node.
    * ``event``: an event participation; with ``inverse`` the triple is
      ``object predicate subject`` (the event is the sheet's object: "Hamas perpetrated X").
    """

    name: str
    kind: RelationKind
    predicate: str
    role: str | None = None
    inverse: bool = False
    help: str = ""


def _m(name: str, role: str, shortcut: str, help: str) -> Relation:
    return Relation(name, "membership", shortcut, role=KGO + role, help=help)


def _t(name: str, predicate: str, help: str) -> Relation:
    return Relation(name, "triple", predicate, help=help)


def _e(name: str, predicate: str, inverse: bool, help: str) -> Relation:
    return Relation(name, "event", predicate, inverse=inverse, help=help)


RELATIONS: Final[dict[str, Relation]] = {
    r.name: r
    for r in (
        _m("commands", "CommanderRole", KGO + "commands", "person commands organisation"),
        _m("deputy commander of", "DeputyCommanderRole", KGO + "deputyCommanderOf",
           "person is deputy commander of organisation"),
        _m("head of", "HeadRole", ORG + "headOf", "person heads organisation"),
        _m("member of", "MemberRole", ORG + "memberOf", "person/organisation is a member of"),
        _m("chief of staff of", "ChiefOfStaffRole", ORG + "memberOf",
           "person is chief of staff of organisation"),
        _m("leader of", "LeaderRole", ORG + "memberOf", "person leads organisation"),
        _m("fellow of", "FellowRole", ORG + "memberOf", "person is a fellow of an institute"),
        _m("expert at", "ExpertRole", ORG + "memberOf", "person is an expert at an institute"),
        _t("part of", ORG + "subOrganizationOf", "organisation is part of organisation"),
        _t("manages", KGO + "manages", "agent directs or manages organisation"),
        _t("responsible for", KGO + "responsibleFor", "agent responsible for place/organisation"),
        _t("sponsors", KGO + "sponsors", "agent backs or directs organisation as proxy"),
        _t("funds", KGO + "funds", "agent funds agent"),
        _t("arms", KGO + "arms", "agent arms agent"),
        _t("trains", KGO + "trains", "agent trains agent"),
        _t("supports", KGO + "supports", "political or military support"),
        _t("allied with", KGO + "alliedWith", "alliance (symmetric)"),
        _t("cooperates with", KGO + "cooperatesWith", "cooperation (symmetric)"),
        _t("in conflict with", KGO + "inConflictWith", "rivalry, feud, armed conflict (symmetric)"),
        _t("friend of", KGO + "friendOf", "personal friendship (symmetric)"),
        _t("competes with", KGO + "competesWith", "competition (symmetric)"),
        _t("fought", KGO + "fought", "agent fought against agent"),
        _t("recruited", KGO + "recruited", "agent recruited agent or collective"),
        _t("founded", KGO + "founded", "agent founded organisation"),
        _t("succeeded", KGO + "succeeded", "person succeeded person (in a post)"),
        _t("located in", KGO + "locatedIn", "place is in place"),
        _t("based in", KGO + "basedIn", "organisation is based in place"),
        _t("operates in", KGO + "operatesIn", "organisation/person operates in place"),
        _t("controls", KGO + "controls", "organisation controls place"),
        _t("affiliated with", KGO + "affiliatedWith", "person affiliated with organisation"),
        _t("nationality", KGO + "nationality", "person's nationality (a state)"),
        _e("perpetrated", KGO + "perpetrator", True, "agent perpetrated event"),
        _e("attended", KGO + "attendee", True, "person attended event"),
        _e("organized", KGO + "organizer", True, "agent organised event"),
        _e("planned", KGO + "planner", True, "agent planned event"),
        _e("victim of", KGO + "victim", True, "person/agent was a victim of event"),
        _e("targeted", KGO + "target", False, "event targeted agent or place"),
        _e("took place in", KGO + "location", False, "event took place in place"),
        _e("part of event", KGO + "partOfEvent", False, "event is part of event"),
        _e("led to", KGO + "ledTo", False, "event led to event"),
        _e("caused by", KGO + "causedBy", False, "event caused by event"),
    )
}

#: sheet type name (normalised) -> kgo class local name
ENTITY_TYPES: Final[tuple[str, ...]] = (
    "Person", "AnonymousSource", "Organization", "State", "ArmedForce", "ArmedForcesBranch",
    "MilitaryUnit", "StaffSection", "LeadershipCouncil", "Headquarters", "ArmedGroup",
    "GroupCollective", "Alliance", "PoliticalMovement", "PoliticalParty", "GovernmentBody",
    "GovernmentOffice", "ResearchInstitute", "University", "NewsOutlet", "Company",
    "SocialMediaPlatform", "Post", "Place", "Country", "Region", "City", "Waterbody", "Front",
    "Event", "Attack", "Strike", "DroneStrike", "Killing", "Meeting", "Election", "Appointment",
    "War", "Revolution", "Funeral", "Stampede", "Interview", "Statement", "Campaign", "Plan",
)
EVENT_TYPES: Final = frozenset({
    "Event", "Attack", "Strike", "DroneStrike", "Killing", "Meeting", "Election", "Appointment",
    "War", "Revolution", "Funeral", "Stampede", "Interview", "Statement", "Campaign", "Plan",
})
SOURCE_KINDS: Final[dict[str, str]] = {
    "newsarticle": "NewsArticle",
    "analysisarticle": "AnalysisArticle",
    "sourcedocument": "SourceDocument",
}
STATUSES: Final[dict[str, str]] = {
    "reported": "Reported", "alleged": "Alleged", "disputed": "Disputed", "denied": "Denied",
}
RELIABILITY: Final = ("A", "B", "C", "D", "E", "F")
CREDIBILITY: Final = ("1", "2", "3", "4", "5", "6")


def squash(text: str) -> str:
    """Lower-case, with spaces, '-' and '_' removed: 'Armed group' == 'armed_group'."""
    return re.sub(r"[\s_\-]+", "", text).casefold()


_TYPES_BY_KEY: Final = {squash(t): t for t in ENTITY_TYPES}
_RELATIONS_BY_KEY: Final = {squash(r): r for r in RELATIONS}


def find_relation(name: str) -> Relation | None:
    """The relation called ``name`` (case, spaces, '-' and '_' do not matter), or None."""
    key = _RELATIONS_BY_KEY.get(squash(name))
    return RELATIONS[key] if key else None


def find_type(name: str) -> str | None:
    """The kgo class local name for a sheet type ('armed group' -> 'ArmedGroup'), or None."""
    return _TYPES_BY_KEY.get(squash(name))


def closest(name: str, choices: list[str] | tuple[str, ...], limit: int = 40) -> list[str]:
    """``choices`` ordered by similarity to ``name``, closest first."""
    ranked = process.extract(name, list(choices), scorer=fuzz.WRatio, limit=limit)
    return [str(c[0]) for c in ranked]
