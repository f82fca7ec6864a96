"""What the shell offers on Tab: the dataset's own values, matched the way people type them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from normandie_cli.columns import field_names
from normandie_cli.i18n import N_, _, localized
from normandie_cli.models import Dataset, RecordKind, Term
from normandie_cli.places import REGION_NAMES, city_counts
from normandie_cli.sorting import SORT_FIELDS
from normandie_cli.text import fold


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


@dataclass(frozen=True, slots=True)
class Choice:
    """One value to offer, with the words a shell may show beside it.

    A value that is not `useful` (a commune with no record) is offered only when no useful
    value matches what was typed, so an empty Tab lists what gives results, not all 2,650
    communes of Normandy.
    """

    value: str
    description: str = ""
    useful: bool = True


_COUNTED = {
    "startups": N_("{n} startups"),
    "organizations": N_("{n} organisations"),
    "events": N_("{n} events"),
}
_SINGULAR = {
    RecordKind.STARTUP: N_("startup"),
    RecordKind.ORGANIZATION: N_("organisation"),
    RecordKind.EVENT: N_("event"),
    RecordKind.CITY: N_("city"),
    RecordKind.SOURCE: N_("source"),
    RecordKind.AGGLOMERATION: N_("agglomeration"),
    RecordKind.SECTOR: N_("sector"),
    RecordKind.ORGANIZATION_KIND: N_("organisation kind"),
    RecordKind.EVENT_KIND: N_("event kind"),
    RecordKind.CONTEST: N_("contest"),
    RecordKind.DEPARTMENT: N_("department"),
}


def dataset_choices(dataset: Dataset, what: Completable) -> list[Choice]:
    """Every value of this kind that the dataset knows, in a stable order."""
    if what is Completable.CITY:
        return _city_choices(dataset)
    if what is Completable.SECTOR:
        return [Choice(t.id, localized(t.name_fr, t.name_en)) for t in dataset.sectors]
    if what is Completable.ORGANIZATION_KIND:
        return [Choice(t.id, localized(t.name_fr, t.name_en)) for t in dataset.organization_kinds]
    if what is Completable.TAG:
        return [Choice(tag) for tag in sorted({t for s in dataset.startups for t in s.tags})]
    if what is Completable.ORGANIZER:
        return _organizer_choices(dataset)
    if what is Completable.DEPARTMENT:
        return [Choice(d.id, d.name) for d in sorted(dataset.departments, key=lambda d: d.id)]
    if what is Completable.REGION:
        return [Choice(region.value, name) for region, name in REGION_NAMES.items()]
    return _record_choices(dataset)


def _city_choices(dataset: Dataset) -> list[Choice]:
    counts = city_counts(dataset)
    choices = []
    for city in dataset.cities:
        count = counts[city.id]
        numbers = [_(_COUNTED[table]).format(n=n) for table, n in count.items() if n]
        described = f"{city.name} ({city.department})"
        if numbers:
            described += ": " + ", ".join(numbers)
        choices.append(Choice(city.id, described, useful=bool(numbers)))
    return choices


def _organizer_choices(dataset: Dataset) -> list[Choice]:
    """Those who organise at least one event: any other id would find nothing."""
    organizing = {o for event in dataset.events for o in event.organizers}
    named = [(o.id, o.name) for o in dataset.organizations]
    named += [(s.id, s.name) for s in dataset.startups]
    return [Choice(i, name) for i, name in named if i in organizing]


def _record_choices(dataset: Dataset) -> list[Choice]:
    """Every record's id; communes without records come only when nothing else matches."""
    counts = city_counts(dataset)
    seen: set[str] = set()
    choices = []
    for kind in RecordKind:
        for record in dataset.records(kind):
            if record.id in seen:  # `show` finds the first kind that has the id
                continue
            seen.add(record.id)
            name = (
                localized(record.name_fr, record.name_en)
                if isinstance(record, Term)
                else str(getattr(record, "name", None) or getattr(record, "title", ""))
            )
            described = f"{_(_SINGULAR[kind])}: {name}" if name else _(_SINGULAR[kind])
            useful = kind is not RecordKind.CITY or any(counts[record.id].values())
            choices.append(Choice(record.id, described, useful))
    return choices


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
        if choice.value.startswith(incomplete):
            found.append((choice, choice.value))
        elif fold(choice.value).startswith(key):
            rest = fold(choice.value)[len(key) :]
            if not incomplete[-1].isalnum():
                rest = rest.lstrip("-")
            found.append((choice, incomplete + rest))
    useful = [pair for pair in found if pair[0].useful]
    return [(value, choice.description) for choice, value in useful or found]


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
    return complete_fields(field_names(kind), incomplete, separator=",")


def sort_choices(kind: RecordKind, incomplete: str) -> list[str]:
    """`--sort` values: the fields this kind of record can be sorted by."""
    return complete_fields(SORT_FIELDS.get(kind, ()), incomplete)
