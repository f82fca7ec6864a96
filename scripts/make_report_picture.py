"""Draw docs/report.png, the README's picture of `normandie report`: the top of the page made
from the bundled data (the scenes side by side and the map), as headless Chromium shows it
1100 pixels wide.

The day taken as today is fixed, the cache and the overlay are not used, the language is
English, so the page changes only when the data or the code does. The PNG carries the
SHA-256 of the page it shows in a text chunk: tests/cli/test_docs.py checks that the
committed picture shows the page the command makes now, without a browser.

Run: python scripts/make_report_picture.py   (writes docs/report.png; --output DIR for
elsewhere). Needs Chromium (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import struct
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-12-03"
WIDTH = 1100
DOWN_TO = "#map figure"  # the picture ends under the map
KEY = b"normandie-report-sha256"


def report_html() -> str:
    """The report of the bundled data as the command writes it, in English."""
    from typer.testing import CliRunner

    from normandie_cli.cli.app import app

    for name in list(os.environ):  # the bundled data, whatever the shell says
        if name.startswith("NORMANDIE_"):
            del os.environ[name]
    args = ["--lang", "en", "--today", TODAY, "--no-cache", "--no-overlay", "report", "-o", "-"]
    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise SystemExit(f"normandie report failed:\n{result.output}")
    return result.stdout


def digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def with_text(png: bytes, key: bytes, value: str) -> bytes:
    """The PNG with a tEXt chunk (key, value) after its header chunk."""
    header_end = 8 + 8 + 13 + 4  # signature, then IHDR: length, type, 13 bytes, CRC
    body = b"tEXt" + key + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    return png[:header_end] + chunk + png[header_end:]


def text_of(png: bytes, key: bytes) -> str | None:
    """The value of the PNG's tEXt chunk named `key`, if it has one."""
    at = 8
    while at + 8 <= len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        data = png[at + 8 : at + 8 + length]
        if kind == b"tEXt" and data.startswith(key + b"\0"):
            return data[len(key) + 1 :].decode("latin-1")
        at += 12 + length
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs", help="folder to write into")
    folder = parser.parse_args().output
    sys.path.insert(0, str(ROOT / "scripts"))
    from headless import Browser

    html = report_html()
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "report.html"
        page.write_text(html, encoding="utf-8")
        with Browser() as browser:
            visit = browser.visit(page, width=WIDTH, screenshot=True, down_to=DOWN_TO)
    if visit.errors or visit.screenshot is None:
        raise SystemExit("the page did not render cleanly:\n" + "\n".join(visit.errors))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.png").write_bytes(with_text(visit.screenshot, KEY, digest(html)))


if __name__ == "__main__":
    main()
