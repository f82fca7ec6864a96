"""Rows as delimited text: TSV for pipes, CSV (RFC 4180) and the CSV a French Excel opens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from normandie_cli.models import plain
from normandie_cli.text import SHOWN_LINE_SEPARATOR, inert

Row = Mapping[str, Any]

# Lists (sectors, sources…) share one cell in CSV and TSV, joined by this.
LIST_SEPARATOR = "|"


def cell(value: Any) -> str:
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
        return LIST_SEPARATOR.join(cell(v) for v in value)
    return inert(str(value))


# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection");
# tabs and carriage returns are already shown as symbols by inert().
_FORMULA_START = ("=", "+", "-", "@")


def _csv_cell(value: Any, decimal: str) -> str:
    """A cell a spreadsheet will not run: text that looks like a formula gets a leading '.
    A number with a fraction is written with the `decimal` separator."""
    text = cell(value)
    if isinstance(value, float):
        return text.replace(".", decimal)
    if text.startswith(_FORMULA_START) and not isinstance(value, int):
        return "'" + text
    return text


def to_csv(
    rows: Sequence[Row], columns: Sequence[str], delimiter: str = ",", decimal: str = "."
) -> str:
    """RFC 4180: a header row, CRLF line ends, quotes where a cell needs them."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_csv_cell(row[c], decimal) for c in columns] for row in rows)
    return buffer.getvalue()


def to_excel(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """CSV as a spreadsheet set for France opens it by double-click: ',' is the decimal
    separator there, so cells are separated by ';' and decimals written with ',' (49,44124
    is a number there, 49.44124 text); a UTF-8 byte order mark keeps accents."""
    return "\ufeff" + to_csv(rows, columns, delimiter=";", decimal=",")


# inert() has turned tabs and every line separator into a symbol; TSV wants plain spaces.
_TSV_BREAKS = str.maketrans(
    dict.fromkeys(
        (*(chr(0x2400 + ord(c)) for c in "\t\n\v\f\r\x1c\x1d\x1e"), SHOWN_LINE_SEPARATOR),
        " ",
    )
)


def to_tsv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """A header row, then one line per record; tabs and line breaks in values become spaces."""
    lines = [
        "\t".join(columns),
        *("\t".join(cell(row[c]).translate(_TSV_BREAKS) for c in columns) for row in rows),
    ]
    return "".join(f"{line}\n" for line in lines)
