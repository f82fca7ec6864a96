"""Places as people name them: communes by name or alias, a city's whole agglomeration (its
scene), the two former regions and the departments, and how many records each city has."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from normandie_cli.errors import UsageError
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.models import (
    City,
    Dataset,
    Department,
    Event,
    FormerRegion,
    Organization,
    Startup,
)
from normandie_cli.text import did_you_mean, fold

DEFAULT_SCENES = ("caen", "rouen", "le-havre")
# What --city takes for the records whose city is not known (in English or French).
UNKNOWN_CITY = "unknown"
_UNKNOWN_WORDS = frozenset({UNKNOWN_CITY, "inconnue", "inconnu"})

# The cities a place filter keeps; None stands for "city not known".
Places = frozenset[str | None]


@frozen
class Scene:
    """A place as people talk about it: a city's whole agglomeration, or one commune."""

    id: str
    name: str
    cities: frozenset[str]
    subtitle: str | None = None  # what the scene is: its agglomeration, or its departments
    cityless: bool = False  # stands for the records whose city is unknown


def resolve_scene(dataset: Dataset, text: str) -> Scene:
    """'rouen', 'Rouen' or 'le petit-quevilly' -> the Rouen agglomeration's communes.

    An agglomeration's own name works too. A commune outside any agglomeration is a scene
    of its own; `unknown` stands for the records whose city is not known. Raises UsageError
    with suggestions when nothing matches.
    """
    key = fold(text)
    if key in _UNKNOWN_WORDS:
        return _cityless()
    for agglomeration in dataset.agglomerations:
        if key in (fold(agglomeration.id), fold(agglomeration.name)):
            return _agglomeration_scene(dataset, agglomeration.id)
    _not_a_wider_place(dataset, text)
    city = resolve_commune(dataset, text)
    if city.agglomeration is None:
        return Scene(city.id, city.name, frozenset({city.id}))
    return _agglomeration_scene(dataset, city.agglomeration)


def _agglomeration_scene(dataset: Dataset, agglomeration_id: str) -> Scene:
    agglomeration = next(a for a in dataset.agglomerations if a.id == agglomeration_id)
    seat = next(c for c in dataset.cities if c.id == agglomeration.seat)
    return Scene(seat.id, seat.name, frozenset(agglomeration.members), agglomeration.name)


class CompareBy(StrEnum):
    """What `compare` puts side by side."""

    CITY = "city"
    REGION = "region"
    DEPARTMENT = "department"


REGION_NAMES = {
    FormerRegion.BASSE_NORMANDIE: "Basse-Normandie",
    FormerRegion.HAUTE_NORMANDIE: "Haute-Normandie",
}


def _cityless() -> Scene:
    """The scene of the records whose city is unknown (named in the chosen language)."""
    return Scene("city-unknown", _("City unknown"), frozenset(), _("records with no city"), True)


def region_scenes(dataset: Dataset) -> list[Scene]:
    """The two former regions (the 2016 merger), then the records whose city is unknown."""
    scenes = []
    for region, name in REGION_NAMES.items():
        departments = [d for d in dataset.departments if d.former_region is region]
        cities = frozenset(c.id for c in dataset.cities if c.former_region is region)
        subtitle = ", ".join(d.name for d in departments)
        scenes.append(Scene(region.value, name, cities, subtitle))
    return [*scenes, _cityless()]


def department_scenes(dataset: Dataset) -> list[Scene]:
    """Each department, then the records whose city is unknown."""
    scenes = [
        Scene(
            d.id,
            d.name,
            frozenset(c.id for c in dataset.cities if c.department == d.id),
            REGION_NAMES[d.former_region],
        )
        for d in sorted(dataset.departments, key=lambda d: d.id)
    ]
    return [*scenes, _cityless()]


def _not_a_wider_place(dataset: Dataset, text: str) -> None:
    """--city 76 or --city calvados: say which option takes a department or a region."""
    if _find_department(dataset, text) is not None:
        wider = _("{text!r} is a department: use --department {text}")
    elif _find_region(text) is not None:
        wider = _("{text!r} is a former region: use --region {text}")
    else:
        return
    raise UsageError(wider.format(text=text))


def _find_department(dataset: Dataset, text: str) -> Department | None:
    key = fold(text)
    return next((d for d in dataset.departments if key in (fold(d.id), fold(d.name))), None)


def _find_region(text: str) -> FormerRegion | None:
    key = fold(text)
    return next(
        (region for region, name in REGION_NAMES.items() if key in (region.value, fold(name))),
        None,
    )


