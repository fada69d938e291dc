"""Read a fact sheet (YAML or CSV) into typed rows, each value knowing its line and field.

Everything that can be checked without the graph is checked here: the file is UTF-8 and not too
large, it has a source and at least one statement or claim, every field is known, every relation
is in :data:`kgraph.curate.relations.RELATIONS`, dates parse and end after they start, grades are
on the Admiralty scale, claims carry a quote and a claimant. Names are resolved later
(:mod:`kgraph.curate.resolve`). Every error is a :class:`SheetError` naming the line and field.
The format is documented in ``docs/sheet-format.md``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import yaml

from kgraph.curate import dating
from kgraph.curate.relations import (
    CREDIBILITY,
    ENTITY_TYPES,
    EVENT_TYPES,
    RELATIONS,
    RELIABILITY,
    SOURCE_KINDS,
    STATUSES,
    Relation,
    closest,
    find_relation,
    find_type,
)
from kgraph.errors import DateError, SheetError

#: libyaml's loader when PyYAML has it (5x faster on a large sheet), the same marks and nodes
_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: a sheet over this many bytes is refused: split it (10,000 statements fit in about 3 MB)
MAX_SHEET_BYTES: Final = 8 * 1024 * 1024

# ---------------------------------------------------------------------------------------------
# values and rows


@dataclass(frozen=True)
class At:
    """One value from the sheet and where it is: ``line`` (1-based) and ``field``."""

    value: str
    line: int
    field: str


@dataclass(frozen=True)
class SourceRow:
    """The source document the sheet describes."""

    line: int
    kind: At
    slug: At | None = None
    title: At | None = None
    label: At | None = None
    outlet: At | None = None
    authors: tuple[At, ...] = ()
    contributors: tuple[At, ...] = ()
    date: At | None = None
    url: At | None = None
    language: At | None = None
    description: At | None = None
    seed_file: At | None = None
    about: tuple[At, ...] = ()


@dataclass(frozen=True)
class EntityRow:
    """A new entity (or a new description of a known one) as the source names it."""

    line: int
    name: At
    type: At
    type_name: str  # kgo class local name
    variants: tuple[At, ...] = ()
    description: At | None = None
    slug: At | None = None
    date: At | None = None
    start: At | None = None
    end: At | None = None
    born: At | None = None
    rank: At | None = None
    quotes: tuple[At, ...] = ()


@dataclass(frozen=True)
class StatementRow:
    """A fact the source states: ``subject relation object``."""

    line: int
    subject: At
    relation: At
    rel: Relation
    object: At
    quotes: tuple[At, ...]
    start: At | None = None
    end: At | None = None
    role_text: At | None = None
    rank: At | None = None
    areas: tuple[At, ...] = ()


@dataclass(frozen=True)
class ClaimRow:
    """Something the source attributes to someone, graded, not asserted."""

    line: int
    text: At
    claimed_by: tuple[At, ...]
    status: At
    status_name: str
    reliability: At
    credibility: At
    grade_note: At
    quotes: tuple[At, ...]
    about: tuple[At, ...] = ()
    subject: At | None = None
    relation: At | None = None
    rel: Relation | None = None
    object: At | None = None
    hedges: tuple[At, ...] = ()


@dataclass(frozen=True)
class Sheet:
    """A parsed fact sheet."""

    path: str
    source: SourceRow
    entities: tuple[EntityRow, ...] = ()
    statements: tuple[StatementRow, ...] = ()
    claims: tuple[ClaimRow, ...] = ()
    #: per-row dates, parsed: (line, field) -> DateValue
    dates: Mapping[tuple[int, str], dating.DateValue] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# raw reading: YAML and CSV both give (kind, line, {field: [At, ...]})

SECTIONS: Final = {"source": "source", "entities": "entity", "statements": "statement",
                   "claims": "claim"}
KINDS: Final = ("source", "entity", "statement", "claim")

LIST_FIELDS: Final = frozenset(
    {"authors", "contributors", "about", "variants", "quote", "hedge", "by", "area"}
)
FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "source": ("kind", "id", "title", "label", "outlet", "authors", "contributors", "date",
               "url", "language", "description", "seed_file", "about"),
    "entity": ("name", "type", "variants", "description", "id", "date", "from", "to", "born",
               "rank", "quote"),
    "statement": ("subject", "relation", "object", "from", "to", "quote", "role_text", "rank",
                  "area"),
    "claim": ("text", "about", "subject", "relation", "object", "by", "status", "hedge", "grade",
              "reliability", "credibility", "grade_note", "quote"),
}
ALIASES: Final = {
    "author": "authors", "contributor": "contributors", "variant": "variants",
    "quotes": "quote", "hedges": "hedge", "claimed_by": "by", "areas": "area", "start": "from",
    "end": "to", "role": "role_text", "note": "grade_note", "claim": "text", "slug": "id",
    "seed": "seed_file", "published": "date",
}

RawFields = dict[str, list[At]]


@dataclass(frozen=True)
class RawRow:
    kind: str
    line: int
    fields: RawFields


def _norm_key(key: str) -> str:
    k = re.sub(r"[\s\-]+", "_", key.strip().casefold())
    return ALIASES.get(k, k)


def read_text(path: Path) -> str:
    """The sheet's text: UTF-8 (a BOM is allowed), at most :data:`MAX_SHEET_BYTES`."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SheetError(f"cannot read the sheet: {exc.strerror}", sheet=name) from exc
    if size > MAX_SHEET_BYTES:
        raise SheetError(
            f"the sheet is {size / 1e6:.1f} MB; the limit is {MAX_SHEET_BYTES // 2**20} MiB",
            sheet=name,
            hint="split it into several sheets of the same source",
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SheetError(
            f"the sheet is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            sheet=name, line=line, hint="save the sheet as UTF-8",
        ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SheetError("the sheet contains a NUL character", sheet=name, line=line)
    return text


def _yaml_rows(text: str, name: str) -> Iterator[RawRow]:
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SheetError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            sheet=name, line=mark.line + 1 if mark else None,
        ) from exc
    if root is None:
        return
    if not isinstance(root, yaml.MappingNode):
        raise SheetError("a YAML sheet is a mapping with source, entities, statements, claims",
                         sheet=name, line=root.start_mark.line + 1)
    for key_node, value_node in root.value:
        section = str(key_node.value).strip().casefold()
        line = key_node.start_mark.line + 1
        if section not in SECTIONS:
            raise SheetError(
                f"unknown section {key_node.value!r}; a sheet has: " + ", ".join(SECTIONS),
                sheet=name, line=line, field=str(key_node.value),
            )
        kind = SECTIONS[section]
        if kind == "source":
            yield RawRow(kind, value_node.start_mark.line + 1,
                         _yaml_fields(value_node, name, kind))
            continue
        if isinstance(value_node, yaml.ScalarNode) and value_node.value in ("", "~", "null"):
            continue
        if not isinstance(value_node, yaml.SequenceNode):
            raise SheetError(f"{section} is a list of entries ('- ...')", sheet=name, line=line,
                             field=section)
        for item in value_node.value:
            yield RawRow(kind, item.start_mark.line + 1, _yaml_fields(item, name, kind))


def _yaml_fields(node: yaml.Node, name: str, kind: str) -> RawFields:
    if not isinstance(node, yaml.MappingNode):
        raise SheetError(f"a {kind} entry is a mapping of field: value", sheet=name,
                         line=node.start_mark.line + 1)
    out: RawFields = {}
    for key_node, value_node in node.value:
        key = _norm_key(str(key_node.value))
        line = key_node.start_mark.line + 1
        if key in out:
            raise SheetError(f"the field {key!r} is given twice", sheet=name, line=line, field=key)
        if isinstance(value_node, yaml.SequenceNode):
            values = []
            for item in value_node.value:
                if not isinstance(item, yaml.ScalarNode):
                    raise SheetError("a list item must be plain text", sheet=name,
                                     line=item.start_mark.line + 1, field=key)
                values.append(At(str(item.value), item.start_mark.line + 1, key))
            out[key] = values
        elif isinstance(value_node, yaml.ScalarNode):
            if value_node.value == "" or (value_node.style is None
                                          and value_node.value in ("~", "null")):
                continue
            out[key] = [At(str(value_node.value), value_node.start_mark.line + 1, key)]
        else:
            raise SheetError("a field's value must be text or a list of texts", sheet=name,
                             line=line, field=key)
    return out


#: the CSV list separator: "Qaani | Ghaani"
CSV_LIST_SEP: Final = "|"


def _csv_rows(text: str, name: str) -> Iterator[RawRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SheetError(f"not valid CSV: {exc}", sheet=name, line=reader.line_num) from exc
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [_norm_key(c) for c in cells]
            if "record" not in header:
                raise SheetError("the CSV header needs a 'record' column (source, entity, "
                                 "statement or claim)", sheet=name, line=line, field="record")
            continue
        if len(cells) > len(header):
            raise SheetError(f"{len(cells)} cells but the header has {len(header)}",
                             sheet=name, line=line)
        fields: RawFields = {}
        kind = ""
        for key, cell in zip(header, cells, strict=False):
            cell = cell.strip()
            if key == "record":
                kind = cell.casefold()
                continue
            if not cell:
                continue
            parts = [p.strip() for p in cell.split(CSV_LIST_SEP)] if key in LIST_FIELDS else [cell]
            fields[key] = [At(p, line, key) for p in parts if p]
        if kind not in KINDS:
            raise SheetError(f"unknown record {kind!r}; one of: " + ", ".join(KINDS),
                             sheet=name, line=line, field="record")
        yield RawRow(kind, line, fields)


# ---------------------------------------------------------------------------------------------
# typed rows


class _Row:
    """Field access on one raw row, with errors that name the sheet, line and field."""

    def __init__(self, raw: RawRow, sheet: str) -> None:
        self.raw, self.sheet = raw, sheet
        known = FIELDS[raw.kind]
        for key, values in raw.fields.items():
            if key not in known:
                raise SheetError(
                    f"unknown field {key!r} for a {raw.kind}",
                    sheet=sheet, line=values[0].line if values else raw.line, field=key,
                    hint="known fields: " + ", ".join(closest(key, known)),
                )
            if len(values) > 1 and key not in LIST_FIELDS:
                raise SheetError(f"{key!r} takes one value, not a list", sheet=sheet,
                                 line=values[0].line, field=key)

    def error(self, message: str, at: At | None = None, field: str | None = None,
              hint: str | None = None) -> SheetError:
        return SheetError(message, sheet=self.sheet, line=at.line if at else self.raw.line,
                          field=at.field if at else field, hint=hint)

    def opt(self, key: str) -> At | None:
        values = self.raw.fields.get(key)
        if not values:
            return None
        v = values[0]
        if not v.value.strip():
            return None
        return At(v.value.strip(), v.line, v.field)

    def req(self, key: str, what: str) -> At:
        v = self.opt(key)
        if v is None:
            raise self.error(f"a {self.raw.kind} needs {what} (field {key!r})", field=key)
        return v

    def many(self, key: str) -> tuple[At, ...]:
        return tuple(At(v.value.strip(), v.line, v.field)
                     for v in self.raw.fields.get(key, []) if v.value.strip())


def _relation(row: _Row, at: At) -> Relation:
    rel = find_relation(at.value)
    if rel is None:
        raise row.error(
            f"unknown relation {at.value!r}", at,
            hint="known relations, closest first: "
            + ", ".join(closest(at.value, list(RELATIONS), limit=8))
            + " ... (all in docs/sheet-format.md)",
        )
    return rel


class _Dates:
    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.parsed: dict[tuple[int, str], dating.DateValue] = {}

    def check(self, row: _Row, at: At | None) -> dating.DateValue | None:
        if at is None:
            return None
        try:
            value = dating.parse(at.value)
        except DateError as exc:
            raise row.error(exc.message, at, hint=exc.hint) from exc
        self.parsed[(at.line, at.field)] = value
        return value

    def interval(self, row: _Row, start: At | None, end: At | None) -> None:
        a, b = self.check(row, start), self.check(row, end)
        if a and b and end:
            try:
                dating.check_order(a, b)
            except DateError as exc:
                raise row.error(exc.message, end) from exc


def _grade(row: _Row) -> tuple[At, At]:
    grade, rel, cred = row.opt("grade"), row.opt("reliability"), row.opt("credibility")
    if grade is not None:
        g = re.sub(r"[\s/\-]", "", grade.value).upper()
        if len(g) != 2 or g[0] not in RELIABILITY or g[1] not in CREDIBILITY:
            raise row.error(
                f"grade {grade.value!r} is not on the Admiralty scale", grade,
                hint="a reliability letter A-F and a credibility digit 1-6, e.g. 'F3'",
            )
        return At(g[0], grade.line, grade.field), At(g[1], grade.line, grade.field)
    if rel is None or cred is None:
        raise row.error("a claim needs an Admiralty grade ('grade: F3', or reliability and "
                        "credibility)", field="grade")
    if rel.value.upper() not in RELIABILITY:
        raise row.error(f"reliability {rel.value!r} is not one of A-F", rel)
    if cred.value not in CREDIBILITY:
        raise row.error(f"credibility {cred.value!r} is not one of 1-6", cred)
    return At(rel.value.upper(), rel.line, rel.field), cred


def _source(row: _Row, dates: _Dates) -> SourceRow:
    kind = row.req("kind", "a kind (news article, analysis article)")
    from kgraph.curate.relations import squash

    if squash(kind.value) not in SOURCE_KINDS:
        raise row.error(f"unknown source kind {kind.value!r}", kind,
                        hint="one of: news article, analysis article, source document")
    title, label = row.opt("title"), row.opt("label")
    if title is None and label is None:
        raise row.error("a source needs a title (or, if it has none, a label describing it)",
                        field="title")
    dates.check(row, row.opt("date"))
    return SourceRow(
        line=row.raw.line, kind=kind, slug=row.opt("id"), title=title, label=label,
        outlet=row.opt("outlet"), authors=row.many("authors"),
        contributors=row.many("contributors"), date=row.opt("date"), url=row.opt("url"),
        language=row.opt("language"), description=row.opt("description"),
        seed_file=row.opt("seed_file"), about=row.many("about"),
    )


def _entity(row: _Row, dates: _Dates) -> EntityRow:
    name = row.req("name", "a name")
    type_at = row.req("type", "a type")
    type_name = find_type(type_at.value)
    if type_name is None:
        raise row.error(f"unknown type {type_at.value!r}", type_at,
                        hint="types, closest first: "
                        + ", ".join(closest(type_at.value, ENTITY_TYPES, limit=8)))
    dates.check(row, row.opt("date"))
    dates.check(row, row.opt("born"))
    dates.interval(row, row.opt("from"), row.opt("to"))
    quotes = row.many("quote")
    if type_name in EVENT_TYPES and not quotes:
        raise row.error(f"an event ({type_name}) needs the quote that reports it (field 'quote')",
                        field="quote")
    return EntityRow(
        line=row.raw.line, name=name, type=type_at, type_name=type_name,
        variants=row.many("variants"), description=row.opt("description"), slug=row.opt("id"),
        date=row.opt("date"), start=row.opt("from"), end=row.opt("to"), born=row.opt("born"),
        rank=row.opt("rank"), quotes=quotes,
    )


def _statement(row: _Row, dates: _Dates) -> StatementRow:
    subject = row.req("subject", "a subject")
    relation = row.req("relation", "a relation")
    rel = _relation(row, relation)
    obj = row.req("object", "an object")
    quotes = row.many("quote")
    if not quotes:
        raise row.error("a statement needs the supporting quote (field 'quote')", field="quote")
    start, end = row.opt("from"), row.opt("to")
    if (start or end) and rel.kind != "membership":
        at = start or end
        raise row.error(f"dates ('from'/'to') belong on roles (commands, member of, ...), "
                        f"not on {rel.name!r}; date events on the event entity", at)
    dates.interval(row, start, end)
    return StatementRow(
        line=row.raw.line, subject=subject, relation=relation, rel=rel, object=obj,
        quotes=quotes, start=start, end=end, role_text=row.opt("role_text"),
        rank=row.opt("rank"), areas=row.many("area"),
    )


def _claim(row: _Row, has_source: bool) -> ClaimRow:
    text = row.req("text", "the claim in plain words")
    quotes = row.many("quote")
    if not quotes:
        raise row.error("a claim needs the verbatim quote that reports it (field 'quote')",
                        field="quote")
    if not has_source:
        raise row.error("a claim needs a source: the sheet has no 'source' section",
                        field="source")
    by = row.many("by")
    if not by:
        raise row.error("a claim needs who makes it (field 'by')", field="by")
    status = row.req("status", "a status (reported, alleged, disputed, denied)")
    status_name = STATUSES.get(status.value.strip().casefold())
    if status_name is None:
        raise row.error(f"unknown status {status.value!r}", status,
                        hint="one of: " + ", ".join(STATUSES))
    reliability, credibility = _grade(row)
    note = row.req("grade_note", "a note saying why this grade")
    subject, relation, obj = row.opt("subject"), row.opt("relation"), row.opt("object")
    rel = _relation(row, relation) if relation else None
    if (subject or relation or obj) and not (subject and relation and obj):
        missing = [k for k, v in (("subject", subject), ("relation", relation), ("object", obj))
                   if v is None]
        raise row.error("a claim that reduces to one statement needs subject, relation and "
                        "object; missing: " + ", ".join(missing), field=missing[0])
    about = row.many("about")
    if not about and subject is None:
        raise row.error("a claim needs what it is about (field 'about', or subject/object)",
                        field="about")
    return ClaimRow(
        line=row.raw.line, text=text, claimed_by=by, status=status, status_name=status_name,
        reliability=reliability, credibility=credibility, grade_note=note, quotes=quotes,
        about=about, subject=subject, relation=relation, rel=rel, object=obj,
        hedges=row.many("hedge"),
    )


def parse_text(text: str, name: str, fmt: str) -> Sheet:
    """Parse a sheet given as text; ``fmt`` is 'yaml' or 'csv'."""
    if not text.strip():
        raise SheetError("the sheet is empty", sheet=name,
                         hint="see docs/sheet-format.md for a complete example")
    raws = list(_csv_rows(text, name) if fmt == "csv" else _yaml_rows(text, name))
    dates = _Dates(name)
    sources = [r for r in raws if r.kind == "source"]
    if len(sources) > 1:
        raise SheetError("a sheet describes one source; this one has several", sheet=name,
                         line=sources[1].line, field="source")
    if not any(r.kind in ("statement", "claim") for r in raws):
        raise SheetError("the sheet is empty: it has no statements and no claims", sheet=name,
                         line=raws[0].line if raws else None,
                         hint="see docs/sheet-format.md for a complete example")
    source = _source(_Row(sources[0], name), dates) if sources else None
    entities: list[EntityRow] = []
    statements: list[StatementRow] = []
    claims: list[ClaimRow] = []
    for raw in raws:
        row = _Row(raw, name)
        if raw.kind == "entity":
            entities.append(_entity(row, dates))
        elif raw.kind == "statement":
            statements.append(_statement(row, dates))
        elif raw.kind == "claim":
            claims.append(_claim(row, source is not None))
    if source is None:
        raise SheetError("the sheet has no 'source' section: every statement needs its source",
                         sheet=name, line=1, field="source")
    _check_duplicate_names(entities, name)
    return Sheet(path=name, source=source, entities=tuple(entities),
                 statements=tuple(statements), claims=tuple(claims), dates=dates.parsed)


def _check_duplicate_names(entities: list[EntityRow], sheet: str) -> None:
    from kgraph.curate.resolve import normalise

    seen: dict[str, EntityRow] = {}
    for e in entities:
        for at in (e.name, *e.variants):
            key = normalise(at.value)
            first = seen.get(key)
            if first is not None and first is not e and first.type_name != e.type_name:
                raise SheetError(
                    f"{at.value!r} is defined twice with different types: {first.type_name} "
                    f"(line {first.line}) and {e.type_name}",
                    sheet=sheet, line=at.line, field=at.field,
                    hint="one name, one entity: rename one of them or give both the same type",
                )
            seen.setdefault(key, e)


def load(path: str | Path) -> Sheet:
    """Read and check the sheet at ``path`` (``.yaml``/``.yml`` or ``.csv``)."""
    p = Path(path)
    suffix = p.suffix.casefold()
    if suffix not in (".yaml", ".yml", ".csv"):
        raise SheetError("a sheet is a .yaml, .yml or .csv file", sheet=str(p))
    text = read_text(p)
    return parse_text(text, str(p), "csv" if suffix == ".csv" else "yaml")
