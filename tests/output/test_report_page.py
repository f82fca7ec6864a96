"""The report page as HTML: self-contained under its Content-Security-Policy, every chart
drawn with the table of its numbers, hostile data shown as text, links only to the web,
the same bytes for the same data, in English or French."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXTURES, MINIMAL_DATASET, SEED

from normandie_cli.dataset import load_dataset
from normandie_cli.i18n import Language, _, use_language
from normandie_cli.output.report import CONTENT_SECURITY_POLICY, to_html, web_address
from normandie_cli.places import CompareBy
from normandie_cli.query import Filters
from normandie_cli.report_content import report_content

TODAY = date(2026, 11, 1)
FIGURES = ("startups", "founding", "organizations", "events", "awards", "funding")
HOSTILE = FIXTURES / "hostile_report.toml"


class Parsed(HTMLParser):
    """The page's elements (tag, attributes) in order, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.rows: list[list[str]] = []  # the text of each table row's cells
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data

    def tags(self, name: str) -> Iterator[dict[str, str | None]]:
        return (attrs for tag, attrs in self.elements if tag == name)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def page_of(path: Path, *, by: CompareBy = CompareBy.CITY, today: date = TODAY) -> str:
    return to_html(report_content(load_dataset(path), Filters(), by, today))


@pytest.fixture(scope="module")
def seed_page() -> str:
    return page_of(SEED)


@pytest.fixture
def hostile_page(tmp_path: Path) -> str:
    path = tmp_path / "hostile.toml"
    path.write_text(MINIMAL_DATASET + HOSTILE.read_text(encoding="utf-8"), encoding="utf-8")
    return page_of(path, today=date(2026, 11, 26))


