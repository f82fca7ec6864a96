"""Two languages: how the language is chosen, what French covers, what stays neutral, and a
catalogue that cannot fall behind the code."""

from __future__ import annotations

import gettext
import importlib.util
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, TODAY, Invoke, WriteDataset

from normandie_cli import i18n
from normandie_cli.columns import field_names
from normandie_cli.i18n import Language, choose_language, days_until, flag_in, human_date
from normandie_cli.models import PartialDate, RecordKind

EXECUTABLE = Path(sys.executable).parent / "normandie"


def load_catalogue_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogue", ROOT / "scripts" / "catalogue.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalogue = load_catalogue_script()


# --- Choosing the language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "environ", "expected"),
    [
        (None, {}, Language.EN),
        (None, {"LANG": "C"}, Language.EN),
        (None, {"LANG": "fr_FR.UTF-8"}, Language.FR),
        (None, {"LANG": "fr_CA.UTF-8"}, Language.FR),
        (None, {"LANG": "de_DE.UTF-8"}, Language.EN),
        (None, {"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_GB.UTF-8"}, Language.FR),
        (None, {"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, Language.EN),
        (None, {"LC_ALL": "fr_FR.UTF-8", "LANG": "C"}, Language.FR),
        (None, {"LC_ALL": "", "LANG": "fr_FR.UTF-8"}, Language.FR),  # empty is not set
        (None, {"NORMANDIE_LANG": "fr", "LC_ALL": "en_US.UTF-8"}, Language.FR),
        (None, {"NORMANDIE_LANG": "en", "LC_ALL": "fr_FR.UTF-8"}, Language.EN),
        ("en", {"NORMANDIE_LANG": "fr", "LANG": "fr_FR.UTF-8"}, Language.EN),
        ("fr", {"NORMANDIE_LANG": "en", "LANG": "C"}, Language.FR),
    ],
)
def test_the_flag_then_normandie_lang_then_the_locale_then_english(
    flag: str | None, environ: dict[str, str], expected: Language
) -> None:
    assert choose_language(flag, environ) is expected


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--lang", "fr", "startups"], "fr"),
        (["--lang=fr", "startups"], "fr"),
        (["startups", "--city", "rouen"], None),
        (["--lang"], None),
        (["search", "--", "--lang", "fr"], None),
    ],
)
def test_the_flag_is_read_before_the_options_are_parsed(
    argv: list[str], expected: str | None
) -> None:
    assert flag_in(argv) == expected


def test_lang_c_is_english_and_a_french_locale_is_french(invoke: Invoke) -> None:
    english = invoke(["startups", "--sector", "nope"], env={"LANG": "C"})
    assert "unknown sector 'nope'" in english.stderr
    french = invoke(["startups", "--sector", "nope"], env={"LANG": "fr_FR.UTF-8"})
    assert french.exit_code == 2
    assert french.stderr.startswith("Erreur : secteur inconnu 'nope'")
    assert "Secteurs connus : " in french.stderr


def test_the_flag_wins_over_the_environment(invoke: Invoke) -> None:
    env = {"NORMANDIE_LANG": "fr", "LC_ALL": "fr_FR.UTF-8"}
    english = invoke(["--lang", "en", "startups", "--city", "paris"], env=env)
    assert english.stderr.startswith("Error: unknown city 'paris'")
    french = invoke(["--lang", "FR", "startups", "--city", "paris"], env={"LANG": "C"})
    assert french.stderr.startswith("Erreur : ville inconnue 'paris'")


def test_an_unknown_language_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke(["--lang", "de", "cities"])
    assert result.exit_code == 2
    assert "--lang" in result.output


# --- French output -------------------------------------------------------------------------


