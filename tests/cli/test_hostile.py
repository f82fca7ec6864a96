"""The hostile-input catalogue: every way a user can hand the command something bad.

One table: each case is what the user does (a data file, arguments, an environment), the exit
code promised by the README, a fragment of what they are told, and a check that no file was
changed unless the command exists to write it. Every case runs in-process through CliRunner;
those marked `installed` also run through the installed `normandie` command, as a shell runs
it. No case may print a traceback or let an escape character reach the screen.

The catalogue proves the README's Security section and its exit-code table: each case stands
under the line of the Security section it proves (`# Security: <its title>`), and a test
checks that every line of the section is proved here or in test_hostile_processes.py.
"""

from __future__ import annotations

import csv
import errno
import html
import io
import json
import os
import re
import resource
import shlex
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomli
import tomli_w
from conftest import FIXTURES, MINIMAL_DATASET, ROOT, SEED, STABLE_ENV, Invoke, big_dataset
from rich.cells import cell_len

from normandie_cli.dataset import bundled_data_path
from normandie_cli.errors import ExitCode

EXECUTABLE = Path(sys.executable).parent / "normandie"
OK, DATA, USAGE = ExitCode.OK, ExitCode.DATA_ERROR, ExitCode.USAGE_ERROR
MEGABYTE = 1024 * 1024

Check = Callable[[str], None]
Setup = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One bad input and what the user must see.

    `data` is written to {tmp}/data.toml and given as the dataset (the seed fixture when it
    is None); `args` may name {tmp} and {data}. `says` must appear on stderr, `shows` on
    stdout. `writes` lists the files of {tmp} the command may create or change: every other
    file must be left byte for byte as it was.
    """

    name: str
    args: str  # split as a shell splits it
    code: ExitCode
    says: str = ""
    data: str | bytes | None = None
    shows: str = ""
    hides: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    setup: Setup | None = None
    fault: str | None = None
    check: Check | None = None
    writes: tuple[str, ...] = ()
    installed: bool = False
    in_process: bool = True  # False: only a real process can show it (argv, stdin)
    stdin: str | None = None  # what the installed command reads on its standard input


def record(**fields: object) -> str:
    """A minimal dataset plus one startup with these fields (TOML escapes done by tomli_w)."""
    startup = {"id": "tricky", "name": "Tricky", "city": "alpha", "sources": ["src"], **fields}
    plain = {"id": "plain", "name": "Plain", "city": "beta", "sources": ["src"]}
    return MINIMAL_DATASET + "\n" + tomli_w.dumps({"startups": [startup, plain]})


def startup_toml(body: str) -> str:
    """A minimal dataset plus one startup written by hand (for what tomli_w cannot write)."""
    return MINIMAL_DATASET + f'\n[[startups]]\nid = "x"\nname = "X"\nsources = ["src"]\n{body}\n'


def award(body: str) -> str:
    contest = '\n[[contests]]\nid = "ilab"\nname_fr = "i-Lab"\nname_en = "i-Lab"\n'
    return startup_toml(f'[[startups.awards]]\ncontest = "ilab"\n{body}') + contest


def funding(body: str) -> str:
    return startup_toml(f'[[startups.funding]]\nsources = ["src"]\n{body}')


def city(body: str) -> str:
    """The minimal dataset with one more field on its first city."""
    return MINIMAL_DATASET.replace('insee = "14001"', f'insee = "14001"\n{body}')


def twin_cities() -> str:
    """Two communes whose names differ only by case and accents."""
    return "".join(
        f'\n[[cities]]\nid = "{ident}"\nname = "{name}"\ninsee = "{insee}"\ndepartment = "14"\n'
        'sources = ["src"]\n'
        for ident, name, insee in (("gamma-14", "Gâmma", "14003"), ("gamma-27", "GAMMA", "14004"))
    )


def event(body: str) -> str:
    return MINIMAL_DATASET + f'\n[[events]]\nid = "e"\nname = "E"\nsources = ["src"]\n{body}\n'


# --- Checks of what a command printed -----------------------------------------------------


def table_of(width: int) -> Check:
    """A table that fits `width` columns, every line the same width, columns lined up."""

    def check(stdout: str) -> None:
        lines = stdout.rstrip("\n").split("\n")
        widths = {cell_len(line) for line in lines}
        assert len(widths) == 1 and widths.pop() <= width, [cell_len(line) for line in lines]
        header = next(line for line in lines if " City " in line)
        column = cell_len(header[: header.index(" City ")])
        for name in ("Alpha", "Béta"):
            row = next(line for line in lines if f" {name} " in line)
            assert cell_len(row[: row.index(f" {name} ")]) == column, (row, header)

    return check


def json_name(expected: str) -> Check:
    def check(stdout: str) -> None:
        (tricky,) = [row for row in json.loads(stdout) if row["id"] == "tricky"]
        assert tricky["name"] == expected
        # Exact once read, yet inert on a screen: what a terminal obeys is written \uXXXX.
        assert not any(char in stdout for char in (*RAW_CONTROLS, "\x7f", "\u200d"))

    return check


def csv_name(expected: str, delimiter: str = ",") -> Check:
    def check(stdout: str) -> None:
        text = io.StringIO(stdout.lstrip("\ufeff"), newline="")
        rows = list(csv.DictReader(text, delimiter=delimiter))
        (tricky,) = [row for row in rows if row["id"] == "tricky"]
        assert tricky["name"] == expected

    return check


def lines(count: int) -> Check:
    def check(stdout: str) -> None:
        assert len(stdout.splitlines()) == count, stdout[:500]

    return check


def coloured(stdout: str) -> None:
    assert "\x1b[1m" in stdout  # the table's own styles do reach the terminal


def fits(width: int) -> Check:
    def check(stdout: str) -> None:
        assert stdout and all(cell_len(line) <= width for line in stdout.splitlines())

    return check


# --- Files and folders the cases set up -------------------------------------------------------


def folder_without_toml(tmp: Path) -> None:
    (tmp / "notes").mkdir()
    (tmp / "notes" / "readme.txt").write_text("no data here", encoding="utf-8")


def link_loop(tmp: Path) -> None:
    (tmp / "loop.toml").symlink_to(tmp / "loop.toml")


def two_metas(tmp: Path) -> None:
    (tmp / "set").mkdir()
    for name in ("a.toml", "b.toml"):
        (tmp / "set" / name).write_text(MINIMAL_DATASET, encoding="utf-8")


def one_meta(tmp: Path) -> None:
    (tmp / "set").mkdir()
    (tmp / "set" / "a.toml").write_text(MINIMAL_DATASET, encoding="utf-8")


def fifo(name: str) -> Setup:
    def setup(tmp: Path) -> None:
        os.mkfifo(tmp / name)

    return setup


def device(name: str) -> Setup:
    """A character device like /dev/null, at {tmp}/NAME (only root may make one)."""

    def setup(tmp: Path) -> None:
        if os.geteuid() != 0:
            pytest.skip("only root can make a device node")
        os.mknod(tmp / name, stat.S_IFCHR | 0o666, os.makedev(1, 3))

    return setup


def all_of(*setups: Setup) -> Setup:
    def setup(tmp: Path) -> None:
        for one in setups:
            one(tmp)

    return setup


def dangling_link_in_set(tmp: Path) -> None:
    (tmp / "set" / "gone.toml").symlink_to(tmp / "set" / "never-written.toml")


def link_loop_in_set(tmp: Path) -> None:
    (tmp / "set" / "loop.toml").symlink_to(tmp / "set" / "loop.toml")


def planted_cache_link(tmp: Path) -> None:
    """A shared cache folder where another user put `normandie` -> the victim's models."""
    (tmp / "models").mkdir()
    (tmp / "models" / "precious.pickle").write_bytes(b"the victim's own work")
    (tmp / "shared").mkdir()
    (tmp / "shared" / "normandie").symlink_to(tmp / "models")


