"""Tab completion answered from the completion index, without Typer, Rich or the models.

A shell asks for completions by running `normandie` with _NORMANDIE_COMPLETE set (Typer's
completion scripts). The question asked most, a dataset value after an option that takes
one (`startups --city ro`) or as a command's argument (`show sa`), is answered here, as Typer
answers it, from the index the cache keeps beside the dataset (cache.cached_index). Anything
else, or anything this module cannot answer exactly as Typer would (no index or a stale one,
a command line it does not follow, a description Rich would render otherwise), is left to
the whole program (`quick_answer` returns None), which answers and stores the index.

What Typer does is followed step by step, from typer/_completion_classes.py and its vendored
click/shell_completion.py (Typer 0.28); tests/cli/test_tab.py compares the two answers.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from normandie_cli.cli import COMPLETE_VARIABLE
from normandie_cli.cli.arguments import global_options_first
from normandie_cli.completion import INDEX_FORMAT, Completable

# The root's options that take a value, and the flags that do nothing while completing (the
# others, --version and the completion installers, act even then: the whole program's).
ROOT_VALUE_OPTIONS = frozenset({"--lang", "--data", "--today", "--overlay"})
ROOT_FLAGS = frozenset({"--no-overlay", "--no-updates", "--no-pager", "--no-cache", "--help", "-h"})
_ACTING_FLAGS = ("--version", "-V", "--install-completion", "--show-completion")
# Every root option but the help, with whether a value follows it: what the root moves
# before the command when it is typed after (arguments.global_options_first).
ROOT_OPTIONS = {
    **dict.fromkeys(ROOT_VALUE_OPTIONS, True),
    **dict.fromkeys([*ROOT_FLAGS - {"--help", "-h"}, *_ACTING_FLAGS], False),
}

# The dataset values each command's options take (cli/options.py, `completer`)…
_CITIES = {"--city": Completable.CITY, "--commune": Completable.CITY}
_PLACES = {**_CITIES, "--department": Completable.DEPARTMENT, "--region": Completable.REGION}
_KINDS = {"--kind": Completable.ORGANIZATION_KIND}
_SECTORS = {"--sector": Completable.SECTOR}
OPTION_VALUES: dict[str, dict[str, Completable]] = {
    "startups": {**_PLACES, **_SECTORS, "--tag": Completable.TAG},
    "organizations": {**_PLACES, **_KINDS},
    "orgs": {**_PLACES, **_KINDS},
    "events": {**_PLACES, "--organizer": Completable.ORGANIZER},
    "cities": _PLACES,
    "report": {**_PLACES, **_SECTORS, **_KINDS},
    "export": {**_PLACES, **_SECTORS, **_KINDS},
}
# …and each command's argument that takes one, with how many values it takes (-1: any).
ARGUMENTS: dict[str, tuple[Completable, int]] = {
    "show": (Completable.RECORD_ID, 1),
    "open": (Completable.RECORD_ID, 1),
    "edit": (Completable.RECORD_ID, 1),
    "retire": (Completable.RECORD_ID, 1),
    "compare": (Completable.CITY, -1),
}

# A Rich emoji code (`:smile:`), which Rich would replace in a description.
_EMOJI_CODE = re.compile(r":\S*:")


def complete_quickly() -> None:
    """Print the answer and exit when this module can answer; else return."""
    stdout = sys.stdout
    if stdout is None or (getattr(stdout, "encoding", "") or "").lower() not in ("utf-8", "utf8"):
        return  # the whole program settles such streams first
    answer = quick_answer(os.environ)
    if answer is None:
        return
    text, code = answer
    try:
        stdout.write(text)
        stdout.flush()
    except (OSError, ValueError):
        return  # the whole program says what went wrong, or ends quietly for a closed pipe
    raise SystemExit(code)


def quick_answer(environ: Mapping[str, str]) -> tuple[str, int] | None:
    """What Typer would print on stdout for this completion request, and its exit code;
    None when only the whole program can tell."""
    try:
        return _answer(environ)
    except Exception:  # whatever it is, the whole program meets it too, and says it
        return None


def _answer(environ: Mapping[str, str]) -> tuple[str, int] | None:
    instruction, _, shell = environ.get(COMPLETE_VARIABLE, "").partition("_")
    if instruction != "complete" or shell not in ("bash", "zsh", "fish", "powershell", "pwsh"):
        return None
    args, incomplete = completion_args(shell, environ)
    target = value_to_complete(args, incomplete)
    if target is None:
        return None
    what, root = target
    part = _index_part(what, root, environ)
    if part is None:
        return None
    from normandie_cli.i18n import choose_language, use_language

    # The language the whole program completes in (cli/options.py, `completer`): --lang of
    # the line, else the environment's. It decides values too: French names of sectors.
    typed_language = root.get("--lang")
    use_language(
        choose_language(typed_language if isinstance(typed_language, str) else None, environ)
    )
    described = shell != "bash"
    from normandie_cli.completion import index_choices, matching, short_description
    from normandie_cli.text import inert

    found = matching(index_choices({what.value: part}, what, incomplete), incomplete)
    # Typer keeps only the values that start with what was typed.
    items = [(value, inert(short_description(about))) for value, about in found]
    items = [(value, about) for value, about in items if value.startswith(incomplete)]
    if not all(value.isprintable() for value, _about in items):
        return None  # Click's echo would strip what looks like escape codes
    if described:
        return _described(shell, items, environ)
    return "\n".join(value for value, _about in items) + "\n", 0


def completion_args(shell: str, environ: Mapping[str, str]) -> tuple[list[str], str]:
    """The words before the one being completed (the program's name left out), and that
    word, as each of Typer's completion classes reads them (get_completion_args)."""
    if shell == "bash":
        words = split_arg_string(environ["COMP_WORDS"])
        cword = int(environ["COMP_CWORD"])
        try:
            incomplete = words[cword]
        except IndexError:
            incomplete = ""
        return words[1:cword], incomplete
    line = environ.get("_TYPER_COMPLETE_ARGS", "")
    words = split_arg_string(line)
    if shell in ("powershell", "pwsh"):
        incomplete = environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        return (words[1:-1] if incomplete else words[1:]), incomplete
    args = words[1:]
    if args and not line.endswith(" "):
        return args[:-1], args[-1]
    return args, ""


def split_arg_string(string: str) -> list[str]:
    """Words as shlex.split makes them, an unfinished quote or escape kept as it is (Click's
    shell_completion.split_arg_string)."""
    import shlex

    lex = shlex.shlex(string, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    out = []
    try:
        for token in lex:
            out.append(token)
    except ValueError:  # the end came inside a quote or after an escape: the partial word
        out.append(lex.token)
    return out


def value_to_complete(
    args: list[str], incomplete: str
) -> tuple[Completable, dict[str, str | bool]] | None:
    """The kind of dataset value the word being completed is, and the root options given
    (`--data` and its value…), for a command line this module follows: root options it
    knows, a command, and the word after one of that command's options that takes a dataset
    value, or its argument with no option typed before it; root options typed after the
    command count, moved before it as the root moves them. None for anything else."""
    if "--" in args or incomplete.startswith("-") or incomplete == "=":
        return None  # an option's name, or values after `--`: the whole program's
    args = global_options_first(args, ROOT_OPTIONS)
    root: dict[str, str | bool] = {}
    index = 0
    while index < len(args) and args[index].startswith("-"):
        word = args[index]
        if word in ROOT_VALUE_OPTIONS and index + 1 < len(args):
            root[word] = args[index + 1]
            index += 2
        elif word in ROOT_FLAGS:
            root[word] = True
            index += 1
        else:
            return None
    if index >= len(args):
        return None  # a command's name, or a root option's value
    command, words = args[index], args[index + 1 :]
    if words and words[-1].startswith("-"):
        what = OPTION_VALUES.get(command, {}).get(words[-1])
        return None if what is None else (what, root)
    if command not in ARGUMENTS or any(word.startswith("-") for word in words):
        return None
    what, nargs = ARGUMENTS[command]
    if nargs == 1 and words:
        return None  # given already
    return what, root


def _index_part(
    what: Completable, root: Mapping[str, str | bool], environ: Mapping[str, str]
) -> object | None:
    """The part of the completion index for `what` of the dataset the options name, if the
    cache has a current one (the options read as Click reads them: the line, else the
    environment)."""
    from normandie_cli.cache import cached_index
    from normandie_cli.folders import layer_in_use, overlay_in_use

    data = root.get("--data") or environ.get("NORMANDIE_DATA") or None
    overlay = root.get("--overlay") or environ.get("NORMANDIE_OVERLAY") or None
    assert data is None or isinstance(data, str)
    assert overlay is None or isinstance(overlay, str)
    _origin, _key, part = cached_index(
        Path(data) if data else None,
        overlay_in_use(overlay, bool(root.get("--no-overlay"))),
        layer_in_use(bool(root.get("--no-updates"))),
        INDEX_FORMAT,
        what.value,
    )
    return part


def _described(
    shell: str, items: list[tuple[str, str]], environ: Mapping[str, str]
) -> tuple[str, int] | None:
    """The answer of the shells that show descriptions, when Typer's Rich rendering of each
    description would give it back unchanged (else None)."""
    width = narrowest_width(environ)

    def unchanged(shown: str, about: str) -> bool:
        # `shown` is what Rich reads: the description as the shell's class formats it.
        return width is not None and _plain(about) and _cells(shown) <= width

    lines = []
    for value, about in items:
        if shell == "zsh":
            shown = _zsh_escape(about)
            line = f'"{_zsh_escape(value)}"' + (f':"{shown}"' if about else "")
        elif shell == "fish":
            shown = re.sub(r"\s", " ", about)
            line = f"{value}\t{shown}" if about else value
        else:
            shown = about
            line = f"{value}:::{about or ' '}"
        if about and not unchanged(shown, about):
            return None
        lines.append(line)
    if shell == "zsh":
        text = "_arguments '*: :((" + "\n".join(lines) + "))'" if lines else "_files"
        return text + "\n", 0
    if shell == "fish":
        action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return "", 0 if lines else 1
        return ("\n".join(lines) if action == "get-args" else "") + "\n", 0
    return "\n".join(lines) + "\n", 0


def _plain(text: str) -> bool:
    """Whether Rich reads this text as itself: one printable line, no markup (nor the
    backslashes that escape it), no emoji code."""
    return (
        text.isprintable()
        and "[" not in text
        and "\\" not in text
        and _EMOJI_CODE.search(text) is None
    )


def _cells(text: str) -> int:
    """At least the terminal cells Rich gives a printable text: a character below U+1100
    takes one at most, any other two at most."""
    return len(text) + sum(1 for char in text if ord(char) >= 0x1100)


def _zsh_escape(text: str) -> str:
    """As Typer's ZshComplete escapes a value and a description."""
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def narrowest_width(environ: Mapping[str, str]) -> int | None:
    """The narrowest line Typer's Rich console can wrap a description to here: COLUMNS, the
    width of any terminal among stdin, stdout and stderr, and 80 (a dumb terminal's); None
    where it cannot be told (TERMINAL_WIDTH, which Typer reads too, or not POSIX)."""
    if "TERMINAL_WIDTH" in environ or os.name != "posix":
        return None
    widths = [80]
    columns = environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        widths.append(int(columns))
    for descriptor in (0, 1, 2):
        try:
            widths.append(os.get_terminal_size(descriptor).columns)
        except (OSError, ValueError):
            continue
    return min(widths)
