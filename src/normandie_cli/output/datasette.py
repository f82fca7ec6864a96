"""Datasette's metadata.json for the SQLite export: the title, licence, sources and credits
that go with the database when it is published, and the labels Datasette shows for ids.

The format is Datasette's own (docs.datasette.io, "Metadata"): top-level `title`,
`description`, `license`, `license_url` and `source`, shown on the index page and in the
footer of every page; then `databases.<name>.tables.<table>` with a `description` and, for
the vocabularies, the `label_column` that names their ids where other tables refer to them.
`description` is plain text, which Datasette escapes: nothing from the data is ever read as
HTML. Words are in the interface language; names are the data's own.
"""

from __future__ import annotations

from normandie_cli.i18n import _, group_digits, human_date, localized
from normandie_cli.models import Dataset, PartialDate, RecordKind
from normandie_cli.output.json import to_json_object
from normandie_cli.output.sqlite_views import SEARCHED
from normandie_cli.summary import Attribution, dataset_summary

# Licences whose deed has a well-known address; another licence is named without a link.
LICENCE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}


def datasette_metadata(dataset: Dataset, database: str) -> str:
    """The metadata of the database that Datasette serves as `database` (the file's name
    without its extension: `normandie.db` is `normandie`)."""
    meta = dataset.meta
    summary = dataset_summary(dataset)
    counts = _(
        "{title}, version {version}, updated {updated}: {startups} startups, {organizations}"
        " organisations, {events} events and {cities} communes of Normandy. Every record cites"
        " its sources: the sources table, joined to the records by record_sources."
    ).format(
        title=meta.title,
        version=meta.version,
        updated=human_date(meta.updated),
        **{kind: group_digits(count) for kind, count in summary.counts.items()},
    )
    description = counts
    if summary.attributions:
        credits = "; ".join(_credit(item) for item in summary.attributions)
        description += " " + _("Open data reused, with its licence: {credits}.").format(
            credits=credits
        )
    metadata: dict[str, object] = {
        "title": meta.title,
        "description": description,
        "license": meta.licence,
        **({"license_url": LICENCE_URLS[meta.licence]} if meta.licence in LICENCE_URLS else {}),
        "source": _("{count} sources, cited record by record (the sources table)").format(
            count=group_digits(summary.counts["sources"])
        ),
        "databases": {database: {"tables": _tables()}},
    }
    return to_json_object(metadata)


def _credit(item: Attribution) -> str:
    """'publisher, “title”, last updated 26 Feb 2025, licence, address', as `info` credits it."""
    parts = [item.publisher, f"“{item.title}”"]
    if item.updated:
        parts.append(
            _("last updated {date}").format(date=human_date(PartialDate.parse(item.updated)))
        )
    parts += [item.licence, item.url]
    return ", ".join(parts)


def _tables() -> dict[str, dict[str, str]]:
    """What each main table holds, and the label of each vocabulary in the interface
    language."""
    searched = _("Search: names and descriptions ({table}_fts).")
    tables = {
        "startups": _("Startups, one row a company."),
        "organizations": _("Organisations that support startups: incubators, schools, labs…"),
        "events": _("Events: meetups, conferences, contests; dates are partial when sources are."),
        "sources": _("Every source a record cites; record_sources says which record cites which."),
        "startups_labelled": _("The startups with their city and sector names."),
        "organizations_labelled": _("The organisations with their city and kind names."),
        "events_labelled": _("The events with their city, kind and organiser names."),
    }
    described = {
        table: {
            "description": f"{text} {searched.format(table=table)}" if table in SEARCHED else text
        }
        for table, text in tables.items()
    }
    label = localized("name_fr", "name_en")
    vocabularies = (
        RecordKind.SECTOR,
        RecordKind.ORGANIZATION_KIND,
        RecordKind.EVENT_KIND,
        RecordKind.CONTEST,
    )
    return {**described, **{kind.value: {"label_column": label} for kind in vocabularies}}
