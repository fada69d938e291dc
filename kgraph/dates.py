"""Exact, partial and approximate dates as intervals of possible days.

Every date kgraph handles — a date in the curated data or a date a user types — is a
:class:`DateSpan`: the first and last day it could be (either may be unknown), the text it was
written as, and its precision. "2019" is 2019-01-01 .. 2019-12-31; "late 1950s" is
1956-01-01 .. 1959-12-31 (the conventions of docs/model.md).

Questions on dates come in two strengths (see :func:`holds_on`):

* *certain*: the thing held on every day the question date could be;
* *possible*: it held on at least one day the question date could be, for some reading of the
  uncertain bounds.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Final, Literal

from kgraph.errors import DateError

__all__ = [
    "ACCEPTED_FORMS",
    "Certainty",
    "DateSpan",
    "Interval",
    "holds_on",
    "parse_date",
]

Certainty = Literal["certain", "possible"]

#: Human-readable list of the forms :func:`parse_date` accepts (shown in every DateError).
ACCEPTED_FORMS: Final = (
    "'2019'",
    "'2019-05'",
    "'2019-05-03'",
    "'May 2019'",
    "'3 May 2019' / 'May 3, 2019'",
    "'1990s' / 'the 1990s'",
    "'early 1980s' / 'mid 1980s' / 'late 1950s'",
    "'early 2019' / 'mid 2019' / 'late 2019'",
)

_MONTHS: Final = {
    name.lower(): i
    for i, name in enumerate(calendar.month_name)
    if name
} | {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}

#: part of a decade -> (first year offset, last year offset); docs/model.md conventions
_DECADE_PARTS: Final = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}
#: part of a year -> (first month, last month)
_YEAR_PARTS: Final = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date as the interval of days it could be.

    ``earliest``/``latest`` are ``None`` when unknown (a relative date such as "four years ago"
    with no support for bounds). ``precision`` is one of day, month, year, decade,
    approximate, relative, unknown (the local names of the kgo: precision concepts, lower case).
    """

    earliest: _dt.date | None
    latest: _dt.date | None
    text: str = ""
    precision: str = "unknown"
    note: str | None = None

    def __post_init__(self) -> None:
        if self.earliest and self.latest and self.latest < self.earliest:
            raise DateError(
                f"date {self.text!r} ends ({self.latest}) before it starts ({self.earliest})"
            )

    @property
    def known(self) -> bool:
        """True when both bounds are known."""
        return self.earliest is not None and self.latest is not None

    @property
    def exact(self) -> bool:
        """True for a single known day."""
        return self.earliest is not None and self.earliest == self.latest

    def __str__(self) -> str:
        if self.text:
            return self.text
        if self.exact:
            return str(self.earliest)
        return f"{self.earliest or '?'}..{self.latest or '?'}"

    def sort_key(self) -> tuple[_dt.date, _dt.date]:
        """Order spans by earliest then latest day; unknown bounds sort last."""
        return (self.earliest or _dt.date.max, self.latest or _dt.date.max)

    @classmethod
    def of(cls, value: DateSpan | _dt.date | str) -> DateSpan:
        """A DateSpan from a DateSpan, a ``datetime.date`` or a user string."""
        if isinstance(value, DateSpan):
            return value
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, _dt.date):
            return cls(value, value, value.isoformat(), "day")
        if isinstance(value, str):
            return parse_date(value)
        raise DateError(
            f"not a date: {value!r}", hint="accepted forms: " + ", ".join(ACCEPTED_FORMS)
        )


@dataclass(frozen=True, slots=True)
class Interval:
    """A period from ``start`` to ``end``; ``end=None`` means open (still, as of the source).

    ``start=None`` means the beginning is unknown.
    """

    start: DateSpan | None
    end: DateSpan | None


def _last_day(year: int, month: int) -> _dt.date:
    return _dt.date(year, month, calendar.monthrange(year, month)[1])


def _bad(text: str, why: str = "not a date in an accepted form") -> DateError:
    return DateError(f"{why}: {text!r}", hint="accepted forms: " + ", ".join(ACCEPTED_FORMS))


def _day(text: str, year: int, month: int, day: int) -> DateSpan:
    try:
        d = _dt.date(year, month, day)
    except ValueError as exc:
        raise _bad(text, f"no such day ({exc})") from None
    return DateSpan(d, d, text, "day")


