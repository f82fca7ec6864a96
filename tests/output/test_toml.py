"""to_toml: the whole dataset as one TOML document that loads back to the same dataset."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import tomli
from conftest import FIXTURES, MINIMAL_DATASET, SEED
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import BASE, organizations, startups

from normandie_cli.dataset import load_dataset
from normandie_cli.models import (
    RECORD_TYPES,
    Dataset,
    Organization,
    Startup,
)
from normandie_cli.output.toml import to_toml

EVERY_FIELD = FIXTURES / "every_field.toml"
BUNDLED = load_dataset()


def reload(text: str, folder: Path) -> Dataset:
    path = folder / "export.toml"
    path.write_text(text, encoding="utf-8")
    return load_dataset(path)


@pytest.mark.parametrize(
    "dataset",
    [
        pytest.param(BUNDLED, id="bundled"),
        pytest.param(load_dataset(SEED), id="seed"),
        pytest.param(load_dataset(EVERY_FIELD), id="every-field"),
    ],
)
def test_a_dataset_loads_back_equal(dataset: Dataset, tmp_path: Path) -> None:
    assert reload(to_toml(dataset), tmp_path) == dataset


def test_the_minimal_dataset_loads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "minimal.toml"
    path.write_text(MINIMAL_DATASET, encoding="utf-8")
    dataset = load_dataset(path)
    assert reload(to_toml(dataset), tmp_path) == dataset


def test_meta_comes_first_then_the_tables_in_schema_order() -> None:
    text = to_toml(BUNDLED)
    assert text.startswith("[meta]\n")
    kinds = [kind.value for kind in RECORD_TYPES]
    assert list(tomli.loads(text)) == ["meta", *kinds]
    headers = [line for line in text.splitlines() if line.startswith("[[") and "." not in line]
    firsts = list(dict.fromkeys(headers))
    assert firsts == [f"[[{kind}]]" for kind in kinds]


def test_every_record_is_an_array_of_tables_and_nested_lists_too() -> None:
    text = to_toml(load_dataset(EVERY_FIELD))
    assert "{" not in text  # no inline table, however short the record
    assert text.count("[[startups]]\n") == 2
    assert text.count("[[startups.awards]]\n") == 2
    assert text.count("[[startups.funding]]\n") == 2
    # The nested tables follow their own startup, before the next one.
    assert text.index("[[startups.funding]]") < text.index('id = "bare"')


def test_derived_fields_none_and_empty_lists_are_left_out() -> None:
    data = tomli.loads(to_toml(load_dataset(EVERY_FIELD)))
    assert all("agglomeration" not in c and "former_region" not in c for c in data["cities"])
    bare = next(s for s in data["startups"] if s["id"] == "bare")
    assert bare == {"id": "bare", "name": "Bare", "sources": ["src"]}
    uni = next(o for o in data["organizations"] if o["id"] == "uni")
    assert uni == {"id": "uni", "name": "Université", "kind": "university", "sources": ["src"]}
    second_award = data["startups"][0]["awards"][1]
    assert second_award == {"contest": "i-lab", "year": 2017}


def test_values_are_written_in_their_schema_form() -> None:
    data = tomli.loads(to_toml(load_dataset(EVERY_FIELD)))
    acme = data["startups"][0]
    assert acme["founded"] == "2015-11-19"  # text, not a TOML date
    assert acme["status"] == "acquired"
    assert acme["funding"][0]["date"] == "2018-06"
    assert data["sources"][1]["date"] == "2024"  # a bare year in the input is written as text
    assert data["meta"]["updated"] == "2026-01-15"
    assert data["events"][0]["online"] is True
    assert data["events"][1]["online"] is False  # a default, not None: written
    assert data["cities"][0]["latitude"] == 49.1829
    assert acme["description"] == "Line one\nline two\twith a tab, «guillemets» and an emoji 🚀."


def test_the_output_is_one_valid_document_ending_with_a_newline() -> None:
    text = to_toml(BUNDLED)
    assert text.endswith("\n") and not text.endswith("\n\n")
    tomli.loads(text)


@pytest.mark.subprocess
def test_tomli_w_is_imported_only_when_exporting() -> None:
    code = (
        "import sys, normandie_cli.output.toml, normandie_cli.dataset as d;"
        "assert 'tomli_w' not in sys.modules;"
        "normandie_cli.output.toml.to_toml(d.load_dataset());"
        "assert 'tomli_w' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# --- the property: generated records round-trip ---------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 2).flatmap(lambda n: startups(f"generated-startup-{n}")), max_size=3),
    st.lists(st.integers(0, 2).flatmap(lambda n: organizations(f"generated-org-{n}")), max_size=3),
)
def test_generated_records_round_trip(
    new_startups: list[Startup], new_organizations: list[Organization]
) -> None:
    # Ids must be unique: keep the first record drawn with each id.
    unique_startups = {s.id: s for s in reversed(new_startups)}
    unique_organizations = {o.id: o for o in reversed(new_organizations)}
    dataset = dataclasses.replace(
        BASE,
        startups=BASE.startups + tuple(unique_startups.values()),
        organizations=BASE.organizations + tuple(unique_organizations.values()),
    )
    with tempfile.TemporaryDirectory() as folder:
        assert reload(to_toml(dataset), Path(folder)) == dataset