def many_unknown_keys(count: int) -> str:
    keys = "".join(f"k{i} = 1\n" for i in range(count))
    return MINIMAL_DATASET + f'\n[[startups]]\nid = "x"\nname = "X"\nsources = ["src"]\n{keys}'


# The source the overlay cases cite: one of the seed's.
CITE = "--source maddyness-2015-11-19"
OVERLAY = "--overlay {tmp}/overlay.toml"


# Every line separator Unicode knows but the line feed, in one name.
SEPARATED = "Tri\u2028cky\u2029a\x1eb\x0bc\x0cd\x85e"
# An overlay's change that the minimal dataset accepts.
ADDED = '[[startups]]\nid = "mine"\nname = "Mine"\nsources = ["src"]\n'
RETIRED_ONCE = '[[retired]]\nid = "saagie"\nreason = "closed"\nsources = ["maddyness-2015-11-19"]\n'
SAAGIE_CORRECTED = (
    '[[startups]]\nid = "saagie"\nname = "Saagie"\nsources = ["maddyness-2015-11-19"]\n'
)


def link_to_existing(tmp: Path) -> None:
    (tmp / "x.json").write_text("keep me\n", encoding="utf-8")
    (tmp / "link.json").symlink_to(tmp / "x.json")


def overlay_file(text: str) -> Setup:
    """A personal overlay at {tmp}/overlay.toml holding this text."""

    def setup(tmp: Path) -> None:
        (tmp / "overlay.toml").write_text(text, encoding="utf-8")

    return setup


def existing(name: str, content: bytes = b"keep me\n") -> Setup:
    def setup(tmp: Path) -> None:
        (tmp / name).write_bytes(content)

    return setup


def fifty_megabytes(tail: str) -> bytes:
    """A dataset padded to 50 MB with a comment, then `tail`."""
    return (MINIMAL_DATASET + "# " + "x" * (50 * MEGABYTE) + "\n" + tail).encode("utf-8")


def linked_subfolder(tmp: Path) -> None:
    """set/more -> ../extra, which holds one more startup."""
    (tmp / "extra").mkdir()
    (tmp / "extra" / "b.toml").write_text(LINKED, encoding="utf-8")
    (tmp / "set" / "more").symlink_to(tmp / "extra")


def folder_linked_to_itself(tmp: Path) -> None:
    (tmp / "set" / "again").symlink_to(tmp / "set")


def nested(depth: int) -> Setup:
    """A dataset folder whose only startup file is `depth` folders down."""

    def setup(tmp: Path) -> None:
        bottom = tmp / "set" / Path(*["d"] * depth)
        bottom.mkdir(parents=True)
        (bottom / "deep.toml").write_text(LINKED, encoding="utf-8")

    return setup


def forged_line_name(tmp: Path) -> None:
    """A file whose name would print a verdict of its own on a line of its own."""
    (tmp / "set" / FORGED_NAME).write_text("[[startups]\n", encoding="utf-8")


def latin1_file_name(tmp: Path) -> None:
    (tmp / "set" / os.fsdecode(b"soci\xe9t\xe9.toml")).write_text(LINKED, encoding="utf-8")


def sparse(name: str, size: int) -> Setup:
    """A file of `size` bytes that takes no room on the disk (it reads as zeros)."""

    def setup(tmp: Path) -> None:
        with (tmp / name).open("wb") as file:
            file.truncate(size)

    return setup


def hard_link(name: str, to: str) -> Setup:
    def setup(tmp: Path) -> None:
        os.link(tmp / to, tmp / name)

    return setup


LINKED = '[[startups]]\nid = "linked"\nname = "Linked"\nsources = ["src"]\n'
FORGED_NAME = "z\rset: valid (6 records).\n.toml"
LONGEST_NAME = "a" * 250 + ".csv"  # 254 bytes: a name may be 255


# Text a data file may hold and the terminal must not obey; each shown as inert() shows it.
# fmt: off
ESCAPES = {
    "ansi-colour": ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
    "osc-title": ("\x1b]0;owned\x07Tricky", "␛]0;owned␇Tricky"),
    "osc8-link": ("\x1b]8;;https://evil.example\x1b\\Tricky\x1b]8;;\x1b\\",
                  "␛]8;;https://evil.example␛\\Tricky␛]8;;␛\\"),
    "clear-screen": ("\x1b[2J\x1b[HTricky\x1bc", "␛[2J␛[HTricky␛c"),
    "c1-csi": ("Tri\x9b31mcky", "Tri\ufffd31mcky"),
    "backspace-cr": ("Good\x08\x08\x08\x08Evil\rTricky", "Good␈␈␈␈Evil␍Tricky"),
    "rtl-override": ("Tricky\u202egpj.exe", "Tricky\ufffdgpj.exe"),
    "zero-width": ("Tri\u200bcky\u2060\ufeff", "Tri\ufffdcky\ufffd\ufffd"),
}
MARKUP = {
    "markup-bold": "[bold]Tricky[/bold]",
    "markup-link": "[link=https://evil.example]Tricky[/link]",
    "markup-unbalanced": "Tricky [/x] [/]",
}
WIDE = "Été 🚀 naïve e\u0301te\u0301 日本語"  # emoji, CJK and combining accents
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b")
LONG = "Tricky" + "W" * 5000


# Security: Inert display. Security: No formulas in spreadsheets.
def text_cases() -> list[Case]:
    """Text from the data: inert and aligned in tables, exact in JSON, inert in CSV."""
    cases = []
    for name, (raw, shown) in ESCAPES.items():
        data = record(name=raw, description=raw)
        cases += [
            Case(f"{name}-table", "startups -f table", OK, data=data, shows=shown,
                 hides=RAW_CONTROLS, check=table_of(120)),
            Case(f"{name}-json-exact", "startups --json", OK, data=data, check=json_name(raw)),
            Case(f"{name}-csv-inert", "startups --csv", OK, data=data, hides=RAW_CONTROLS,
                 check=csv_name(shown)),
        ]
    for name, raw in MARKUP.items():
        data = record(name=raw)
        cases += [
            Case(f"{name}-table-literal", "startups -f table", OK, data=data, shows=raw,
                 hides=("\x1b",), check=table_of(120)),
            Case(f"{name}-show-literal", "show tricky", OK, data=data, shows=raw,
                 hides=("\x1b",), env={"COLUMNS": "200"}),
        ]
    return [
        *cases,
        Case("emoji-combining-table-aligned", "startups -f table", OK, data=record(name=WIDE),
             shows="🚀", check=table_of(120)),
        Case("emoji-combining-json-exact", "startups --json", OK, data=record(name=WIDE),
             check=json_name(WIDE)),
        Case("very-long-name-wraps-in-the-table", "startups -f table", OK,
             data=record(name=LONG), env={"COLUMNS": "80"}, check=table_of(80)),
        Case("very-long-name-stays-one-line-in-tsv", "startups", OK, data=record(name=LONG),
             check=lines(3)),
        Case("formula-in-csv-neutralised", "startups --csv", OK,
             data=record(name='=HYPERLINK("https://evil.example","Tricky")'),
             check=csv_name("'=HYPERLINK(\"https://evil.example\",\"Tricky\")")),
        Case("formula-in-excel-export-neutralised", "export --excel", OK,
             data=record(name="@SUM(1+1)*cmd|' /C calc'!A0"),
             check=csv_name("'@SUM(1+1)*cmd|' /C calc'!A0", delimiter=";")),
        # Found here and fixed: a calendar kept escape codes, which `export --ics` printed.
        Case("escapes-in-a-calendar-are-inert", "--today 2026-01-01 export --ics", OK,
             data=SPOILED, shows="SUMMARY:␛[2J␛]0\\;owned␇[bold]\ufffdCamp 2026",
             hides=RAW_CONTROLS),
        # Found here and fixed: JSON and TOML printed C1 controls and bidirectional marks raw.
        Case("escapes-in-a-toml-export-are-escaped", "export --toml", OK, data=SPOILED,
             shows='title = "\\u001b[2J\\u001b]0;owned\\u0007[bold]\\u202EA source',
             hides=RAW_CONTROLS),
        Case("escapes-in-a-geojson-export-are-escaped", "export --geojson", OK, data=SPOILED,
             shows='"name": "\\u001b[2J\\u001b]0;owned\\u0007[bold]\\u202ECaen"',
             hides=RAW_CONTROLS),
        Case("tab-and-newline-in-tsv-become-spaces", "startups", OK,
             data=record(name="Tri\tcky\nnext"), shows="Tri cky next\talpha"),
        Case("escape-in-an-error-message-is-inert", "startups", DATA,
             "'\\x1b[2J2015' is not a date", data=record(founded="\x1b[2J2015"),
             hides=("\x1b",)),
    ]