def departments(dataset: Dataset, texts: Sequence[str]) -> Places | None:
    """The city ids of the departments --department names (by number or name); None when
    not given."""
    if not texts:
        return None
    places: set[str | None] = set()
    for text in texts:
        department = _find_department(dataset, text)
        if department is None:
            known = [f"{d.id} ({d.name})" for d in sorted(dataset.departments, key=lambda d: d.id)]
            unknown = _("unknown department {text!r}{suggestion}. Departments: {known}.")
            names = [d.name for d in dataset.departments]
            raise UsageError(
                unknown.format(
                    text=text, suggestion=did_you_mean(text, names), known=", ".join(known)
                )
            )
        places |= {c.id for c in dataset.cities if c.department == department.id}
    return frozenset(places)


def regions(dataset: Dataset, texts: Sequence[str]) -> Places | None:
    """The city ids of the former regions --region names; None when not given."""
    if not texts:
        return None
    places: set[str | None] = set()
    for text in texts:
        region = _find_region(text)
        if region is None:
            names = [r.value for r in REGION_NAMES]
            unknown = _("unknown region {text!r}{suggestion}. Regions: {known}.")
            raise UsageError(
                unknown.format(
                    text=text, suggestion=did_you_mean(text, names), known=", ".join(names)
                )
            )
        places |= {c.id for c in dataset.cities if c.former_region is region}
    return frozenset(places)


def resolve_commune(dataset: Dataset, text: str) -> City:
    """One commune by id, name or alias, ignoring case, accents and separators.

    An id wins over a name and a name over an alias; a name shared by several communes
    (there are Bénouvilles in Calvados and in Seine-Maritime) asks which one is meant.
    """
    key = fold(text)
    for named in (
        lambda c: c.id == key,  # an id is a slug, which folds to itself: no need to fold 2,650
        lambda c: fold(c.name) == key,
        lambda c: any(fold(alias) == key for alias in c.aliases),
    ):
        found = [c for c in dataset.cities if named(c)]
        if len(found) == 1:
            return found[0]
        if found:
            choices = ", ".join(f"{c.id} ({c.name}, {c.department})" for c in found)
            raise UsageError(
                _("{text!r} names several communes: {choices}. Give the id.").format(
                    text=text, choices=choices
                )
            )
    names = [name for city in dataset.cities for name in (city.name, *city.aliases)]
    raise UsageError(
        _(
            "unknown city {text!r}{suggestion}. Run `normandie cities --all` to see the known"
            " cities."
        ).format(text=text, suggestion=did_you_mean(text, names))
    )


def union_of_scenes(dataset: Dataset, texts: Sequence[str]) -> Places | None:
    """The city ids that --city values cover (OR within the flag), None among them for
    `unknown`; None when the option is not given."""
    if not texts:
        return None
    places: set[str | None] = set()
    for text in texts:
        scene = resolve_scene(dataset, text)
        places |= {None} if scene.cityless else scene.cities
    return frozenset(places)


def communes(dataset: Dataset, texts: Sequence[str]) -> Places | None:
    """The city ids that --commune values name; None when not given."""
    if not texts:
        return None
    return frozenset(resolve_commune(dataset, t).id for t in texts)


def city_counts(dataset: Dataset) -> dict[str, dict[str, int]]:
    """For each city id: how many startups, organisations and events it has."""
    counts = {c.id: {"startups": 0, "organizations": 0, "events": 0} for c in dataset.cities}
    tables: tuple[tuple[str, Sequence[Startup | Organization | Event]], ...] = (
        ("startups", dataset.startups),
        ("organizations", dataset.organizations),
        ("events", dataset.events),
    )
    for name, records in tables:
        for record in records:
            if record.city is not None:
                counts[record.city][name] += 1
    return counts


def compared_scenes(dataset: Dataset, by: CompareBy, places: Sequence[str]) -> list[Scene]:
    """The scenes `compare` puts side by side: the cities named (each scene once), by default
    Caen, Rouen and Le Havre; or the fixed groups of a region or department comparison."""
    if by is not CompareBy.CITY and places:
        raise UsageError(
            _("--by {by} compares fixed groups: leave out the cities").format(by=by.value)
        )
    if by is CompareBy.REGION:
        return region_scenes(dataset)
    if by is CompareBy.DEPARTMENT:
        return department_scenes(dataset)
    resolved = [resolve_scene(dataset, place) for place in places or DEFAULT_SCENES]
    return list({scene.id: scene for scene in resolved}.values())
