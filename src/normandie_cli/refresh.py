"""One run of `normandie update`: ask the register about every SIREN and the ministry's open
data for new laureates, resume a run that was cut short, keep what an earlier layer knew for
whatever could not be fetched this time, and build the new layer's text, never writing it
(the command checks it and writes it whole).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from normandie_cli.fetch import Client, FetchError, Unreachable
from normandie_cli.i18n import _
from normandie_cli.models import Dataset, PartialDate, record_fields
from normandie_cli.updates import (
    REGISTER_SOURCE,
    Layer,
    Only,
    Outcome,
    RegisterEntry,
    read_layer_file,
)

PROGRESS_FILE = "register-progress.toml"
# Answers an interrupted run got are used again for this long, then asked again.
RESUME_DAYS = 7
SAVE_EVERY = 10  # register answers between two saves of the progress file
# After this many failed SIRENs in a row, the service is taken to be down for now.
FAILURES_IN_A_ROW = 5

HEADER = (
    "# The updates layer of normandie: what `normandie update` fetched from the company\n"
    "# register (INSEE's base Sirene, through API Recherche d'entreprises) and the ministry's\n"
    "# open data (i-Lab and i-Nov laureates), both under Licence Ouverte 2.0.\n"
    "# Written whole by `normandie update`: run it again rather than editing this file, or\n"
    "# remove it with `normandie update --clear`.\n\n"
)


@dataclass
class Report:
    """What a run did, for its summary."""

    asked: int = 0  # SIRENs asked to the register in this run
    answered: int = 0  # of which the register answered
    resumed: int = 0  # answers taken from an interrupted run
    failed: int = 0
    laureates_fetched: bool = False
    notes: list[str] = field(default_factory=list)  # one line each
    errors: list[str] = field(default_factory=list)  # the failures, one line each


@dataclass
class Run:
    """Everything a run needs besides the network."""

    curated: Dataset  # the dataset and the overlay, without the layer
    previous: Layer | None
    folder: Path
    today: date
    register_url: str
    opendata_url: str
    only: Only | None = None
    dry_run: bool = False
    progress: Callable[[int, int], None] = lambda done, total: None
    reads: Sequence[Path] = ()  # what the command reads, which the progress must not replace
    make_client: Callable[[str], Client] = Client


def progress_path(folder: Path) -> Path:
    return folder / PROGRESS_FILE


def run(job: Run) -> tuple[str, Report]:
    """The new layer's text and what the run did; raises FetchError when nothing at all
    could be fetched (the message says why), and saves its progress on the way."""
    report = Report()
    previous = job.previous
    tables: dict[str, Any] = {
        "refresh": {"date": str(PartialDate.from_date(job.today))},
        "sources": [],
        "register": [],
        "startups": [],
    }
    if job.only is not Only.REGISTER:
        from normandie_cli.opendata import fetch_laureates

        try:
            sources, startups, notes = fetch_laureates(
                job.make_client(job.opendata_url), job.curated, job.today
            )
        except FetchError as error:
            report.errors.append(str(error))
            sources, startups = _previous_laureates(previous)
        else:
            report.laureates_fetched = True
            report.notes += notes
            tables["refresh"]["opendata_url"] = job.opendata_url
        tables["sources"] += sources
        tables["startups"] += startups
    elif previous is not None:
        sources, startups = _previous_laureates(previous)
        tables["sources"] += sources
        tables["startups"] += startups
    if job.only is not Only.OPENDATA:
        sirens = _sirens(job.curated, tables["startups"])
        entries = _ask_register(job, sirens, report)
        tables["refresh"]["register_url"] = job.register_url
    else:
        entries = list(previous.entries) if previous else []
    if entries:
        tables["sources"].insert(0, register_source(job.register_url, job.today))
        tables["register"] = [record_fields(entry) for entry in entries]
    fetched = report.answered or report.resumed or report.laureates_fetched
    if report.errors and not fetched:
        raise FetchError(_("{reason}; nothing was changed").format(reason=report.errors[0]))
    import tomli_w

    written = {key: value for key, value in tables.items() if value}
    return HEADER + tomli_w.dumps(written), report


def register_source(url: str, today: date) -> dict[str, str]:
    """The source every register fact cites: INSEE's base Sirene, through the API."""
    return {
        "id": REGISTER_SOURCE,
        "title": (
            "Base Sirene des entreprises et de leurs établissements (INSEE), through API"
            " Recherche d'entreprises (DINUM)"
        ),
        "publisher": "INSEE; DINUM",
        "url": url.rstrip("/") + "/",
        "date": str(PartialDate.from_date(today)),
        "licence": "Licence Ouverte 2.0",
    }