# Fields of every_field.toml that hold free text (the others are ids, codes, dates, numbers).
FREE_TEXT = {"name", "title", "publisher", "licence", "version", "name_fr", "name_en",
             "description", "aliases", "former_names", "category", "project", "domain",
             "prize", "investors", "rnsr"}
EVERY_FIELD = FIXTURES / "every_field.toml"


def every_field_with(text: str) -> str:
    """The every-field fixture with `text` prefixed to each of its free-text values."""

    def spoil(value: object, key: str = "") -> object:
        if isinstance(value, dict):
            return {k: spoil(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [spoil(v, key) for v in value]
        return text + value if isinstance(value, str) and key in FREE_TEXT else value

    spoiled = spoil(tomli.loads(EVERY_FIELD.read_text(encoding="utf-8")))
    assert isinstance(spoiled, dict)
    return tomli_w.dumps(spoiled)


SPOILED = every_field_with("\x1b[2J\x1b]0;owned\x07[bold]\u202e")
SPOILED_SHOWN = "␛[2J␛]0;owned␇[bold]\ufffd"


def spoiled_cases() -> list[Case]:
    """Every command that shows text from the data, as a table on a wide and a narrow screen."""
    commands = ["startups", "orgs", "events --past", "cities", "sources", "info", "show acme",
                "show nwx", "search a", "compare caen rouen", "compare --by region"]
    return [
        Case(f"escapes-in-{command.replace(' ', '-')}-{width}-columns", f"{command} -f table",
             OK, data=SPOILED, shows=SPOILED_SHOWN if command[:7] != "compare" else "",
             hides=RAW_CONTROLS, env={"COLUMNS": width, "NORMANDIE_TODAY": "2026-11-01"},
             check=fits(int(width)))
        for command in commands
        for width in ("100", "40")
    ]


C_LOCALE = {"LC_ALL": "C", "LANG": "C"}
NO_UTF8_MODE = {**C_LOCALE, "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
TOO_LONG = "x" * 300

CASES: list[Case] = [
    # --- The data file itself ---
    Case("missing-file", "--data {tmp}/nowhere.toml startups", DATA, "no such file",
         installed=True),
    Case("a-folder-without-toml", "--data {tmp}/notes startups", DATA,
         "this folder holds no .toml file", setup=folder_without_toml),
    Case("a-folder-without-toml-to-validate", "validate {tmp}/notes", DATA,
         "this folder holds no .toml file", setup=folder_without_toml),
    Case("unreadable-file", "startups", DATA, "permission denied: the file cannot be read",
         data=MINIMAL_DATASET, fault="unreadable"),
    Case("empty-file", "startups", DATA, "the file is empty", data="", installed=True),
    Case("blank-file", "startups", DATA, "the file is empty", data=" \n\t\n"),
    Case("binary-file", "startups", DATA, "not UTF-8 text", data=bytes(range(256)) * 8,
         installed=True),
    Case("nul-bytes", "startups", DATA, "TOML syntax error at line 1, column 1", data=b"\0" * 64),
    Case("latin-1-file", "startups", DATA, "line 2: not UTF-8 text",
         data='[meta]\ntitle = "Évreux"\n'.encode("latin-1")),
    Case("utf8-bom-is-read", "cities --all", OK, shows="Béta",
         data=b"\xef\xbb\xbf" + MINIMAL_DATASET.encode()),
    Case("toml-syntax-error", "startups", DATA, "TOML syntax error at line 3, column 11",
         data='[meta]\ntitle = "T"\nversion = \n', installed=True),
    Case("the-same-key-twice", "startups", DATA, "TOML syntax error at line 3, column",
         data='[meta]\ntitle = "a"\ntitle = "b"\n'),
    Case("wrong-top-level-types", "startups", DATA, "meta: must be a table: [meta]",
         data="meta = [1, 2]\nstartups = 3\n"),
    Case("records-as-a-table", "startups", DATA, "must be an array of tables: [[startups]]",
         data=MINIMAL_DATASET + '\n[startups]\nid = "x"\n'),
    Case("unknown-table", "startups", DATA, "unknown table 'startup' (did you mean 'startups'?)",
         data=MINIMAL_DATASET + '\n[[startup]]\nid = "x"\n'),
    Case("meta-in-two-files", "--data {tmp}/set startups", DATA,
         "[meta] must be in one file only", setup=two_metas),
    Case("fifty-megabytes-then-a-syntax-error", "startups", DATA,
         "TOML syntax error at line 45", data=fifty_megabytes("oops\n")),
    Case("fifty-megabyte-comment", "validate", OK, "valid (6 records)",
         data=fifty_megabytes("")),
    Case("deeply-nested-arrays", "startups", DATA, "nested too deeply",
         data="a = " + "[" * 5000 + "]" * 5000 + "\n", installed=True),
    Case("deeply-nested-tables", "startups", DATA, "nested too deeply",
         data="[" + ".".join(["a"] * 3000) + "]\n"),
    Case("deeply-nested-inline-tables", "startups", DATA, "nested too deeply",
         data="a = " + "{b = " * 2000 + "1" + "}" * 2000 + "\n"),
    # Found here and fixed: /dev/zero was read until a MemoryError traceback.
    Case("a-device-without-end", "--data /dev/zero startups", DATA,
         "larger than 256 MB: this is not a dataset file"),
    Case("dev-null", "--data /dev/null startups", DATA, "the file is empty"),
    # Found here and fixed: the cache read the pipe first, leaving 'the file is empty'.
    Case("data-from-a-pipe", "--data /dev/stdin startups", OK, shows="saagie\tSaagie",
         stdin=SEED.read_text(encoding="utf-8"), installed=True, in_process=False),
    Case("a-link-to-itself", "--data {tmp}/loop.toml startups", DATA,
         "Too many levels of symbolic links", setup=link_loop),
    # Found here and fixed: a name too long for the file system was a traceback.
    Case("a-name-too-long", f"--data {{tmp}}/{TOO_LONG}.toml startups", DATA,
         "File name too long", installed=True),
    Case("a-name-too-long-to-validate", f"validate {{tmp}}/{TOO_LONG}", DATA,
         "File name too long"),
    # Security: Checked before use.
    # --- Records ---
    Case("duplicate-ids", "startups", DATA, "duplicate id 'alpha', already used by cities[0]",
         data=startup_toml("").replace('id = "x"', 'id = "alpha"')),
    Case("id-differing-by-case", "startups", DATA, "must be a slug like 'le-havre'",
         data=startup_toml("").replace('id = "x"', 'id = "Alpha"')),
    Case("id-differing-by-accents", "startups", DATA, "got 'bêta'",
         data=startup_toml("").replace('id = "x"', 'id = "bêta"')),
    Case("city-names-differing-by-case-and-accents", "startups --city gamma", USAGE,
         "'gamma' names several communes: gamma-14 (Gâmma, 14), gamma-27 (GAMMA, 14). Give the id.",
         data=MINIMAL_DATASET + twin_cities()),
    Case("dangling-reference", "startups", DATA,
         "'city' refers to 'alpah', which is not in cities (did you mean 'alpha'?)",
         data=startup_toml('city = "alpah"'), installed=True),
    Case("unknown-field", "startups", DATA, "unknown field 'nmae' (did you mean 'name'?)",
         data=startup_toml('nmae = "X"')),
    Case("missing-required-field", "startups", DATA, "the required field 'sources' is missing",
         data=startup_toml("").replace('sources = ["src"]\n', "")),
    Case("wrong-type", "startups", DATA, "'description' must be text, got int 42",
         data=startup_toml("description = 42")),
    Case("month-13", "startups", DATA, "month 13 does not exist",
         data=startup_toml('founded = "2015-13"')),
    Case("february-30", "startups", DATA, "2015-02 has no day 30",
         data=startup_toml('founded = "2015-02-30"')),
    Case("french-date", "startups", DATA,
         "'19/11/2015' is not a date like 2015, 2015-11 or 2015-11-19",
         data=startup_toml('founded = "19/11/2015"'), installed=True),
    Case("year-0", "startups", DATA, "year 0 is out of range", data=startup_toml("founded = 0")),
    # Found here and fixed: impossible years and absurd amounts loaded silently.
    Case("award-in-year-0", "startups", DATA, "'year' must be a year like 2015, got 0",
         data=award("year = 0")),
    Case("award-in-year-99999", "startups", DATA, "'year' must be a year like 2015, got 99999",
         data=award("year = 99999")),
    Case("date-and-time", "startups", DATA, "must be a date, not a date and time",
         data=startup_toml("founded = 2015-11-19T10:00:00")),
    Case("end-before-start", "events", DATA, "'end' (2015-11-18) is before 'start' (2015-11-19)",
         data=event('start = "2015-11-19"\nend = "2015-11-18"')),
    Case("javascript-url", "startups", DATA, "must be a web address starting with http://",
         data=startup_toml('website = "javascript:alert(1)"')),
    Case("file-url", "startups", DATA, "got 'file:///etc/passwd'",
         data=startup_toml('website = "file:///etc/passwd"')),
    Case("url-without-scheme", "startups", DATA, "got 'www.example.com'",
         data=startup_toml('website = "www.example.com"')),
    Case("url-with-an-escape", "startups", DATA, "must be a web address", hides=("\x1b",),
         data=startup_toml('website = "https://example.com/\\u001b[2J"')),
    Case("negative-amount", "startups", DATA, "'amount' must not be negative, got -5",
         data=funding("amount = -5")),
    Case("absurd-amount", "startups", DATA, "'amount' is too large to be real",
         data=funding("amount = 9223372036854775807")),
    Case("absurd-population", "cities", DATA, "'population' is too large to be real",
         data=city("population = 10_000_000_000_000")),
    Case("nan-latitude", "cities", DATA, "'latitude' must be a number, got float nan",
         data=city("latitude = nan")),
    Case("blank-name", "startups", DATA, "'name' must not be empty",
         data=startup_toml("").replace('name = "X"', 'name = "  "')),
    *text_cases(),
    *spoiled_cases(),
    # --- Options ---
    Case("no-match-is-success", "startups --search zzqx", OK, "No startups match --search zzqx",
         shows="id\tname"),
    Case("no-match-in-json-is-an-empty-list", "events --json --search zzqx", OK,
         "No events match", shows="[]"),
    Case("unknown-city", "startups --city rouenn", USAGE, "(did you mean 'Rouen'",
         installed=True),
    Case("unknown-sector", "startups --sector big-dta", USAGE, "did you mean"),
    Case("unknown-kind", "orgs --kind incubatr", USAGE, "did you mean"),
    Case("unknown-column", "startups -c id,nmae", USAGE, "'nmae'"),
    Case("unknown-sort-field", "startups --sort nmae", USAGE, "'nmae'"),
    Case("unknown-id", "show saagi", USAGE, "did you mean 'saagie'", installed=True),
    Case("limit-0", "startups --limit 0", USAGE, "--limit"),
    Case("limit-negative", "startups --limit -1", USAGE, "--limit"),
    Case("limit-huge", f"startups --limit {'9' * 40}", OK, shows="saagie"),
    Case("upcoming-and-past", "events --upcoming --past", USAGE, "--upcoming"),
    Case("since-after-until", "events --since 2020-01-01 --until 2019-01-01", USAGE, "--since"),
    Case("french-today", "--today 19/11/2015 events", USAGE,
         "--today takes a date like 2026-11-19 (year-month-day), got '19/11/2015'",
         installed=True),
    Case("impossible-today", "--today 2015-02-30 events", USAGE, "--today takes a date"),
    Case("french-since", "events --since 19/11/2015", USAGE, "--since takes a date"),
    Case("unknown-format", "startups --format xml", USAGE, "xml", installed=True),
    Case("two-formats", "startups --json --csv", USAGE, "choose one output format"),
    Case("year-as-words", "startups --founded-since twenty", USAGE, "twenty"),
    Case("top-0", "compare --top 0", USAGE, "--top"),
    Case("unknown-entity", "export --entity people", USAGE, "people"),
    Case("escape-in-an-option-is-inert", "startups --city \x1b]0;owned\x07", USAGE,
         "unknown city", hides=("\x1b", "\x07"), installed=True),
    Case("escape-in-a-bad-number-is-inert", "startups --limit \x1b[2J5", USAGE, "--limit",
         installed=True),
    Case("escape-in-an-unknown-command-is-inert", "\x1b[2Jstartups", USAGE, "No such command",
         installed=True),
    Case("markup-in-an-option-is-literal", "show [bold]x[/]", USAGE, "'[bold]x[/]'"),
    # --- Environment ---
    Case("ascii-only-output", "cities -f table", OK, shows="Caen",
         env={"PYTHONIOENCODING": "ascii"}, installed=True),
    Case("ascii-only-error", "startups --city évreuxx", USAGE, "unknown city",
         env={"PYTHONIOENCODING": "ascii"}, installed=True),
    Case("c-locale", "startups --city caen -f table", OK, shows="Soyhuce", env=C_LOCALE,
         installed=True),
    # Without UTF-8 mode an ASCII locale cannot read 'é' from the command line at all: the
    # name matches nothing, and saying so is the graceful end.
    Case("ascii-locale-cannot-read-accents", "startups --city évreux", USAGE, "unknown city",
         env=NO_UTF8_MODE, installed=True, in_process=False),
    Case("twenty-columns", "startups -f table", OK, shows="Saagie", env={"COLUMNS": "20"},
         check=fits(20), installed=True),
    # Found here and fixed: with COLUMNS=0 nothing was printed, not even an error.
    Case("zero-columns-table", "startups -f table", OK, shows="Saagie", env={"COLUMNS": "0"},
         installed=True, in_process=False),
    Case("zero-columns-error", "startups --city zzz", USAGE, "unknown city 'zzz'",
         env={"COLUMNS": "0"}, installed=True, in_process=False),
    Case("zero-columns-help", "--help", OK, shows="Exit codes", env={"COLUMNS": "0"},
         installed=True, in_process=False),
    Case("columns-not-a-number", "startups -f table", OK, shows="Saagie",
         env={"COLUMNS": "wide"}, installed=True),
    Case("windows-code-page", "startups -f table", OK, shows="?[2J?]0;owned?[bold]?",
         hides=RAW_CONTROLS, data=SPOILED, env={"PYTHONIOENCODING": "cp1252"}, installed=True,
         in_process=False),
    Case("colours-forced-on-hostile-text", "startups -f table", OK, shows=SPOILED_SHOWN,
         hides=("\x1b[2J", "\x1b]0", "\x07", "\u202e"), data=SPOILED,
         env={"FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "xterm-256color"}, installed=True,
         in_process=False, check=coloured),
    Case("dumb-terminal", "startups -f table", OK, shows="Saagie", hides=("\x1b",),
         env={"TERM": "dumb"}, installed=True),
    Case("no-color-beats-force-color", "startups --city paris", USAGE, "unknown city",
         hides=("\x1b",), env={"FORCE_COLOR": "1", "NO_COLOR": "1"}, installed=True),
    Case("no-home", "cities", OK, shows="caen", env={"HOME": "", "XDG_CACHE_HOME": ""},
         installed=True),
    Case("cache-folder-is-a-file", "cities", OK, shows="caen",
         env={"XDG_CACHE_HOME": "{tmp}/cache"}, setup=existing("cache"), installed=True),
    Case("cache-folder-unwritable", "cities", OK, shows="caen",
         env={"XDG_CACHE_HOME": "/proc/normandie-cache"}, installed=True),
    # --- Output files ---
    Case("missing-parent-folder", "export --json -o {tmp}/nowhere/x.json", DATA,
         "the folder {tmp}/nowhere does not exist", installed=True),
    Case("unwritable-folder", "export --json -o {tmp}/x.json", DATA,
         "Permission denied; nothing was changed", fault="unwritable"),
    # Security: No overwrite.
    Case("existing-file-without-force", "export --json -o {tmp}/x.json", USAGE,
         "already exists: add --force", setup=existing("x.json"), installed=True),
    Case("existing-database-without-force", "export --sqlite {tmp}/x.db", USAGE,
         "already exists: add --force", setup=existing("x.db")),
    # Security: Never what is read.
    Case("output-is-the-dataset", "export --toml -o {data} --force", USAGE,
         "part of the dataset being read", data=MINIMAL_DATASET, installed=True),
    Case("database-is-the-dataset", "export --sqlite {data} --force", USAGE,
         "part of the dataset being read", data=MINIMAL_DATASET),
    Case("output-inside-the-dataset-folder", "--data {tmp}/set export -o {tmp}/set/new.csv",
         USAGE, "part of the dataset being read", setup=one_meta),
    Case("output-is-a-folder", "export --json -o {tmp}/notes", USAGE, "is a folder",
         setup=folder_without_toml),
    # Security: Only files are replaced.
    # Found here and fixed: with --force, a pipe or device named by -o was replaced by a file
    # (as root, -o /dev/stdout replaced /dev/stdout); a pipe shows it without the danger.
    Case("output-is-a-pipe", "export --json -o {tmp}/pipe --force", USAGE,
         "is not a regular file (a device or a pipe): give a file name, or leave out -o",
         setup=fifo("pipe"), installed=True),
    Case("output-name-too-long", f"export --json -o {{tmp}}/{TOO_LONG}", DATA,
         "File name too long"),
    # Security: One write path. Security: Nothing left behind.
    Case("disk-full-keeps-the-old-file", "export --json -o {tmp}/x.json --force", DATA,
         "No space left on device; nothing was changed", setup=existing("x.json"),
         fault="disk-full"),
    Case("forced-export-replaces-the-file", "export --json -o {tmp}/x.json --force", OK,
         "Wrote 9 records (startups)", setup=existing("x.json"), writes=("x.json",),
         installed=True),
    # --- The personal overlay: a bad overlay file is a data error; a bad change is refused
    # and leaves the overlay (here {tmp}/overlay.toml) byte for byte as it was.
    Case("overlay-toml-syntax-error", f"{OVERLAY} startups", DATA,
         "TOML syntax error at line 1", setup=overlay_file("[[startups]\n"), installed=True),
    Case("overlay-with-meta", f"{OVERLAY} startups", DATA,
         "unknown table 'meta'", setup=overlay_file('[meta]\ntitle = "Mine"\n')),
    Case("overlay-is-a-folder", "--overlay {tmp}/notes startups", DATA,
         "this is a folder, not a TOML file", setup=folder_without_toml),
    Case("overlay-dangling-reference", f"{OVERLAY} startups", DATA,
         "'hosted_by' refers to 'nowhere'", setup=overlay_file(
             '[[startups]]\nid = "x"\nname = "X"\nsources = ["maddyness-2015-11-19"]\n'
             'hosted_by = ["nowhere"]\n')),
    Case("overlay-retires-the-unknown", f"{OVERLAY} startups", DATA,
         "retires 'ghost', which is not in the dataset", setup=overlay_file(
             '[[retired]]\nid = "ghost"\nreason = "x"\nsources = ["maddyness-2015-11-19"]\n')),
    Case("add-without-a-source", f"{OVERLAY} add startup --name X", USAGE,
         "missing --source (or run on a terminal to be asked)", installed=True),
    Case("add-a-taken-id", f"{OVERLAY} add startup --name Saagie {CITE}",
         USAGE, "the id 'saagie' is taken"),
    Case("add-french-date", f"{OVERLAY} add event --name E --start 19/11/2015 {CITE}",
         USAGE, "is not a date like 2015, 2015-11 or 2015-11-19"),
    Case("add-javascript-url",
         f"{OVERLAY} add startup --name X --website javascript:alert(1) {CITE}", USAGE,
         "must be a web address starting with http", writes=(".overlay.toml.lock",)),
    Case("add-markup-and-escapes-kept-exact", f"{OVERLAY} add startup"
         f" --name '[bold]X\x1b[31m' {CITE}", OK, "Added 'bold-x-31m' to startups",
         writes=("overlay.toml", ".overlay.toml.lock")),
    Case("edit-unknown-field", f"{OVERLAY} edit saagie --set foundd=2012 {CITE}",
         USAGE, "no field 'foundd' (did you mean 'founded'?)"),
    Case("retire-what-others-cite", f"{OVERLAY} retire seine-innopolis"
         f" --reason gone {CITE}", USAGE, "'hosted_by' refers to 'seine-innopolis'",
         setup=overlay_file("# mine\n"), writes=(".overlay.toml.lock",)),
    Case("add-to-an-unwritable-folder", f"{OVERLAY} add startup --name X {CITE}",
         DATA, "Permission denied; nothing was changed", setup=overlay_file("# mine\n"),
         fault="unwritable", writes=(".overlay.toml.lock",)),
    Case("add-on-a-full-disk-keeps-the-overlay", f"{OVERLAY} add startup"
         f" --name X {CITE}", DATA, "No space left on device; nothing was changed",
         setup=overlay_file("# mine\n"), fault="disk-full", writes=(".overlay.toml.lock",)),
    # --- Round two: what a second hostile review found, under the line of the README's
    # Security section each case proves.
    # Security: Only files are replaced.
    # Found here and fixed: a device or a pipe as the overlay was replaced by a file, or hung.
    Case("overlay-is-a-device", "--overlay {tmp}/null add startup --name Dev " + CITE, DATA,
         "not a regular file (a device or a pipe)", setup=device("null")),
    Case("overlay-is-a-pipe", "--overlay {tmp}/fifo add startup --name Dev " + CITE, DATA,
         "not a regular file (a device or a pipe)", setup=fifo("fifo"), installed=True),
    # Security: Never what is read.
    # Found here and fixed: exports replaced the overlay, and the overlay the dataset.
    Case("toml-export-onto-the-overlay", f"{OVERLAY} export --toml -o {{tmp}}/overlay.toml"
         " --force", USAGE, "part of the dataset being read", setup=overlay_file("# mine\n")),
    Case("sqlite-export-onto-the-overlay", f"{OVERLAY} export --sqlite {{tmp}}/overlay.toml"
         " --force", USAGE, "part of the dataset being read", setup=overlay_file("# mine\n")),
    Case("overlay-export-onto-the-dataset", f"{OVERLAY} overlay export -o {{data}} --force",
         USAGE, "part of the dataset being read", data=MINIMAL_DATASET,
         setup=overlay_file(ADDED)),
    Case("overlay-export-into-the-dataset-folder", "--data {tmp}/set --overlay"
         " {tmp}/overlay.toml overlay export -o {tmp}/set/new.toml", USAGE,
         "part of the dataset being read", setup=all_of(one_meta, overlay_file(ADDED))),
    # Found here and fixed: an overlay in the dataset's folder was written into the dataset.
    Case("overlay-inside-the-dataset-folder", "--data {tmp}/set --overlay {tmp}/set/mine.toml"
         " add startup --name X --source src", USAGE, "is part of the dataset",
         setup=one_meta),
    Case("overlay-inside-the-bundled-data", f"--overlay {{bundled}}/mine.toml add startup"
         f" --name X {CITE}", USAGE, "part of the dataset being read"),
    # Security: Changes decided under the lock.
    # Found here and fixed: a retirement could be written twice, and was loaded so.
    Case("overlay-retires-one-id-twice", f"{OVERLAY} startups", DATA,
         "retires 'saagie' a second time", setup=overlay_file(RETIRED_ONCE * 2)),
    Case("retire-what-is-already-retired", f"{OVERLAY} retire saagie --reason again {CITE}",
         USAGE, "'saagie' is already retired by your overlay", setup=overlay_file(RETIRED_ONCE)),
    # Security: A cache that trusts what it opened.
    # Found here and fixed: `cache clear` followed a link planted in a shared cache folder.
    Case("cache-clear-through-a-planted-link", "cache clear", OK, "Removed 0 cache file(s)",
         env={"XDG_CACHE_HOME": "{tmp}/shared"}, setup=planted_cache_link, installed=True),
    # Security: Folders as XDG says.
    # Found here and fixed: a relative XDG folder was used, and no home was a traceback.
    Case("relative-xdg-folders-are-ignored", "cities", OK, shows="caen",
         env={"XDG_CACHE_HOME": "cache", "XDG_DATA_HOME": "~/data", "HOME": "{tmp}/home"},
         writes=("home/",), installed=True, in_process=False),
    Case("no-home-and-no-xdg", "startups --city rouen", OK, shows="saagie",
         env={"HOME": "", "XDG_CACHE_HOME": "", "XDG_DATA_HOME": ""}, installed=True),
    # Security: Text typed is UTF-8.
    # Found here and fixed: bytes that are not UTF-8 in an argument were a traceback.
    Case("name-not-utf8", f"{OVERLAY} add startup --name Caf\udce9 {CITE}", USAGE,
         "'Caf\\xe9' is not UTF-8 text", installed=True, in_process=False),
    Case("set-not-utf8", f"{OVERLAY} edit saagie --set description=caf\udce9 {CITE}", USAGE,
         "'description=caf\\xe9' is not UTF-8 text", installed=True, in_process=False),
    Case("reason-not-utf8", f"{OVERLAY} retire saagie --reason caf\udce9 {CITE}", USAGE,
         "is not UTF-8 text", installed=True, in_process=False),
    Case("source-not-utf8", f"{OVERLAY} add startup --name X --source"
         " https://example.org/caf\udce9 --dry-run", USAGE, "is not UTF-8 text",
         installed=True, in_process=False),
    # Security: Checked before use.
    # Found here and fixed: a calendar could not hold an event on the last day of 9999.
    Case("an-event-on-the-last-day-there-is", "export --ics", DATA,
         "year 9999 is out of range", data=event('start = "9999-12-31"')),
    Case("the-last-year-exports-to-every-format", "--today 9998-01-01 export --ics", OK,
         shows="DTEND;VALUE=DATE:99990101", data=event('start = "9998-12-31"')),
    # Security: Inert display.
    # Found here and fixed: dry runs printed the overlay's text with its controls raw.
    Case("dry-run-shows-the-overlay-inert", f"{OVERLAY} edit saagie --set founded=2012"
         f" {CITE} --dry-run", OK, "Checked; nothing was written", hides=RAW_CONTROLS,
         shows="# a \ufffd31m comment \ufffdgnp.exe",
         setup=overlay_file("# a \x9b31m comment \u202egnp.exe\n" + SAAGIE_CORRECTED)),
    # Found here and fixed: a million problems were a million lines.
    Case("thousands-of-problems-are-counted-not-listed", "startups", DATA,
         "… and 4900 more problems not listed", data=many_unknown_keys(5000)),
    # Security: What cannot be read is said.
    # Found here and fixed: what a dataset folder could not read was left out silently.
    Case("a-dangling-link-in-the-dataset-folder", "--data {tmp}/set startups", DATA,
         "gone.toml: a link to", setup=all_of(one_meta, dangling_link_in_set)),
    Case("a-link-loop-in-the-dataset-folder", "validate {tmp}/set", DATA,
         "loop.toml: cannot be read: Too many levels of symbolic links",
         setup=all_of(one_meta, link_loop_in_set)),
    # Security: One line per value.
    # Found here and fixed: U+2028 and U+2029 broke a value across lines.
    Case("line-separators-flattened-in-tsv", "startups", OK, data=record(name=SEPARATED),
         shows="Tri cky a b c d e\talpha", check=lines(3)),
    Case("line-separators-shown-in-a-table", "startups -f table", OK,
         data=record(name=SEPARATED), shows="Tri␤cky", check=table_of(120)),
    Case("line-separators-shown-in-csv", "startups --csv", OK, data=record(name=SEPARATED),
         check=csv_name("Tri␤cky␤a␞b␋c␌d␤e")),
    Case("line-separators-escaped-in-json", "startups --json", OK,
         data=record(name=SEPARATED), shows="Tri\\u2028cky", check=json_name(SEPARATED)),
    # Security: Only files are replaced.
    # Links are not followed: a file given by its link would be replaced, not written into.
    Case("output-is-a-link", "export --json -o {tmp}/link.json --force", USAGE,
         "is a symbolic link to", setup=link_to_existing),
    # --- Round three: a third review's findings, each closed as a class.
    # Security: What cannot be read is said.
    # Found here and fixed: a linked subfolder was skipped silently, a deep tree was a
    # traceback (os.walk recursed), a dangling overlay link was taken for no overlay.
    Case("a-linked-subfolder-is-read", "--data {tmp}/set startups", OK, shows="linked",
         setup=all_of(one_meta, linked_subfolder), installed=True),
    Case("a-folder-linked-to-itself-is-read-once", "--data {tmp}/set validate {tmp}/set", OK,
         "valid (6 records)", setup=all_of(one_meta, folder_linked_to_itself)),
    Case("a-tree-too-deep", "--data {tmp}/set startups", DATA, "nested more than 32 deep",
         setup=all_of(one_meta, nested(40))),
    Case("a-tree-just-deep-enough", "--data {tmp}/set startups", OK, shows="linked",
         setup=all_of(one_meta, nested(30))),
    Case("a-dangling-overlay-link", "--overlay {tmp}/gone.toml startups", DATA,
         "a link to {tmp}/never.toml, which does not exist",
         setup=lambda tmp: (tmp / "gone.toml").symlink_to(tmp / "never.toml")),
    # Security: Inert display.
    # Found here and fixed: a line break in a file name printed a line of its own.
    Case("a-file-name-cannot-forge-a-line", "validate {tmp}/set", DATA,
         "/set/z␍set: valid (6 records).␊.toml: 1 problem found",
         setup=all_of(one_meta, forged_line_name), installed=True),
    # Security: Text typed is UTF-8.
    # Found here and fixed: an --id that was not UTF-8 was cut and written.
    Case("id-not-utf8", f"{OVERLAY} add startup --name X --id caf\udce9 {CITE}", USAGE,
         "'caf\\xe9' is not UTF-8 text", installed=True, in_process=False),
    # Security: A cache that trusts what it opened.
    # Found here and fixed: the cache's key was a traceback for a name that is not UTF-8,
    # read a whole file before the size limit, and was written inside the dataset.
    Case("a-file-name-not-utf8-with-the-cache", "--data {tmp}/set startups", OK,
         shows="linked", setup=all_of(one_meta, latin1_file_name), installed=True),
    Case("a-huge-file-with-the-cache", "--data {tmp}/huge.toml startups", DATA,
         "larger than 256 MB", setup=sparse("huge.toml", 300 * MEGABYTE), installed=True),
    Case("a-cache-folder-inside-the-dataset", "--data {tmp}/set startups", OK,
         shows="saagie", env={"XDG_CACHE_HOME": "{tmp}/set/cache"},
         setup=all_of(one_meta, lambda tmp: (tmp / "set" / "a.toml").write_bytes(
             SEED.read_bytes())), installed=True),
    # Security: Folders as XDG says.
    # Found here and fixed: a first --dry-run failed on the folder not yet made; with no
    # home folder, a change blamed --no-overlay, never given.
    Case("a-first-dry-run", f"add startup --name X {CITE} --dry-run", OK,
         "Checked; nothing was written", env={"HOME": "{tmp}/fresh", "XDG_DATA_HOME": ""},
         installed=True, in_process=False),
    Case("no-home-to-keep-the-overlay", f"add startup --name X {CITE}", USAGE,
         "there is no home folder to keep your overlay in", installed=True, in_process=False,
         env={"HOME": "relative/home", "XDG_DATA_HOME": "", "XDG_CACHE_HOME": ""}),
    # Security: Never what is read.
    # Found here and fixed: the dataset under another name (a bind mount, here a hard link)
    # was replaced, and so was the overlay's lock file.
    Case("output-is-the-dataset-under-another-name", "--data {tmp}/set/a.toml export --toml"
         " -o {tmp}/alias.toml --force", USAGE, "part of the dataset being read",
         setup=all_of(one_meta, hard_link("alias.toml", "set/a.toml")), installed=True),
    Case("output-is-the-overlay-lock", f"{OVERLAY} export --json -o {{tmp}}/.overlay.toml.lock"
         " --force", USAGE, "part of the dataset being read",
         setup=all_of(overlay_file("# mine\n"), existing(".overlay.toml.lock", b""))),
    # Security: Only files are replaced.
    # Found here and fixed: the temporary file's name, made from the target's, went past
    # what a name may hold.
    Case("the-longest-name-can-be-written", f"export --csv -o {{tmp}}/{LONGEST_NAME}", OK,
         "Wrote", writes=(LONGEST_NAME,)),
]
# fmt: on


def fill(text: str, tmp: Path) -> str:
    filled = text.replace("{tmp}", str(tmp)).replace("{data}", str(tmp / "data.toml"))
    return filled.replace("{bundled}", str(bundled_data_path()))


def prepare(case: Case, tmp: Path) -> tuple[list[str], dict[str, str]]:
    """Create the case's files; return its arguments and environment."""
    if case.setup is not None:
        case.setup(tmp)
    env = {"NORMANDIE_DATA": str(SEED)}
    if case.data is not None:
        path = tmp / "data.toml"
        if isinstance(case.data, bytes):
            path.write_bytes(case.data)
        else:
            path.write_text(case.data, encoding="utf-8")
        env["NORMANDIE_DATA"] = str(path)
    env.update({k: fill(v, tmp) for k, v in case.env.items()})
    return [fill(a, tmp) for a in shlex.split(case.args)], env


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its content and permissions (links and FIFOs as such)."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            files[str(path.relative_to(folder))] = (os.readlink(path).encode(), -1)
        elif path.is_file():
            files[str(path.relative_to(folder))] = (path.read_bytes(), path.stat().st_mode)
        else:
            files[str(path.relative_to(folder))] = (b"", path.stat().st_mode)
    return files


def assert_unchanged(case: Case, before: dict[str, tuple[bytes, int]], tmp: Path) -> None:
    """Every file is as it was, but those the case may write (a name ending with / stands
    for a folder and what it holds)."""
    after = snapshot(tmp)
    for name in case.writes:
        for files in (before, after):
            for written in [f for f in files if f == name.rstrip("/") or f.startswith(name)]:
                del files[written]
    assert after == before, "files were changed, created or left behind"


def install_fault(fault: str | None, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the file system fail as it would for a user (these run the same as root)."""
    if fault == "unreadable":
        real_open = Path.open

        def open_(path: Path, *args: Any, **kwargs: Any) -> Any:
            if path.name == "data.toml":
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(Path, "open", open_)
    elif fault == "unwritable":
        real_open = os.open

        def refuse_new_files(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            # The write's temporary file: the folder takes no new file (its lock exists).
            if flags & os.O_CREAT and str(path).endswith(".tmp"):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse_new_files)
    elif fault == "disk-full":

        def fsync(fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fsync", fsync)
    else:
        assert fault is None, fault


def assert_sees(case: Case, code: int, stdout: str, stderr: str, tmp: Path) -> None:
    assert code == case.code, (code, stdout[-2000:], stderr[-2000:])
    assert "Traceback" not in stdout + stderr
    assert fill(case.says, tmp) in stderr, stderr[-2000:]
    assert case.shows in stdout, stdout[-2000:]
    for hidden in case.hides:
        assert hidden not in stdout + stderr, hidden
    # Whatever the case, nothing from the data or the arguments acts on the terminal; only
    # the colours a case asks for may use an escape character.
    allowed = {"\x1b"} if case.check is coloured else set()
    assert [c for c in RAW_CONTROLS if c in stdout + stderr and c not in allowed] == []
    if case.check is not None:
        case.check(stdout)


IN_PROCESS = [c for c in CASES if c.in_process]


@pytest.mark.parametrize("case", IN_PROCESS, ids=[c.name for c in IN_PROCESS])
def test_catalogue_in_process(
    case: Case, invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, env = prepare(case, tmp_path)
    before = snapshot(tmp_path)
    install_fault(case.fault, tmp_path, monkeypatch)
    result = invoke(args, env=env)
    monkeypatch.undo()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert_sees(case, result.exit_code, result.stdout, result.stderr, tmp_path)
    assert_unchanged(case, before, tmp_path)


def run_installed(
    args: list[str], env: dict[str, str], cwd: Path, **options: object
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in STABLE_ENV and k != "FORCE_COLOR"}
    full = {**base, "COLUMNS": "120", "NO_COLOR": "1", **env}
    return subprocess.run(
        [str(EXECUTABLE), *args],
        cwd=cwd,
        env={k: v for k, v in full.items() if v},  # an empty value: the variable is unset
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
        **options,  # type: ignore[call-overload]
    )


INSTALLED = [c for c in CASES if c.installed]


@pytest.mark.subprocess
@pytest.mark.parametrize("case", INSTALLED, ids=[c.name for c in INSTALLED])
def test_catalogue_installed(case: Case, tmp_path: Path) -> None:
    args, env = prepare(case, tmp_path)
    before = snapshot(tmp_path)
    done = run_installed(args, env, tmp_path, input=case.stdin)
    assert_sees(case, done.returncode, done.stdout, done.stderr, tmp_path)
    assert_unchanged(case, before, tmp_path)


def test_the_catalogue_is_large_and_names_are_unique() -> None:
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.code for c in CASES} == {OK, DATA, USAGE}


# --- What a table cannot hold: signals, pipes, a full disk ------------------------------------


def interrupt_after_output_began(data: Path, fmt: str) -> tuple[int, bytes, bytes]:
    process = subprocess.Popen(
        [str(EXECUTABLE), "--data", str(data), "startups", "-f", fmt],
        cwd=data.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "80"},
        # A shell starts background jobs with Ctrl-C ignored; the user's command has it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    # Output has begun; nobody reads the rest, so the pipe fills and the command waits in
    # the middle of writing when the interrupt arrives.
    assert process.stdout.read(64)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    return process.returncode, stdout, stderr


@pytest.mark.subprocess
@pytest.mark.parametrize("fmt", ["tsv", "json"])
# Found here and fixed: a long listing went on to the end after Ctrl-C when the reader was slow.
def test_ctrl_c_in_the_middle_of_the_output_stops_it_with_130(tmp_path: Path, fmt: str) -> None:
    data = big_dataset(tmp_path / "big.toml", 3000)
    code, stdout, stderr = interrupt_after_output_began(data, fmt)
    assert code == ExitCode.INTERRUPTED
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr
    assert b"startup-999" not in stdout  # the last in name order: it stopped, not finished


@pytest.mark.subprocess
def test_ctrl_c_in_the_middle_of_a_table_exits_130_quietly(tmp_path: Path) -> None:
    # Rich writes a table in one piece, which Python finishes before it handles the interrupt.
    code, _, stderr = interrupt_after_output_began(
        big_dataset(tmp_path / "big.toml", 3000), "table"
    )
    assert code == ExitCode.INTERRUPTED
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "command",
    ["startups", "startups -f table", "startups --json", "export --csv", "--help", "events -h"],
)
def test_a_reader_that_stops_early_ends_quietly_with_0(tmp_path: Path, command: str) -> None:
    data = big_dataset(tmp_path / "big.toml", 3000)
    done = subprocess.run(
        f"set -o pipefail; {EXECUTABLE} --data {data} {command} | head -1",
        shell=True,
        executable="/bin/bash",
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == ""


def limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.subprocess
def test_a_file_system_that_fills_up_leaves_the_old_export_intact(tmp_path: Path) -> None:
    target = tmp_path / "startups.json"
    target.write_bytes(b"[]\n")
    # A file-size limit makes every write past 1 kB fail with EFBIG, as a full disk fails
    # with ENOSPC: the real error path, in the installed command.
    done = run_installed(
        ["--no-cache", "export", "--json", "--entity", "cities", "-o", str(target), "--force"],
        {"NORMANDIE_DATA": str(SEED)},
        tmp_path,
        preexec_fn=limit_file_size(1024),
    )
    assert done.returncode == ExitCode.DATA_ERROR, done.stderr
    assert f"cannot write {target}: File too large; nothing was changed" in done.stderr
    assert target.read_bytes() == b"[]\n"
    assert [p.name for p in tmp_path.iterdir()] == ["startups.json"]


@pytest.mark.subprocess
def test_a_file_name_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.toml")  # a Latin-1 name, as an old USB stick holds it
    done = run_installed(["--data", str(tmp_path / name), "startups"], {}, tmp_path)
    assert done.returncode == ExitCode.DATA_ERROR
    assert "no such file" in done.stderr and "Traceback" not in done.stderr


# Security: A report page that runs nothing.
def test_a_hostile_dataset_makes_a_report_page_that_runs_nothing(
    invoke: Invoke, tmp_path: Path
) -> None:
    """Every text of tests/fixtures/hostile_report.toml is markup, script, an event handler,
    an escape sequence or a bidirectional override: the page shows them all as text (the
    browser tests, tests/output/test_report_browser.py, load it in Chromium too)."""
    data = tmp_path / "data.toml"
    data.write_text(MINIMAL_DATASET + (FIXTURES / "hostile_report.toml").read_text("utf-8"))
    result = invoke(["--data", str(data), "report", "-o", str(tmp_path / "r.html")])
    assert result.exit_code == OK, result.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    assert meta in html.unescape(page)
    assert re.search(r"<(script|img|iframe|object|embed)\b", page, re.IGNORECASE) is None
    assert re.search(r"\son\w+\s*=", page.replace("&", " ").split("<body>", 1)[0]) is None
    assert "&lt;script&gt;alert(&#39;city&#39;)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page.lower()
    assert "\x1b" not in page and "\u202e" not in page


def test_the_exit_code_contract_is_in_the_readme_and_the_help(invoke: Invoke) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    documented = [int(code) for code in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)]
    assert documented == [int(code) for code in ExitCode]
    assert "## Security" in readme
    shown = " ".join(invoke(["--help"]).stdout.split())
    for code in ExitCode:
        assert f" {int(code)} " in shown.split("Exit codes:", 1)[1], code
    assert "Exit codes: 0 success (an empty result too), 1 " in shown


needs_permissions = pytest.mark.skipif(
    os.geteuid() == 0, reason="file permissions do not bind root (the catalogue simulates them)"
)


@pytest.mark.subprocess
@needs_permissions
def test_a_dataset_without_read_permission(tmp_path: Path) -> None:
    data = tmp_path / "data.toml"
    data.write_text(MINIMAL_DATASET, encoding="utf-8")
    data.chmod(0o200)
    done = run_installed(["--data", str(data), "cities"], {}, tmp_path)
    assert done.returncode == ExitCode.DATA_ERROR
    assert "permission denied: the file cannot be read" in done.stderr


@pytest.mark.subprocess
@needs_permissions
def test_an_export_into_a_folder_without_write_permission(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        done = run_installed(["export", "--json", "-o", str(folder / "x.json")], {}, tmp_path)
    finally:
        folder.chmod(0o700)
    assert done.returncode == ExitCode.DATA_ERROR
    assert "Permission denied; nothing was changed" in done.stderr
    assert list(folder.iterdir()) == []


def test_every_promise_of_the_security_section_is_proved() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Security\n", 1)[1].split("\n## ", 1)[0]
    promises = re.findall(r"^- \*\*(.+?)\*\*", section, re.MULTILINE)
    assert len(promises) >= 15
    here = Path(__file__).parent
    proofs = "".join(path.read_text(encoding="utf-8") for path in here.glob("test_hostile*.py"))
    assert [p for p in promises if f"Security: {p}" not in proofs] == []
