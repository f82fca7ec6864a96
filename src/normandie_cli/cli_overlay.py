"""The commands that grow and correct the data: `add`, `edit`, `retire` and `overlay`.

They write the personal overlay (see overlay.py) and are registered on the app of cli.py,
whose helpers they share; cli.py imports this module once those helpers exist.
"""

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from normandie_cli.cli import (
    CsvOption,
    FormatOption,
    JsonOption,
    _choose_format,
    _completer,
    _console,
    _reporting,
    _say,
    _Settings,
    _settings,
    _write,
    app,
)
from normandie_cli.completion import Completable
from normandie_cli.dataset import RETIRED
from normandie_cli.errors import UsageError
from normandie_cli.export import OutputFormat
from normandie_cli.i18n import _
from normandie_cli.models import RecordKind

RECORD = _("Record")
CITING = _("Sources")


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _overlay_path(settings: _Settings) -> Path:
    if settings.overlay is None:
        raise UsageError(_("--no-overlay leaves no overlay to use: leave it out"))
    return settings.overlay


def _save(settings: _Settings, change: Callable[[str], str], *, dry_run: bool) -> bool:
    """Apply a change to the overlay's text once the whole dataset, amended, checks out;
    True when it was written. With dry_run, check it and print what would be written."""
    from normandie_cli import overlay
    from normandie_cli.dataset import (
        bundled_data_path,
        dataset_files,
        parse_dataset,
        parse_toml,
        read_parts,
    )
    from normandie_cli.errors import DataError

    path = _overlay_path(settings)
    base = settings.data or bundled_data_path()
    parts = read_parts(base, dataset_files(base))

    def check(text: str) -> None:
        amendment = parse_toml(text.encode("utf-8"), str(path), may_be_empty=True)
        try:
            parse_dataset(parts, str(base), (str(path), amendment))
        except DataError as error:
            problems = "\n".join(f"  {p}" for p in error.problems)
            refused = _("nothing was written, because:\n{problems}")
            raise UsageError(refused.format(problems=problems)) from None

    before, after = overlay.update_overlay(path, change, check, dry_run=dry_run)
    if dry_run:
        _write(after[len(before) :].lstrip("\n") if after.startswith(before) else after)
        _say(_("Checked; nothing was written (--dry-run)."))
    return not dry_run


def _ask(label: str, convert: Callable[[str], Any], *, required: bool, hint: str = "") -> Any:
    """Ask on the terminal until the answer converts; an optional question takes Enter."""
    if hint:
        _say(hint, style="dim")
    while True:
        answer: str = typer.prompt(
            label if required else _("{label} (Enter to skip)").format(label=label),
            default=None if required else "",
            show_default=False,
        )
        if not answer.strip():
            if not required:
                return None
            continue
        try:
            return convert(answer)
        except UsageError as error:
            _say(str(error), style="red")


def _add(
    ctx: typer.Context,
    kind: RecordKind,
    given: Mapping[str, str | list[str] | None],
    record_id: str | None,
    sources: list[str] | None,
    source_title: str | None,
    source_publisher: str | None,
    dry_run: bool,
) -> None:
    """Add a record of one kind to the overlay: from options, else asked on a terminal."""
    from normandie_cli import overlay

    with _reporting():
        settings = _settings(ctx)
        dataset = settings.dataset

        def convert(field: str) -> Callable[[str], Any]:
            return lambda text: overlay.field_value(dataset, kind, field, text)

        def cite(texts: list[str]) -> overlay.Citation:
            return overlay.cite(dataset, texts, title=source_title, publisher=source_publisher)

        values: dict[str, Any] = {}
        for field, typed in given.items():
            if typed:
                text = ",".join(typed) if isinstance(typed, list) else typed
                values[field] = convert(field)(text)
        # Sources are what the other records cite; they cite nothing themselves.
        citation = cite(sources) if sources else None
        if kind is RecordKind.SOURCE:
            citation = overlay.Citation(ids=(), new_sources=())
        missing = [f for f in overlay.required_fields(kind) if f not in values]
        if (missing or citation is None) and _stdin_is_terminal():
            for field in overlay.fields_to_ask(kind):
                if field not in values:
                    required = field in missing
                    answer = _ask(
                        _label(field),
                        convert(field),
                        required=required,
                        hint=overlay.choices_hint(dataset, kind, field),
                    )
                    if answer is not None:
                        values[field] = answer
            if citation is None:
                citation = _ask(
                    _("Source (a source id or a web address)"),
                    lambda text: cite([text]),
                    required=True,
                )
        elif missing or citation is None:
            flags = [f"--{f.replace('_', '-')}" for f in missing]
            flags += [] if citation is not None else ["--source"]
            missing_message = _("missing {flags} (or run on a terminal to be asked)")
            raise UsageError(missing_message.format(flags=", ".join(flags)))
        assert citation is not None
        if record_id is None:
            record_id = overlay.new_id(values.get("name") or values["title"])
        else:
            record_id = overlay.check_id(record_id)
        overlay.check_new_id(dataset, record_id)
        record = overlay.new_record(kind, record_id, values, citation.ids)

        def change(text: str) -> str:
            for source in citation.new_sources:
                text = overlay.append_table(text, RecordKind.SOURCE.value, source)
            # A record you retired comes back as this one.
            text = overlay.drop_table(text, RETIRED, record_id)
            return overlay.append_table(text, kind.value, record)

        if _save(settings, change, dry_run=dry_run):
            path = _overlay_path(settings)
            added = _("Added {id!r} to {table} in {path}.")
            _say(added.format(id=record_id, table=kind.value, path=path))
            hint = _(
                "See it with `normandie show {id}`; send your changes with"
                " `normandie overlay export`."
            )
            _say(hint.format(id=record_id), style="dim")


