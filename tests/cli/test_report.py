"""`normandie report`: the page written through the safe write path, its options and
errors, the bundled data's page within its promises, and a start-up that stays as fast
for every other command (none of them imports the template engine or the charts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED, Invoke

OUTPUT = "normandie-report.html"
# What only the report needs: a test fails if --help or a listing imports any of it.
REPORT_ONLY = (
    "jinja2",
    "markupsafe",
    "normandie_cli.output.charts",
    "normandie_cli.output.map_chart",
    "normandie_cli.output.report",
    "normandie_cli.output.report_figures",
    "normandie_cli.report_content",
)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_writes_the_page_to_the_default_file(invoke: Invoke, in_tmp: Path) -> None:
    result = invoke(["--today", "2026-11-01", "report"])
    assert result.exit_code == 0, result.output
    page = (in_tmp / OUTPUT).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert result.stdout == ""
    assert "Wrote the report (" in result.stderr and OUTPUT in result.stderr


def test_an_existing_file_is_replaced_only_with_force(invoke: Invoke, in_tmp: Path) -> None:
    (in_tmp / OUTPUT).write_text("mine", encoding="utf-8")
    refused = invoke(["report"])
    assert refused.exit_code == 2
    assert "already exists: add --force to replace it" in refused.stderr
    assert (in_tmp / OUTPUT).read_text(encoding="utf-8") == "mine"
    replaced = invoke(["report", "--force"])
    assert replaced.exit_code == 0, replaced.output
    assert (in_tmp / OUTPUT).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_never_onto_the_dataset_being_read(invoke: Invoke, tmp_path: Path) -> None:
    copy = tmp_path / "data.toml"
    copy.write_bytes(SEED.read_bytes())
    result = invoke(["--data", str(copy), "report", "-o", str(copy), "--force"])
    assert result.exit_code == 2
    assert "part of the dataset being read" in result.stderr
    assert copy.read_bytes() == SEED.read_bytes()


def test_a_missing_folder_is_a_file_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["report", "-o", str(tmp_path / "no" / "such" / "r.html")])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_dash_writes_the_page_to_the_screen(invoke: Invoke, in_tmp: Path) -> None:
    result = invoke(["report", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert not (in_tmp / OUTPUT).exists()
    refused = invoke(["report", "-o", "-", "--open"])
    assert refused.exit_code == 2
    assert "--open needs a file" in refused.stderr


def test_open_hands_the_written_file_to_the_browser(
    invoke: Invoke, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    result = invoke(["report", "--open", "-o", "r.html"])
    assert result.exit_code == 0, result.output
    assert opened == [(in_tmp / "r.html").resolve().as_uri()]
    monkeypatch.setattr("webbrowser.open", lambda url: False)
    unopened = invoke(["report", "--open", "-o", "r.html", "--force"])
    assert unopened.exit_code == 0
    assert "open r.html yourself" in unopened.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--city", "paris"], "unknown city 'paris'"),
        (["--since", "2015-13-01"], "--since"),
        (["--sector", "astrology"], "astrology"),
        (["--by", "planet"], "planet"),
        (["--founded-since", "2020", "--founded-until", "2010"], "is after"),
    ],
)
def test_bad_values_are_usage_errors(
    invoke: Invoke, in_tmp: Path, args: list[str], message: str
) -> None:
    result = invoke(["report", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (in_tmp / OUTPUT).exists()


def test_filters_and_scenes_follow_the_options(invoke: Invoke, in_tmp: Path) -> None:
    result = invoke(["report", "--city", "rouen", "--since", "2015-01-01", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "Filters: --since 2015-01-01 --city rouen" in result.stdout
    assert "Most startups: Rouen" in result.stdout
    by_region = invoke(["report", "--by", "region", "-o", "-"])
    assert "Basse-Normandie" in by_region.stdout and "Haute-Normandie" in by_region.stdout


def test_the_page_in_french(invoke: Invoke, in_tmp: Path) -> None:
    result = invoke(["--lang", "fr", "report", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert '<html lang="fr">' in result.stdout
    assert "Ce qui manque" in result.stdout and "Les scènes côte à côte" in result.stdout


def test_the_bundled_data_makes_one_page_under_two_megabytes(
    invoke_bundled: Invoke, in_tmp: Path
) -> None:
    result = invoke_bundled(["--today", "2026-11-26", "report", "-o", "r.html"])
    assert result.exit_code == 0, result.output
    page = (in_tmp / "r.html").read_bytes()
    assert len(page) < 2_000_000
    text = page.decode("utf-8")
    for scene in ("Caen", "Rouen", "Le Havre"):
        assert f'<th scope="row">{scene}</th>' in text
    assert 'id="chart-map"' in text and text.count("h0") > 2_000  # a dot per commune
    assert text.count('rel="noreferrer"') > 50  # the sources, linked


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "args",
    [["--help"], ["startups", "--city", "rouen"], ["report", "--help"], ["compare"]],
    ids=["help", "listing", "report-help", "compare"],
)
def test_other_commands_do_not_import_what_the_report_needs(
    args: list[str], tmp_path: Path
) -> None:
    assert set(REPORT_ONLY) & set(imported(args, tmp_path)) == set()


@pytest.mark.subprocess
def test_the_report_imports_them_when_it_runs(tmp_path: Path) -> None:
    """The probe of the test above sees these imports when they happen."""
    assert set(REPORT_ONLY) <= set(imported(["report", "-o", "-"], tmp_path))


def imported(args: list[str], tmp_path: Path) -> list[str]:
    """The modules loaded by the end of `normandie ARGS`, run in a fresh Python."""
    listing = tmp_path / "modules.txt"
    code = (
        "import sys\n"
        "from normandie_cli.cli.app import main\n"
        "sys.argv = ['normandie', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"open({str(listing)!r}, 'w').write('\\n'.join(sorted(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NORMANDIE_")}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return listing.read_text(encoding="utf-8").splitlines()


def test_the_readme_picture_shows_the_report_of_now() -> None:
    """docs/report.png carries the SHA-256 of the page it shows; the page made now must be
    that one (the picture itself needs Chromium, which the browser tests run)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_report_picture import KEY, digest, report_html, text_of

    picture = ROOT / "docs" / "report.png"
    shown = text_of(picture.read_bytes(), KEY)
    assert shown == digest(report_html()), (
        "docs/report.png is out of date: run python scripts/make_report_picture.py"
    )
    assert "](docs/report.png)" in (ROOT / "README.md").read_text(encoding="utf-8")
