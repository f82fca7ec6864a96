"""The personal overlay: `add`, `edit`, `retire`, `overlay` and `overlay export`, the merge
rules, and the promise that the overlay file is never damaged or half written."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_DATASET, SEED, STABLE_ENV, Invoke, WriteDataset, ids
from typer.testing import CliRunner

from normandie_cli.cli.app import app
from normandie_cli.cli.context import Environment
from normandie_cli.dataset import load_dataset, parse_toml
from normandie_cli.errors import DataError
from normandie_cli.validation import parse_dataset

CITED = "maddyness-2015-11-19"
NEW_STARTUP = [
    "add",
    "startup",
    "--name",
    "Données Normandes",
    "--city",
    "Évreux",
    "--sector",
    "big data",
    "--founded",
    "2025-03",
    "--source",
    "maddyness-2015-11-19",
]
COMMENTED = """\
# My corrections, kept by hand before I found `normandie add`.
# They are sent upstream every month.

[[startups]]   # a startup I know well
id = "ma-boite"
name = "Ma Boîte"   # with its accent
sources = ["maddyness-2015-11-19"]
city = "caen"

# The end of the file: nothing below.
"""


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    return tmp_path / "overlay.toml"


@pytest.fixture
def run(invoke: Invoke, overlay: Path) -> Invoke:
    """`invoke` on the seed data with the test's own overlay file."""

    def with_overlay(args: list[str], env: dict[str, str | None] | None = None) -> object:
        return invoke(["--overlay", str(overlay), *args], env=env)

    return with_overlay  # type: ignore[return-value]


# A person at a terminal, who can be asked for what is missing.
ASKING = Environment(stdin_terminal=True)


# --- The merge rules ----------------------------------------------------------------------

BASE = (
    MINIMAL_DATASET
    + """
[[organization_kinds]]
id = "incubator"
name_fr = "Incubateur"
name_en = "Incubator"

[[organizations]]
id = "nest"
name = "Nest"
kind = "incubator"
sources = ["src"]

[[startups]]
id = "one"
name = "One"
sources = ["src"]
hosted_by = ["nest"]

[[startups]]
id = "two"
name = "Two"
sources = ["src"]
"""
)


def merged(overlay_text: str) -> tuple[list[str], dict[str, str]]:
    """The startup ids and names of BASE amended by an overlay."""
    base = parse_toml(BASE.encode(), "base.toml")
    amendment = parse_toml(overlay_text.encode(), "overlay.toml")
    dataset = parse_dataset([("", base)], "base.toml", ("overlay.toml", amendment))
    return [s.id for s in dataset.startups], {s.id: s.name for s in dataset.startups}


def test_an_overlay_adds_replaces_and_retires() -> None:
    startup_ids, names = merged(
        """
[[startups]]
id = "three"
name = "Three"
sources = ["src"]

[[startups]]
id = "one"
name = "One, corrected"
sources = ["src"]

[[retired]]
id = "two"
reason = "closed"
sources = ["src"]
"""
    )
    assert sorted(startup_ids) == ["one", "three"]
    assert names["one"] == "One, corrected"


@pytest.mark.parametrize(
    ("overlay_text", "problem"),
    [
        (
            '[[retired]]\nid = "nest"\nreason = "gone"\nsources = ["src"]\n',
            "'hosted_by' refers to 'nest', which is not in organizations",
        ),
        (
            '[[retired]]\nid = "ghost"\nreason = "gone"\nsources = ["src"]\n',
            "retires 'ghost', which is not in the dataset",
        ),
        (
            '[[retired]]\nid = "two"\nreason = "gone"\nsources = ["nowhere"]\n',
            "'sources' refers to 'nowhere'",
        ),
        ('[[retired]]\nid = "two"\nsources = ["src"]\n', "the required field 'reason' is missing"),
        (
            '[[startups]]\nid = "new"\nname = "New"\nsources = ["src"]\nhosted_by = ["nowhere"]\n',
            "overlay.toml: startups[0] ('new'): 'hosted_by' refers to 'nowhere'",
        ),
        (
            '[[startups]]\nid = "nest"\nname = "Nest again"\nsources = ["src"]\n',
            "duplicate id 'nest'",
        ),
        ('[meta]\ntitle = "Mine"\n', "unknown table 'meta'"),
        (
            '[[startups]]\nid = "two"\nname = "Two"\nsources = ["src"]\n'
            '[[retired]]\nid = "two"\nreason = "gone"\nsources = ["src"]\n',
            "'two' is both retired and listed in the overlay",
        ),
    ],
)
def test_an_overlay_cannot_break_the_dataset(overlay_text: str, problem: str) -> None:
    with pytest.raises(DataError) as raised:
        merged(overlay_text)
    assert problem in str(raised.value)


# --- add ----------------------------------------------------------------------------------


def test_add_with_options_writes_the_record_and_every_listing_sees_it(
    run: Invoke, overlay: Path
) -> None:
    added = run(NEW_STARTUP)
    assert added.exit_code == 0, added.stderr
    assert "Added 'donnees-normandes' to startups" in added.stderr
    assert parse_toml(overlay.read_bytes(), "o")["startups"] == [
        {
            "id": "donnees-normandes",
            "name": "Données Normandes",
            "sources": ["maddyness-2015-11-19"],
            "city": "evreux",
            "sectors": ["big-data"],
            "founded": "2025-03",
        }
    ]
    assert "donnees-normandes" in ids(run(["startups", "--city", "evreux"]).stdout)
    shown = run(["show", "donnees-normandes", "-f", "table"])
    assert f"your overlay, {overlay}" in shown.stdout
    assert "the bundled dataset" not in run(["show", "saagie", "-f", "table"]).stdout
    assert "donnees-normandes" not in run(["--no-overlay", "startups"]).stdout