def run_table(invoke: Invoke, args: list[str], lang: str) -> str:
    result = invoke(["--lang", lang, "--today", TODAY, *args, "-f", "table"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_table_titles_headers_and_vocabulary_are_french(invoke_bundled: Invoke) -> None:
    invoke = invoke_bundled
    french = run_table(invoke, ["startups", "--city", "rouen"], "fr")
    assert french.startswith("Startups (")
    assert "Nom" in french and "Ville" in french and "Secteurs" in french
    assert "Création" in french
    english = run_table(invoke, ["startups", "--city", "rouen"], "en")
    assert "Name" in english and "Founded" in english
    organisations = run_table(invoke, ["organizations", "--kind", "incubator"], "fr")
    assert "Incubateur" in organisations
    assert "Incubator" in run_table(invoke, ["organizations", "--kind", "incubator"], "en")


def test_sector_names_come_from_the_data_in_each_language(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    data = write_dataset(
        '\n[[startups]]\nid = "one"\nname = "One"\nsectors = ["data"]\nsources = ["src"]\n'
    )
    args = ["--data", str(data), "startups", "-f", "table"]
    assert "Données" in invoke(["--lang", "fr", *args]).stdout
    assert "Data" in invoke(["--lang", "en", *args]).stdout


def test_dates_read_naturally_and_upcoming_events_say_how_soon(invoke: Invoke) -> None:
    french = run_table(invoke, ["events", "--upcoming"], "fr")
    assert "19 nov. 2026" in french
    assert "dans 2 semaines" in french
    english = run_table(invoke, ["events", "--upcoming"], "en")
    assert "19 Nov 2026" in english
    assert "in 2 weeks" in english
    past = run_table(invoke, ["events", "--past", "--limit", "1"], "en")
    assert " in " not in past.split("\n", 3)[-1]  # no hint for an event that is over


def test_the_detail_view_and_info_are_french(invoke_bundled: Invoke) -> None:
    invoke = invoke_bundled
    detail = run_table(invoke, ["show", "saagie"], "fr")
    assert detail.startswith("Enregistrement  Startup")
    assert "Financements" in detail
    info = run_table(invoke, ["info"], "fr")
    assert "Mise à jour" in info and "Événements" in info


def test_compare_is_french(invoke_bundled: Invoke) -> None:
    table = run_table(invoke_bundled, ["compare"], "fr")
    assert table.startswith("Scènes comparées")
    assert "secteurs en tête" in table and "à venir" in table
    assert "Logiciel et numérique" in table  # the sector's French name, from the data


def test_messages_on_stderr_are_french(invoke: Invoke) -> None:
    nothing = invoke(["--lang", "fr", "--today", "2026-11-26", "events", "--upcoming"])
    assert nothing.stderr.startswith("Aucun événement à venir le 26 nov. 2026 ou après.")
    assert "Codeurs en Seine — chaque année depuis 2013, en général en novembre ;" in nothing.stderr
    assert "dernière édition le 19 nov. 2026 ; pas de date annoncée pour 2027." in nothing.stderr
    limited = invoke(["--lang", "fr", "startups", "--limit", "1", "-f", "table"])
    assert "affichés sur" in limited.stderr


def test_data_errors_are_french(invoke: Invoke, write_dataset: WriteDataset) -> None:
    data = write_dataset('\n[[startups]]\nid = "one"\nname = "One"\nfounded = "2014ish"\n')
    result = invoke(["--lang", "fr", "--data", str(data), "--no-cache", "startups"])
    assert result.exit_code == 1
    assert "2 problèmes trouvés :" in result.stderr
    assert "le champ obligatoire 'sources' manque" in result.stderr
    assert "'founded' n'est pas une date valide" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["startups", "-f", "tsv"],
        ["startups", "--json"],
        ["events", "--csv"],
        ["events", "-f", "jsonl"],
        ["cities", "--json"],
        ["info", "--json"],
        ["show", "saagie", "--json"],
        ["compare", "--json"],
        ["export", "--toml"],
        ["export", "--geojson"],
    ],
)
def test_machine_formats_are_the_same_in_both_languages(invoke: Invoke, args: list[str]) -> None:
    english = invoke(["--lang", "en", "--today", TODAY, *args])
    french = invoke(["--lang", "fr", "--today", TODAY, *args])
    assert english.exit_code == french.exit_code == 0, french.output
    assert french.stdout == english.stdout


def test_a_calendar_is_the_same_in_both_languages(invoke: Invoke) -> None:
    def events_of(lang: str) -> list[str]:
        result = invoke(["--lang", lang, "export", "--ics"])
        return [line for line in result.stdout.splitlines() if not line.startswith("DTSTAMP")]

    assert events_of("fr") == events_of("en")


# --- Dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (PartialDate(2015, 11, 19), "19 Nov 2015", "19 nov. 2015"),
        (PartialDate(2016, 5), "May 2016", "mai 2016"),
        (PartialDate(2013), "2013", "2013"),
        (date(2026, 2, 1), "1 Feb 2026", "1 févr. 2026"),
    ],
)
def test_human_dates(value: PartialDate | date, english: str, french: str) -> None:
    assert human_date(value) == english
    i18n.use_language(Language.FR)
    assert human_date(value) == french


