"""`normandie report`: the ecosystem on one page, a self-contained HTML file to share."""

from pathlib import Path
from typing import Annotated

import typer

from normandie_cli.cli.context import settings
from normandie_cli.cli.options import (
    OUTPUT,
    CityOption,
    CommuneOption,
    DepartmentOption,
    FoundedSinceOption,
    FoundedUntilOption,
    KindOption,
    RegionOption,
    SectorOption,
    SinceOption,
    UntilOption,
    means_the_screen,
)
from normandie_cli.errors import UsageError
from normandie_cli.i18n import _
from normandie_cli.places import CompareBy
from normandie_cli.query import Filters

app = typer.Typer()

DEFAULT_OUTPUT = Path("normandie-report.html")


@app.command()
def report(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help=_("Write the page to this file; '-' for the screen."),
            rich_help_panel=OUTPUT,
        ),
    ] = DEFAULT_OUTPUT,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help=_("Replace the output file if it exists."), rich_help_panel=OUTPUT
        ),
    ] = False,
    open_it: Annotated[
        bool,
        typer.Option(
            "--open",
            help=_("Open the page in the web browser once written."),
            rich_help_panel=OUTPUT,
        ),
    ] = False,
    by: Annotated[
        CompareBy,
        typer.Option(
            "--by",
            case_sensitive=False,
            help=_(
                "The scenes side by side: city (each --city, by default Caen, Rouen and Le"
                " Havre, with its agglomeration), region or department."
            ),
        ),
    ] = CompareBy.CITY,
    city: CityOption = None,
    commune: CommuneOption = None,
    department: DepartmentOption = None,
    region: RegionOption = None,
    sector: SectorOption = None,
    kind: KindOption = None,
    founded_since: FoundedSinceOption = None,
    founded_until: FoundedUntilOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
) -> None:
    """Write the ecosystem on one page: charts, a map of Normandy and every source, in HTML.

    Examples:

      normandie report

      normandie --lang fr report --by department -o rapport.html

      normandie report --city caen --city rouen --since 2015-01-01 -o caen-rouen.html

    One self-contained file, no script, nothing fetched: it opens from a USB stick on
    a plane. Each filter narrows the records it applies to (--sector the startups, --kind
    the organisations, --since and --until the events; places all of them); by city, the
    scenes are the --city values. Never replaces a file without --force.
    """
    from normandie_cli.files import write_file
    from normandie_cli.output.report import to_html
    from normandie_cli.report_content import report_content

    given = settings(ctx)
    to_screen = means_the_screen(ctx)
    if open_it and to_screen:
        raise UsageError(_("--open needs a file: leave out -o - or give a file name"))
    # Every filter of the page, as typed; a filter the listings gain (say --department)
    # is added here and in the signature above.
    filters = Filters(
        since=since,
        until=until,
        city=tuple(city or ()),
        commune=tuple(commune or ()),
        department=tuple(department or ()),
        region=tuple(region or ()),
        sector=tuple(sector or ()),
        kind=tuple(kind or ()),
        founded_since=founded_since,
        founded_until=founded_until,
    )
    page = to_html(report_content(given.dataset, filters, by, given.today))
    if to_screen:
        given.env.write(page)
        return
    write_file(output, page, force=force, reads=given.read_paths())
    size = len(page.encode("utf-8"))
    wrote = _("Wrote the report ({size} kB) to {path}.")
    given.env.say(wrote.format(size=max(1, round(size / 1000)), path=output))
    if open_it:
        import webbrowser

        if not webbrowser.open(output.resolve().as_uri()):
            given.env.say(
                _("No web browser could be opened: open {path} yourself.").format(path=output)
            )
