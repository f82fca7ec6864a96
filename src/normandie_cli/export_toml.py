"""The whole dataset as one TOML document in the schema of data/README.md, loadable again.

The contract: `load_dataset(file holding to_toml(dataset)) == dataset`. Derived fields are
left out (the loader computes them again), and so are None values and empty lists, because
TOML has no null and the schema reads an absent field as "not known".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any

from normandie_cli.models import NESTED_FIELDS, RECORD_TYPES, Dataset, PartialDate
from normandie_cli.text import escape_controls

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def to_toml(dataset: Dataset) -> str:
    """The dataset as one TOML document: [meta], then every table in schema order."""
    chunks = [f"[meta]\n{_body(record_fields(dataset.meta))}"]
    for kind in RECORD_TYPES:
        chunks.extend(table_toml(kind.value, record_fields(r)) for r in dataset.records(kind))
    return "\n".join(chunks)


def table_toml(table: str, values: dict[str, Any]) -> str:
    """One entry of an array of tables, `[[table]]` then its fields and nested entries."""
    values = dict(values)
    nested = {name: values.pop(name) for name in NESTED_FIELDS if name in values}
    chunks = [f"[[{table}]]\n{_body(values)}"]
    for name, items in nested.items():
        chunks.extend(f"[[{table}.{name}]]\n{_body(item)}" for item in items)
    return "\n".join(chunks)


def _body(values: dict[str, Any]) -> str:
    # tomli_w writes the keys and values (quoting, escapes, numbers); the table headers are
    # ours, because tomli_w would turn a short record into an inline table. tomli_w writes
    # basic strings only, in which a \uXXXX escape reads back as the character. It is
    # imported here: the listing commands never pay for it.
    import tomli_w

    return escape_controls(tomli_w.dumps(values)) if values else ""


def record_fields(record: DataclassInstance) -> dict[str, Any]:
    """A record's written fields as TOML values, in the order of the model."""
    return dict(_written(record))


def _written(record: DataclassInstance) -> Iterator[tuple[str, Any]]:
    for field in dataclasses.fields(record):
        if field.metadata.get("derived"):
            continue
        value = getattr(record, field.name)
        if value is None or value == ():
            continue
        yield field.name, _toml_value(value)


def _toml_value(value: object) -> Any:
    if isinstance(value, PartialDate):
        # Text, not a TOML date: a partial date ("2015-11") has no TOML form.
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_toml_value(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return record_fields(value)
    return value
