"""Hypothesis strategies for records: any text a person could type, valid references."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from conftest import FIXTURES
from hypothesis import strategies as st

from normandie_cli.dataset import load_dataset
from normandie_cli.models import Award, FundingRound, Organization, PartialDate, Startup, Status

EVERY_FIELD = FIXTURES / "every_field.toml"
BASE = load_dataset(EVERY_FIELD)
CITIES = [c.id for c in BASE.cities]
ORGANIZATIONS = [o.id for o in BASE.organizations]
SOURCES = [s.id for s in BASE.sources]

slugs = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
# Any text a person could type, control characters and quotes included, but not blank.
texts = st.text(min_size=1, max_size=30).filter(str.strip)

T = TypeVar("T")


def optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate.from_date(day)


def subsets(items: list[str], min_size: int = 0) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(items), unique=True, min_size=min_size).map(tuple)


amounts = st.integers(min_value=0, max_value=10**12)
source_lists = subsets(SOURCES, min_size=1)

awards = st.builds(
    Award,
    contest=st.just("i-lab"),
    year=st.integers(min_value=1900, max_value=2100),
    category=optional(texts),
    project=optional(texts),
    domain=optional(texts),
    prize=optional(texts),
    amount=optional(amounts),
    sources=subsets(SOURCES),
)
funding_rounds = st.builds(
    FundingRound,
    sources=source_lists,
    amount=optional(amounts),
    currency=st.sampled_from(["EUR", "USD"]),
    date=optional(partial_dates()),
    investors=st.lists(texts, unique=True, max_size=3).map(tuple),
)


def startups(ident: str) -> st.SearchStrategy[Startup]:
    return st.builds(
        Startup,
        id=st.just(ident),
        name=texts,
        sources=source_lists,
        city=optional(st.sampled_from(CITIES)),
        sectors=subsets(["data", "health"]),
        tags=st.lists(slugs, unique=True, max_size=3).map(tuple),
        founded=optional(partial_dates()),
        status=optional(st.sampled_from(Status)),
        website=optional(st.sampled_from(["https://example.org", "http://a.example.com/x?y=1"])),
        siren=optional(st.from_regex(r"[0-9]{9}", fullmatch=True)),
        hosted_by=subsets(ORGANIZATIONS),
        research_units=subsets(ORGANIZATIONS),
        former_names=st.lists(texts, unique=True, max_size=2).map(tuple),
        awards=st.lists(awards, max_size=2).map(tuple),
        funding=st.lists(funding_rounds, max_size=2).map(tuple),
        description=optional(texts),
        description_fr=optional(texts),
    )


def organizations(ident: str) -> st.SearchStrategy[Organization]:
    degrees = st.floats(min_value=-90, max_value=90, allow_nan=False)
    return st.builds(
        Organization,
        id=st.just(ident),
        name=texts,
        kind=st.sampled_from(["incubator", "university"]),
        sources=source_lists,
        city=optional(st.sampled_from(CITIES)),
        aliases=st.lists(texts, unique=True, max_size=2).map(tuple),
        founded=optional(partial_dates()),
        latitude=optional(degrees),
        longitude=optional(degrees),
        rnsr=optional(texts),
        parents=subsets(ORGANIZATIONS),
        description=optional(texts),
        description_fr=optional(texts),
    )