@pytest.mark.parametrize(
    ("days", "english", "french"),
    [
        (0, "today", "aujourd'hui"),
        (1, "tomorrow", "demain"),
        (3, "in 3 days", "dans 3 jours"),
        (20, "in 2 weeks", "dans 2 semaines"),
        (90, "in 3 months", "dans 3 mois"),
    ],
)
def test_how_far_ahead(days: int, english: str, french: str) -> None:
    today = date(2026, 11, 1)
    later = date.fromordinal(today.toordinal() + days)
    assert days_until(later, today) == english
    i18n.use_language(Language.FR)
    assert days_until(later, today) == french


# --- The catalogue -------------------------------------------------------------------------


def test_every_field_has_a_heading() -> None:
    from normandie_cli.output.headings import field_heading

    for field in {field for kind in RecordKind for field in field_names(kind)}:
        assert field_heading(field), field  # a KeyError names a field without one


def test_every_message_has_french_and_the_mo_is_compiled_from_the_po() -> None:
    assert catalogue.problems() == [], "run python scripts/catalogue.py and write the French"


def test_a_message_without_french_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        catalogue, "messages", lambda: ["Startups", "A message nobody has translated"]
    )
    assert catalogue.problems() == ["no French for 'A message nobody has translated'"]


def test_a_stale_mo_is_caught(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    stale = tmp_path / "normandie.mo"
    entries = catalogue.read_po(catalogue.PO_FILE)
    stale.write_bytes(catalogue.compile_mo({**entries, "Startups": "Jeunes pousses"}))
    monkeypatch.setattr(catalogue, "MO_FILE", stale)
    monkeypatch.setattr(catalogue, "ROOT", tmp_path)
    assert catalogue.problems() == ["normandie.mo is not compiled from the .po"]


def test_an_f_string_in_a_message_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogue, "ROOT", tmp_path)
    source = tmp_path / "module.py"
    source.write_text('name = "x"\nmessage = _(f"hello {name}")\n', encoding="utf-8")
    assert list(catalogue.source_messages([source])) == []
    assert list(catalogue.formatted_calls([source])) == ["module.py:2"]


def test_the_compiled_catalogue_reads_back_with_gettext(tmp_path: Path) -> None:
    entries = {
        "": "Content-Type: text/plain; charset=UTF-8\n",
        "Cities": "Villes",
        "Line one\nline two": "Ligne un\nligne deux",
        "No French yet": "",
    }
    mo = tmp_path / "test.mo"
    mo.write_bytes(catalogue.compile_mo(entries))
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.gettext("Cities") == "Villes"
    assert translations.gettext("Line one\nline two") == "Ligne un\nligne deux"
    assert translations.gettext("No French yet") == "No French yet"


def test_the_po_reads_back_what_it_writes(tmp_path: Path) -> None:
    po = tmp_path / "test.po"
    known = {'Say "hi"\tthen\\go': 'Dis "salut"\tpuis\\va', "Two\nlines\n": "Deux\nlignes\n"}
    catalogue.write_po(po, known, known)
    read = catalogue.read_po(po)
    assert {k: v for k, v in read.items() if k} == known


