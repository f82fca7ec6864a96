"""The floor: the least a Typer + Rich command can cost, to compare normandie against.

A one-command Typer app, built with the Typer version the project pins, that prints a
two-row Rich table. `python benchmarks/floor_app.py` prints the table; `--help` prints
Typer's help. Nothing here reads data: what normandie takes beyond this is its own cost.
"""

from __future__ import annotations

from typing import Annotated

import typer  # noqa: TID251  # the floor is a Typer app by definition
from rich.console import Console  # noqa: TID251  # and renders with Rich, like normandie
from rich.table import Table  # noqa: TID251

app = typer.Typer(add_completion=False)


@app.command()
def main(
    city: Annotated[str, typer.Option(help="A city, unused: a typical option.")] = "rouen",
) -> None:
    """Print a two-row table of startups."""
    table = Table("Id", "Name", "City")
    table.add_row("saagie", "Saagie", "Rouen")
    table.add_row("yeswehack", "YesWeHack", "Rouen")
    Console().print(table)


if __name__ == "__main__":
    app()