def test_add_with_a_new_web_address_adds_the_source_too(run: Invoke, overlay: Path) -> None:
    url = "https://www.example.org/news/levee"
    done = run(
        ["add", "event", "--name", "Meetup IA", "--start", "2027-01-14", "--city", "caen"]
        + ["--source", url, "--source-title", "Un meetup sur l'IA"]
    )
    assert done.exit_code == 0, done.stderr
    written = parse_toml(overlay.read_bytes(), "o")
    (source,) = written["sources"]
    assert source == {
        "id": "example-org-news-levee",
        "title": "Un meetup sur l'IA",
        "publisher": "example.org",
        "url": url,
    }
    assert written["events"][0]["sources"] == ["example-org-news-levee"]
    # The same address again is the same source, not a second one.
    again = run(["add", "startup", "--name", "Autre", "--source", url])
    assert again.exit_code == 0, again.stderr
    assert len(parse_toml(overlay.read_bytes(), "o")["sources"]) == 1


def test_add_a_source_then_cite_it(run: Invoke, overlay: Path) -> None:
    source = run(
        ["add", "source", "--title", "Annonce", "--publisher", "Ouest-France"]
        + ["--url", "https://example.org/annonce", "--date", "2026-10", "--id", "of-annonce"]
    )
    assert source.exit_code == 0, source.stderr
    startup = run(["add", "startup", "--name", "Cité", "--source", "of-annonce"])
    assert startup.exit_code == 0, startup.stderr
    assert "cite" in ids(run(["startups", "-S", "cité"]).stdout)


def test_add_without_a_terminal_names_what_is_missing(run: Invoke, overlay: Path) -> None:
    done = run(["add", "organization", "--city", "rouen"])
    assert done.exit_code == 2
    assert "missing --name, --kind, --source" in done.stderr
    assert not overlay.exists()


