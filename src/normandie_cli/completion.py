"""What the shell offers on Tab: the dataset's own values, matched the way people type them.

The values come from a completion index: plain data (ids, names, counts) made from the
dataset once (`completion_index`) and kept in the cache beside it (cache.write_index), so a
key press reads neither the TOML nor the whole dataset. The choices are made from the index
in the language of the moment (`index_choices`), by the same code whether the index was just
made or read back. This module imports neither the models nor anything heavy at import:
Tab completion's quick path (cli/tab.py) runs it with the standard library alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from functools import partial

from normandie_cli.i18n import N_, Language, _, language, localized
from normandie_cli.text import fold, slugify

# typing.TYPE_CHECKING without importing typing, which would cost Tab's quick path (cli/tab.py)
# more than this module does.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from normandie_cli.models import Dataset, RecordKind

# Longer descriptions would wrap, and a shell reads a wrapped line as another suggestion.
DESCRIPTION_WIDTH = 50

Index = Mapping[str, "Any"]
# Bump when the index changes shape: an index of another shape is made again.
INDEX_FORMAT = 4


class Completable(StrEnum):
    """The kinds of dataset value an option or argument takes."""

    CITY = "city"
    SECTOR = "sector"
    ORGANIZATION_KIND = "organization-kind"
    TAG = "tag"
    ORGANIZER = "organizer"
    DEPARTMENT = "department"
    REGION = "region"
    RECORD_ID = "record-id"


class Choice:
    """One value to offer, with the words a shell may show beside it.

    A value that is not `useful` (a commune with no record) is offered only when no useful
    value matches what was typed, so an empty Tab lists what gives results, not all 2,650
    communes of Normandy. `folded` is the value's matching key (text.fold). The description
    may be given as a function that makes it, called only for a value that is offered.
    (A plain class: the dataclasses module would cost Tab's quick path more than all the
    rest of what it imports.)
    """

    __slots__ = ("_description", "folded", "useful", "value")

    def __init__(
        self,
        value: str,
        description: str | Callable[[], str] = "",
        useful: bool = True,
        folded: str | None = None,
    ) -> None:
        self.value = value
        self._description = description
        self.useful = useful
        self.folded = fold(value) if folded is None else folded

    @property
    def description(self) -> str:
        if not isinstance(self._description, str):
            self._description = self._description()
        return self._description

    def __repr__(self) -> str:
        return f"Choice({self.value!r}, {self.description!r}, useful={self.useful})"


_COUNTED = {
    "startups": N_("{n} startups"),
    "organizations": N_("{n} organisations"),
    "events": N_("{n} events"),
}
# By RecordKind value: the table's name.
_SINGULAR = {
    "startups": N_("startup"),
    "organizations": N_("organisation"),
    "events": N_("event"),
    "cities": N_("city"),
    "sources": N_("source"),
    "agglomerations": N_("agglomeration"),
    "sectors": N_("sector"),
    "organization_kinds": N_("organisation kind"),
    "event_kinds": N_("event kind"),
    "contests": N_("contest"),
    "departments": N_("department"),
}


def completion_index(dataset: Dataset) -> dict[str, Any]:
    """What Tab offers from this dataset, as plain values: for each kind of value
    (Completable), columns of equal length in the order the choices come in: `values`,
    their `folded` forms (None where the same as the value), `useful` where not all are,
    and what the descriptions are made of. Columns of text and numbers rather than a tuple
    per value: they are read back (marshal) in a fraction of the time."""
    from normandie_cli.models import RecordKind, Source, Term
    from normandie_cli.places import REGION_NAMES, city_counts

    counts = city_counts(dataset)
    cities = _columns([city.id for city in dataset.cities])
    cities["names"] = [city.name for city in dataset.cities]
    cities["departments"] = [city.department for city in dataset.cities]
    numbers = [tuple(counts[city.id][table] for table in _COUNTED) for city in dataset.cities]
    cities["counts"] = [n for three in numbers for n in three]
    cities["useful"] = [any(three) for three in numbers]
    organizing = {o for event in dataset.events for o in event.organizers}
    named = [(o.id, o.name) for o in dataset.organizations]
    named += [(s.id, s.name) for s in dataset.startups]
    named = [(i, name) for i, name in named if i in organizing]
    organizers = _named(named)
    seen: set[str] = set()
    found: list[tuple[str, str, str | None, str | None, bool]] = []
    name: str | None
    for kind in RecordKind:
        for record in dataset.records(kind):
            if record.id in seen:  # `show` finds the first kind that has the id
                continue
            seen.add(record.id)
            if isinstance(record, Term):
                name, english = record.name_fr, record.name_en
            elif isinstance(record, Source):
                name, english = record.title_fr, record.title
            else:
                name = str(getattr(record, "name", None) or getattr(record, "title", ""))
                english = None
            useful = kind is not RecordKind.CITY or any(counts[record.id].values())
            found.append((record.id, kind.value, name, english, useful))
    records = _columns([entry[0] for entry in found])
    for column, position in (("kinds", 1), ("names", 2), ("english", 3), ("useful", 4)):
        records[column] = [entry[position] for entry in found]
    # Keyed by the Completable's text: the index is stored with marshal, which knows no enum.
    return {
        Completable.CITY.value: cities,
        Completable.SECTOR.value: _terms(dataset.sectors),
        Completable.ORGANIZATION_KIND.value: _terms(dataset.organization_kinds),
        Completable.TAG.value: _columns(sorted({t for s in dataset.startups for t in s.tags})),
        Completable.ORGANIZER.value: organizers,
        Completable.DEPARTMENT.value: _named(
            [(d.id, d.name) for d in sorted(dataset.departments, key=lambda d: d.id)]
        ),
        Completable.REGION.value: _named(
            [(region.value, name) for region, name in REGION_NAMES.items()]
        ),
        Completable.RECORD_ID.value: records,
    }


def _columns(values: list[str]) -> dict[str, list[Any]]:
    folded = [fold(value) for value in values]
    return {
        "values": values,
        "folded": [f if f != v else None for v, f in zip(values, folded, strict=True)],
    }


def _named(named: list[tuple[str, str]]) -> dict[str, list[Any]]:
    """Values described by a name: (value, name) pairs."""
    columns = _columns([value for value, _name in named])
    columns["names"] = [name for _value, name in named]
    return columns


def _terms(terms: Sequence[Any]) -> dict[str, list[Any]]:
    columns = _columns([term.id for term in terms])
    columns["names"] = [term.name_fr for term in terms]
    columns["english"] = [term.name_en for term in terms]
    return columns


def index_choices(index: Index, what: Completable, incomplete: str | None = None) -> list[Choice]:
    """Every value of this kind that the dataset knows, in a stable order, described (when
    it is offered) in the chosen language; with `incomplete`, only those `matching` may
    offer for it (the others are never made: 2,650 communes cost a key press)."""
    columns = index[what]
    values = columns["values"]
    folded = [v if f is None else f for v, f in zip(values, columns["folded"], strict=True)]
    useful = columns.get("useful") or [True] * len(values)
    places: Sequence[int] = range(len(values))
    if incomplete is not None:
        key = fold(incomplete)
        places = [
            at for at in places if _offered(values[at], folded[at], incomplete, key) is not None
        ]
    describe = _describer(what, columns)
    choices = [Choice(values[at], partial(describe, at), useful[at], folded[at]) for at in places]
    if what not in (Completable.SECTOR, Completable.ORGANIZATION_KIND) or (
        language() is not Language.FR
    ):
        return choices
    # In French, the French labels come first, as one word a shell completes whole
    # (`economie-circulaire`, which options read as the label): an id is then offered only
    # when no French label matches what was typed.
    french = [Choice(slugify(name), name) for name in columns["names"]]
    named = {choice.value for choice in french}
    for choice in choices:
        choice.useful = False
    return french + [choice for choice in choices if choice.value not in named]


def _describer(what: Completable, columns: Mapping[str, Any]) -> Callable[[int], str]:
    """What tells a value of this kind, by its place in the columns."""
    names = columns.get("names", ())
    english = columns.get("english", ())
    if what is Completable.CITY:
        counted = [_(text) for text in _COUNTED.values()]
        departments, counts = columns["departments"], columns["counts"]

        def city(at: int) -> str:
            numbers = [
                text.format(n=n)
                for text, n in zip(counted, counts[3 * at : 3 * at + 3], strict=True)
                if n
            ]
            described = f"{names[at]} ({departments[at]})"
            return described + ": " + ", ".join(numbers) if numbers else described

        return city
    if what in (Completable.SECTOR, Completable.ORGANIZATION_KIND):
        return lambda at: localized(names[at], english[at])
    if what is Completable.TAG:
        return lambda at: ""
    if what in (Completable.ORGANIZER, Completable.DEPARTMENT, Completable.REGION):
        return lambda at: str(names[at])
    kinds = columns["kinds"]

    def record(at: int) -> str:
        name = names[at] if english[at] is None else localized(names[at], english[at])
        singular = _(_SINGULAR[kinds[at]])
        return f"{singular}: {name}" if name else singular

    return record


def matching(choices: Iterable[Choice], incomplete: str) -> list[tuple[str, str]]:
    """The choices that start with what was typed, case, accents and separators ignored.

    A shell keeps only suggestions that start with the typed text, so a choice found through
    folding is offered as the typed text followed by the rest of the value: `Év` offers
    `Évreux`, which names Évreux as well as `evreux` does.
    """
    key = fold(incomplete)
    if incomplete and not key:  # only separators or punctuation typed: nothing to match
        return []
    found: list[tuple[Choice, str]] = []
    for choice in choices:
        offered = _offered(choice.value, choice.folded, incomplete, key)
        if offered is not None:
            found.append((choice, offered))
    useful = [pair for pair in found if pair[0].useful]
    return [(value, choice.description) for choice, value in useful or found]


def _offered(value: str, folded: str, incomplete: str, key: str) -> str | None:
    """What a value is offered as for what was typed (`key`: its folded form), if at all."""
    if value.startswith(incomplete):
        return value
    if not folded.startswith(key):
        return None
    rest = folded[len(key) :]
    if not incomplete[-1].isalnum():
        rest = rest.lstrip("-")
    return incomplete + rest


def short_description(text: str) -> str:
    """A description cut to DESCRIPTION_WIDTH characters, an ellipsis ending what was cut."""
    limit = DESCRIPTION_WIDTH
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def complete_fields(
    names: Sequence[str], incomplete: str, *, separator: str | None = None
) -> list[str]:
    """Field names that start with what was typed (exactly: fields are spelt one way).

    With a separator (`--columns id,na`), the last item is completed, the items already
    given are kept in front, and a name is not offered twice.
    """
    if separator is None:
        return [name for name in names if name.startswith(incomplete)]
    *given, last = incomplete.split(separator)
    head = "".join(f"{item}{separator}" for item in given)
    return [f"{head}{n}" for n in names if n.startswith(last) and n not in given]


def column_choices(kind: RecordKind, incomplete: str) -> list[str]:
    """`--columns` values: this kind's fields, comma-separated."""
    from normandie_cli.columns import field_names

    return complete_fields(field_names(kind), incomplete, separator=",")


def sort_choices(kind: RecordKind, incomplete: str) -> list[str]:
    """`--sort` values: the fields this kind of record can be sorted by."""
    from normandie_cli.sorting import SORT_FIELDS

    return complete_fields(SORT_FIELDS.get(kind, ()), incomplete)
