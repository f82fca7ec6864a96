"""`normandie compare`: the founding question, scenes side by side."""

from typing import Annotated

import typer

from normandie_cli.cli.context import settings
from normandie_cli.cli.options import OUTPUT, CsvOption, FormatOption, JsonOption, completer
from normandie_cli.completion import Completable
from normandie_cli.i18n import _
from normandie_cli.output.formats import OutputFormat
from normandie_cli.places import CompareBy

app = typer.Typer()


@app.command()
def compare(
    ctx: typer.Context,
    places: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[CITY]...",
            help=_("Cities to compare. Default: caen rouen le-havre."),
            autocompletion=completer(Completable.CITY),
        ),
    ] = None,
    by: Annotated[
        CompareBy,
        typer.Option(
            "--by",
            case_sensitive=False,
            help=_(
                "city: each city with its agglomeration; region: former Basse- against Haute-"
                "Normandie; department: each department."
            ),
        ),
    ] = CompareBy.CITY,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            min=1,
            metavar="N",
            help=_("How many top sectors (and, in the table, kinds)."),
            rich_help_panel=OUTPUT,
        ),
    ] = 3,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Compare scenes side by side: startups, funding, organisations and events.

    Examples:

      normandie compare

      normandie compare caen rouen --json

      normandie compare --by region

    By region or department, records whose city is unknown get a column of their own; by
    city, a city counts its whole agglomeration. Funding sums only the known amounts and
    says how many startups those are.
    """
    from normandie_cli.places import compared_scenes
    from normandie_cli.summary import compare_scenes, comparison_rows

    given = settings(ctx)
    output = given.env.choose_format(fmt, as_json, as_csv)
    dataset = given.dataset
    scenes = compared_scenes(dataset, by, places or [])
    summaries = compare_scenes(dataset, scenes, given.today, top)
    if output is OutputFormat.TABLE:
        from normandie_cli.output.render_compare import comparison_table
        from normandie_cli.summary import comparison_coverage

        coverage = comparison_coverage(dataset)
        given.env.print(comparison_table(summaries, dataset, coverage, top))
        return
    from normandie_cli.output.formats import format_rows

    rows = comparison_rows(summaries)
    given.env.write(format_rows(output, rows, list(rows[0])))
