"""Tab completion's quick path (cli/tab.py): the same answer as the whole program, from the
completion index in the cache, and the whole program's answer whenever the index is missing,
stale, of another shape or not to be trusted."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from conftest import SEED, STABLE_ENV, Invoke, WriteDataset
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from normandie_cli.cli import tab
from normandie_cli.cli.app import app
from normandie_cli.cli.options import completer
from normandie_cli.cli.registry import COMMANDS
from normandie_cli.completion import Completable, completion_index, index_choices, matching
from normandie_cli.dataset import load_dataset
from normandie_cli.i18n import Language, use_language

SHELLS = ["bash", "zsh", "fish"]
# The lines people complete most, and the corners of what the quick path follows.
LINES = [
    "normandie startups --city ro",
    "normandie startups --city ",
    "normandie startups --city Év",
    "normandie startups --city ROU",
    "normandie startups --city le-h",
    "normandie startups --city saint-ét",
    "normandie startups --city xyz",
    "normandie startups --city rouen --city ca",
    "normandie startups --sector b",
    "normandie startups --sector ",
    "normandie startups --tag predic",
    "normandie orgs --kind netw",
    "normandie organizations --commune le-p",
    "normandie export --kind ",
    "normandie report --sector e",
    "normandie events --organizer ",
    "normandie events --commune le-p",
    "normandie show sa",
    "normandie show saa",
    "normandie show ",
    "normandie show codeurs-en-seine-201",
    "normandie edit saa",
    "normandie retire s",
    "normandie compare caen ",
    "normandie compare r",
    "normandie --no-overlay --no-updates startups --city ca",
    f"normandie --data {SEED} show saa",
    f"normandie startups --data {SEED} --city ro",
    "normandie show --no-overlay saa",
    "normandie startups --no-pager --department ",
    "normandie events --region h",
]
# Lines the quick path leaves to the whole program: option names, commands, closed choices,
# columns, a second argument, values after `--`, unknown root options.
LEFT = [
    "normandie startups --c",
    "normandie s",
    "normandie startups --format ",
    "normandie startups --columns id,na",
    "normandie show saagie sa",
    "normandie show -- sa",
    "normandie --version startups --city ro",
    "normandie startups --city=ro",
]


def shell_env(shell: str, line: str) -> dict[str, str]:
    """The variables each of Typer's completion scripts sets for `line`, cursor at its end."""
    if shell == "bash":
        words = line.split()
        cword = len(words) if line.endswith(" ") else len(words) - 1
        return {
            "_NORMANDIE_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(cword),
        }
    env = {"_NORMANDIE_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    return env


def whole(invoke: Invoke, shell: str, line: str) -> tuple[str, int]:
    """The whole program's answer (Typer's), which also keeps the index."""
    result = invoke([], env=shell_env(shell, line))
    return result.stdout, result.exit_code


def quick(shell: str, line: str, env: dict[str, str] | None = None) -> tuple[str, int] | None:
    """The quick path's answer, in the environment `invoke` gives the whole program."""
    stable = {key: value for key, value in STABLE_ENV.items() if value is not None}
    environ = {**stable, "NORMANDIE_DATA": str(SEED), **shell_env(shell, line), **(env or {})}
    return tab.quick_answer(environ)


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("line", LINES)
def test_the_quick_answer_is_the_whole_programs(invoke: Invoke, shell: str, line: str) -> None:
    expected = whole(invoke, shell, line)
    assert quick(shell, line) == expected


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("line", LEFT)
def test_what_it_does_not_follow_is_left_to_the_whole_program(
    invoke: Invoke, shell: str, line: str
) -> None:
    whole(invoke, shell, "normandie show saa")  # the index is there
    assert quick(shell, line) is None


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shell=st.sampled_from(SHELLS),
    option=st.sampled_from(["startups --city", "startups --tag", "events --organizer", "show"]),
    typed=st.text(alphabet="aeiouéÉrsnt-' LCH2[]:\\", max_size=4),
)
def test_any_typed_text_gets_the_same_answer(
    invoke: Invoke, shell: str, option: str, typed: str
) -> None:
    word = typed.replace("'", "")  # a quote would open a string for the shell
    line = f"normandie {option} {word}"
    assume(" " not in word)  # a space ends the word: a line of more words
    expected = whole(invoke, shell, line)
    found = quick(shell, line)
    # Bash shows no description: nothing there for the quick path to leave to Rich; a word
    # that starts with `-` may be an option's name, which it leaves to the whole program.
    if shell == "bash" and not word.startswith("-"):
        assert found == expected
    else:
        assert found in (None, expected)


