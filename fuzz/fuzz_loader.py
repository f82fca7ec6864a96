"""A coverage-guided fuzz target for the dataset loader (atheris): any bytes given as a
dataset must load or end in a DataError; a dataset that loads must survive a TOML export
and a second load unchanged, and its tables must show no control character. See
fuzz/README.md for how to run it."""

from __future__ import annotations

import io
import sys

import atheris

# Rich is imported before the instrumented block, so that coverage of our code alone guides
# the search (render.py's imports, then the console the tables are drawn on).
import rich.box  # noqa: F401, TID251
import rich.padding  # noqa: F401, TID251
import rich.table  # noqa: F401, TID251
from rich.console import Console  # noqa: TID251

with atheris.instrument_imports():
    from normandie_cli.columns import DEFAULT_COLUMNS, record_rows
    from normandie_cli.dataset import parse_toml
    from normandie_cli.errors import DataError
    from normandie_cli.models import Dataset
    from normandie_cli.output.render import records_table
    from normandie_cli.output.toml import to_toml
    from normandie_cli.validation import parse_dataset

# What a terminal would act on: C0 controls but the line break, DEL and the C1 controls.
CONTROLS = {chr(c) for c in (*range(0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


def load(content: bytes) -> Dataset:
    return parse_dataset([("", parse_toml(content, "fuzz.toml"))], "fuzz.toml")


def test_one_input(content: bytes) -> None:
    try:
        dataset = load(content)
    except DataError:
        return
    if load(to_toml(dataset).encode("utf-8")) != dataset:
        raise AssertionError("a loaded dataset changed on its way through export --toml")
    screen = io.StringIO()
    console = Console(file=screen, width=60 + len(content) % 60, color_system=None)
    for kind, columns in DEFAULT_COLUMNS.items():
        rows = record_rows(dataset.records(kind), dataset)
        console.print(records_table(kind, rows, columns, dataset, console.width))
    shown = set(screen.getvalue())
    if shown & CONTROLS:
        raise AssertionError(f"a table shows control characters: {shown & CONTROLS!r}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
