"""Recurring events, worked out from the editions in the data: what to say when nothing
dated is ahead (the next Codeurs en Seine is not announced yet, but there is one each
November)."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from normandie_cli.frozen import frozen
from normandie_cli.i18n import _, human_date, month_name
from normandie_cli.models import Event, PartialDate

# A series whose last edition is older than this many years is taken to have ended.
ALIVE_YEARS = 3


@frozen
class Series:
    """A series of events as its editions show it."""

    id: str
    name: str
    editions: int
    first_year: int
    yearly: bool  # about one edition a year, most years
    usual_month: int | None  # the month most editions fall in, when most do
    always_that_month: bool  # every edition whose month is known
    last: PartialDate  # the latest edition's last day as known

    @property
    def next_year(self) -> int:
        return self.last.year + 1


def recurring_series(events: Iterable[Event], today: date) -> list[Series]:
    """The series with two dated editions or more, the last of them over and no older than
    ALIVE_YEARS, most recent first."""
    editions: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        if event.series is not None and event.start is not None:
            editions[event.series].append(event)
    found = []
    for series_id, dated in editions.items():
        if len(dated) < 2:
            continue
        last = max(dated, key=lambda e: (e.last_day, e.id))
        last_date = last.end or last.start
        assert last_date is not None  # dated editions only
        if last_date.last_day >= today or today.year - last_date.year > ALIVE_YEARS:
            continue
        years = Counter(e.start.year for e in dated if e.start is not None)
        span = max(years) - min(years) + 1
        months = Counter(e.start.month for e in dated if e.start and e.start.month)
        month, count = months.most_common(1)[0] if months else (None, 0)
        found.append(
            Series(
                id=series_id,
                name=_series_name([e.name for e in dated]),
                editions=len(dated),
                first_year=min(years),
                yearly=len(years) >= 0.7 * span and len(dated) <= 1.5 * len(years),
                usual_month=month if count * 2 > sum(months.values()) else None,
                always_that_month=count == sum(months.values()),
                last=last_date,
            )
        )
    return sorted(found, key=lambda s: (s.last.last_day, s.id), reverse=True)


def _series_name(names: list[str]) -> str:
    """What the editions' names share: 'Codeurs en Seine 2024' and 'Codeurs en Seine 2025'
    make 'Codeurs en Seine'; 'CaenCamp #53: Rust' and 'CaenCamp #54: Go' make 'CaenCamp'."""
    shared = os.path.commonprefix(names)
    if shared in names:
        return shared
    head, _space, _rest = shared.rpartition(" ")
    return (head or shared).rstrip(" :#-–—(") or names[0]


def describe(series: Series) -> str:
    """'Codeurs en Seine — yearly since 2013, usually in November; last on 19 Nov 2026; no
    date announced for 2027.'"""
    if series.yearly:
        how = _("yearly since {year}").format(year=series.first_year)
    else:
        how = _("{count} editions since {year}").format(
            count=series.editions, year=series.first_year
        )
    if series.usual_month is not None:
        month = month_name(series.usual_month)
        if series.always_that_month:
            how += _(", in {month}").format(month=month)
        else:
            how += _(", usually in {month}").format(month=month)
    last = _("last on {date}").format(date=human_date(series.last))
    if series.yearly:
        next_one = _("no date announced for {year}").format(year=series.next_year)
    else:
        next_one = _("no later date announced")
    line = _("{name} — {how}; {last}; {next}.")
    return line.format(name=series.name, how=how, last=last, next=next_one)
