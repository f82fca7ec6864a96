"""Rows as JSON (a list of objects) and JSON Lines (one object a line): exact text, ISO
dates, real UTF-8, and what a terminal would obey written as \\u escapes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from normandie_cli.models import plain
from normandie_cli.text import escape_controls

Row = Mapping[str, Any]


def to_json(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    data = [{k: plain(row[k]) for k in columns or row} for row in rows]
    return escape_controls(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def to_json_object(row: Row) -> str:
    return escape_controls(json.dumps(plain(dict(row)), ensure_ascii=False, indent=2)) + "\n"


def to_jsonl(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    lines = (
        escape_controls(json.dumps({k: plain(row[k]) for k in columns or row}, ensure_ascii=False))
        for row in rows
    )
    return "".join(f"{line}\n" for line in lines)
