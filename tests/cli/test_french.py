"""French mode all French: texts the data has in French, numbers grouped as French writes
them, suggestions and completion in the interface language (issue 15, item 10)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, TERMINAL, Invoke, _invoker
from test_completion import bash_words, zsh_items

EVERY_FIELD = FIXTURES / "every_field.toml"
# French typography's thin space between groups of digits, which never breaks a line.
NARROW_NO_BREAK = "\u202f"


@pytest.fixture
def invoke_every_field() -> Invoke:
    return _invoker({"NORMANDIE_DATA": str(EVERY_FIELD)})


def lines_of(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [
        ("fr", "Description Un incubateur.", "An incubator."),
        ("en", "Description An incubator.", "Un incubateur."),
    ],
)
def test_show_gives_the_description_in_the_interface_language(
    invoke_every_field: Invoke, lang: str, shown: str, hidden: str
) -> None:
    result = invoke_every_field(["--lang", lang, "show", "nwx"], streams=TERMINAL)
    assert result.exit_code == 0, result.output
    assert shown in lines_of(result.stdout)
    assert hidden not in result.stdout
    assert "Description fr" not in result.stdout  # in place of the English, not beside it


def test_without_a_french_description_french_mode_shows_the_english(tmp_path: Path) -> None:
    data = tmp_path / "data.toml"
    data.write_text(EVERY_FIELD.read_text().replace('description_fr = "Un incubateur."\n', ""))
    result = _invoker({"NORMANDIE_DATA": str(data)})(
        ["--lang", "fr", "show", "nwx"], streams=TERMINAL
    )
    assert result.exit_code == 0, result.output
    assert "Description An incubator." in lines_of(result.stdout)


def test_a_source_s_french_title_in_french_its_title_in_english(invoke_every_field: Invoke) -> None:
    french = "Une source « citée », avec une contre\\oblique"
    listed = invoke_every_field(["--lang", "fr", "sources", "-c", "id,title"], streams=TERMINAL)
    assert f"src {french}" in lines_of(listed.stdout)
    cited = invoke_every_field(["--lang", "fr", "show", "nwx"], streams=TERMINAL)
    assert f"{french} (Tests, mars 2025)" in lines_of(cited.stdout)
    english = invoke_every_field(["sources", "-c", "id,title"], streams=TERMINAL)
    assert 'src A source "quoted", with a back\\slash' in lines_of(english.stdout)
    assert french not in english.stdout


def test_listings_show_french_descriptions_and_search_finds_them(
    invoke_every_field: Invoke,
) -> None:
    table = invoke_every_field(["--lang", "fr", "events", "-c", "id,description"], streams=TERMINAL)
    assert "camp-2026 Des conférences." in lines_of(table.stdout)
    found = invoke_every_field(["events", "--search", "conférences", "-c", "id"])
    assert found.stdout.splitlines() == ["id", "camp-2026"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_machine_formats_carry_both_languages_untranslated(
    invoke_every_field: Invoke, lang: str
) -> None:
    result = invoke_every_field(["--lang", lang, "orgs", "-f", "json"])
    nwx = next(o for o in json.loads(result.stdout) if o["id"] == "nwx")
    assert (nwx["description"], nwx["description_fr"]) == ("An incubator.", "Un incubateur.")
    sources = invoke_every_field(
        ["--lang", lang, "sources", "-c", "id,title,title_fr", "-f", "csv"]
    )
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(sources.stdout))}
    assert rows["src"]["title_fr"] == "Une source « citée », avec une contre\\oblique"
    assert rows["other"]["title_fr"] == ""


def test_the_bundled_french_texts_are_valid_and_shown(invoke_bundled: Invoke) -> None:
    valid = invoke_bundled(["validate", "--strict"])
    assert valid.exit_code == 0, valid.output
    shown = invoke_bundled(["--lang", "fr", "show", "datalab-normandie"], streams=TERMINAL)
    assert "Laboratoire d'innovation public-privé" in shown.stdout
    cited = invoke_bundled(["--lang", "fr", "show", "saagie"], streams=TERMINAL)
    assert "Zoom sur la fusion de deux scènes startup normandes" in cited.stdout


def test_numbers_are_grouped_in_tables_and_text(invoke_bundled: Invoke) -> None:
    overview = invoke_bundled(["--lang", "fr", "--today", "2026-11-01"], streams=TERMINAL)
    assert f"2{NARROW_NO_BREAK}650 communes" in overview.stdout
    city = invoke_bundled(["--lang", "fr", "show", "rouen"], streams=TERMINAL)
    assert re.search(f"Population +114{NARROW_NO_BREAK}083", city.stdout)
    assert "Année (population) 2021" in lines_of(city.stdout)  # a year is never grouped
    said = invoke_bundled(["--lang", "fr", "validate"])
    assert f"(3{NARROW_NO_BREAK}" in said.stderr


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_machine_formats_never_group_numbers(invoke_bundled: Invoke, fmt: str) -> None:
    args = ["--lang", "fr", "cities", "--search", "rouen", "-c", "id,population", "-f", fmt]
    result = invoke_bundled(args)
    assert result.exit_code == 0, result.output
    assert "114083" in result.stdout
    assert NARROW_NO_BREAK not in result.stdout


@pytest.mark.parametrize(("lang", "suggested"), [("en", "'School'"), ("fr", "'École'")])
def test_suggestions_name_a_term_in_the_interface_language(
    invoke_bundled: Invoke, lang: str, suggested: str
) -> None:
    for typed in ("clear", "ecol"):
        result = invoke_bundled(["--lang", lang, "orgs", "--kind", typed])
        assert result.exit_code == 2
        assert f"{suggested}?" in result.stderr.replace(" ?", "?"), result.stderr
        assert ("'École'" in result.stderr) is (lang == "fr")
    # Close to an id, the id is offered, as the list of known kinds names them.
    typo = invoke_bundled(["--lang", lang, "orgs", "--kind", "scool"])
    assert "'school'" in typo.stderr


def test_completion_offers_french_sector_names_in_french(invoke: Invoke) -> None:
    french = {"NORMANDIE_LANG": "fr"}
    offered = bash_words(invoke, "normandie startups --sector ", french)
    assert {"big-data", "signature-electronique", "gestion-de-la-relation-client-crm"} <= set(
        offered
    )
    assert "e-signature" not in offered  # its French name is offered instead
    # The ids still complete, once no French name matches what was typed.
    assert bash_words(invoke, "normandie startups --sector e-s", french) == ["e-signature"]
    english = bash_words(invoke, "normandie startups --sector ")
    assert "signature-electronique" not in english
    assert "e-signature" in english
    # --lang on the line is followed as the command would follow it.
    assert "signature-electronique" in bash_words(invoke, "normandie --lang fr startups --sector ")
    described = dict(zsh_items(invoke, "normandie startups --sector sig", french))
    assert described == {"signature-electronique": "Signature électronique"}


def test_a_completed_french_name_is_accepted(invoke: Invoke) -> None:
    for typed in ("signature-electronique", "gestion-de-la-relation-client-crm"):
        result = invoke(["--lang", "fr", "startups", "--sector", typed, "-c", "id"])
        assert result.exit_code == 0, result.output
        assert len(result.stdout.splitlines()) > 1
