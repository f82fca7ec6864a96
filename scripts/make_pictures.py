"""Draw the README's pictures: real runs of `normandie` on the bundled data, recorded by a
Rich console and saved with Rich's own SVG export.

Each picture is what a 100-column colour terminal shows, messages on stderr included. The day
taken as today is fixed and the cache is not used, so a picture changes only when the data
or the code does.

Run: python scripts/make_pictures.py   (writes docs/*.svg; --output DIR for elsewhere)
"""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-12-03"
WIDTH = 100

# File name -> the command line drawn in it.
PICTURES = {
    "overview.svg": [],
    "startups.svg": ["startups", "--city", "rouen"],
    "events.svg": ["events", "--past", "--limit", "6"],
    "compare.svg": ["compare", "--by", "region"],
    "show.svg": ["show", "yeswehack"],
}


def draw(args: list[str]) -> str:
    """Run `normandie ARGS` as on a colour terminal and return the SVG of what it showed."""
    from rich.console import Console
    from typer.testing import CliRunner

    from normandie_cli.cli.app import app
    from normandie_cli.cli.context import Environment

    console = Console(
        record=True,
        width=WIDTH,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
    )

    # stdout and stderr share the recorded terminal.
    terminal = Environment(stdout_terminal=True, terminal=console)
    result = CliRunner().invoke(
        app, ["--today", TODAY, "--no-cache", "--no-overlay", *args], obj=terminal
    )
    if result.exit_code != 0:
        raise SystemExit(f"normandie {' '.join(args)} failed:\n{result.output}")
    title = " ".join(["normandie", *args])
    name = "-".join(args[:1]) or "overview"
    return console.export_svg(title=title, unique_id=name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs", help="folder to write into")
    folder = parser.parse_args().output
    for name in list(os.environ):  # the bundled data, whatever the shell says
        if name.startswith("NORMANDIE_") or name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):
            del os.environ[name]
    folder.mkdir(parents=True, exist_ok=True)
    for filename, args in PICTURES.items():
        (folder / filename).write_text(draw(args), encoding="utf-8")


if __name__ == "__main__":
    main()
