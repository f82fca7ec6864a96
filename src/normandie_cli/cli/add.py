"""`normandie add startup|organization|event|source`: a new record in your overlay, from
options, or asked for on a terminal."""

from collections.abc import Callable, Mapping
from typing import Annotated, Any

import typer

from normandie_cli.cli.context import Environment, save_overlay, settings
from normandie_cli.cli.options import (
    RECORD,
    CiteOption,
    DryRunOption,
    SourcePublisherOption,
    SourceTitleOption,
)
from normandie_cli.errors import UsageError
from normandie_cli.i18n import _
from normandie_cli.models import RecordKind
from normandie_cli.overlay_changes import Citing, addition
from normandie_cli.overlay_history import ChangeKind

app = typer.Typer(
    help=_("Add a startup, organisation, event or source to your overlay."),
    no_args_is_help=True,
)

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


def _ask(
    env: Environment, label: str, convert: Callable[[str], Any], *, required: bool, hint: str = ""
) -> Any:
    """Ask on the terminal until the answer converts; an optional question takes Enter."""
    if hint:
        env.say(hint, style="dim")
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
            env.say(str(error), style="red")


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
    from normandie_cli.output.headings import field_heading

    options = settings(ctx)
    env = options.env
    dataset = options.dataset

    def convert(field: str) -> Callable[[str], Any]:
        return lambda text: overlay.field_value(dataset, kind, field, text)

    def cited(text: str) -> str:
        """A source as typed, once it is known to name one (see overlay.cite)."""
        overlay.cite(dataset, [text], title=source_title, publisher=source_publisher)
        return text

    values: dict[str, Any] = {}
    for field, typed in given.items():
        if typed:
            text = ",".join(typed) if isinstance(typed, list) else typed
            values[field] = convert(field)(text)
    sources = [cited(text) for text in sources or []]
    # Sources are what the other records cite; they cite nothing themselves.
    unsourced = not sources and kind is not RecordKind.SOURCE
    missing = [f for f in overlay.required_fields(kind) if f not in values]
    if (missing or unsourced) and env.stdin_is_terminal():
        for field in overlay.fields_to_ask(kind):
            if field not in values:
                answer = _ask(
                    env,
                    field_heading(field),
                    convert(field),
                    required=field in missing,
                    hint=overlay.choices_hint(dataset, kind, field),
                )
                if answer is not None:
                    values[field] = answer
        if unsourced:
            label = _("Source (a source id or a web address)")
            sources = [_ask(env, label, cited, required=True)]
    elif missing or unsourced:
        flags = [f"--{f.replace('_', '-')}" for f in missing]
        flags += ["--source"] if unsourced else []
        missing_message = _("missing {flags} (or run on a terminal to be asked)")
        raise UsageError(missing_message.format(flags=", ".join(flags)))
    if record_id is None:
        record_id = overlay.new_id(values.get("name") or values["title"])
    else:
        record_id = overlay.check_id(record_id)
    overlay.check_new_id(dataset, record_id)
    citing = Citing(tuple(sources), source_title, source_publisher)
    change = addition(kind, record_id, values, citing)
    if save_overlay(options, change, kind=ChangeKind.ADD, record=record_id, dry_run=dry_run):
        added = _("Added {id!r} to {table} in {path}.")
        env.say(added.format(id=record_id, table=kind.value, path=options.overlay_path()))
        hint = _(
            "See it with `normandie show {id}`; send your changes with `normandie overlay export`."
        )
        env.say(hint.format(id=record_id), style="dim")


@app.command("startup")
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


@app.command("organization")
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


@app.command("event")
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


@app.command("source")
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