def _month(text: str, year: int, month: int) -> DateSpan:
    if not 1 <= month <= 12:
        raise _bad(text, "no such month")
    return DateSpan(_dt.date(year, month, 1), _last_day(year, month), text, "month")


def _year(text: str, year: int) -> DateSpan:
    return DateSpan(_dt.date(year, 1, 1), _dt.date(year, 12, 31), text, "year")


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"(\d{4})")
_DECADE = re.compile(r"(?:(early|mid|late)[ -]+)?(?:the )?(\d{3}0)'?s")
_PART_YEAR = re.compile(r"(early|mid|late)[ -]+(\d{4})")
_MONTH_YEAR = re.compile(r"([a-z]+)\.? (\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}) ([a-z]+)\.? (\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.? (\d{1,2}),? (\d{4})")


def parse_date(text: str) -> DateSpan:
    """Parse a user's date into the span of days it could be.

    >>> parse_date("late 1950s")
    DateSpan(earliest=datetime.date(1956, 1, 1), latest=datetime.date(1959, 12, 31), \
text='late 1950s', precision='approximate', note=None)

    Raises :class:`~kgraph.errors.DateError` naming the accepted forms otherwise.
    """
    if not isinstance(text, str):
        raise _bad(repr(text))
    raw = text
    s = " ".join(text.strip().lower().split())
    s = s.removeprefix("in ").removeprefix("the ") if s.startswith(("in ", "the ")) else s
    if not s:
        raise _bad(raw, "empty date")
    if m := _ISO_DAY.fullmatch(s):
        return _day(raw, int(m[1]), int(m[2]), int(m[3]))
    if m := _ISO_MONTH.fullmatch(s):
        return _month(raw, int(m[1]), int(m[2]))
    if m := _YEAR.fullmatch(s):
        return _year(raw, int(m[1]))
    if m := _DECADE.fullmatch(s):
        decade = int(m[2])
        if m[1] is None:
            return DateSpan(_dt.date(decade, 1, 1), _dt.date(decade + 9, 12, 31), raw, "decade")
        lo, hi = _DECADE_PARTS[m[1]]
        return DateSpan(
            _dt.date(decade + lo, 1, 1), _dt.date(decade + hi, 12, 31), raw, "approximate"
        )
    if m := _PART_YEAR.fullmatch(s):
        year = int(m[2])
        lo, hi = _YEAR_PARTS[m[1]]
        return DateSpan(_dt.date(year, lo, 1), _last_day(year, hi), raw, "approximate")
    if (m := _MONTH_YEAR.fullmatch(s)) and m[1] in _MONTHS:
        return _month(raw, int(m[2]), _MONTHS[m[1]])
    if (m := _DAY_MONTH_YEAR.fullmatch(s)) and m[2] in _MONTHS:
        return _day(raw, int(m[3]), _MONTHS[m[2]], int(m[1]))
    if (m := _MONTH_DAY_YEAR.fullmatch(s)) and m[1] in _MONTHS:
        return _day(raw, int(m[3]), _MONTHS[m[1]], int(m[2]))
    raise _bad(raw)


def holds_on(interval: Interval, at: DateSpan) -> Certainty | None:
    """Whether something that held during ``interval`` held on the date ``at``.

    * ``"certain"``: it surely held on every day ``at`` could be — the start is known and
      ``start.latest <= at.earliest``, and the end is open or ``at.latest <= end.earliest``;
    * ``"possible"``: it may have held on some day ``at`` could be —
      ``start.earliest <= at.latest`` and (open end or ``at.earliest <= end.latest``), an
      unknown bound counting as "could be anything";
    * ``None``: it surely did not.

    An unknown start (no start, or a start without bounds) allows "possible" at most.
    """
    start, end = interval.start, interval.end
    lo = at.earliest or _dt.date.min
    hi = at.latest or _dt.date.max
    # possible?
    if start is not None and start.earliest is not None and start.earliest > hi:
        return None
    if end is not None and end.latest is not None and end.latest < lo:
        return None
    # certain?
    start_ok = start is not None and start.latest is not None and at.earliest is not None \
        and start.latest <= at.earliest
    if end is None:
        end_ok = True
    else:
        end_ok = end.earliest is not None and at.latest is not None and at.latest <= end.earliest
    return "certain" if start_ok and end_ok else "possible"