def _label(field: str) -> str:
    from normandie_cli.render import field_heading

    return field_heading(field)


add_app = typer.Typer(
    help=_("Add a startup, organisation, event or source to your overlay."),
    no_args_is_help=True,
)
app.add_typer(add_app, name="add")

IdOption = Annotated[
    str | None,
    typer.Option(
        "--id", help=_("The new record's id. Default: made from its name."), rich_help_panel=RECORD
    ),
]
NameOption = Annotated[
    str | None, typer.Option("--name", help=_("Its name."), rich_help_panel=RECORD)
]
NewCityOption = Annotated[
    str | None,
    typer.Option(
        "--city", metavar="CITY", help=_("Its commune, as you write it."), rich_help_panel=RECORD
    ),
]
WebsiteOption = Annotated[
    str | None,
    typer.Option("--website", metavar="URL", help=_("Its website."), rich_help_panel=RECORD),
]
FoundedOption = Annotated[
    str | None,
    typer.Option(
        "--founded",
        metavar="YYYY[-MM[-DD]]",
        help=_("When it was founded."),
        rich_help_panel=RECORD,
    ),
]
SirenOption = Annotated[
    str | None,
    typer.Option("--siren", metavar="NUMBER", help=_("Its SIREN number."), rich_help_panel=RECORD),
]
DescriptionOption = Annotated[
    str | None,
    typer.Option("--description", metavar="TEXT", help=_("One sentence."), rich_help_panel=RECORD),
]
CiteOption = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        metavar="ID|URL",
        help=_(
            "What states these facts: a source id, or a web address (a new source)."
            " Required; repeatable."
        ),
        rich_help_panel=CITING,
    ),
]
SourceTitleOption = Annotated[
    str | None,
    typer.Option(
        "--source-title",
        metavar="TEXT",
        help=_("The title of a new source given by its address. Default: the address."),
        rich_help_panel=CITING,
    ),
]
SourcePublisherOption = Annotated[
    str | None,
    typer.Option(
        "--source-publisher",
        metavar="TEXT",
        help=_("Who published a new source. Default: its site's name."),
        rich_help_panel=CITING,
    ),
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help=_("Check and print the TOML; write nothing.")),
]


