"""`normandie edit` and `normandie retire`: correct or hide a record through your overlay."""

from typing import Annotated, Any

import typer

from normandie_cli.cli.context import Settings, save_overlay, settings
from normandie_cli.cli.options import (
    CiteOption,
    DryRunOption,
    SourcePublisherOption,
    SourceTitleOption,
    completer,
)
from normandie_cli.completion import Completable
from normandie_cli.errors import UsageError
from normandie_cli.i18n import _
from normandie_cli.models import Dataset
from normandie_cli.overlay_changes import Citing, check_not_retired, correction, retirement
from normandie_cli.overlay_history import ChangeKind
from normandie_cli.text import fold

app = typer.Typer()


@app.command()
def edit(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=_("The record to correct."),
            autocompletion=completer(Completable.RECORD_ID),
        ),
    ],
    assignments: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            help=_("Give a field a new value; lists are comma-separated. Repeatable."),
        ),
    ] = None,
    unset: Annotated[
        list[str] | None,
        typer.Option("--unset", metavar="FIELD", help=_("Empty a field. Repeatable.")),
    ] = None,
    source: CiteOption = None,
    source_title: SourceTitleOption = None,
    source_publisher: SourcePublisherOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Correct a record: a corrected copy goes into your overlay, citing its source.

    Examples:

      normandie add startup --name "Ma Startup" --source https://example.org/a && normandie edit ma-startup --set founded=2025-03 --source https://example.org/a

      normandie add startup --name "Ma Startup" --source https://example.org/a && normandie edit ma-startup --set sectors="big data, crm" --source https://example.org/b
    """  # noqa: E501 (examples are run as written, one per line)
    from normandie_cli import overlay
    from normandie_cli.query import find_record

    given = settings(ctx)
    dataset = curated(given, record_id)
    kind, record = find_record(dataset, record_id)
    changes: dict[str, Any] = {}
    for assignment in assignments or []:
        field, equals, text = assignment.partition("=")
        if not equals:
            wrong = _("--set takes FIELD=VALUE, got {text!r}")
            raise UsageError(wrong.format(text=assignment))
        changes[field.strip()] = overlay.field_value(dataset, kind, field.strip(), text)
    for field in unset or []:
        overlay.check_field(kind, field)
        changes[field] = None
    if not changes:
        raise UsageError(_("nothing to change: give --set FIELD=VALUE or --unset FIELD"))
    loaded = overlay.current_values("", kind, record)
    if overlay.corrected(loaded, kind, changes, ()) == overlay.corrected(loaded, kind, {}, ()):
        same = _("{id!r} already has these values: nothing to change")
        raise UsageError(same.format(id=record.id))
    citing = Citing(tuple(source or ()), source_title, source_publisher)
    change = correction(record.id, changes, citing)
    if save_overlay(given, change, kind=ChangeKind.EDIT, record=record.id, dry_run=dry_run):
        corrected = _("Corrected {id!r} in {path}.")
        given.env.say(corrected.format(id=record.id, path=given.overlay_path()))


@app.command()
def retire(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=_("The record to retire."),
            autocompletion=completer(Completable.RECORD_ID),
        ),
    ],
    reason: Annotated[
        str,
        typer.Option("--reason", metavar="TEXT", help=_("Why: closed, cancelled, merged into…")),
    ],
    source: Annotated[
        list[str],
        typer.Option("--source", metavar="ID|URL", help=_("What states it. Repeatable.")),
    ],
    source_title: SourceTitleOption = None,
    source_publisher: SourcePublisherOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Hide a record that is no longer true; one you added is taken out of your overlay.

    Examples:

      normandie add startup --name "Ma Startup" --source https://example.org/a && normandie retire ma-startup --reason "closed" --source https://example.org/a

      normandie add event --name "Mon Meetup" --source https://example.org/m && normandie retire mon-meetup --reason "cancelled" --source https://example.org/m
    """  # noqa: E501 (examples are run as written, one per line)
    from normandie_cli.overlay_file import read_overlay_text
    from normandie_cli.query import find_record

    given = settings(ctx)
    path = given.overlay_path()
    check_not_retired(read_overlay_text(path), fold(record_id), path)
    dataset = curated(given, record_id)
    kind, record = find_record(dataset, record_id)
    in_base = any(r.id == record.id for r in given.base_dataset().records(kind))
    citing = Citing(tuple(source), source_title, source_publisher)
    change = retirement(record.id, reason, citing, in_base=in_base, path=path, today=given.today)
    if save_overlay(given, change, kind=ChangeKind.RETIRE, record=record.id, dry_run=dry_run):
        retired = _("Retired {id!r} in {path}.")
        given.env.say(retired.format(id=record.id, path=given.overlay_path()))


def curated(given: Settings, record_id: str) -> Dataset:
    """The dataset an overlay change is made to: what people wrote, without the updates
    layer, whose facts are filled in again at every read (an overlay must not copy them)."""
    from normandie_cli.text import fold

    dataset = given.curated_dataset()
    layer = given.dataset.updates
    if layer is not None and fold(record_id) in layer.added:
        from_layer = _(
            "{id!r} comes from `normandie update` (the ministry's open data), not from the"
            " dataset: to correct it, add your own record with `normandie add startup`"
        )
        raise UsageError(from_layer.format(id=record_id))
    return dataset