def assert_self_contained(html: str) -> None:
    """Nothing that runs and nothing that fetches: no script, frame, object or image, no
    event handler attribute, links only to the web or within the page."""
    parsed = Parsed(html)
    (policy,) = [
        attrs["content"]
        for attrs in parsed.tags("meta")
        if (attrs.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert policy == CONTENT_SECURITY_POLICY
    found = {tag for tag, _ in parsed.elements}
    assert not found & {"script", "iframe", "object", "embed", "img", "image", "base", "form"}
    for tag, attrs in parsed.elements:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, (tag, attrs)
        assert "xlink:href" not in attrs and (tag == "a" or tag == "link" or "href" not in attrs)
    for attrs in parsed.tags("a"):
        href = attrs["href"] or ""
        assert href.startswith(("#", "https://", "http://")), href
    assert [attrs["href"] for attrs in parsed.tags("link")] == ["data:,"]  # no favicon fetched
    assert "@import" not in html and "url(" not in html


def test_the_page_is_self_contained_under_its_policy(seed_page: str) -> None:
    assert seed_page.startswith("<!DOCTYPE html>")
    assert_self_contained(seed_page)
    assert 'lang="en"' in seed_page


def test_every_chart_and_the_map_are_drawn_with_an_accessible_name(seed_page: str) -> None:
    parsed = Parsed(seed_page)
    charts = {attrs["id"]: attrs for attrs in parsed.tags("svg")}
    assert set(charts) == {f"chart-{name}" for name in (*FIGURES, "map", "timeline")}
    ids = [attrs.get("id") for _, attrs in parsed.elements if attrs.get("id")]
    assert len(ids) == len(set(ids))  # no id twice: each chart names itself
    for attrs in charts.values():
        assert attrs["role"] == "img"
        assert attrs["aria-labelledby"] in ids


def test_every_figure_has_the_table_of_its_numbers_and_a_reading(seed_page: str) -> None:
    parsed = Parsed(seed_page)
    sections = [attrs["id"] for attrs in parsed.tags("section")]
    for name in (*FIGURES, "map", "timeline", "upcoming", "missing", "sources"):
        assert name in sections
    assert len(list(parsed.tags("table"))) >= len(FIGURES) + 3
    assert len(list(parsed.tags("th"))) > 20
    readings = [attrs for attrs in parsed.tags("p") if attrs.get("class") == "reading"]
    assert len(readings) == len(FIGURES) + 5


def test_what_is_known_and_missing_is_said(seed_page: str) -> None:
    parsed = Parsed(seed_page)
    text = " ".join(parsed.text.split())
    startups = load_dataset(SEED).startups
    with_city = sum(1 for s in startups if s.city)
    assert ["Startups", "city known", str(with_city), str(len(startups))] in [
        row[:4] for row in parsed.rows
    ]
    assert "The least known: Startups, funding amount known for 0 of 9." in text
    assert "Startups founded: " in text and "with no known year, not shown" in text


def test_the_sources_of_the_page_are_cited_with_their_links(seed_page: str) -> None:
    parsed = Parsed(seed_page)
    links = {attrs["href"] for attrs in parsed.tags("a")}
    dataset = load_dataset(SEED)
    startup_sources = {s for startup in dataset.startups for s in startup.sources}
    for source in dataset.sources:
        if source.id in startup_sources:
            assert source.url in links, source.id


def test_events_to_come_or_the_recurring_series() -> None:
    coming = Parsed(page_of(SEED, today=date(2026, 11, 1))).text
    assert "Codeurs en Seine 2026" in coming and "Recurring series" not in coming
    later = Parsed(page_of(SEED, today=date(2027, 3, 1))).text
    assert "No upcoming event is dated as of 1 Mar 2027" in " ".join(later.split())
    assert "Recurring series" in later


def test_by_region_and_by_department() -> None:
    by_region = Parsed(page_of(SEED, by=CompareBy.REGION)).text
    assert "Basse-Normandie" in by_region and "Haute-Normandie" in by_region
    assert "City unknown" in by_region
    by_department = Parsed(page_of(SEED, by=CompareBy.DEPARTMENT)).text
    assert "Calvados" in by_department and "Seine-Maritime" in by_department


def test_hostile_names_are_text_and_nothing_of_them_runs(hostile_page: str) -> None:
    assert_self_contained(hostile_page)
    parsed = Parsed(hostile_page)
    text = parsed.text
    assert "<script>alert('city')</script>" in text  # shown, as the data has it
    assert "</title><script>alert(2)</script>" in text
    assert "<svg onload=alert('en')>" in text
    assert "<style>body{display:none}</style>" in text
    assert "<script>alert('source')</script>" in text
    assert len(list(parsed.tags("style"))) == 1  # the page's own, in the head
    assert len(list(parsed.tags("title"))) == len(list(parsed.tags("title")))  # parsed whole
    # Controls and bidirectional overrides are shown as symbols, never obeyed.
    assert "\x1b" not in hostile_page and "\u202e" not in hostile_page
    assert "␛[31mred�evil" in text
    assert "�evil� publisher" in text


def test_an_address_with_quotes_stays_inside_its_attribute(hostile_page: str) -> None:
    parsed = Parsed(hostile_page)
    hrefs = [attrs["href"] for attrs in parsed.tags("a")]
    assert 'https://example.org/?q=<script>&x="y"\'z' in hrefs
    assert 'https://example.org/"onmouseover=alert(1)' in hrefs


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/page", True),
        ("HTTP://EXAMPLE.ORG", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("mailto:someone@example.org", False),
        ("file:///etc/passwd", False),
        ("//example.org/no-scheme", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("https://example.org/\x1b[2J", False),
        ("https://example.org/\u202egnp.exe", False),
        (None, False),
        ("", False),
    ],
)
def test_only_web_addresses_become_links(url: str | None, linked: bool) -> None:
    assert web_address(url) == (url if linked else None)


def test_the_same_data_gives_the_same_page(seed_page: str) -> None:
    assert page_of(SEED) == seed_page


def test_a_dataset_with_next_to_nothing_still_makes_a_page(tmp_path: Path) -> None:
    path = tmp_path / "minimal.toml"
    path.write_text(MINIMAL_DATASET, encoding="utf-8")
    html = page_of(path)
    assert_self_contained(html)
    text = " ".join(Parsed(html).text.split())
    assert "No record on this page has a commune with coordinates." in text
    assert "None in these scenes." in text


def test_the_page_speaks_french() -> None:
    use_language(Language.FR)
    html = page_of(SEED)
    assert 'lang="fr"' in html
    heading = _("What is missing")
    assert heading != "What is missing" and heading in html
    assert "nov. 2026" in html  # dates in words, in French
