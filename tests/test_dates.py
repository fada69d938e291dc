"""Dates as intervals of possible days, and whether something held on a date."""

from __future__ import annotations

import datetime as dt

import pytest

from kgraph.dates import DateSpan, Interval, holds_on, parse_date
from kgraph.errors import DateError

D = dt.date


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2019", D(2019, 1, 1), D(2019, 12, 31), "year"),
        ("2019-05", D(2019, 5, 1), D(2019, 5, 31), "month"),
        ("2020-02", D(2020, 2, 1), D(2020, 2, 29), "month"),
        ("2019-05-03", D(2019, 5, 3), D(2019, 5, 3), "day"),
        ("late 1950s", D(1956, 1, 1), D(1959, 12, 31), "approximate"),
        ("early 1980s", D(1980, 1, 1), D(1983, 12, 31), "approximate"),
        ("1990s", D(1990, 1, 1), D(1999, 12, 31), "decade"),
        ("in the 1990s", D(1990, 1, 1), D(1999, 12, 31), "decade"),
        ("December 2023", D(2023, 12, 1), D(2023, 12, 31), "month"),
        ("October 14, 2023", D(2023, 10, 14), D(2023, 10, 14), "day"),
        ("14 October 2023", D(2023, 10, 14), D(2023, 10, 14), "day"),
        ("late 2019", D(2019, 9, 1), D(2019, 12, 31), "approximate"),
    ],
)
def test_user_dates_become_the_span_of_days_they_could_be(
    text: str, earliest: dt.date, latest: dt.date, precision: str
) -> None:
    span = parse_date(text)
    assert (span.earliest, span.latest, span.precision) == (earliest, latest, precision)
    assert span.text == text


@pytest.mark.parametrize("bad", ["", "yesterday-ish", "2019-13", "2019-02-30", "19", "1955s"])
def test_a_malformed_date_is_refused_naming_the_accepted_forms(bad: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(bad)
    assert "accepted forms" in str(caught.value)
    assert "late 1950s" in str(caught.value)


def test_a_span_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(DateError):
        DateSpan(D(2020, 1, 1), D(2019, 1, 1), "backwards")


def _iv(start: str | None, end: str | None) -> Interval:
    return Interval(parse_date(start) if start else None, parse_date(end) if end else None)


def test_a_role_surely_held_inside_its_known_interval() -> None:
    assert holds_on(_iv("2001", "2010"), parse_date("2005-06-01")) == "certain"


def test_open_ended_role_holds_after_its_start() -> None:
    assert holds_on(_iv("2001", None), parse_date("2024")) == "certain"


def test_approximate_start_makes_the_overlap_only_possible() -> None:
    # started in the early 1980s (1980..1983): on 1982-01-01 it may not have begun yet
    assert holds_on(_iv("early 1980s", None), parse_date("1982-01-01")) == "possible"
    assert holds_on(_iv("early 1980s", None), parse_date("1984-01-01")) == "certain"


def test_a_role_that_surely_ended_or_had_not_begun_does_not_hold() -> None:
    assert holds_on(_iv("2001", "2003"), parse_date("2010")) is None
    assert holds_on(_iv("2001", "2003"), parse_date("1999")) is None


def test_unknown_start_allows_possible_at_most() -> None:
    assert holds_on(_iv(None, None), parse_date("2019")) == "possible"
    unbounded = Interval(DateSpan(None, None, "Upon the death of Soleimani", "relative"), None)
    assert holds_on(unbounded, parse_date("2019")) == "possible"


def test_a_question_date_of_a_whole_year_is_certain_only_if_the_whole_year_is_covered() -> None:
    assert holds_on(_iv("2019-06", None), parse_date("2019")) == "possible"
    assert holds_on(_iv("2018", None), parse_date("2019")) == "certain"