@add_app.command("startup")
def add_startup(
    ctx: typer.Context,
    name: NameOption = None,
    city: NewCityOption = None,
    sector: Annotated[
        list[str] | None,
        typer.Option(
            "--sector", metavar="SECTOR", help=_("A sector. Repeatable."), rich_help_panel=RECORD
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", metavar="TAG", help=_("A tag. Repeatable."), rich_help_panel=RECORD),
    ] = None,
    founded: FoundedOption = None,
    website: WebsiteOption = None,
    siren: SirenOption = None,
    hosted_by: Annotated[
        list[str] | None,
        typer.Option(
            "--hosted-by",
            metavar="ORGANIZATION",
            help=_("An incubator or technopole hosting it. Repeatable."),
            rich_help_panel=RECORD,
        ),
    ] = None,
    description: DescriptionOption = None,
    record_id: IdOption = None,
    source: CiteOption = None,
    source_title: SourceTitleOption = None,
    source_publisher: SourcePublisherOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a startup to your overlay; on a terminal, a missing field is asked for.

    Examples:

      normandie add startup --name "Ma Startup" --city caen --sector software --source https://example.org

      normandie add startup --name "Ma Startup" --founded 2025 --source https://example.org --dry-run
    """  # noqa: E501 (examples are run as written, one per line)
    given = {
        "name": name,
        "city": city,
        "sectors": sector,
        "tags": tag,
        "founded": founded,
        "website": website,
        "siren": siren,
        "hosted_by": hosted_by,
        "description": description,
    }
    _add(ctx, RecordKind.STARTUP, given, record_id, source, source_title, source_publisher, dry_run)


@add_app.command("organization")
def add_organization(
    ctx: typer.Context,
    name: NameOption = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help=_("incubator, technopole, network, public-body, coworking, school…"),
            rich_help_panel=RECORD,
        ),
    ] = None,
    city: NewCityOption = None,
    founded: FoundedOption = None,
    website: WebsiteOption = None,
    siren: SirenOption = None,
    parent: Annotated[
        list[str] | None,
        typer.Option(
            "--parent",
            metavar="ORGANIZATION",
            help=_("An organisation it belongs to. Repeatable."),
            rich_help_panel=RECORD,
        ),
    ] = None,
    description: DescriptionOption = None,
    record_id: IdOption = None,
    source: CiteOption = None,
    source_title: SourceTitleOption = None,
    source_publisher: SourcePublisherOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add an organisation (incubator, coworking, network…) to your overlay.

    Examples:

      normandie add organization --name "Mon Lieu" --kind coworking --source https://example.org

      normandie add organization --name "Mon Lieu" --kind fablab --city rouen --source https://example.org
    """
    given = {
        "name": name,
        "kind": kind,
        "city": city,
        "founded": founded,
        "website": website,
        "siren": siren,
        "parents": parent,
        "description": description,
    }
    _add(
        ctx,
        RecordKind.ORGANIZATION,
        given,
        record_id,
        source,
        source_title,
        source_publisher,
        dry_run,
    )


@add_app.command("event")
def add_event(
    ctx: typer.Context,
    name: NameOption = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start", metavar="YYYY[-MM[-DD]]", help=_("Its first day."), rich_help_panel=RECORD
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--end", metavar="YYYY[-MM[-DD]]", help=_("Its last day."), rich_help_panel=RECORD
        ),
    ] = None,
    city: NewCityOption = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help=_("meetup, conference, hackathon…"),
            rich_help_panel=RECORD,
        ),
    ] = None,
    venue: Annotated[
        str | None,
        typer.Option("--venue", metavar="TEXT", help=_("Where."), rich_help_panel=RECORD),
    ] = None,
    online: Annotated[
        bool | None, typer.Option("--online", help=_("Held online."), rich_help_panel=RECORD)
    ] = None,
    organizer: Annotated[
        list[str] | None,
        typer.Option(
            "--organizer",
            metavar="ID",
            help=_("An organisation or startup organising it. Repeatable."),
            rich_help_panel=RECORD,
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="URL", help=_("Its page."), rich_help_panel=RECORD),
    ] = None,
    description: DescriptionOption = None,
    record_id: IdOption = None,
    source: CiteOption = None,
    source_title: SourceTitleOption = None,
    source_publisher: SourcePublisherOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add an event to your overlay.

    Examples:

      normandie add event --name "Mon Meetup" --start 2027-01-14 --city caen --source https://example.org

      normandie add event --name "Mon Meetup" --kind meetup --online --source https://example.org --dry-run
    """  # noqa: E501 (examples are run as written, one per line)
    given = {
        "name": name,
        "start": start,
        "end": end,
        "city": city,
        "kind": kind,
        "venue": venue,
        "online": None if online is None else str(online),
        "organizers": organizer,
        "url": url,
        "description": description,
    }
    _add(ctx, RecordKind.EVENT, given, record_id, source, source_title, source_publisher, dry_run)


@add_app.command("source")
def add_source(
    ctx: typer.Context,
    title: Annotated[
        str | None, typer.Option("--title", help=_("Its title."), rich_help_panel=RECORD)
    ] = None,
    publisher: Annotated[
        str | None, typer.Option("--publisher", help=_("Who published it."), rich_help_panel=RECORD)
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="URL", help=_("Its address."), rich_help_panel=RECORD),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY[-MM[-DD]]",
            help=_("When it was published."),
            rich_help_panel=RECORD,
        ),
    ] = None,
    licence: Annotated[
        str | None,
        typer.Option(
            "--licence", metavar="TEXT", help=_("Its reuse licence."), rich_help_panel=RECORD
        ),
    ] = None,
    record_id: IdOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a source to your overlay, to cite from the records you add or correct.

    Examples:

      normandie add source --title Annonce --publisher Example --url https://example.org --date 2026-10

      normandie add source --title Annonce --publisher Example --url https://example.org --dry-run
    """  # noqa: E501 (examples are run as written, one per line)
    given = {
        "title": title,
        "publisher": publisher,
        "url": url,
        "date": published,
        "licence": licence,
    }
    _add(ctx, RecordKind.SOURCE, given, record_id, None, None, None, dry_run)


