"""The one exception tree of kgraph.

Every error kgraph raises on purpose is a :class:`KGraphError`. Each carries a message that says
what went wrong *and what to do*, plus machine-readable attributes: ``exit_code`` for the CLI and
``status`` for the HTTP server. The CLI turns them into messages and exit codes, the server into
one JSON error shape; neither ever shows a traceback for these.

::

    KGraphError                      exit 1, HTTP 500
    ├── InputError                   exit 2, HTTP 400   bad input from a user
    │   ├── ParseError               RDF that does not parse (file, line, column)
    │   ├── QuerySyntaxError         SPARQL that does not parse (line, column)
    │   ├── QueryRefused             a query kgraph will not run (SERVICE, LOAD, too deep, ...)
    │   ├── DateError                a date in no accepted form, or an end before a start
    │   └── SheetError               a fact sheet with a bad line or field (kgraph add)
    ├── NotFound                     exit 3, HTTP 404
    │   └── UnknownEntity            no entity by that name (with close suggestions)
    ├── AmbiguousName                exit 2, HTTP 300   several entities fit a name (candidates)
    ├── ValidationFailed             exit 1, HTTP 422   SHACL violations or OWL inconsistency
    ├── ReasonerError                exit 1, HTTP 500   the OWL reasoner (Java, HermiT) failed
    ├── StoreError                   exit 1, HTTP 503   the store cannot be opened or reached
    │   └── RemoteStoreError         a SPARQL server that is down, slow or answered badly
    ├── QueryTimeout                 exit 1, HTTP 503   a query ran longer than allowed
    └── LimitExceeded                exit 2, HTTP 413   input or result over a configured limit
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousName",
    "DateError",
    "InputError",
    "KGraphError",
    "LimitExceeded",
    "NotFound",
    "ParseError",
    "QueryRefused",
    "QuerySyntaxError",
    "QueryTimeout",
    "ReasonerError",
    "RemoteStoreError",
    "SheetError",
    "StoreError",
    "UnknownEntity",
    "ValidationFailed",
]


class KGraphError(Exception):
    """Base of every error kgraph raises on purpose."""

    exit_code: int = 1
    status: int = 500
    code: str = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message

    def to_dict(self) -> dict[str, object]:
        """The JSON error shape shared by the CLI (--format json) and the HTTP server."""
        out: dict[str, object] = {"error": self.code, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        return out


class InputError(KGraphError):
    """Input from a user that kgraph cannot accept."""

    exit_code = 2
    status = 400
    code = "bad-input"


class ParseError(InputError):
    """RDF that does not parse: ``source`` is the file, ``line``/``column`` are 1-based."""

    code = "parse-error"

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = source or "<input>"
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}", hint=hint)
        self.source = source
        self.line = line
        self.column = column

    def to_dict(self) -> dict[str, object]:
        out = super().to_dict()
        out.update({"source": self.source, "line": self.line, "column": self.column})
        return out


class QuerySyntaxError(InputError):
    """SPARQL that does not parse; ``line``/``column`` are 1-based when the parser gives them."""

    code = "query-syntax"

    def __init__(
        self, message: str, *, line: int | None = None, column: int | None = None
    ) -> None:
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(
            f"malformed SPARQL query: {where}{message}",
            hint="check the query against https://www.w3.org/TR/sparql11-query/#grammar",
        )
        self.line = line
        self.column = column

    def to_dict(self) -> dict[str, object]:
        out = super().to_dict()
        out.update({"line": self.line, "column": self.column})
        return out


class QueryRefused(InputError):
    """A query kgraph will not run: SERVICE, LOAD, remote FROM, updates on a read-only store..."""

    code = "query-refused"


class DateError(InputError):
    """A date in no accepted form, or an interval that ends before it starts."""

    code = "bad-date"


class SheetError(InputError):
    """A fact sheet (kgraph add) with a bad line or field."""

    code = "bad-sheet"

    def __init__(
        self,
        message: str,
        *,
        sheet: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = sheet or "<sheet>"
        if line is not None:
            where += f":{line}"
        if field:
            where += f" [{field}]"
        super().__init__(f"{where}: {message}", hint=hint)
        self.sheet = sheet
        self.line = line
        self.field = field

    def to_dict(self) -> dict[str, object]:
        out = super().to_dict()
        out.update({"sheet": self.sheet, "line": self.line, "field": self.field})
        return out


class NotFound(KGraphError):
    """Something asked for by name or IRI does not exist."""

    exit_code = 3
    status = 404
    code = "not-found"


class UnknownEntity(NotFound):
    """No entity by that name; ``suggestions`` holds the closest known names."""

    code = "unknown-entity"

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        hint = ("did you mean: " + ", ".join(suggestions) + "?") if suggestions else None
        super().__init__(f"no entity is called {name!r}", hint=hint)
        self.name = name
        self.suggestions = tuple(suggestions)

    def to_dict(self) -> dict[str, object]:
        out = super().to_dict()
        out["suggestions"] = list(self.suggestions)
        return out


class AmbiguousName(KGraphError):
    """Several entities fit a name; ``candidates`` are (iri, label) pairs."""

    exit_code = 2
    status = 300
    code = "ambiguous-name"

    def __init__(self, name: str, candidates: Sequence[tuple[str, str]]) -> None:
        listed = "; ".join(f"{label} <{iri}>" for iri, label in candidates)
        super().__init__(
            f"{name!r} could be any of: {listed}",
            hint="use the full name, the slug or the IRI of the one you mean",
        )
        self.name = name
        self.candidates = tuple(candidates)

    def to_dict(self) -> dict[str, object]:
        out = super().to_dict()
        out["candidates"] = [{"iri": i, "label": lab} for i, lab in self.candidates]
        return out


class ValidationFailed(KGraphError):
    """SHACL violations or an OWL inconsistency; ``report`` is the structured report."""

    exit_code = 1
    status = 422
    code = "invalid"

    def __init__(self, message: str, *, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class ReasonerError(KGraphError):
    """The OWL reasoner could not give a verdict: Java missing or crashed, HermiT rejected input."""

    code = "reasoner-error"


class StoreError(KGraphError):
    """The store cannot be opened, built or reached."""

    status = 503
    code = "store-error"


class RemoteStoreError(StoreError):
    """A remote SPARQL server that is down, slow, or answered something unusable."""

    code = "remote-store"


class QueryTimeout(KGraphError):
    """A query ran longer than its time limit and was stopped."""

    status = 503
    code = "timeout"


class LimitExceeded(KGraphError):
    """Input or a result is over a configured limit (size, depth, rows)."""

    exit_code = 2
    status = 413
    code = "limit-exceeded"
