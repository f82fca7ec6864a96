"""Recurring events worked out from their editions, and said in words."""

from __future__ import annotations

from datetime import date

from normandie_cli.models import Event, PartialDate
from normandie_cli.series import describe, recurring_series


def edition(series: str, name: str, day: str) -> Event:
    return Event(f"{series}-{day}", name, ("src",), series=series, start=PartialDate.parse(day))


YEARLY = [edition("ces", f"Codeurs en Seine {y}", f"{y}-11-2{y % 10}") for y in range(2016, 2027)]
TALKS = ("Rust", "Go", "Kotlin", "Elm", "Zig", "OCaml")
MONTHLY = [edition("meetup", f"Meetup: {t}", f"2026-{m:02d}-10") for m, t in enumerate(TALKS, 1)]


def test_a_yearly_series_names_its_month_and_the_year_to_come() -> None:
    (series,) = recurring_series(YEARLY, date(2026, 12, 3))
    assert (series.name, series.first_year, series.yearly) == ("Codeurs en Seine", 2016, True)
    assert describe(series) == (
        "Codeurs en Seine — yearly since 2016, in November; last on 26 Nov 2026; no date"
        " announced for 2027."
    )


def test_a_series_of_many_editions_counts_them() -> None:
    (series,) = recurring_series(MONTHLY, date(2026, 12, 3))
    assert series.name == "Meetup"
    assert describe(series) == (
        "Meetup — 6 editions since 2026; last on 10 Jun 2026; no later date announced."
    )


def test_a_series_with_an_edition_ahead_or_long_over_is_not_listed() -> None:
    assert recurring_series(YEARLY, date(2026, 11, 1)) == []  # 2026's is still ahead
    assert recurring_series(YEARLY, date(2031, 1, 1)) == []  # over for years
    lone = [edition("once", "Once 2025", "2025-05-05")]
    assert recurring_series(lone, date(2026, 1, 1)) == []


def test_series_come_most_recent_first() -> None:
    found = recurring_series([*MONTHLY, *YEARLY], date(2026, 12, 3))
    assert [s.id for s in found] == ["ces", "meetup"]
