"""INSEE's labels for the codes the company register gives: NAF activities and headcount
bands (files in labels/, copied verbatim from the register's own service; see its README)."""

from __future__ import annotations

import functools
import importlib.resources

_FILES = {"activity": "codes-NAF.json", "headcount": "tranches-effectifs.json"}


@functools.cache
def labels(field: str) -> dict[str, str]:
    """Code -> French label, for `activity` or `headcount`; read once, when first shown."""
    import json

    text = importlib.resources.files("normandie_cli").joinpath("labels", _FILES[field])
    found: dict[str, str] = json.loads(text.read_text(encoding="utf-8"))
    return found


def labelled(field: str, code: str) -> str:
    """'Programmation informatique (62.01Z)'; a code the nomenclature lacks stays as it is."""
    label = labels(field).get(code)
    return code if label is None else f"{label} ({code})"
