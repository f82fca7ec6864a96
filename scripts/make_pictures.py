"""Draw the README's picture of `normandie compare --by region` with Rich's own SVG export,
from a real run on the bundled data (the day taken as today is fixed, so the picture only
changes when the data or the code does).

Run: python scripts/make_pictures.py   (writes docs/compare.svg; --output DIR for elsewhere)
"""

from __future__ import annotations

import argparse
import io
from datetime import date
from pathlib import Path

from rich.console import Console

from normandie_cli.dataset import load_dataset
from normandie_cli.query import compare_scenes, region_scenes
from normandie_cli.render import comparison_table

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 26)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs", help="folder to write into")
    folder = parser.parse_args().output
    dataset = load_dataset(ROOT / "data")
    summaries = compare_scenes(dataset, region_scenes(dataset), TODAY)
    console = Console(record=True, width=100, file=io.StringIO(), force_terminal=True)
    console.print(comparison_table(summaries, dataset))
    svg = console.export_svg(title="normandie compare --by region", unique_id="compare")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "compare.svg").write_text(svg, encoding="utf-8")


if __name__ == "__main__":
    main()
