"""A coverage-guided fuzz target for the dataset loader (atheris): any bytes given as a
dataset must load or end in a DataError, and a dataset that loads must survive a TOML
export and a second load unchanged. See fuzz/README.md for how to run it."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from normandie_cli.dataset import parse_dataset, parse_toml
    from normandie_cli.errors import DataError
    from normandie_cli.export_toml import to_toml
    from normandie_cli.models import Dataset


def load(content: bytes) -> Dataset:
    return parse_dataset([("", parse_toml(content, "fuzz.toml"))], "fuzz.toml")


def test_one_input(content: bytes) -> None:
    try:
        dataset = load(content)
    except DataError:
        return
    again = load(to_toml(dataset).encode("utf-8"))
    if again != dataset:
        raise AssertionError("a loaded dataset changed on its way through export --toml")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