def _previous_laureates(previous: Layer | None) -> tuple[list[Any], list[Any]]:
    """An earlier layer's open-data sources and laureates: kept when they are not fetched."""
    if previous is None:
        return [], []
    sources = [s for s in previous.tables.get("sources", []) if s.get("id") != REGISTER_SOURCE]
    return sources, list(previous.tables.get("startups", []))


def _sirens(dataset: Dataset, laureates: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every SIREN to ask about, once, in the dataset's order, then the new laureates'."""
    found = [s.siren for s in dataset.startups if s.siren]
    found += [row["siren"] for row in laureates if isinstance(row.get("siren"), str)]
    return list(dict.fromkeys(found))


def _ask_register(job: Run, sirens: Sequence[str], report: Report) -> list[RegisterEntry]:
    """The register's answer for each SIREN: from an interrupted run when recent, asked
    otherwise; what cannot be asked keeps the earlier layer's answer, if any."""
    earlier = {e.siren: e for e in job.previous.entries} if job.previous else {}
    answers = _resumable(job)
    report.resumed = sum(1 for s in sirens if s in answers)
    todo = [s for s in sirens if s not in answers]
    client = job.make_client(job.register_url)
    in_a_row = 0
    job.progress(len(sirens) - len(todo), len(sirens))
    try:
        for number, siren in enumerate(todo, start=1):
            from normandie_cli.register import lookup

            report.asked += 1
            try:
                answers[siren] = lookup(client, siren, job.today)
                report.answered += 1
                in_a_row = 0
            except FetchError as error:
                report.failed += 1
                report.errors.append(f"SIREN {siren}: {error}")
                in_a_row += 1
                if isinstance(error, Unreachable) or in_a_row >= FAILURES_IN_A_ROW:
                    stopped = _("stopped asking the register after: {reason}")
                    report.errors[-1] = stopped.format(reason=error)
                    report.failed += len(todo) - number
                    break
            job.progress(len(sirens) - len(todo) + number, len(sirens))
            if number % SAVE_EVERY == 0:
                _save_progress(job, answers)
    except KeyboardInterrupt:
        _save_progress(job, answers)
        raise
    if report.failed:
        _save_progress(job, answers)  # the next run asks only what is missing
    elif not job.dry_run:
        from normandie_cli.files import remove_file

        remove_file(progress_path(job.folder), reads=job.reads)
    for siren in sirens:
        if siren not in answers and siren in earlier:
            answers[siren] = earlier[siren]
    return [answers[s] for s in sirens if s in answers]


def _resumable(job: Run) -> dict[str, RegisterEntry]:
    """The answers an interrupted run saved, from the same service and recent enough."""
    saved = read_layer_file(progress_path(job.folder))
    if saved is None:
        return {}
    if saved.refresh.register_url != job.register_url:
        return {}
    oldest = job.today - timedelta(days=RESUME_DAYS)
    return {e.siren: e for e in saved.entries if e.checked.first_day >= oldest}


def _save_progress(job: Run, answers: Mapping[str, RegisterEntry]) -> None:
    """The answers so far, all or nothing, for the next run to resume from."""
    if job.dry_run or not answers:
        return
    import tomli_w

    from normandie_cli.files import make_folder, write_file

    tables = {
        "refresh": {
            "date": str(PartialDate.from_date(job.today)),
            "register_url": job.register_url,
        },
        "register": [record_fields(entry) for entry in answers.values()],
    }
    make_folder(job.folder)
    write_file(progress_path(job.folder), tomli_w.dumps(tables), force=True, reads=job.reads)


def outcome_notes(
    dataset: Dataset, entries: Sequence[RegisterEntry], names: Mapping[str, str]
) -> list[str]:
    """One line for each SIREN the register could not place or tell about."""
    communes = {c.insee for c in dataset.cities}
    notes = []
    for entry in entries:
        who = f"SIREN {entry.siren} ({names.get(entry.siren, '?')})"
        if entry.outcome is Outcome.UNKNOWN:
            notes.append(_("{who}: the register has no company with this number").format(who=who))
        elif entry.outcome is Outcome.NON_DIFFUSIBLE:
            hidden = _("{who}: not public in the register (non-diffusible): nothing taken")
            notes.append(hidden.format(who=who))
        elif entry.commune and entry.commune not in communes:
            outside = _("{who}: head office in {commune} ({code}), outside Normandy: no city set")
            notes.append(
                outside.format(who=who, commune=entry.commune_name or "?", code=entry.commune)
            )
    return notes
