"""The report in a real browser: headless Chromium loads the page as a person's browser would,
under the page's own Content-Security-Policy, at desktop and phone widths, and finds no
console error, no policy violation, every chart and the map drawn, no sideways scroll on a
phone, and hostile data shown as text. Each visit keeps a full-page screenshot in the test's
temporary folder, to look at when a test fails.

Chromium is Debian's `chromium` package (`.ci/run` installs it); without it these tests
are skipped, except in CI (CI=true), where its absence is a failure.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, MINIMAL_DATASET, ROOT, Invoke

sys.path.insert(0, str(ROOT / "scripts"))
from headless import Browser, Visit, find_chromium  # noqa: E402

pytestmark = [
    pytest.mark.subprocess,
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None and os.environ.get("CI") != "true",
        reason="no Chromium here: `apt-get install chromium` (CI installs it and runs these)",
    ),
]

PHONE = 390
DESKTOP = 1280
CHARTS = {
    f"chart-{name}"
    for name in (
        "startups",
        "founding",
        "organizations",
        "events",
        "awards",
        "funding",
        "map",
        "timeline",
    )
}
# What each visit measures in the loaded page (the protocol evaluates it; the page's own
# policy forbids scripts, and the page has none).
MEASURE = {
    "scroll": "document.documentElement.scrollWidth",
    "width": "document.documentElement.clientWidth",
    "charts": "[...document.querySelectorAll('svg.chart')].map(s => s.id)",
    "drawn": (
        "[...document.querySelectorAll('svg.chart')]"
        ".filter(s => s.getBoundingClientRect().width > 100"
        " && s.getBoundingClientRect().height > 20).length"
    ),
    # The right edge of the widest element, leaving out what a table's own scrolling box
    # holds (a wide table scrolls inside it, not the page).
    "widest": (
        "Math.max(...[...document.querySelectorAll('body *')]"
        ".filter(e => !e.parentElement.closest('.table-wrap'))"
        ".map(e => e.getBoundingClientRect().right))"
    ),
    "map marks": "document.querySelectorAll('#chart-map path').length",
    "lang": "document.documentElement.lang",
    "text": "document.body.innerText",
    "active": "document.querySelectorAll('script, img, iframe, object, embed').length",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as started:
        yield started


def visit(browser: Browser, page: Path, width: int, shots: Path) -> Visit:
    seen = browser.visit(page, width=width, mobile=width < 600, measure=MEASURE, screenshot=True)
    assert seen.screenshot is not None and seen.screenshot.startswith(b"\x89PNG\r\n\x1a\n")
    (shots / f"{page.stem}-{width}.png").write_bytes(seen.screenshot)
    return seen


@pytest.fixture(scope="module")
def bundled_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    from conftest import STABLE_ENV
    from typer.testing import CliRunner

    from normandie_cli.cli.app import app

    path = folder / "report.html"
    result = CliRunner().invoke(
        app, ["--today", "2026-11-26", "report", "-o", str(path)], env=dict(STABLE_ENV)
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_bundled_report_renders_without_an_error(
    browser: Browser, bundled_page: Path, width: int, tmp_path: Path
) -> None:
    seen = visit(browser, bundled_page, width, tmp_path)
    assert seen.errors == []
    assert set(seen.values["charts"]) == CHARTS
    assert seen.values["drawn"] == len(CHARTS)  # each laid out with a real size
    assert seen.values["map marks"] > 10
    assert seen.values["active"] == 0
    for scene in ("Caen", "Rouen", "Le Havre"):
        assert scene in seen.values["text"]
    assert (tmp_path / f"report-{width}.png").stat().st_size > 10_000


def test_a_phone_does_not_scroll_sideways(
    browser: Browser, bundled_page: Path, tmp_path: Path
) -> None:
    seen = visit(browser, bundled_page, PHONE, tmp_path)
    assert seen.values["width"] == PHONE
    assert seen.values["scroll"] <= PHONE
    assert seen.values["widest"] <= PHONE + 0.5  # nothing sticks out (tables scroll inside)


def test_the_french_page(
    browser: Browser, invoke_bundled: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke_bundled(["--lang", "fr", "--today", "2026-11-26", "report", "-o", "fr.html"])
    assert result.exit_code == 0, result.output
    seen = visit(browser, tmp_path / "fr.html", PHONE, tmp_path)
    assert seen.errors == []
    assert seen.values["lang"] == "fr"
    assert "Ce qui manque" in seen.values["text"]
    assert seen.values["scroll"] <= PHONE


def test_hostile_names_are_shown_and_never_run(
    browser: Browser, invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "hostile.toml"
    hostile = (FIXTURES / "hostile_report.toml").read_text(encoding="utf-8")
    data.write_text(MINIMAL_DATASET + hostile, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke(["--data", str(data), "--today", "2026-11-26", "report", "-o", "h.html"])
    assert result.exit_code == 0, result.output
    for width in (DESKTOP, PHONE):
        seen = visit(browser, tmp_path / "h.html", width, tmp_path)
        assert seen.errors == []  # a script that tried to run would be a CSP violation
        assert seen.values["active"] == 0
        text = seen.values["text"]
        assert "<script>alert('city')</script>" in text
        assert "</title><script>alert(2)</script>" in text
        assert "\u202e" not in text and "\x1b" not in text
        assert seen.values["scroll"] <= width


def test_the_page_s_policy_is_in_force(
    browser: Browser, bundled_page: Path, tmp_path: Path
) -> None:
    """An image from the web, added to the loaded report, is refused by the page's policy
    (the browser itself adds it: the page has no script)."""
    fetch = {
        "added": "document.body.appendChild(Object.assign(document.createElement('img'),"
        " {src: 'https://example.org/x.png'})) && true"
    }
    seen = browser.visit(bundled_page, width=DESKTOP, measure=fetch)
    assert seen.values["added"] is True
    assert len(seen.errors) == 1 and "Content Security Policy" in seen.errors[0], seen.errors


def test_the_probe_sees_a_policy_violation(browser: Browser, tmp_path: Path) -> None:
    """The checks above would catch a page that fetched or ran something: the same policy
    on a page with an image from the web and an inline script gives errors."""
    from normandie_cli.output.report import CONTENT_SECURITY_POLICY

    page = tmp_path / "breaks-the-policy.html"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy"'
        f' content="{CONTENT_SECURITY_POLICY}"><link rel="icon" href="data:,"></head><body>'
        '<img src="https://example.org/x.png"><script>console.error("ran")</script>'
        "</body></html>",
        encoding="utf-8",
    )
    seen = visit(browser, page, DESKTOP, tmp_path)
    assert len(seen.errors) == 2, seen.errors
    assert all("Content Security Policy" in error for error in seen.errors)


def test_the_readme_picture_script_draws_the_report(tmp_path: Path) -> None:
    import subprocess

    from make_report_picture import KEY, digest, report_html, text_of

    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_report_picture.py"),
            "--output",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    picture = (tmp_path / "report.png").read_bytes()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n") and len(picture) > 50_000
    assert text_of(picture, KEY) == digest(report_html())
