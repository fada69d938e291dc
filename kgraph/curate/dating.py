"""Dates in a fact sheet -> the bounds of a docs/model.md instant.

Absolute dates go through :func:`kgraph.dates.parse_date`, the one date parser the project shares.
A sheet may also give a date relative to its undated source ("four years ago", "last week"): that
becomes precision ``Relative`` with no bounds (docs/model.md, Dates).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from kgraph.dates import parse_date
from kgraph.errors import DateError

#: precision local names in kgo: (docs/model.md, Dates)
PRECISIONS: Final = ("Day", "Month", "Year", "Decade", "Approximate", "Relative", "Unknown")

_RELATIVE_RE: Final = re.compile(
    r"^(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few|\d+) "
    r"(?:days?|weeks?|months?|years?|decades?) ago|last (?:week|month|year|weekend)"
    r"|yesterday|this (?:week|month|year)|(?:more|less) than a (?:week|month|year) ago)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateValue:
    """A date as a sheet writes it, with the days it may fall on."""

    text: str
    precision: str
    earliest: dt.date | None = None
    latest: dt.date | None = None
    note: str | None = None


def parse(text: str) -> DateValue:
    """Parse ``text``; raise :class:`DateError` for a form no parser accepts."""
    text = text.strip()
    if not text:
        raise DateError("an empty date")
    if _RELATIVE_RE.match(text):
        return DateValue(text, "Relative")
    span = parse_date(text)
    precision = span.precision[:1].upper() + span.precision[1:]
    if precision not in PRECISIONS:
        precision = "Approximate"
    return DateValue(text, precision, span.earliest, span.latest, span.note)


def check_order(start: DateValue, end: DateValue) -> None:
    """Raise :class:`DateError` when ``end`` certainly falls before ``start``."""
    if start.earliest and end.latest and end.latest < start.earliest:
        raise DateError(f"the end {end.text!r} is before the start {start.text!r}")
