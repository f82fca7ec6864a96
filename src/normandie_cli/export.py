"""Machine formats (TSV, CSV, JSON, JSON Lines): functions that return text, and safe writes."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from normandie_cli.errors import NormandieError, UsageError
from normandie_cli.i18n import _
from normandie_cli.models import PartialDate
from normandie_cli.text import escape_controls, inert

Row = Mapping[str, Any]

# Lists (sectors, sources…) share one cell in CSV and TSV, joined by this.
LIST_SEPARATOR = "|"


class OutputFormat(StrEnum):
    TABLE = "table"
    TSV = "tsv"
    CSV = "csv"
    EXCEL = "excel"
    JSON = "json"
    JSONL = "jsonl"


class ExportFormat(StrEnum):
    """What `normandie export` writes: the listing formats, then whole-dataset ones."""

    CSV = "csv"
    EXCEL = "excel"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    TOML = "toml"
    SQLITE = "sqlite"
    ICS = "ics"
    GEOJSON = "geojson"


def plain(value: Any) -> Any:
    """A model value as JSON sees it: dates as ISO text, enums as their value, tuples as lists."""
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def _cell(value: Any) -> str:
    """A model value in one CSV/TSV cell; control characters are made visible."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        # Awards and funding rounds: one cell of compact JSON, a list of objects.
        import json

        return inert(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(v) for v in value)
    return inert(str(value))


def to_json(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    import json

    data = [{k: plain(row[k]) for k in columns or row} for row in rows]
    return escape_controls(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def to_json_object(row: Row) -> str:
    import json

    return escape_controls(json.dumps(plain(dict(row)), ensure_ascii=False, indent=2)) + "\n"


def to_jsonl(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    import json

    lines = (
        escape_controls(json.dumps({k: plain(row[k]) for k in columns or row}, ensure_ascii=False))
        for row in rows
    )
    return "".join(f"{line}\n" for line in lines)


# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection");
# tabs and carriage returns are already shown as symbols by inert().
_FORMULA_START = ("=", "+", "-", "@")


def _csv_cell(value: Any) -> str:
    """A cell a spreadsheet will not run: text that looks like a formula gets a leading '."""
    text = _cell(value)
    if text.startswith(_FORMULA_START) and not isinstance(value, int | float):
        return "'" + text
    return text


def to_csv(rows: Sequence[Row], columns: Sequence[str], delimiter: str = ",") -> str:
    """RFC 4180: a header row, CRLF line ends, quotes where a cell needs them."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_csv_cell(row[c]) for c in columns] for row in rows)
    return buffer.getvalue()


def to_excel(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """CSV as a French Excel opens it by double-click: ';' between cells (',' is the decimal
    separator there) and a UTF-8 byte order mark, so accents survive."""
    return "\ufeff" + to_csv(rows, columns, delimiter=";")


# inert() has turned tabs and line breaks into control pictures; TSV wants plain spaces.
_TSV_BREAKS = str.maketrans({"\u2409": " ", "\u240a": " ", "\u240d": " "})


def to_tsv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """A header row, then one line per record; tabs and line breaks in values become spaces."""

    lines = [
        "\t".join(columns),
        *("\t".join(_cell(row[c]).translate(_TSV_BREAKS) for c in columns) for row in rows),
    ]
    return "".join(f"{line}\n" for line in lines)


FORMATTERS: dict[OutputFormat, Callable[[Sequence[Row], Sequence[str]], str]] = {
    OutputFormat.TSV: to_tsv,
    OutputFormat.CSV: to_csv,
    OutputFormat.EXCEL: to_excel,
    OutputFormat.JSON: to_json,
    OutputFormat.JSONL: to_jsonl,
}


def format_rows(fmt: OutputFormat, rows: Sequence[Row], columns: Sequence[str]) -> str:
    """Rows in a machine format; the table view belongs to render.py."""
    if fmt is OutputFormat.TABLE:
        raise ValueError("the table view is rendered by render.py")
    return FORMATTERS[fmt](rows, columns)


def check_target(path: Path, *, force: bool, protect: Path | None) -> None:
    """Refuse an output file that would lose data: an existing file without force, and any
    file of the dataset being read (`protect`, a file or a folder), even with force."""
    try:
        if b"\0" in os.fsencode(path):
            raise ValueError("a NUL byte")
        _check_target(path, force=force, protect=protect)
    except ValueError:  # os.fsencode: a character no file name can hold
        unusable = _("{path} is not a usable file name: choose another")
        raise UsageError(unusable.format(path=path)) from None
    except OSError as error:  # a name too long, a loop of links
        cannot = _("cannot write {path}: {reason}")
        raise NormandieError(cannot.format(path=path, reason=error.strerror or error)) from None


def _check_target(path: Path, *, force: bool, protect: Path | None) -> None:
    target = path.resolve()
    if protect is not None and (target == protect.resolve() or protect.resolve() in target.parents):
        raise UsageError(
            _("{path} is part of the dataset being read: choose another output file").format(
                path=path
            )
        )
    if path.is_dir():
        raise UsageError(_("{path} is a folder: give a file name").format(path=path))
    if path.exists() and not path.is_file():
        # Renaming a file onto /dev/stdout or a pipe would replace it, not write into it.
        not_regular = _(
            "{path} is not a regular file (a device or a pipe): give a file name, or"
            " leave out -o to write to the screen"
        )
        raise UsageError(not_regular.format(path=path))
    if path.exists() and not force:
        raise UsageError(_("{path} already exists: add --force to replace it").format(path=path))
    if not path.parent.is_dir():
        raise NormandieError(
            _("cannot write {path}: the folder {folder} does not exist").format(
                path=path, folder=path.parent
            )
        )


def write_file(
    path: Path, content: str, *, force: bool = False, protect: Path | None = None
) -> None:
    """Write all or nothing, after checking the target (see check_target)."""
    check_target(path, force=force, protect=protect)
    with replacing(path) as temporary:
        temporary.write_text(content, encoding="utf-8", newline="")


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Write a file all or nothing: the caller fills a temporary file beside `path`, which is
    then synced and renamed onto it. On any error the temporary file goes and `path` stays as
    it was. A replaced file keeps its permissions; a new one follows the user's umask."""
    import tempfile

    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise NormandieError(
            _("cannot write {path}: {reason}; nothing was changed").format(
                path=path, reason=error.strerror
            )
        ) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _file_mode(path))
        with temporary.open("rb+") as file:
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise NormandieError(
            _("cannot write {path}: {reason}; nothing was changed").format(
                path=path, reason=error.strerror or error
            )
        ) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:  # mkstemp makes 0600; a new file follows the umask instead
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
