"""The HTTP client and the two API readers, against the local stand-in on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date

import pytest
from fake_apis import (
    ILAB_DATASET,
    INOV_DATASET,
    Company,
    FakeApis,
    ilab_record,
    inov_record,
    serve,
)

from normandie_cli.dataset import load_dataset
from normandie_cli.fetch import Client, FetchError, Unreachable
from normandie_cli.models import PartialDate, Status
from normandie_cli.opendata import fetch_laureates
from normandie_cli.register import lookup
from normandie_cli.updates import Outcome

TODAY = date(2026, 11, 26)
SIREN = "552100554"


@pytest.fixture
def apis() -> Iterator[FakeApis]:
    yield from serve()


def quick(apis: FakeApis, **options: object) -> tuple[Client, list[float]]:
    """A client that records its waits instead of sleeping them."""
    waits: list[float] = []
    settings: dict[str, object] = {"sleep": lambda seconds: None, "timeout": 2.0, **options}
    client = Client(apis.url, on_wait=lambda seconds, why: waits.append(seconds), **settings)  # type: ignore[arg-type]
    return client, waits


def test_requests_are_paced_under_the_rate_limit(apis: FakeApis) -> None:
    """Real requests on a clock that moves only when the client waits: each request after
    the first waits the whole interval, whatever the machine's load (no wall time read)."""
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    client = Client(apis.url, rate=7.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(8):
        client.get("/search", {"q": SIREN})
    assert len(apis.requests) == 8
    assert waits == [pytest.approx(1 / 7)] * 7


def test_the_pacer_waits_only_what_is_left_of_the_interval() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    client = Client("http://127.0.0.1:9", rate=4.0, clock=lambda: now[0], sleep=sleep)
    client._pace()
    now[0] += 0.1
    client._pace()
    now[0] += 1.0
    client._pace()
    assert slept == [pytest.approx(0.15)]


@pytest.mark.parametrize(
    ("fault", "waited"),
    [("429", 1.0), ("429-nginx", 1.0), ("500", 1.0)],
    ids=["429 with Retry-After", "429 from nginx, no Retry-After", "500 then success"],
)
def test_a_busy_or_failing_service_is_asked_again(
    apis: FakeApis, fault: str, waited: float
) -> None:
    apis.companies[SIREN] = Company()
    apis.faults[SIREN] = [fault]
    client, waits = quick(apis)
    assert lookup(client, SIREN, TODAY).commune == "14118"
    assert waits == [waited]
    assert len(apis.requests) == 2


def test_retry_after_is_honoured_in_real_time(apis: FakeApis) -> None:
    apis.companies[SIREN] = Company()
    apis.faults[SIREN] = ["429"]
    client = Client(apis.url)
    lookup(client, SIREN, TODAY)
    first, second = (when for when, _ in apis.requests)
    assert second - first >= 0.95


def test_a_retry_after_too_long_to_wait_ends_the_request(apis: FakeApis) -> None:
    apis.faults[SIREN] = ["429"]
    client, _ = quick(apis, longest_wait=0.5)
    with pytest.raises(FetchError, match=r"asks to wait 1 s \(HTTP 429\): try again later"):
        client.get("/search", {"q": SIREN})


def test_the_last_retry_gives_up_with_the_service_s_own_words(apis: FakeApis) -> None:
    apis.faults[SIREN] = ["500"] * 3
    client, waits = quick(apis, retries=2)
    with pytest.raises(FetchError, match="HTTP 500: Une erreur inattendue"):
        client.get_json("/search", {"q": SIREN})
    assert waits == [1.0, 2.0]


def test_a_stalled_answer_times_out(apis: FakeApis) -> None:
    apis.faults[SIREN] = ["stall:1.5", "stall:1.5"]
    client, _ = quick(apis, timeout=0.3, retries=1)
    with pytest.raises(FetchError, match=r"did not answer within 0.3 s"):
        client.get("/search", {"q": SIREN})


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("malformed", r"the answer is not JSON \(it starts b'\{\"results\": \['\)"),
        ("truncated", r"the answer from 127\.0\.0\.1:\d+ was cut short"),
        ("404", r"not found \(HTTP 404\)"),
        ("shape", r"unexpected answer \(no list of results\)"),
    ],
)
def test_a_bad_answer_is_one_clear_line(apis: FakeApis, fault: str, message: str) -> None:
    apis.faults[SIREN] = [fault] * 5
    client, _ = quick(apis, retries=1)
    with pytest.raises(FetchError, match=message) as raised:
        lookup(client, SIREN, TODAY)
    assert "\n" not in str(raised.value)


