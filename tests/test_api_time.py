"""Time-aware questions on exact, partial and approximate dates — on every backend."""

from __future__ import annotations

import pytest

from kgraph.errors import DateError
from kgraph.graph import KnowledgeGraph
from kgraph.namespaces import KGO


def _slugs(holdings: list) -> set[str]:  # type: ignore[type-arg]
    return {h.member.slug for h in holdings}


def test_the_quds_force_commanders_are_soleimani_and_qaani(any_kg: KnowledgeGraph) -> None:
    commanders = any_kg.holders("Quds Force", role="kgo:CommanderRole")
    assert _slugs(commanders) == {"qasem-soleimani", "esmail-qaani"}


def test_holders_of_a_post(any_kg: KnowledgeGraph) -> None:
    post = any_kg.entity("post-quds-force-commander")
    assert post.kind == "Post"
    assert _slugs(any_kg.holders(post)) == {"qasem-soleimani", "esmail-qaani"}


def test_a_role_with_known_dates_is_certain_on_a_covered_date(any_kg: KnowledgeGraph) -> None:
    # Qaani joined the Revolutionary Guard "in 1980" (seed 000); open-ended membership
    held = any_kg.holders("IRGC", at="2001")
    qaani = [h for h in held if h.member.slug == "esmail-qaani"]
    assert qaani and qaani[0].certainty == "certain"
    assert not [h for h in any_kg.holders("IRGC", at="1979") if h.member.slug == "esmail-qaani"]


def test_an_approximate_start_is_possible_inside_and_certain_after(any_kg: KnowledgeGraph) -> None:
    # deputy chief of the ground forces "In the 1990s"
    in_1995 = any_kg.holders("IRGC Ground Forces", at="1995")
    assert {h.certainty for h in in_1995 if h.member.slug == "esmail-qaani"} == {"possible"}
    assert not any_kg.holders("IRGC Ground Forces", at="1985")
    certain = any_kg.holders("IRGC Ground Forces", at="2001", certainty="certain")
    assert _slugs(certain) == {"esmail-qaani"}


def test_roles_with_unknown_bounds_are_only_possible(any_kg: KnowledgeGraph) -> None:
    # "Upon the death of Soleimani" carries no bounds in the data: never certain
    held = any_kg.holders("Quds Force", at="2019", role=KGO + "CommanderRole")
    assert held and {h.certainty for h in held} == {"possible"}
    assert not any_kg.holders("Quds Force", at="2019", role=KGO + "CommanderRole",
                              certainty="certain")


def test_a_persons_posts_over_time_in_order(any_kg: KnowledgeGraph) -> None:
    posts = any_kg.posts("Qaani")
    orgs = [h.membership.organization.slug for h in posts]
    assert orgs.index("irgc") < orgs.index("irgc-ground-forces")  # 1980 before the 1990s
    assert {"quds-force", "quds-force-leadership-council"} <= set(orgs)
    first = posts[0].membership
    assert first.start is not None and first.start.earliest is not None
    assert first.quotes and first.source is not None and first.graph is not None


def test_as_of_view_answers_every_question_on_that_date(any_kg: KnowledgeGraph) -> None:
    in_1985 = any_kg.as_of("1985")
    assert in_1985.at is not None
    assert "irgc" in {h.membership.organization.slug for h in in_1985.posts("Qaani")}
    assert "irgc-ground-forces" not in {h.membership.organization.slug
                                        for h in in_1985.posts("Qaani")}
    # named queries with an `at` parameter get the date
    rows = in_1985.query("holders-at-date", organization="irgc")
    assert "https://w3id.org/kgraph/id/esmail-qaani" in {r.value("member") for r in rows}
    timeline = in_1985.timeline("Qaani")
    assert all(e.when is None or e.when.earliest is None or e.when.earliest.year <= 1985
               for e in timeline)


def test_the_timeline_orders_birth_roles_and_events(any_kg: KnowledgeGraph) -> None:
    timeline = any_kg.timeline("Qaani")
    kinds = [e.kind for e in timeline]
    assert kinds[0] == "birth" and timeline[0].when is not None
    assert timeline[0].when.text == "late 1950s"
    dated = [e.when.earliest for e in timeline if e.when and e.when.earliest]
    assert dated == sorted(dated)
    labels = " ".join(e.label for e in timeline)
    assert "early 1980s" in " ".join(str(e.when) for e in timeline)  # friendship on the front
    assert "Revolutionary Guard" in labels


def test_a_malformed_date_is_refused_with_the_accepted_forms(any_kg: KnowledgeGraph) -> None:
    with pytest.raises(DateError) as caught:
        any_kg.holders("Quds Force", at="the other day")
    assert "accepted forms" in str(caught.value)
