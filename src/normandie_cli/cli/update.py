"""`normandie update`: refresh the updates layer from the company register and the
ministry's open data (the only command that uses the network)."""

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from normandie_cli.cli.context import Environment, Settings, settings
from normandie_cli.errors import NormandieError, UsageError
from normandie_cli.i18n import _
from normandie_cli.models import Dataset, Status
from normandie_cli.updates import Only

if TYPE_CHECKING:
    from normandie_cli.refresh import Report
    from normandie_cli.updates import RegisterEntry

app = typer.Typer()

REGISTER_URL = "NORMANDIE_REGISTER_URL"
OPENDATA_URL = "NORMANDIE_OPENDATA_URL"


@app.command()
def update(
    ctx: typer.Context,
    only: Annotated[
        Only | None,
        typer.Option(
            "--only",
            case_sensitive=False,
            help=_("Ask only the company register, or only the ministry's open data."),
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=_("Show what would change, write nothing.")),
    ] = False,
    clear: Annotated[
        bool,
        typer.Option("--clear", help=_("Remove the updates layer: back to the bundled data.")),
    ] = False,
) -> None:
    """Refresh startups from the company register and the ministry's open data.

    Examples:

      normandie update --dry-run

      normandie update --only register

      normandie update --clear

    For every startup with a SIREN, the register (INSEE's base Sirene, through API
    Recherche d'entreprises) gives its head office's commune, creation date, activity,
    headcount band and whether it has ceased; the ministry's open data gives the i-Lab and
    i-Nov laureates of Normandy the dataset lacks. The result is a layer of its own
    ($XDG_DATA_HOME/normandie/updates/), written whole or not at all: it fills empty fields
    and never replaces a curated one (the command `validate` lists disagreements). At most 7
    requests a second; a run cut short resumes where it stopped. Base addresses:
    NORMANDIE_REGISTER_URL and NORMANDIE_OPENDATA_URL.
    """
    from normandie_cli.folders import LAYER_FILE, updates_folder
    from normandie_cli.refresh import layer_written, progress_path

    given = settings(ctx)
    folder = updates_folder()
    if folder is None:
        homeless = _("there is no home folder to keep the updates layer in: set XDG_DATA_HOME")
        raise NormandieError(homeless)
    layer_path = folder / LAYER_FILE
    if clear:
        if dry_run or only:
            raise UsageError(_("--clear takes no other option"))
        _clear(given, layer_path, progress_path(folder))
        return
    if given.updates is None:
        raise UsageError(_("--no-updates leaves no layer to update: leave it out"))
    from normandie_cli.files import file_state, holding_lock, make_folder, write_file

    # The layer as the run found it: one changed meanwhile (another run, --clear) is kept.
    found = file_state(layer_path)
    with _unforeseen():
        text, report, merged = _refresh(given, folder, layer_path, only, dry_run)
        entries = _entries(layer_path, text)
    _report(given.env, report, merged, entries, dry_run)
    if dry_run:
        given.env.write(_changes(merged))
        given.env.say(_("Checked; nothing was written (--dry-run)."))
        return
    with _unforeseen():
        make_folder(folder)
        with holding_lock(layer_path):
            reads = given.read_paths(updates=False)
            write_file(layer_path, text, force=True, reads=reads, unchanged=found)
            layer_written(folder, report, reads)
    given.env.say(_("Wrote {path}.").format(path=layer_path))


@contextmanager
def _unforeseen() -> Iterator[None]:
    """The one error boundary of `update`, around all it fetches, builds and writes: a fault
    no check foresaw (in what a service sent, or in the code) ends the run in one line, and
    the layer is left as it was (it is written whole, and last)."""
    try:
        yield
    except NormandieError:
        raise
    except Exception as error:  # the answers are another's text: no fault may be a traceback
        fault = _("update stopped on a fault nobody foresaw ({error}); nothing was changed")
        raise NormandieError(fault.format(error=f"{type(error).__name__}: {error}")) from None


def _clear(given: Settings, layer: Path, progress: Path) -> None:
    """Remove the layer and a run's progress, under the layer's lock, as the write path
    would: never what the command reads, a link rather than what it leads to."""
    from normandie_cli.files import holding_lock, remove_file

    if not layer.parent.is_dir():
        removed = False
    else:
        with holding_lock(layer):
            reads = given.read_paths(updates=False)
            removed = remove_file(layer, reads=reads)
            removed = remove_file(progress, reads=reads) or removed
    if not removed:
        given.env.say(_("No updates layer to remove: the data is the bundled one."))
        return
    given.env.say(_("Removed the updates layer {path}.").format(path=layer))


