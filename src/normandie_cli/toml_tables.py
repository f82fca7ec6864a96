"""Records as TOML text, the way the dataset and the overlay write them: one entry of an
array of tables, `[[table]]` then its fields and its nested entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from normandie_cli.models import NESTED_FIELDS
from normandie_cli.text import escape_controls


def table_toml(table: str, values: Mapping[str, Any]) -> str:
    """One entry of an array of tables, `[[table]]` then its fields and nested entries."""
    values = dict(values)
    nested = {name: values.pop(name) for name in NESTED_FIELDS if name in values}
    chunks = [f"[[{table}]]\n{body_toml(values)}"]
    for name, items in nested.items():
        chunks.extend(f"[[{table}.{name}]]\n{body_toml(item)}" for item in items)
    return "\n".join(chunks)


def body_toml(values: Mapping[str, Any]) -> str:
    """The `key = value` lines of a table."""
    # tomli_w writes the keys and values (quoting, escapes, numbers); the table headers are
    # ours, because tomli_w would turn a short record into an inline table. tomli_w writes
    # basic strings only, in which a \uXXXX escape reads back as the character. It is
    # imported here: the listing commands never pay for it.
    import tomli_w

    return escape_controls(tomli_w.dumps(dict(values))) if values else ""