def test_a_closed_port_is_unreachable() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Client(f"http://127.0.0.1:{port}", sleep=lambda s: None)
    with pytest.raises(Unreachable, match=rf"cannot connect to 127\.0\.0\.1:{port}: .*refused"):
        client.get("/search", {"q": SIREN})


def test_tls_trouble_is_unreachable(apis: FakeApis) -> None:
    client = Client(apis.url.replace("http://", "https://"), sleep=lambda s: None)
    with pytest.raises(Unreachable, match="cannot talk securely with 127.0.0.1"):
        client.get("/search", {"q": SIREN})


def test_a_name_that_does_not_resolve_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    client = Client("https://recherche-entreprises.api.gouv.fr")
    with pytest.raises(Unreachable, match=r"cannot find recherche-entreprises\.api\.gouv\.fr: no"):
        client.get("/search", {"q": SIREN})


def test_the_register_s_answer_becomes_an_entry(apis: FakeApis) -> None:
    apis.companies[SIREN] = Company(state="C", closed="2022-09-30", band=None)
    entry = lookup(Client(apis.url), SIREN, TODAY)
    assert (entry.outcome, entry.status, entry.closed) == (
        Outcome.FOUND,
        Status.CLOSED,
        PartialDate(2022, 9, 30),
    )
    assert (entry.commune, entry.commune_name, entry.created) == (
        "14118",
        "CAEN",
        PartialDate(2016, 5, 2),
    )
    assert (entry.legal_name, entry.activity, entry.headcount) == ("TEST COMPANY", "62.01Z", None)
    _, path = apis.requests[0]
    assert "minimal=true" in path and "include=siege" in path  # nothing about people


def test_an_unknown_siren_is_a_200_with_no_result(apis: FakeApis) -> None:
    assert lookup(Client(apis.url), SIREN, TODAY).outcome is Outcome.UNKNOWN


def test_a_non_diffusible_company_gives_nothing(apis: FakeApis) -> None:
    apis.companies[SIREN] = Company(non_diffusible=True)
    entry = lookup(Client(apis.url), SIREN, TODAY)
    assert entry.outcome is Outcome.NON_DIFFUSIBLE
    assert (entry.commune, entry.legal_name, entry.created) == (None, None, None)


def test_laureates_are_read_page_by_page_without_personal_data(apis: FakeApis) -> None:
    seed = load_dataset()
    apis.laureates[ILAB_DATASET] = [
        ilab_record(f"{i:09d}", f"Company {i}", 2025, "Technologies médicales") for i in range(150)
    ]
    apis.laureates[INOV_DATASET] = [
        inov_record("123456782", "Newco", "14118", 2026, "Numérique Deep Tech")
    ]
    sources, startups, notes = fetch_laureates(Client(apis.url), seed, TODAY)
    ilab_pages = [path for _, path in apis.requests if ILAB_DATASET in path]
    assert len(ilab_pages) == 2  # 100 then 50
    assert all("nom_du_laureat" not in path for path in ilab_pages)
    newco = next(s for s in startups if s["siren"] == "123456782")
    assert (newco["city"], newco["sources"]) == ("caen", ["mesr-inov-opendata"])
    assert "sectors" not in newco  # a contest's theme is not the company's sector
    assert newco["awards"][0]["year"] == 2026
    # Most of the made-up SIRENs fail their checksum: reported, not imported.
    assert any("is not a valid SIREN" in note for note in notes)
    assert {s["id"] for s in sources} == {"mesr-inov-opendata", "mesr-ilab-opendata"}
    assert all(s["date"] == "2026-11-26" for s in sources)


def test_the_open_data_s_own_errors_are_said(apis: FakeApis) -> None:
    apis.faults[ILAB_DATASET] = ["404"]
    with pytest.raises(FetchError, match="not found"):
        fetch_laureates(Client(apis.url), load_dataset(), TODAY)