def test_add_on_a_terminal_asks_with_suggestions(run: Invoke, overlay: Path) -> None:
    answers = [
        "Atelier Numérique",  # name
        "incubatr",  # kind, mistyped: asked again
        "incubator",
        "Rouenn",  # city, mistyped
        "Rouen",
        "nowhere",  # source, unknown
        "maddyness-2015-11-19",
    ]
    done = CliRunner().invoke(
        app,
        ["--data", str(SEED), "--overlay", str(overlay), "add", "organization"],
        input="\n".join(answers) + "\n",
        env=STABLE_ENV,
        obj=ASKING,
    )
    assert done.exit_code == 0, done.output
    assert "did you mean 'incubator'" in done.output
    assert "did you mean 'Rouen'" in done.output
    assert "Kinds: " in done.output
    (organization,) = parse_toml(overlay.read_bytes(), "o")["organizations"]
    assert organization == {
        "id": "atelier-numerique",
        "name": "Atelier Numérique",
        "kind": "incubator",
        "sources": ["maddyness-2015-11-19"],
        "city": "rouen",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "Saagie"], "the id 'saagie' is taken"),
        (["--name", "X", "--id", "saagie"], "the id 'saagie' is taken"),
        (["--name", "X", "--city", "Paris"], "unknown city 'Paris'"),
        (["--name", "X", "--sector", "fintek"], "unknown sector 'fintek'"),
        (["--name", "X", "--hosted-by", "nowhere"], "unknown organizer 'nowhere'"),
        (["--name", "X", "--founded", "19/11/2015"], "not a date like 2015"),
        (["--name", "X", "--website", "javascript:alert(1)"], "must be a web address"),
        (["--name", "!!!"], "no id can be made"),
    ],
)
def test_a_refused_add_leaves_the_overlay_as_it_was(
    run: Invoke, overlay: Path, args: list[str], message: str
) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")
    done = run(["add", "startup", *args, "--source", "maddyness-2015-11-19"])
    assert done.exit_code == 2, done.stderr
    assert message in done.stderr
    assert overlay.read_text(encoding="utf-8") == COMMENTED
    assert [p.name for p in overlay.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_dry_run_prints_the_record_and_writes_nothing(run: Invoke, overlay: Path) -> None:
    done = run([*NEW_STARTUP, "--dry-run"])
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith('[[startups]]\nid = "donnees-normandes"\n')
    assert "nothing was written" in done.stderr
    assert not overlay.exists()


# --- Keeping the file intact ----------------------------------------------------------------


def test_adding_keeps_the_rest_of_the_file_byte_for_byte(run: Invoke, overlay: Path) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")
    assert run(NEW_STARTUP).exit_code == 0
    text = overlay.read_text(encoding="utf-8")
    assert text.startswith(COMMENTED)
    assert text[len(COMMENTED) :].startswith('\n[[startups]]\nid = "donnees-normandes"')


def test_editing_a_record_of_the_overlay_changes_only_that_record(
    run: Invoke, overlay: Path
) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")
    done = run(["edit", "ma-boite", "--set", "founded=2019", "--source", "tendanceouest-97290"])
    assert done.exit_code == 0, done.stderr
    text = overlay.read_text(encoding="utf-8")
    head, tail = COMMENTED.split("[[startups]]")
    assert text.startswith(head)
    assert text.endswith("\n# The end of the file: nothing below.\n")
    (record,) = parse_toml(text.encode(), "o")["startups"]
    assert record["founded"] == "2019"
    assert record["sources"] == ["maddyness-2015-11-19", "tendanceouest-97290"]


def test_an_interrupted_write_leaves_the_overlay_as_it_was(
    run: Invoke, overlay: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")

    replace = os.replace

    def interrupted(source: str, target: str, **folders: int) -> None:
        if target == overlay.name:  # the moment the finished file would take its place
            raise KeyboardInterrupt
        replace(source, target, **folders)

    monkeypatch.setattr(os, "replace", interrupted)
    done = run(NEW_STARTUP)
    assert done.exit_code == 130
    assert overlay.read_text(encoding="utf-8") == COMMENTED
    assert sorted(p.name for p in overlay.parent.iterdir()) == [
        ".overlay.toml.history",
        ".overlay.toml.lock",
        overlay.name,
    ]
    # A change that was not written is not kept for undo either.
    assert list((overlay.parent / ".overlay.toml.history").iterdir()) == []
    assert "Nothing to undo" in run(["overlay", "undo"]).stderr


@pytest.mark.subprocess
def test_two_adds_at_the_same_moment_both_land(tmp_path: Path, overlay: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in STABLE_ENV}
    env.update(NORMANDIE_DATA=str(SEED), NORMANDIE_OVERLAY=str(overlay), NORMANDIE_NO_CACHE="1")
    names = [f"Concurrente {n}" for n in range(4)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "normandie_cli", "add", "startup", "--name", name]
            + ["--source", "maddyness-2015-11-19"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    written = parse_toml(overlay.read_bytes(), "o")["startups"]
    assert sorted(s["name"] for s in written) == names
    load_dataset(SEED, overlay)  # and the result is valid


# --- edit and retire ----------------------------------------------------------------------


def test_edit_writes_a_corrected_copy_of_a_dataset_record(run: Invoke, overlay: Path) -> None:
    done = run(
        ["edit", "saagie", "--set", "founded=2012", "--set", "sectors=big data, CRM"]
        + ["--unset", "hosted_by", "--source", "tendanceouest-97290"]
    )
    assert done.exit_code == 0, done.stderr
    shown = json.loads(run(["show", "saagie", "--json"]).stdout)
    assert shown["founded"] == "2012"
    assert shown["sectors"] == ["big-data", "crm"]
    assert shown["hosted_by"] == []
    assert "tendanceouest-97290" in shown["sources"]
    # Everything else is the dataset's record, unchanged.
    assert shown["name"] == "Saagie"
    assert shown["former_names"] == ["Creative Data"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["saagie", "--set", "foundd=2012"], "no field 'foundd' (did you mean 'founded'?)"),
        (["saagie", "--set", "founded"], "--set takes FIELD=VALUE"),
        (["saagie", "--set", "funding=1"], "correct it in the overlay file itself"),
        (["saagie", "--set", "id=other"], "no field 'id'"),
        (["saagie"], "nothing to change"),
        (["saagie", "--set", "founded=2013"], "already has these values"),
        (["sagie", "--set", "founded=2012"], "no record has the id 'sagie'"),
        (["saagie", "--set", "online=maybe"], "no field 'online'"),
    ],
)
def test_a_refused_edit_writes_nothing(
    run: Invoke, overlay: Path, args: list[str], message: str
) -> None:
    done = run(["edit", *args, "--source", "tendanceouest-97290"])
    assert done.exit_code == 2, done.stderr
    assert message in done.stderr
    assert not overlay.exists()


def test_an_edit_must_cite_a_source(run: Invoke, overlay: Path) -> None:
    done = run(["edit", "saagie", "--set", "founded=2012"])
    assert done.exit_code == 2
    assert "must cite a source" in done.stderr
    assert not overlay.exists()


def test_retire_hides_a_record_and_keeps_why_and_when(run: Invoke, overlay: Path) -> None:
    retire = ["retire", "spread", "--reason", "closed", "--source", "tendanceouest-97290"]
    done = run(retire, env={"NORMANDIE_TODAY": "2026-12-03"})
    assert done.exit_code == 0, done.stderr
    assert "spread" not in ids(run(["startups"]).stdout)
    assert parse_toml(overlay.read_bytes(), "o")["retired"] == [
        {
            "id": "spread",
            "reason": "closed",
            "sources": ["tendanceouest-97290"],
            "retired_on": "2026-12-03",
        }
    ]


def test_show_of_a_retired_record_says_who_retired_it_when_and_why(
    run: Invoke, overlay: Path
) -> None:
    retire = ["retire", "spread", "--reason", "closed in 2019", "--source", CITED]
    assert run(retire, env={"NORMANDIE_TODAY": "2026-12-03"}).exit_code == 0
    shown = run(["show", "spread"])
    assert shown.exit_code == 2
    assert shown.stderr == (
        "Error: 'spread' was retired by your overlay on 3 Dec 2026 (closed in 2019);"
        " `normandie --no-overlay show spread` shows it as the dataset has it\n"
    )
    assert shown.stdout == ""
    # Not a suggestion of some other record, nor a change of the record it hides.
    assert "did you mean" not in run(["show", "Spread"]).stderr
    edited = run(["edit", "spread", "--set", "founded=2012", "--source", CITED])
    assert edited.exit_code == 2
    assert "was retired by your overlay on 3 Dec 2026" in edited.stderr
    assert run(["--no-overlay", "show", "spread", "--json"]).exit_code == 0
    french = run(["--lang", "fr", "show", "spread"]).stderr
    assert "'spread' a été retiré par vos modifications le 3 déc. 2026 (closed in 2019)" in french


def test_a_retirement_written_by_hand_has_no_day_to_say(run: Invoke, overlay: Path) -> None:
    overlay.write_text(
        f'[[retired]]\nid = "spread"\nreason = "closed"\nsources = ["{CITED}"]\n', "utf-8"
    )
    shown = run(["show", "spread"])
    assert shown.exit_code == 2
    assert "Error: 'spread' was retired by your overlay (closed); `normandie" in shown.stderr


def test_a_retirement_keeps_its_sources_and_those_of_the_record_cited(
    run: Invoke, overlay: Path
) -> None:
    # Only Spread cites spreadfamily-blog-visite; the retirement cites a new source.
    url = "https://example.org/spread-ferme"
    done = run(["retire", "spread", "--reason", "closed", "--source", url])
    assert done.exit_code == 0, done.stderr
    strict = run(["validate", "--strict"])
    assert strict.exit_code == 0, strict.stderr
    assert "no record cites it" not in strict.stderr
    cited = {s["id"]: s["cited_by"] for s in json.loads(run(["sources", "--json"]).stdout)}
    assert cited["example-org-spread-ferme"] == 1
    assert cited["spreadfamily-blog-visite"] == 1
    # A source nobody cites, retirements included, is still warned about.
    source = ["add", "source", "--title", "T", "--publisher", "P", "--url", url + "-2"]
    assert run([*source, "--id", "alone"]).exit_code == 0
    assert "sources ('alone'): no record cites it" in run(["validate", "--strict"]).stderr


def test_retiring_what_others_refer_to_is_refused(run: Invoke, overlay: Path) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")
    done = run(["retire", "seine-innopolis", "--reason", "x", "--source", "tendanceouest-97290"])
    assert done.exit_code == 2
    assert "'hosted_by' refers to 'seine-innopolis'" in done.stderr
    assert "nothing was written" in done.stderr
    assert overlay.read_text(encoding="utf-8") == COMMENTED


def test_retiring_a_record_you_added_takes_it_out_of_the_overlay(
    run: Invoke, overlay: Path
) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")
    done = run(["retire", "ma-boite", "--reason", "a mistake", "--source", "tendanceouest-97290"])
    assert done.exit_code == 0, done.stderr
    text = overlay.read_text(encoding="utf-8")
    assert "ma-boite" not in text
    assert RETIRED_HEADER not in text
    assert text.startswith(COMMENTED.split("\n\n[[startups]]")[0])
    assert text.endswith("# The end of the file: nothing below.\n")


RETIRED_HEADER = "[[retired]]"


# --- Review and export --------------------------------------------------------------------


def make_changes(run: Invoke) -> None:
    for args in (
        NEW_STARTUP,
        ["edit", "saagie", "--set", "founded=2012", "--source", "tendanceouest-97290"],
        ["retire", "spread", "--reason", "closed", "--source", "tendanceouest-97290"],
    ):
        done = run(args)
        assert done.exit_code == 0, done.stderr


def test_overlay_lists_additions_replacements_and_retirements(run: Invoke) -> None:
    make_changes(run)
    rows = json.loads(run(["overlay", "--json"]).stdout)
    assert [(r["change"], r["id"]) for r in rows] == [
        ("added", "donnees-normandes"),
        ("replaced", "saagie"),
        ("retired", "spread"),
    ]
    assert rows[1]["fields"] == ["sources: +tendanceouest-97290", "founded: 2013 -> 2012"]
    assert rows[2]["reason"] == "closed"
    table = run(["overlay", "-f", "table"]).stdout
    assert "founded: 2013 -> 2012" in table
    assert "Données Normandes" in table


def test_an_empty_overlay_says_so(run: Invoke) -> None:
    done = run(["overlay", "-f", "table"])
    assert done.exit_code == 0
    assert "changes nothing yet" in done.stderr
    assert run(["overlay", "export", "-o", "x.toml"]).exit_code == 2


def test_the_exported_changes_stand_on_their_own(
    run: Invoke, invoke: Invoke, tmp_path: Path
) -> None:
    make_changes(run)
    exported = tmp_path / "my-changes.toml"
    done = run(["overlay", "export", "-o", str(exported)])
    assert done.exit_code == 0, done.stderr
    # Loaded as the only overlay, the exported file makes the same dataset.
    with_overlay = invoke(["--overlay", str(exported), "startups", "--json"]).stdout
    assert with_overlay == run(["startups", "--json"]).stdout
    assert "donnees-normandes" in with_overlay
    again = run(["overlay", "export", "-o", str(exported)])
    assert again.exit_code == 2
    assert "add --force" in again.stderr
    assert run(["overlay", "export", "-o", str(exported), "--force"]).exit_code == 0


def test_validate_checks_the_dataset_with_the_overlay(run: Invoke, overlay: Path) -> None:
    assert run(NEW_STARTUP).exit_code == 0
    done = run(["validate"])
    assert done.exit_code == 0, done.stderr
    assert f"with the overlay {overlay}: valid" in done.stderr
    overlay.write_text('[[retired]]\nid = "ghost"\nreason = "x"\nsources = ["x"]\n', "utf-8")
    refused = run(["validate"])
    assert refused.exit_code == 1
    assert "retires 'ghost', which is not in the dataset" in refused.stderr


def test_validate_checks_an_exported_overlay_file_over_the_dataset_in_use(
    run: Invoke, invoke: Invoke, tmp_path: Path, write_dataset: WriteDataset
) -> None:
    make_changes(run)
    exported = tmp_path / "my-changes.toml"
    assert run(["overlay", "export", "-o", str(exported)]).exit_code == 0
    # Whatever overlay is in use (here none), the file is checked as the overlay.
    for args in (["validate", str(exported)], ["validate", "--strict", str(exported)]):
        done = invoke(args)
        assert done.exit_code == 0, done.stderr
        assert done.stderr == f"{SEED} with the overlay {exported}: valid (113 records).\n"
    same = invoke(["--overlay", str(exported), "validate"])
    assert same.stderr == f"{SEED} with the overlay {exported}: valid (113 records).\n"
    french = invoke(["--lang", "fr", "validate", str(exported)])
    assert french.exit_code == 0, french.stderr
    assert f" avec les modifications de {exported} : valide (113 enregistrements)." in french.stderr
    # Over a dataset it does not fit, its problems are listed, each naming the file.
    elsewhere = invoke(["--data", str(write_dataset("")), "validate", str(exported)])
    assert elsewhere.exit_code == 1
    assert f"  {exported}: retired[0] ('spread'): retires 'spread', which is not in the" in (
        elsewhere.stderr
    )
    assert "the [meta] table is missing" not in elsewhere.stderr


@pytest.mark.parametrize(
    "text",
    [
        '[[retired]]\nid = "spread"\nreason = "closed"\nsources = ["tendanceouest-97290"]\n',
        '[[sources]]\nid = "mine"\ntitle = "T"\npublisher = "P"\nurl = "https://example.org"\n',
    ],
)
def test_validate_knows_an_overlay_file_by_its_tables(
    invoke: Invoke, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    done = invoke(["validate", str(path)])
    assert done.exit_code == 0, done.stderr
    assert f"with the overlay {path}: valid" in done.stderr
    # --strict: a source nobody cites is still one.
    strict = invoke(["validate", "--strict", str(path)])
    assert strict.exit_code == (1 if "[[sources]]" in text else 0)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # A dataset's file without [meta] and no table an overlay has: a dataset still.
        ('[[startup]]\nid = "x"\n', "the [meta] table is missing"),
        ('[meta]\ntitle = "T"\n[[retired]]\nid = "x"\n', "unknown table 'retired'"),
    ],
)
def test_validate_takes_any_other_file_for_a_dataset(
    invoke: Invoke, tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    done = invoke(["validate", str(path)])
    assert done.exit_code == 1
    assert problem in done.stderr
    assert "with the overlay" not in done.stderr


def test_validate_takes_a_file_of_the_dataset_in_use_for_part_of_it(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "a.toml").write_text(MINIMAL_DATASET, encoding="utf-8")
    part = folder / "b.toml"
    part.write_text('[[startups]]\nid = "b"\nname = "B"\nsources = ["src"]\n', "utf-8")
    done = CliRunner().invoke(app, ["--data", str(folder), "validate", str(part)], env=STABLE_ENV)
    assert "the [meta] table is missing" in done.stderr
    assert "with the overlay" not in done.stderr


def test_leaving_a_question_unanswered_writes_nothing(overlay: Path) -> None:
    done = CliRunner().invoke(
        app,
        ["--data", str(SEED), "--overlay", str(overlay), "add", "startup"],
        input="Half Done\n",  # then the input ends, as with Ctrl-D
        env=STABLE_ENV,
        obj=ASKING,
    )
    assert done.exit_code == 130
    assert "Traceback" not in done.output
    assert not overlay.exists()


def test_the_overlay_commands_speak_french(run: Invoke, overlay: Path) -> None:
    refused = run(["--lang", "fr", "add", "organization", "--city", "rouen"])
    assert refused.exit_code == 2
    assert "il manque --name, --kind, --source" in refused.stderr
    added = run(["--lang", "fr", *NEW_STARTUP])
    assert added.exit_code == 0, added.stderr
    assert "'donnees-normandes' ajouté à startups" in added.stderr
    review = run(["--lang", "fr", "overlay", "-f", "table"]).stdout
    assert "Vos modifications" in review
    assert "ajouté" in review


# --- Found in review, each fixed ------------------------------------------------------------


def test_a_source_is_corrected_without_citing_sources(run: Invoke, overlay: Path) -> None:
    done = run(["edit", "maddyness-2015-11-19", "--set", "title=Un autre titre"])
    assert done.exit_code == 0, done.stderr
    (source,) = parse_toml(overlay.read_bytes(), "o")["sources"]
    assert source["title"] == "Un autre titre"
    assert "sources" not in source


def test_an_empty_overlay_changes_nothing(run: Invoke, overlay: Path) -> None:
    overlay.write_text("", encoding="utf-8")
    assert run(["startups"]).exit_code == 0
    assert run(["add", "startup", "--name", "Solo", "--source", CITED]).exit_code == 0
    # Retiring the only entry leaves the file empty again, and that is fine too.
    assert run(["retire", "solo", "--reason", "test", "--source", CITED]).exit_code == 0
    assert overlay.read_text(encoding="utf-8").strip() == ""
    assert run(["startups"]).exit_code == 0


def test_an_overlay_that_starts_with_a_byte_order_mark_is_edited_in_place(
    run: Invoke, overlay: Path
) -> None:
    entries = [
        f'[[startups]]\nid = "{i}"\nname = "{i.upper()}"\nsources = ["{CITED}"]\n' for i in "ab"
    ]
    overlay.write_bytes(("\ufeff" + "\n".join(entries)).encode("utf-8"))
    done = run(["edit", "b", "--set", "founded=2020", "--source", CITED])
    assert done.exit_code == 0, done.stderr
    assert [s.get("founded") for s in parse_toml(overlay.read_bytes(), "o")["startups"]] == [
        None,
        "2020",
    ]


@pytest.mark.parametrize(
    "layout",
    [
        # Entries written inline: no [[startups]] header to find.
        f'startups = [{{id = "a", name = "A", sources = ["{CITED}"]}}]\n',
        # A header line inside a multi-line text.
        f'[[startups]]\nid = "a"\nname = "A"\nsources = ["{CITED}"]\n'
        'description = """\n[[startups]]\n"""\n',
    ],
)
def test_a_layout_that_cannot_be_edited_safely_is_left_alone(
    run: Invoke, overlay: Path, layout: str
) -> None:
    overlay.write_text(layout, encoding="utf-8")
    done = run(["edit", "a", "--set", "founded=2020", "--source", CITED])
    assert done.exit_code == 1
    assert "could not be found safely in the overlay" in done.stderr
    assert "Traceback" not in done.stderr
    assert overlay.read_text(encoding="utf-8") == layout


@pytest.mark.subprocess
def test_two_corrections_of_one_record_at_the_same_moment_both_land(
    tmp_path: Path, overlay: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in STABLE_ENV}
    env.update(NORMANDIE_DATA=str(SEED), NORMANDIE_OVERLAY=str(overlay), NORMANDIE_NO_CACHE="1")
    assignments = ["founded=2012", "website=https://example.org", "tags=data", "siren=123456782"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "normandie_cli", "edit", "saagie", "--set", assignment]
            + ["--source", CITED],
            cwd=tmp_path,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for assignment in assignments
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    (saagie,) = parse_toml(overlay.read_bytes(), "o")["startups"]
    assert (saagie["founded"], saagie["website"], saagie["tags"], saagie["siren"]) == (
        "2012",
        "https://example.org",
        ["data"],
        "123456782",
    )


def test_a_linked_overlay_is_updated_where_it_lives(tmp_path: Path, invoke: Invoke) -> None:
    real = tmp_path / "kept" / "overlay.toml"
    real.parent.mkdir()
    real.write_text("# mine\n", encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    done = invoke(["--overlay", str(link), "add", "startup", "--name", "Liée", "--source", CITED])
    assert done.exit_code == 0, done.stderr
    assert link.is_symlink()
    assert "liee" in real.read_text(encoding="utf-8")


def test_a_retired_record_can_be_added_back(run: Invoke, overlay: Path) -> None:
    assert run(["retire", "spread", "--reason", "closed", "--source", CITED]).exit_code == 0
    done = run(["add", "startup", "--name", "Spread", "--source", CITED])
    assert done.exit_code == 0, done.stderr
    assert "retired" not in parse_toml(overlay.read_bytes(), "o")
    assert "spread" in ids(run(["startups"]).stdout)


def test_an_empty_value_points_to_unset(run: Invoke, overlay: Path) -> None:
    done = run(["edit", "saagie", "--set", "city=", "--source", CITED])
    assert done.exit_code == 2
    assert "city needs a value; to empty it, use --unset city" in done.stderr


# --- What `validate` would warn about as impossible is refused before it is written ---------


@pytest.mark.parametrize(
    ("args", "fact"),
    [
        (["edit", "saagie", "--set", "founded=2031"], "startups ('saagie'): founded 2031, after"),
        (["edit", "saagie", "--set", "founded=2026-12-04"], "founded 2026-12-04, after today"),
        (["edit", "saagie", "--set", "siren=123456789"], "SIREN 123456789 fails its checksum"),
        (["add", "startup", "--name", "Futur", "--founded", "2027"], "('futur'): founded 2027"),
        (
            ["add", "organization", "--name", "Lab", "--kind", "incubator", "--city", "caen"]
            + ["--founded", "2030-01"],
            "organizations ('lab'): founded 2030-01, after today",
        ),
    ],
)
def test_a_change_validate_would_call_impossible_is_refused_before_writing(
    run: Invoke, overlay: Path, args: list[str], fact: str
) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")
    done = run([*args, "--source", CITED], env={"NORMANDIE_TODAY": "2026-12-03"})
    assert done.exit_code == 2, done.stderr
    assert done.stderr.startswith("Error: nothing was written, because:\n  ")
    assert fact in done.stderr
    assert overlay.read_text(encoding="utf-8") == COMMENTED
    # The words are validate's own: the same fact written by hand is warned about so.
    overlay.write_text(COMMENTED + "\n" + FUTURE_FOUNDING, encoding="utf-8")
    warned = run(["validate"], env={"NORMANDIE_TODAY": "2026-12-03"})
    assert "warning: startups ('futur-connu'): founded 2031, after today" in warned.stderr


FUTURE_FOUNDING = f'[[startups]]\nid = "futur-connu"\nname = "Futur"\nsources = ["{CITED}"]\n'
FUTURE_FOUNDING += 'founded = "2031"\n'


def test_the_day_taken_as_today_decides_what_is_still_to_come(run: Invoke, overlay: Path) -> None:
    args = ["edit", "saagie", "--set", "founded=2031", "--source", CITED]
    assert run(["--today", "2030-12-31", *args]).exit_code == 2
    done = run(["--today", "2031-01-01", *args])
    assert done.exit_code == 0, done.stderr
    assert parse_toml(overlay.read_bytes(), "o")["startups"][0]["founded"] == "2031"


def test_a_change_is_not_refused_for_a_record_it_leaves_alone(run: Invoke, overlay: Path) -> None:
    # A fact written by hand stays the person's to fix; another change still goes through.
    overlay.write_text(FUTURE_FOUNDING, encoding="utf-8")
    today = {"NORMANDIE_TODAY": "2026-12-03"}
    done = run(["edit", "saagie", "--set", "founded=2012", "--source", CITED], env=today)
    assert done.exit_code == 0, done.stderr
    corrected = run(["edit", "futur-connu", "--set", "founded=2019", "--source", CITED], env=today)
    assert corrected.exit_code == 0, corrected.stderr
    # But a change of that record must not keep what cannot be true.
    overlay.write_text(FUTURE_FOUNDING, encoding="utf-8")
    renamed = run(["edit", "futur-connu", "--set", "name=Futur II", "--source", CITED], env=today)
    assert renamed.exit_code == 2
    assert "startups ('futur-connu'): founded 2031, after today" in renamed.stderr


# --- overlay undo ---------------------------------------------------------------------------

HISTORY = ".overlay.toml.history"


def test_undo_takes_the_changes_back_one_at_a_time(run: Invoke, overlay: Path) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")
    versions = [COMMENTED]
    for args in (
        NEW_STARTUP,
        ["edit", "saagie", "--set", "founded=2012", "--source", CITED],
        ["retire", "spread", "--reason", "closed", "--source", CITED],
    ):
        assert run(args, env={"NORMANDIE_TODAY": "2026-12-03"}).exit_code == 0
        versions.append(overlay.read_text(encoding="utf-8"))
    for said in (
        "Undid the retirement of 'spread' (3 Dec 2026)",
        "Undid the correction of 'saagie' (3 Dec 2026)",
        "Undid the addition of 'donnees-normandes' (3 Dec 2026)",
    ):
        versions.pop()
        done = run(["overlay", "undo"])
        assert done.exit_code == 0, done.stderr
        assert done.stderr == f"{said}: {overlay} is as it was before it.\n"
        assert overlay.read_text(encoding="utf-8") == versions[-1]
    # Byte for byte the file it was, comments included; then there is nothing left to undo.
    assert overlay.read_text(encoding="utf-8") == COMMENTED
    assert "spread" in ids(run(["startups"]).stdout)
    nothing = run(["overlay", "undo"])
    assert nothing.exit_code == 0
    assert nothing.stderr == (
        f"Nothing to undo: the history of your overlay ({overlay}) keeps no change made by"
        " `normandie add`, `edit` or `retire`.\n"
    )
    assert overlay.read_text(encoding="utf-8") == COMMENTED


def test_undo_of_a_first_change_leaves_an_overlay_that_changes_nothing(
    run: Invoke, overlay: Path
) -> None:
    assert run(NEW_STARTUP).exit_code == 0
    assert run(["overlay", "undo"]).exit_code == 0
    assert overlay.read_text(encoding="utf-8") == ""
    assert "changes nothing yet" in run(["overlay", "-f", "table"]).stderr


def test_undo_dry_run_shows_what_would_be_put_back_and_changes_nothing(
    run: Invoke, overlay: Path
) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")
    retire = ["retire", "spread", "--reason", "closed", "--source", CITED]
    assert run(retire, env={"NORMANDIE_TODAY": "2026-12-03"}).exit_code == 0
    retired = overlay.read_text(encoding="utf-8")
    shown = run(["overlay", "undo", "--dry-run"])
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith(f"--- {overlay}\n+++ {overlay}, after undo\n@@ ")
    assert '\n-[[retired]]\n-id = "spread"\n-reason = "closed"\n' in shown.stdout
    assert not any(line.startswith("+") for line in shown.stdout.splitlines()[2:])
    assert shown.stderr == (
        "Would undo the retirement of 'spread' (3 Dec 2026); nothing was changed (--dry-run).\n"
    )
    assert overlay.read_text(encoding="utf-8") == retired
    assert len(list((overlay.parent / HISTORY).iterdir())) == 1
    assert run(["overlay", "undo"]).exit_code == 0
    assert overlay.read_text(encoding="utf-8") == COMMENTED


def test_undo_refuses_when_the_file_was_edited_since(run: Invoke, overlay: Path) -> None:
    assert run(NEW_STARTUP, env={"NORMANDIE_TODAY": "2026-12-03"}).exit_code == 0
    added = overlay.read_text(encoding="utf-8")
    overlay.write_text(added + "# a note typed by hand\n", encoding="utf-8")
    for args in (["overlay", "undo"], ["overlay", "undo", "--dry-run"]):
        refused = run(args)
        assert refused.exit_code == 1
        assert refused.stderr == (
            f"Error: {overlay} was changed since the addition of 'donnees-normandes'"
            " (3 Dec 2026), by hand or by another program: undoing it would lose that, so"
            " nothing was changed; take it back by editing the file\n"
        )
        assert overlay.read_text(encoding="utf-8") == added + "# a note typed by hand\n"
    # With the hand edit taken back, the change can be undone again.
    overlay.write_text(added, encoding="utf-8")
    assert run(["overlay", "undo"]).exit_code == 0


def test_undo_refuses_what_is_no_longer_valid(
    run: Invoke, overlay: Path, write_dataset: WriteDataset
) -> None:
    # The overlay before the change cites a source the dataset in use has not got.
    overlay.write_text(COMMENTED, encoding="utf-8")
    assert run(NEW_STARTUP).exit_code == 0
    other = write_dataset("")
    refused = run(["--data", str(other), "overlay", "undo"])
    assert refused.exit_code == 2
    assert "nothing was written, because:" in refused.stderr
    assert "'sources' refers to 'maddyness-2015-11-19'" in refused.stderr


@pytest.mark.subprocess
def test_undo_waits_for_the_lock_another_change_holds(
    run: Invoke, tmp_path: Path, overlay: Path
) -> None:
    fcntl = pytest.importorskip("fcntl")
    assert run(NEW_STARTUP).exit_code == 0
    added = overlay.read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in STABLE_ENV}
    env.update(NORMANDIE_DATA=str(SEED), NORMANDIE_OVERLAY=str(overlay), NORMANDIE_NO_CACHE="1")
    with open(overlay.parent / ".overlay.toml.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as `add`, `edit` or `retire` holds it
        undo = subprocess.Popen(
            [sys.executable, "-m", "normandie_cli", "overlay", "undo"],
            cwd=tmp_path,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        with pytest.raises(subprocess.TimeoutExpired):
            undo.wait(timeout=5)
        assert overlay.read_text(encoding="utf-8") == added
    _, stderr = undo.communicate(timeout=60)
    assert undo.returncode == 0, stderr
    assert overlay.read_text(encoding="utf-8") == ""


def test_the_history_is_bounded(
    run: Invoke, overlay: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normandie_cli import overlay_history

    monkeypatch.setattr(overlay_history, "HISTORY_LIMIT", 3)
    for number in range(5):
        assert (
            run(["add", "startup", "--name", f"Bornée {number}", "--source", CITED]).exit_code == 0
        )
    entries = sorted(p.name for p in (overlay.parent / HISTORY).iterdir())
    assert entries == ["000003.json", "000004.json", "000005.json"]
    for _ in range(3):
        assert run(["overlay", "undo"]).exit_code == 0
    assert [s["name"] for s in parse_toml(overlay.read_bytes(), "o")["startups"]] == [
        "Bornée 0",
        "Bornée 1",
    ]
    assert "Nothing to undo" in run(["overlay", "undo"]).stderr
    # Heavier than the bound in bytes, only the newest is kept.
    monkeypatch.setattr(overlay_history, "HISTORY_BYTES", 1)
    for number in range(2):
        assert (
            run(["add", "startup", "--name", f"Lourde {number}", "--source", CITED]).exit_code == 0
        )
    assert [p.name for p in (overlay.parent / HISTORY).iterdir()] == ["000002.json"]


def test_the_history_is_private_and_beside_the_overlay_it_follows(
    tmp_path: Path, invoke: Invoke
) -> None:
    real = tmp_path / "kept" / "mine.toml"
    real.parent.mkdir()
    real.write_text("# mine\n", encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    done = invoke(["--overlay", str(link), "add", "startup", "--name", "Liée", "--source", CITED])
    assert done.exit_code == 0, done.stderr
    assert not (tmp_path / ".link.toml.history").exists()
    history = real.parent / ".mine.toml.history"
    assert stat.S_IMODE(history.stat().st_mode) == 0o700
    (entry,) = history.iterdir()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert json.loads(entry.read_text(encoding="utf-8"))["before"] == "# mine\n"
    assert invoke(["--overlay", str(link), "overlay", "undo"]).exit_code == 0
    assert real.read_text(encoding="utf-8") == "# mine\n"
    assert link.is_symlink()


def test_a_dry_run_keeps_nothing_in_the_history(run: Invoke, overlay: Path) -> None:
    overlay.write_text(COMMENTED, encoding="utf-8")
    assert run([*NEW_STARTUP, "--dry-run"]).exit_code == 0
    assert run(["edit", "saagie", "--set", "founded=2031", "--source", CITED]).exit_code == 2
    assert not (overlay.parent / HISTORY).exists()
    assert "Nothing to undo" in run(["overlay", "undo"]).stderr


def test_undo_speaks_french(run: Invoke, overlay: Path) -> None:
    assert run(NEW_STARTUP, env={"NORMANDIE_TODAY": "2026-12-03"}).exit_code == 0
    shown = run(["--lang", "fr", "overlay", "undo", "--dry-run"])
    assert f"+++ {overlay}, après annulation\n" in shown.stdout
    assert "Annulerait l'ajout de 'donnees-normandes' (3 déc. 2026)" in shown.stderr
    done = run(["--lang", "fr", "overlay", "undo"])
    assert "Annulé : l'ajout de 'donnees-normandes' (3 déc. 2026)" in done.stderr
    assert "Rien à annuler" in run(["--lang", "fr", "overlay", "undo"]).stderr
