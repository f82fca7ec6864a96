"""render.py's renderables, drawn into a plain console of a known width and read as text."""

from __future__ import annotations

import io
from datetime import date

from conftest import SEED
from rich.console import Console, RenderableType

from normandie_cli.columns import DEFAULT_COLUMNS, record_rows
from normandie_cli.dataset import load_dataset
from normandie_cli.models import RecordKind
from normandie_cli.output.headings import field_heading
from normandie_cli.output.render import (
    NARROW_WIDTH,
    record_detail,
    records_table,
    summary_view,
)
from normandie_cli.output.render_compare import comparison_table
from normandie_cli.places import CompareBy, compared_scenes
from normandie_cli.summary import compare_scenes, comparison_coverage, dataset_summary

DATASET = load_dataset(SEED)


def drawn(renderable: RenderableType, width: int = 100) -> list[str]:
    screen = io.StringIO()
    Console(file=screen, width=width, color_system=None, highlight=False).print(renderable)
    return [line.rstrip() for line in screen.getvalue().splitlines()]


def test_a_table_titles_its_count_and_shows_names_for_ids() -> None:
    rows = record_rows(DATASET.startups[:3], DATASET)
    lines = drawn(
        records_table(RecordKind.STARTUP, rows, DEFAULT_COLUMNS[RecordKind.STARTUP], DATASET)
    )
    assert lines[0] == "Startups (3)"
    assert [field_heading(c) for c in ("id", "name", "city")] == ["Id", "Name", "City"]
    soyhuce = next(line for line in lines if line.strip().startswith("soyhuce"))
    assert "Caen" in soyhuce and "Big data" in soyhuce  # names, not the ids caen, big-data


def test_a_narrow_terminal_gets_one_block_per_record() -> None:
    rows = record_rows(DATASET.startups[:2], DATASET)
    columns = ("id", "name")
    lines = drawn(records_table(RecordKind.STARTUP, rows, columns, DATASET, NARROW_WIDTH - 1), 50)
    assert lines[:4] == ["Startups (2)", "", "Id   soyhuce", "Name Soyhuce"]


def test_an_upcoming_event_says_how_soon_under_its_start() -> None:
    event = next(e for e in DATASET.events if e.id == "codeurs-en-seine-2026")
    rows = record_rows([event], DATASET)
    table = records_table(RecordKind.EVENT, rows, ("id", "start"), DATASET, 100, date(2026, 11, 14))
    assert "in 5 days" in "\n".join(drawn(table))


def test_a_record_detail_lists_its_fields_then_its_sources() -> None:
    saagie = next(s for s in DATASET.startups if s.id == "saagie")
    (fields,) = record_rows([saagie], DATASET)
    sources = [s for s in DATASET.sources if s.id in saagie.sources]
    lines = drawn(record_detail(RecordKind.STARTUP, fields, sources, DATASET, "the seed"))
    assert lines[0].split() == ["Record", "Startup"]
    assert lines[1].split() == ["From", "the", "seed"]
    assert "Sources" in lines
    assert any(line.strip() == f"id: {sources[0].id}" for line in lines)


def test_the_comparison_puts_metrics_in_rows_and_scenes_in_columns() -> None:
    scenes = compared_scenes(DATASET, CompareBy.CITY, [])
    summaries = compare_scenes(DATASET, scenes, date(2026, 11, 1))
    table = comparison_table(summaries, DATASET, comparison_coverage(DATASET))
    lines = drawn(table, 100)
    assert lines[0] == "Scenes compared"
    startups = next(line for line in lines if line.lstrip().startswith("Startups"))
    assert "█" in startups  # the leader's bar
    assert lines[lines.index(startups) + 1].strip() == "city known for 6 of 9"
    assert max(len(line) for line in lines) <= 100


def test_the_records_whose_city_is_unknown_stand_apart_without_bars() -> None:
    scenes = compared_scenes(DATASET, CompareBy.REGION, [])
    summaries = compare_scenes(DATASET, scenes, date(2026, 11, 1))
    lines = drawn(comparison_table(summaries, DATASET, comparison_coverage(DATASET)), 120)
    header = next(line for line in lines if "City unknown" in line)
    startups = next(line for line in lines if line.lstrip().startswith("Startups"))
    unknown = startups[header.index("City unknown") :].strip()
    assert unknown == "3"  # a count, with no bar: bars are scaled on the regions alone
    assert "██████████" in startups  # the leading region has the full bar


def test_the_summary_credits_the_licences() -> None:
    lines = drawn(summary_view(dataset_summary(DATASET)), 120)
    assert lines[0].split()[0] == "Dataset"
    assert any(line.startswith("Startups") and line.split()[-1] == "9" for line in lines)