# --- Help, in a process of its own (help texts are built at import) ------------------------


def run_installed(
    args: list[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NORMANDIE_", "LC_", "LANG"))}
    return subprocess.run(
        [str(EXECUTABLE), *args],
        env={**base, "COLUMNS": "100", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "env",
    [{"LANG": "fr_FR.UTF-8"}, {"LC_ALL": "fr_FR.UTF-8", "LANG": "C"}, {"NORMANDIE_LANG": "fr"}],
    ids=["LANG", "LC_ALL", "NORMANDIE_LANG"],
)
def test_help_is_french_with_a_french_environment(env: dict[str, str], tmp_path: Path) -> None:
    done = run_installed(["startups", "--help"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Lister les startups" in done.stdout
    assert "Exemples :" in done.stdout
    assert "Filtres" in done.stdout and "Sortie" in done.stdout


@pytest.mark.subprocess
def test_help_follows_the_flag(tmp_path: Path) -> None:
    french = run_installed(["--lang", "fr", "events", "--help"], {"LANG": "C"}, tmp_path)
    assert "Lister les événements" in french.stdout
    english = run_installed(["--lang", "en", "events", "--help"], {"LANG": "fr_FR.UTF-8"}, tmp_path)
    assert "List events" in english.stdout
    assert "Examples:" in english.stdout


@pytest.mark.subprocess
def test_the_installed_command_speaks_french(tmp_path: Path) -> None:
    """The catalogue is found where the package is installed (in the wheel, not beside it)."""
    env = {"LANG": "fr_FR.UTF-8"}
    unknown = run_installed(["startups", "--city", "paris"], env, tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("Erreur : ville inconnue 'paris'")
    table = run_installed(["--today", TODAY, "events", "--upcoming", "-f", "table"], env, tmp_path)
    assert "Événements (1)" in table.stdout and "19 nov. 2026" in table.stdout
    typer_error = run_installed(["nope"], env, tmp_path)
    assert "Commande inconnue : 'nope'." in typer_error.stderr
    root = run_installed(["--help"], env, tmp_path)
    assert "Commandes" in root.stdout
    assert "Traceback" not in unknown.stderr + table.stderr + typer_error.stderr


@pytest.mark.subprocess
def test_english_stays_english_with_lang_c(tmp_path: Path) -> None:
    done = run_installed(["startups", "--help"], {"LANG": "C"}, tmp_path)
    assert "List startups" in done.stdout and "Filters" in done.stdout
    assert "Lister" not in done.stdout


def test_every_command_gets_its_help_in_the_chosen_language() -> None:
    """A command defined below the line that translates the docstrings would keep English
    help and be missing from the catalogue."""
    from normandie_cli.cli.app import app, commands

    untranslated = [info.callback for info in commands(app) if info.help is None]
    assert untranslated == [], "define commands above HELP_FROM_DOCSTRINGS in cli.py"


@pytest.mark.parametrize(
    ("today", "english", "french"),
    [("2026-11-19", "today", "aujourd'hui"), ("2026-11-18", "tomorrow", "demain")],
)
def test_an_event_on_the_day_or_the_day_before(
    invoke: Invoke, today: str, english: str, french: str
) -> None:
    for lang, expected in (("en", english), ("fr", french)):
        args = ["--lang", lang, "--today", today, "events", "--upcoming", "-f", "table"]
        table = invoke(args).stdout
        assert expected in table, table


def test_an_event_under_way(invoke: Invoke, write_dataset: WriteDataset) -> None:
    data = write_dataset(
        '\n[[events]]\nid = "fair"\nname = "Fair"\nstart = "2026-11-01"\nend = "2026-11-03"\n'
        'sources = ["src"]\n'
    )
    args = ["--data", str(data), "--today", "2026-11-02", "events", "-f", "table"]
    assert "en cours" in invoke(["--lang", "fr", *args]).stdout
    assert "under way" in invoke(["--lang", "en", *args]).stdout