def _refresh(
    given: Settings, folder: Path, layer_path: Path, only: Only | None, dry_run: bool
) -> "tuple[str, Report, Dataset]":
    """Fetch, build the new layer's text, and check it against the dataset."""
    from normandie_cli import opendata, register
    from normandie_cli.fetch import Client
    from normandie_cli.refresh import Run, run
    from normandie_cli.updates import read_layer_file

    curated = given.curated_dataset()
    with _progress_bar(given.env) as progress:
        job = Run(
            curated=curated,
            previous=read_layer_file(layer_path),
            reads=given.read_paths(updates=False),
            folder=folder,
            today=given.today,
            register_url=os.environ.get(REGISTER_URL) or register.DEFAULT_URL,
            opendata_url=os.environ.get(OPENDATA_URL) or opendata.DEFAULT_URL,
            only=only,
            dry_run=dry_run,
            progress=progress,
            make_client=lambda url: Client(url, on_wait=_waiting(given.env)),
        )
        text, report = run(job)
    return text, report, _checked(given, layer_path, text)


def _waiting(env: Environment) -> Callable[[float, str], None]:
    """Each wait before a retry, said in one line as it begins."""

    def say(seconds: float, reason: str) -> None:
        waiting = _("{reason}: waiting {seconds} s before asking again")
        env.say(waiting.format(reason=reason, seconds=f"{seconds:.3g}"), style="yellow")

    return say


def _checked(given: Settings, layer_path: Path, text: str) -> Dataset:
    """The dataset as it will read with the new layer; refuses a layer that breaks it."""
    import tempfile

    from normandie_cli.dataset import load_dataset
    from normandie_cli.errors import DataError

    with tempfile.TemporaryDirectory(prefix="normandie-update-") as folder:
        trial = Path(folder) / layer_path.name
        trial.write_text(text, encoding="utf-8")
        try:
            merged = load_dataset(given.data, given.overlay, trial)
        except DataError as error:
            refused = _("the refreshed layer does not fit the dataset, so nothing was written:")
            raise NormandieError(refused, error.lines()) from None
    return merged


@contextmanager
def _progress_bar(env: Environment) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr when it is a terminal; nothing in a pipe."""
    if not env.stderr_is_terminal():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(
        *Progress.get_default_columns()[:1], *columns, console=Console(stderr=True)
    ) as bar:
        task = bar.add_task(_("Asking the company register"), total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _report(
    env: Environment,
    report: "Report",
    merged: Dataset,
    entries: "Sequence[RegisterEntry]",
    dry_run: bool,
) -> None:
    """The notes, the failures, then the summary: N checked, M communes filled…"""
    from normandie_cli.refresh import outcome_notes
    from normandie_cli.updates import Outcome

    layer = merged.updates
    names = {s.siren: s.name for s in merged.startups if s.siren}
    for note in report.notes + outcome_notes(merged, entries, names):
        env.say(note, style="yellow")
    for error in report.errors:
        env.say(error, style="red")
    sirens = {s.siren for s in merged.startups}
    checked = sum(1 for e in entries if e.outcome is Outcome.FOUND)
    summary = _(
        "{checked} companies checked in the register ({resumed} from the run cut short),"
        " {communes} communes filled, {ceased} found ceased, {laureates} new laureates,"
        " {conflicts} conflicts to review (`normandie validate`)."
    ).format(
        checked=checked,
        resumed=report.resumed,
        communes=sum(1 for o in layer.filled if o.field == "city") if layer else 0,
        ceased=sum(1 for e in entries if e.status is Status.CLOSED and e.siren in sirens),
        laureates=len(layer.added) if layer else 0,
        conflicts=len(layer.conflicts) if layer else 0,
    )
    env.say(summary)
    if report.failed and not dry_run:
        again = _("{count} SIREN(s) could not be checked: run `normandie update` again to retry.")
        env.say(again.format(count=report.failed), style="yellow")


def _entries(layer_path: Path, text: str) -> "tuple[RegisterEntry, ...]":
    """The register's answers the new layer holds."""
    from normandie_cli.dataset import parse_toml
    from normandie_cli.updates import read_layer

    return read_layer(str(layer_path), parse_toml(text.encode("utf-8"), str(layer_path))).entries


def _changes(merged: Dataset) -> str:
    """What the layer changes, as TSV (the writer every machine output uses, so no value
    breaks a row or reaches the terminal as a control): a header, then one line per fill,
    addition or conflict."""
    from normandie_cli.output.formats import OutputFormat, format_rows

    layer = merged.updates
    if layer is None:
        return ""
    startups = {s.id: s for s in merged.startups}
    rows = [
        {
            "change": "fill",
            "id": o.record,
            "field": o.field,
            "value": getattr(startups[o.record], o.field),
        }
        for o in layer.filled
    ]
    rows += [
        {"change": "add", "id": record, "field": "name", "value": startups[record].name}
        for record in layer.added
    ]
    rows += [
        {
            "change": "conflict",
            "id": c.record,
            "field": c.field,
            "value": f"{c.kept} / {c.register}",
        }
        for c in layer.conflicts
    ]
    return format_rows(OutputFormat.TSV, rows, ["change", "id", "field", "value"])