@cache
def seed_index() -> dict[str, object]:
    return completion_index(load_dataset(SEED))


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    what=st.sampled_from(list(Completable)),
    language=st.sampled_from(list(Language)),
    typed=st.text(alphabet="aeiouéÉrsnt-' LCH2", max_size=4),
)
def test_only_choices_that_cannot_match_are_left_unmade(
    what: Completable, language: Language, typed: str
) -> None:
    index = seed_index()
    use_language(language)
    try:
        made = matching(index_choices(index, what, typed), typed)
        assert made == matching(index_choices(index, what), typed)
    finally:
        use_language(Language.EN)


@pytest.mark.parametrize(
    ("shell", "line"),
    [
        ("zsh", "normandie show sa"),
        ("bash", "normandie startups --sector l"),  # French names are values, not words
        ("bash", "normandie --lang en startups --sector l"),  # the line's language wins
    ],
)
def test_french_answers_are_the_whole_programs(tmp_path: Path, shell: str, line: str) -> None:
    """In a fresh process each, as a shell runs them: the quick path in French, and the whole
    program (which chooses its language as it is imported)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NORMANDIE_", "_NORMANDIE"))}
    env |= {
        "NORMANDIE_DATA": str(SEED),
        "NORMANDIE_LANG": "fr",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        **shell_env(shell, line),
    }

    def run(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    # Typer names the completion variable after the program: `normandie`, not `-c`.
    program = run(
        "import sys\nsys.argv = ['normandie']\nfrom normandie_cli.cli.app import main\nmain()"
    )  # which keeps the index
    answered = run(
        "import os, sys\nfrom normandie_cli.cli.tab import quick_answer\n"
        "text, code = quick_answer(os.environ)\nsys.stdout.write(text)"
    )
    assert answered == program
    if shell == "zsh":
        assert '"saagie":"startup\\\\: Saagie"' in program.replace("start-up", "startup")
    else:
        assert ("logiciel-de-presentation" in program) is ("--lang en" not in line)


def test_no_index_then_a_stale_one_is_the_whole_programs_to_answer(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    data = write_dataset("")
    env = {"NORMANDIE_DATA": str(data)}
    line = "normandie startups --sector "
    assert quick("bash", line, env) is None
    assert invoke([], env={**env, **shell_env("bash", line)}).stdout == "data\n"
    assert quick("bash", line, env) == ("data\n", 0)
    with data.open("a", encoding="utf-8") as file:
        file.write('\n[[sectors]]\nid = "deep"\nname_fr = "Deep"\nname_en = "Deep"\n')
    assert quick("bash", line, env) is None
    assert invoke([], env={**env, **shell_env("bash", line)}).stdout == "data\ndeep\n"
    assert quick("bash", line, env) == ("data\ndeep\n", 0)


def test_an_index_is_stale_after_any_write_of_its_files(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    data = write_dataset('\n[[sectors]]\nid = "deep"\nname_fr = "Deep"\nname_en = "Deep"\n')
    env = {"NORMANDIE_DATA": str(data)}
    line = "normandie startups --sector "
    assert invoke([], env={**env, **shell_env("bash", line)}).stdout == "data\ndeep\n"
    assert quick("bash", line, env) == ("data\ndeep\n", 0)
    # The same size and the same modification time: the index's key is told from the
    # files' metadata, which a write changes all the same (the change time).
    info = data.stat()
    data.write_text(data.read_text(encoding="utf-8").replace('"deep"', '"dope"'), "utf-8")
    os.utime(data, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert data.stat().st_size == info.st_size
    assert quick("bash", line, env) is None
    assert invoke([], env={**env, **shell_env("bash", line)}).stdout == "data\ndope\n"


def test_an_index_of_another_shape_is_not_read(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = "normandie show saa"
    whole(invoke, "bash", line)
    assert quick("bash", line) == ("saagie\n", 0)
    monkeypatch.setattr(tab, "INDEX_FORMAT", tab.INDEX_FORMAT + 1)
    assert quick("bash", line) is None


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "normandie"


def test_an_index_that_cannot_be_trusted_is_not_read(invoke: Invoke, own_cache: Path) -> None:
    line = "normandie startups --city ro"
    whole(invoke, "bash", line)
    assert quick("bash", line) == ("rouen\n", 0)
    own_cache.chmod(0o777)  # anyone may write there
    assert quick("bash", line) is None
    own_cache.chmod(0o700)
    (index,) = own_cache.glob("*.city.index")
    moved = index.with_suffix(".target")
    index.rename(moved)
    index.symlink_to(moved)  # a link is never followed
    assert quick("bash", line) is None
    index.unlink()
    moved.rename(index)
    assert quick("bash", line) == ("rouen\n", 0)


@pytest.mark.parametrize("content", [b"", b"garbage", b"\xe3\x00\x00", None], ids=str)
def test_a_corrupt_index_is_made_again(
    invoke: Invoke, own_cache: Path, content: bytes | None
) -> None:
    line = "normandie show saa"
    whole(invoke, "bash", line)
    (index,) = own_cache.glob("*.record-id.index")
    index.write_bytes(index.read_bytes()[:100] if content is None else content)
    assert quick("bash", line) is None
    assert whole(invoke, "bash", line) == ("saagie\n", 0)
    assert quick("bash", line) == ("saagie\n", 0)


def test_cache_clear_removes_the_index(invoke: Invoke, own_cache: Path) -> None:
    whole(invoke, "bash", "normandie show saa")
    assert list(own_cache.glob("*.index"))
    assert invoke(["cache", "clear"]).exit_code == 0
    assert list(own_cache.glob("*")) == []
    assert quick("bash", "normandie show saa") is None


def test_the_quick_paths_tables_are_the_commands() -> None:
    """Which dataset value each command's options and arguments take, as tab.py lists them,
    is what the commands themselves complete (options.completer)."""
    from typer.main import get_command

    kinds = {completer(what): what for what in Completable}
    root = get_command(app)
    options: dict[str, dict[str, Completable]] = {}
    arguments: dict[str, tuple[Completable, int]] = {}
    for name in COMMANDS:
        command = root.commands[name]
        for param in getattr(command, "params", []):
            wrapped = param._custom_shell_complete
            # Typer's wrapping of the completer keeps it as __wrapped__ (functools).
            cells = [c.cell_contents for c in getattr(wrapped, "__closure__", None) or []]
            functions = [inspect.unwrap(cell) for cell in cells if callable(cell)]
            found = [kinds[function] for function in functions if function in kinds]
            if not found:
                continue
            if param.param_type_name == "argument":
                arguments[name] = (found[0], param.nargs)
            else:
                for opt in param.opts:
                    options.setdefault(name, {})[opt] = found[0]
    assert options == tab.OPTION_VALUES
    assert arguments == tab.ARGUMENTS
    # The root's options: those taking a value, and the flags that only set a value (not
    # --version, which acts even while completing).
    assert {o for p in root.params if not p.is_flag for o in p.opts} == tab.ROOT_VALUE_OPTIONS
    inert = {o for p in root.params if p.is_flag and p.callback is None for o in p.opts}
    assert inert | {"-h", "--help"} == tab.ROOT_FLAGS
    # And every root option, as the root moves those typed after the command.
    takes_value = {o: not p.is_flag for p in root.params for o in p.opts}
    assert takes_value == tab.ROOT_OPTIONS
