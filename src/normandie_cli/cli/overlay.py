"""`normandie overlay`: review what your overlay changes, or export it for the maintainers."""

from pathlib import Path
from typing import Annotated

import typer

from normandie_cli.cli.context import settings
from normandie_cli.cli.options import CsvOption, FormatOption, JsonOption
from normandie_cli.errors import UsageError
from normandie_cli.i18n import _
from normandie_cli.output.formats import OutputFormat

app = typer.Typer(
    help=_(
        "Review what your overlay adds, replaces (field by field) and retires, or export it."
        "\n\nExamples:\n\n  normandie overlay --json"
        "\n\n  normandie overlay export -o my-changes.toml\n\n  normandie overlay undo"
    ),
    invoke_without_command=True,
)


@app.callback()
def overlay_review(
    ctx: typer.Context,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List what your overlay adds, replaces (field by field) and retires."""
    if ctx.invoked_subcommand is not None:
        return
    from normandie_cli.overlay import read_overlay
    from normandie_cli.overlay_review import ENTRY_COLUMNS, entry_rows, overlay_entries

    given = settings(ctx)
    path = given.overlay_path()
    output = given.env.choose_format(fmt, as_json, as_csv)
    entries = overlay_entries(given.base_dataset(), given.dataset, read_overlay(path))
    if output is OutputFormat.TABLE:
        if not entries:
            empty = _("Your overlay ({path}) changes nothing yet. Start with `normandie add`.")
            given.env.say(empty.format(path=path))
            return
        from normandie_cli.output.render import overlay_table

        given.env.print(overlay_table(entries, str(path)))
        return
    from normandie_cli.output.formats import format_rows

    given.env.write(format_rows(output, entry_rows(entries), list(ENTRY_COLUMNS)))


@app.command("export")
def overlay_export(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FILE", readable=False, help=_("The file to write.")
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help=_("Replace FILE if it exists."))] = False,
) -> None:
    """Write your overlay's changes to a file of their own, to send to the maintainers.

    Examples:

      normandie add startup --name "Ma Startup" --source https://example.org/a && normandie overlay export -o my-changes.toml

      normandie add startup --name "Ma Startup" --source https://example.org/a && normandie overlay export -o my-changes.toml && normandie --overlay my-changes.toml validate
    """  # noqa: E501 (examples are run as written, one per line)
    from normandie_cli.files import write_file
    from normandie_cli.overlay import overlay_ids, read_overlay
    from normandie_cli.overlay_review import changes_document
    from normandie_cli.validation import RETIRED

    given = settings(ctx)
    path = given.overlay_path()
    raw = read_overlay(path)
    if not overlay_ids(raw) and not raw.get(RETIRED):
        empty = _("your overlay ({path}) changes nothing: there is nothing to export")
        raise UsageError(empty.format(path=path))
    document = changes_document(given.dataset, raw, given.today)
    write_file(output, document, force=force, reads=given.read_paths())
    given.env.say(_("Wrote your changes to {path}.").format(path=output))


@app.command("undo")
def overlay_undo(
    ctx: typer.Context,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help=_("Show what would be put back, as a diff; change nothing.")
        ),
    ] = False,
) -> None:
    """Take back the last change that add, edit or retire made to your overlay.

    Examples:

      normandie add startup --name "Ma Startup" --source https://example.org/a && normandie overlay undo --dry-run

      normandie add startup --name "Ma Startup" --source https://example.org/a && normandie overlay undo

    Each change keeps the overlay's text before it in a history beside the file (the last
    20); undo puts it back, one change at a time. It refuses when the file was edited
    since that change, which undoing would lose.
    """  # noqa: E501 (examples are run as written, one per line)
    from normandie_cli.overlay_changes import undo_change

    given = settings(ctx)
    path = given.overlay_path()
    undone = undo_change(path, given.data, dry_run=dry_run, reads=given.data_paths())
    if undone is None:
        nothing = _(
            "Nothing to undo: the history of your overlay ({path}) keeps no change made by"
            " `normandie add`, `edit` or `retire`."
        )
        given.env.say(nothing.format(path=path))
        return
    change = undone.change.described()
    if dry_run:
        import difflib

        lines = difflib.unified_diff(
            undone.current.splitlines(),
            undone.restored.splitlines(),
            str(path),
            _("{path}, after undo").format(path=path),
            lineterm="",
        )
        given.env.write_inert("".join(line + "\n" for line in lines))
        would = _("Would undo {change}; nothing was changed (--dry-run).")
        given.env.say(would.format(change=change))
        return
    given.env.say(
        _("Undid {change}: {path} is as it was before it.").format(change=change, path=path)
    )
