"""The whole dataset as one TOML document in the schema of data/README.md, loadable again.

The contract: `load_dataset(file holding to_toml(dataset)) == dataset`. Derived fields are
left out (the loader computes them again), and so are None values and empty lists, because
TOML has no null and the schema reads an absent field as "not known".
"""

from __future__ import annotations

from normandie_cli.models import RECORD_TYPES, Dataset, record_fields
from normandie_cli.toml_tables import body_toml, table_toml


def to_toml(dataset: Dataset) -> str:
    """The dataset as one TOML document: [meta], then every table in schema order."""
    chunks = [f"[meta]\n{body_toml(record_fields(dataset.meta))}"]
    for kind in RECORD_TYPES:
        chunks.extend(table_toml(kind.value, record_fields(r)) for r in dataset.records(kind))
    return "\n".join(chunks)
