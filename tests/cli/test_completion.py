"""Tab completion, driven the way a shell drives it: the `_NORMANDIE_COMPLETE` variable, the
words typed so far, and the suggestions printed back."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SEED, Invoke, WriteDataset

from normandie_cli.completion import Choice, matching

EXECUTABLE = Path(sys.executable).parent / "normandie"
Complete = Callable[[str], list[str]]


def bash_words(invoke: Invoke, line: str, env: dict[str, str | None] | None = None) -> list[str]:
    """What bash offers for `line` (the cursor at its end), as Typer's bash script asks."""
    words = shlex.split(line)
    cword = len(words) if line.endswith(" ") else len(words) - 1
    result = invoke(
        [],
        env={
            "_NORMANDIE_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(cword),
            **(env or {}),
        },
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout.split()  # as bash splits the output into COMPREPLY


_ZSH_ITEM = re.compile(r'^"((?:[^"]|"")*)"(?::"(.*)")?$')


def zsh_items(
    invoke: Invoke, line: str, env: dict[str, str | None] | None = None
) -> list[tuple[str, str]]:
    """What zsh offers for `line`, with the descriptions it shows beside the values."""
    result = invoke(
        [],
        env={"_NORMANDIE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line, **(env or {})},
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    out = result.stdout.strip()
    if out == "_files":  # nothing to offer: zsh falls back to file names
        return []
    assert out.startswith("_arguments '*: :((") and out.endswith("))'"), out
    items = []
    for entry in out[len("_arguments '*: :((") : -len("))'")].splitlines():
        match = _ZSH_ITEM.match(entry)
        assert match, entry
        items.append((match[1].replace("''", "'"), (match[2] or "").replace("\\\\:", ":")))
    return items


def zsh_words(invoke: Invoke, line: str, env: dict[str, str | None] | None = None) -> list[str]:
    return [value for value, _ in zsh_items(invoke, line, env)]


@pytest.fixture(params=["bash", "zsh"])
def complete(request: pytest.FixtureRequest, invoke: Invoke) -> Complete:
    """Complete a command line in each shell, on the seed dataset."""
    if request.param == "bash":
        return lambda line: bash_words(invoke, line)
    return lambda line: zsh_words(invoke, line)


def test_subcommands_and_options(complete: Complete) -> None:
    assert {"startups", "sources", "show", "search"} <= set(complete("normandie s"))
    assert "export" not in complete("normandie s")
    assert set(complete("normandie startups --c")) == {"--city", "--commune", "--columns", "--csv"}
    assert "--upcoming" in complete("normandie events --")


def test_cities_with_records_first(complete: Complete) -> None:
    offered = complete("normandie startups --city ")
    assert {"caen", "rouen", "le-petit-quevilly"} <= set(offered)
    # The seed has no record in Le Havre: it comes once nothing with records matches.
    assert "le-havre" not in offered
    assert complete("normandie startups --city le-h") == ["le-havre"]
    assert complete("normandie startups --city ro") == ["rouen"]
    assert complete("normandie events --commune le-p") == ["le-petit-quevilly"]
    assert "rouen" in complete("normandie compare caen ")


def test_a_commune_without_records_once_nothing_else_matches(invoke_bundled: Invoke) -> None:
    # No record is in Bayeux: an empty Tab leaves it out, its first letters find it.
    assert "bayeux" not in bash_words(invoke_bundled, "normandie startups --city ")
    assert "bayeux" in bash_words(invoke_bundled, "normandie startups --city bay")


def test_accents_and_case_are_ignored_and_the_suggestion_works(
    complete: Complete, invoke: Invoke
) -> None:
    assert complete("normandie startups --city Év") == ["Évreux"]
    assert complete("normandie startups --city ROU") == ["ROUen"]
    assert complete("normandie startups --city saint-ét") == ["saint-étienne-du-rouvray"]
    listed = invoke(["events", "--city", "Évreux"])
    assert listed.exit_code == 0, listed.output


def test_sectors(complete: Complete) -> None:
    assert complete("normandie startups --sector b") == ["big-data"]
    assert {"big-data", "crm", "e-signature"} <= set(complete("normandie startups --sector "))


def test_organisation_kinds_tags_and_organizers(complete: Complete) -> None:
    assert complete("normandie orgs --kind netw") == ["network"]
    assert "technopole" in complete("normandie export --kind ")
    assert complete("normandie startups --tag predic") == ["predictive-analytics"]
    organizers = complete("normandie events --organizer ")
    assert organizers
    assert "saagie" not in organizers  # organises nothing


def test_record_ids_for_show(complete: Complete) -> None:
    assert complete("normandie show saa") == ["saagie"]
    assert complete("normandie show codeurs-en-seine-201") == [
        f"codeurs-en-seine-{year}" for year in range(2013, 2020)
    ]
    offered = complete("normandie show ")
    assert {"saagie", "seine-innopolis", "rouen", "big-data"} <= set(offered)


@pytest.mark.parametrize("command", ["edit", "retire"])
def test_record_ids_for_corrections(complete: Complete, command: str) -> None:
    assert complete(f"normandie {command} saa") == ["saagie"]


def test_columns_follow_the_command_and_the_comma(complete: Complete) -> None:
    assert complete("normandie startups --columns id,na") == ["id,name"]
    assert "id,founded" in complete("normandie startups -c id,")
    assert "id,id" not in complete("normandie startups -c id,")
    assert "venue" in complete("normandie events --columns ")
    assert "kind" in complete("normandie orgs --columns ")
    assert "cited_by" in complete("normandie sources --columns c")


def test_sort_keys_follow_the_command(complete: Complete) -> None:
    assert complete("normandie organizations --sort ") == ["name", "id", "kind", "city", "founded"]
    assert complete("normandie events --sort s") == ["start"]


def test_choices_of_closed_vocabularies(complete: Complete) -> None:
    assert set(complete("normandie startups --format ")) == {
        "table",
        "tsv",
        "csv",
        "excel",
        "json",
        "jsonl",
    }
    assert "events" in complete("normandie export --entity ev")


def test_zsh_shows_what_each_value_is(invoke: Invoke) -> None:
    items = dict(zsh_items(invoke, "normandie startups --city r"))
    assert items["rouen"].startswith("Rouen (76): ")
    assert "startups" in items["rouen"]
    assert dict(zsh_items(invoke, "normandie show saa"))["saagie"] == "startup: Saagie"


def test_fish_gets_values_with_descriptions(invoke: Invoke) -> None:
    fish = {"_NORMANDIE_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    result = invoke([], env={**fish, "_TYPER_COMPLETE_ARGS": "normandie show saa"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["saagie\tstartup: Saagie"]


def test_descriptions_are_never_read_as_markup(invoke: Invoke, write_dataset: WriteDataset) -> None:
    odd = write_dataset('\n[[sectors]]\nid = "odd"\nname_fr = "x"\nname_en = "[/] odd [b]"\n')
    items = zsh_items(invoke, "normandie startups --sector o", {"NORMANDIE_DATA": str(odd)})
    assert items == [("odd", "[/] odd [b]")]


def test_a_broken_dataset_offers_nothing_and_no_traceback(invoke: Invoke, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("not toml at all", encoding="utf-8")
    env: dict[str, str | None] = {"NORMANDIE_DATA": str(broken)}
    assert bash_words(invoke, "normandie startups --city ro", env) == []
    assert zsh_words(invoke, "normandie show s", env) == []
    missing = {"NORMANDIE_DATA": str(tmp_path / "missing.toml")}
    assert bash_words(invoke, "normandie startups --sector ", missing) == []
    # Options and commands need no dataset.
    assert "--city" in bash_words(invoke, "normandie startups --ci", env)


def test_the_data_option_on_the_line_is_followed(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    data = write_dataset("")
    # No city has records there: every commune is offered.
    assert bash_words(invoke, f"normandie --data {data} startups --city ") == ["alpha", "beta"]
    offered = bash_words(invoke, f"normandie --data {data} startups --sector ")
    assert offered == ["data"]


def test_a_warm_cache_spares_reading_the_toml(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bash_words(invoke, "normandie startups --city ro") == ["rouen"]  # fills the cache

    def no_reading(*args: object) -> None:
        raise AssertionError("the TOML was read again")

    monkeypatch.setattr("normandie_cli.dataset.load_dataset", no_reading)
    assert bash_words(invoke, "normandie startups --city ca") == ["caen"]
    assert bash_words(invoke, "normandie show saa") == ["saagie"]


def test_matching_keeps_what_was_typed() -> None:
    choices = [Choice("le-havre"), Choice("evreux"), Choice("bayeux", useful=False)]
    assert matching(choices, "") == [("le-havre", ""), ("evreux", "")]
    assert matching(choices, "le h") == [("le havre", "")]
    assert matching(choices, "LE-") == [("LE-havre", "")]
    assert matching(choices, "ba") == [("bayeux", "")]
    assert matching(choices, "-") == []
    assert matching(choices, "x") == []


@pytest.mark.subprocess
def test_the_installed_command_completes_in_bash(tmp_path: Path) -> None:
    """The script `--show-completion` prints, sourced in a real bash, fills COMPREPLY."""
    script = (
        "source <(normandie --show-completion bash) && complete -p normandie >&2 && "
        "COMP_WORDS=(normandie startups --city ro) && COMP_CWORD=3 && "
        "_normandie_completion normandie && printf '%s\\n' \"${COMPREPLY[@]}\" && "
        "COMP_WORDS=(normandie show saa) && COMP_CWORD=2 && "
        "_normandie_completion normandie && printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NORMANDIE_", "_NORMANDIE"))}
    env["PATH"] = f"{EXECUTABLE.parent}{os.pathsep}{env.get('PATH', '')}"
    env["NORMANDIE_DATA"] = str(SEED)
    done = subprocess.run(
        ["bash", "--norc", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "_normandie_completion" in done.stderr  # the completion is registered
    assert done.stdout.splitlines() == ["rouen", "saagie"]


@pytest.mark.subprocess
def test_the_installed_command_answers_zsh(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NORMANDIE_", "_NORMANDIE"))}
    env |= {
        "_NORMANDIE_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "normandie startups --sector big",
        "NORMANDIE_DATA": str(SEED),
    }
    done = subprocess.run(
        [str(EXECUTABLE)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('_arguments \'*: :(("big-data":"Big data"')


@pytest.mark.subprocess
def test_install_completion_sets_up_bash_for_the_next_shell(tmp_path: Path) -> None:
    """`normandie --install-completion`, run from bash, adds what a new bash needs."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NORMANDIE_", "_NORMANDIE"))}
    env |= {
        "HOME": str(home),
        "PATH": f"{EXECUTABLE.parent}{os.pathsep}{env.get('PATH', '')}",
        "NORMANDIE_DATA": str(SEED),
    }

    def bash(script: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "--norc", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    # Typer finds the shell among the command's parents: `; exit` keeps bash from replacing
    # itself with the command (which it does for a lone command), whoever started pytest.
    installed = bash("normandie --install-completion; exit $?")
    assert installed.returncode == 0, installed.stderr
    assert "bash completion installed" in installed.stdout
    new_shell = bash(
        "source ~/.bashrc && COMP_WORDS=(normandie startups --sector big) && COMP_CWORD=3 && "
        "_normandie_completion normandie && printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    assert new_shell.returncode == 0, new_shell.stderr
    assert new_shell.stdout.splitlines() == ["big-data"]
