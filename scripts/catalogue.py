"""Keep the French catalogue in step with the code: collect the messages, update the .po,
compile the .mo that gettext reads.

    python scripts/catalogue.py           # add new messages to the .po, drop gone ones, compile
    python scripts/catalogue.py --check   # exit 1 if a message lacks French or the .mo is stale

The messages are the literal strings passed to `_()` in src/normandie_cli (its Python
modules and its Jinja2 templates, *.j2), the commands' docstrings (their help), and the few
words of Typer's own help and error screens. The
standard library reads .mo files but has no compiler for them; the format is small enough
to write here (see `compile_mo`), which keeps Babel and GNU gettext out of the toolchain.
"""

from __future__ import annotations

import argparse
import ast
import re
import struct
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "normandie_cli"
PO_FILE = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "normandie.po"
MO_FILE = PO_FILE.with_suffix(".mo")

HEADER = (
    "Project-Id-Version: normandie\n"
    "Language: fr\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=2; plural=(n > 1);\n"
)

# Typer's help and error screens look their words up with gettext (typer/rich_utils.py and
# typer/core.py); the command line points gettext at this catalogue, so they are French too.
TYPER_MESSAGES = (
    "Options",
    "Arguments",
    "Commands",
    "Error",
    "Aborted.",
    "Aborted!",
    "(deprecated) ",
    "[default: {}]",
    "[env var: {}]",
    "[required]",
    "Try [blue]'{command_path} {help_option}'[/] for help.",
    "Missing command.",
    "No such command {name!r}.",
)


def source_messages(files: Iterable[Path]) -> Iterator[str]:
    """The literal argument of every `_()` and `N_()` call, file by file in reading order."""
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        found = [
            (node.lineno, node.col_offset, node.args[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("_", "N_")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ]
        yield from (message for _, _, message in sorted(found))


def template_messages(files: Iterable[Path]) -> Iterator[str]:
    """The literal argument of every `_()` call in Jinja2 templates, as Jinja2 parses them."""
    from jinja2 import Environment
    from jinja2.ext import extract_from_ast

    environment = Environment()
    for path in files:
        tree = environment.parse(path.read_text(encoding="utf-8"))
        for _, _, message in extract_from_ast(tree, gettext_functions=("_",)):
            if isinstance(message, str):
                yield message


def formatted_calls(files: Iterable[Path]) -> Iterator[str]:
    """'file:line' of each `_()` given an f-string: its text changes, so it has no entry."""
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.JoinedStr)
            ):
                yield f"{path.relative_to(ROOT)}:{node.lineno}"


def messages() -> list[str]:
    """Every message the catalogue must translate, each once, in a stable order."""
    sys.path.insert(0, str(ROOT / "src"))
    from normandie_cli.cli.app import help_messages

    files = sorted(PACKAGE.rglob("*.py"))
    templates = sorted(PACKAGE.rglob("*.j2"))
    found = [*source_messages(files), *template_messages(templates), *help_messages()]
    found += TYPER_MESSAGES
    return list(dict.fromkeys(m for m in found if m))


# --- The .po format: quoted C strings, one entry per message ------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}


def _quote(text: str) -> str:
    """A message as .po lines: one line per line of text, so long help stays readable."""
    escaped = "".join(_ESCAPES.get(c, c) for c in text)
    if "\\n" not in escaped[:-2]:
        return f'"{escaped}"'
    parts = re.findall(r".*?\\n|.+$", escaped)
    return '""\n' + "\n".join(f'"{part}"' for part in parts)


def _unquote(line: str) -> str:
    body = line.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m[1], m[1]), body)


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr, the header (msgid "") included."""
    entries: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    current: list[str] | None = None

    def close() -> None:
        if current is msgstr:
            entries["".join(msgid)] = "".join(msgstr)

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            close()
            msgid, msgstr = [_unquote(line[6:])], []
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [_unquote(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
        elif not line.strip() or line.startswith("#"):
            continue
        else:
            raise ValueError(f"{path}: cannot read the line {line!r}")
    close()
    return entries


def write_po(path: Path, wanted: Iterable[str], known: dict[str, str]) -> None:
    """The catalogue: the wanted messages in order, with the French already known."""
    lines = [
        "# French messages of the normandie command line.",
        "# Generated by scripts/catalogue.py: write the French in the msgstr lines.",
        'msgid ""',
        f"msgstr {_quote(HEADER)}",
    ]
    for message in wanted:
        lines += ["", f"msgid {_quote(message)}", f"msgstr {_quote(known.get(message, ''))}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- The .mo format (GNU gettext's binary catalogue, little-endian, no hash table) ---------


def compile_mo(entries: dict[str, str]) -> bytes:
    """A .mo file of the translated entries: a header of seven numbers, two tables of
    (length, offset) pairs sorted by message, then the NUL-terminated strings."""
    pairs = sorted((k.encode("utf-8"), v.encode("utf-8")) for k, v in entries.items() if v or not k)
    count = len(pairs)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    strings_at = translations_at + count * 8
    table: list[int] = []
    blob = b""
    for column in (0, 1):
        for pair in pairs:
            table += [len(pair[column]), strings_at + len(blob)]
            blob += pair[column] + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, 0)
    return header + struct.pack(f"<{len(table)}I", *table) + blob


def problems() -> list[str]:
    """What keeps the catalogue from being complete and current."""
    found = [
        f"{where}: _() is given an f-string" for where in formatted_calls(PACKAGE.glob("*.py"))
    ]
    entries = read_po(PO_FILE) if PO_FILE.exists() else {}
    found += [f"no French for {m!r}" for m in messages() if not entries.get(m)]
    if not MO_FILE.exists() or MO_FILE.read_bytes() != compile_mo(entries):
        found.append(f"{MO_FILE.relative_to(ROOT)} is not compiled from the .po")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, change nothing")
    if parser.parse_args().check:
        found = problems()
        for problem in found:
            print(problem, file=sys.stderr)
        return 1 if found else 0
    known = read_po(PO_FILE) if PO_FILE.exists() else {}
    write_po(PO_FILE, messages(), known)
    entries = read_po(PO_FILE)
    MO_FILE.write_bytes(compile_mo(entries))
    missing = [m for m in messages() if not entries.get(m)]
    print(
        f"{PO_FILE.relative_to(ROOT)}: {len(entries) - 1} messages, {len(missing)} without French"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