@app.command()
def edit(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=_("The record to correct."),
            autocompletion=_completer(Completable.RECORD_ID),
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

    with _reporting():
        settings = _settings(ctx)
        dataset = settings.dataset
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
        citation = overlay.cite(
            dataset,
            source or [],
            title=source_title,
            publisher=source_publisher,
            required=overlay.cites(kind),
        )
        loaded = overlay.current_values("", kind, record)
        if overlay.corrected(loaded, kind, changes, ()) == overlay.corrected(loaded, kind, {}, ()):
            same = _("{id!r} already has these values: nothing to change")
            raise UsageError(same.format(id=record.id))

        def change(text: str) -> str:
            # The record as the locked file has it: another edit may have landed meanwhile.
            values = overlay.corrected(
                overlay.current_values(text, kind, record), kind, changes, citation.ids
            )
            for new_source in citation.new_sources:
                text = overlay.append_table(text, RecordKind.SOURCE.value, new_source)
            return overlay.put_table(text, kind.value, values)

        if _save(settings, change, dry_run=dry_run):
            corrected = _("Corrected {id!r} in {path}.")
            _say(corrected.format(id=record.id, path=_overlay_path(settings)))


@app.command()
def retire(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=_("The record to retire."),
            autocompletion=_completer(Completable.RECORD_ID),
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
    from normandie_cli import overlay
    from normandie_cli.query import find_record

    with _reporting():
        settings = _settings(ctx)
        dataset = settings.dataset
        kind, record = find_record(dataset, record_id)
        citation = overlay.cite(dataset, source, title=source_title, publisher=source_publisher)
        in_base = any(r.id == record.id for r in settings.base_dataset().records(kind))

        def change(text: str) -> str:
            for new_source in citation.new_sources:
                text = overlay.append_table(text, RecordKind.SOURCE.value, new_source)
            text = overlay.drop_table(text, kind.value, record.id)
            if in_base:
                retirement = {"id": record.id, "reason": reason, "sources": list(citation.ids)}
                text = overlay.append_table(text, RETIRED, retirement)
            return text

        if _save(settings, change, dry_run=dry_run):
            retired = _("Retired {id!r} in {path}.")
            _say(retired.format(id=record.id, path=_overlay_path(settings)))


overlay_app = typer.Typer(
    help=_(
        "Review what your overlay adds, replaces (field by field) and retires, or export it."
        "\n\nExamples:\n\n  normandie overlay\n\n  normandie overlay --json"
        "\n\n  normandie overlay export -o my-changes.toml"
    ),
    invoke_without_command=True,
)
app.add_typer(overlay_app, name="overlay")


@overlay_app.callback()
def overlay_review(
    ctx: typer.Context,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List what your overlay adds, replaces (field by field) and retires."""
    if ctx.invoked_subcommand is not None:
        return
    from normandie_cli import overlay

    with _reporting():
        settings = _settings(ctx)
        path = _overlay_path(settings)
        output = _choose_format(fmt, as_json, as_csv)
        entries = overlay.overlay_entries(
            settings.base_dataset(), settings.dataset, overlay.read_overlay(path)
        )
        if output is OutputFormat.TABLE:
            if not entries:
                empty = _("Your overlay ({path}) changes nothing yet. Start with `normandie add`.")
                _say(empty.format(path=path))
                return
            from normandie_cli.render import overlay_table

            _console().print(overlay_table(entries, str(path)))
            return
        from normandie_cli.export import format_rows

        rows = overlay.entry_rows(entries)
        _write(format_rows(output, rows, list(overlay.ENTRY_COLUMNS)))


@overlay_app.command("export")
def overlay_export(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FILE", help=_("The file to write.")),
    ],
    force: Annotated[bool, typer.Option("--force", help=_("Replace FILE if it exists."))] = False,
) -> None:
    """Write your overlay's changes to a file of their own, to send to the maintainers.

    Examples:

      normandie add startup --name "Ma Startup" --source https://example.org/a && normandie overlay export -o my-changes.toml

      normandie add startup --name "Ma Startup" --source https://example.org/a && normandie overlay export -o my-changes.toml && normandie --overlay my-changes.toml validate
    """  # noqa: E501 (examples are run as written, one per line)
    from normandie_cli import overlay
    from normandie_cli.export import write_file

    with _reporting():
        settings = _settings(ctx)
        path = _overlay_path(settings)
        raw = overlay.read_overlay(path)
        if not overlay.overlay_ids(raw) and not raw.get(RETIRED):
            empty = _("your overlay ({path}) changes nothing: there is nothing to export")
            raise UsageError(empty.format(path=path))
        document = overlay.changes_document(settings.dataset, raw, settings.today)
        write_file(output, document, force=force, protect=path)
        _say(_("Wrote your changes to {path}.").format(path=output))
