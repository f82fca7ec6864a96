"""The HTTP client and the two API readers, against the local stand-in on 127.0.0.1."""

from __future__ import annotations

import socket
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fake_apis import (
    ILAB_DATASET,
    INOV_DATASET,
    Company,
    FakeApis,
    Reply,
    ilab_record,
    inov_record,
    register_result,
    serve,
    zip_bomb,
)
from hypothesis import given
from hypothesis import strategies as st

from normandie_cli.dataset import load_dataset
from normandie_cli.fetch import Client, FetchError, Unreachable
from normandie_cli.models import PartialDate, Status, record_fields
from normandie_cli.opendata import fetch_laureates
from normandie_cli.register import lookup, read_answer
from normandie_cli.schema import Problems, build_record
from normandie_cli.updates import Outcome, RegisterEntry

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
        client.get_json("/search", {"q": SIREN}, lambda answer, url: answer)
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


# --- A hostile server: answers bounded in size and time, waits within a budget. ----------


def test_an_answer_without_end_is_refused_at_the_size_allowed(apis: FakeApis) -> None:
    apis.faults[SIREN] = ["endless"]
    client, _ = quick(apis, retries=0)
    with pytest.raises(FetchError, match=r"the answer is larger than 4 MB: refused"):
        client.get("/search", {"q": SIREN})


def test_a_zip_bomb_is_refused_without_being_unpacked(apis: FakeApis) -> None:
    apis.faults[SIREN] = ["zip-bomb"]  # 256 MB of spaces in 256 kB
    assert len(zip_bomb()) < 512 * 1024  # made before memory is measured
    client, _ = quick(apis, retries=0)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"larger than 4 MB: refused"):
            client.get("/search", {"q": SIREN})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, peak


@pytest.mark.parametrize("fault", ["drip-body", "drip-headers"])
def test_an_answer_sent_a_byte_at_a_time_meets_the_deadline(apis: FakeApis, fault: str) -> None:
    apis.faults[SIREN] = [fault]
    client, _ = quick(apis, retries=0, deadline=1.0)  # each byte well within the timeout
    began = time.monotonic()
    with pytest.raises(FetchError, match=r"did not send its whole answer within 1 s"):
        client.get("/search", {"q": SIREN})
    assert time.monotonic() - began < 4


def test_a_connection_cut_by_the_deadline_is_not_used_again(apis: FakeApis) -> None:
    apis.companies[SIREN] = Company()
    apis.faults[SIREN] = ["drip-body"]
    client, waits = quick(apis, deadline=1.0)
    assert lookup(client, SIREN, TODAY).commune == "14118"  # the retry, on a new connection
    assert waits == [1.0]


def test_the_waits_of_a_run_have_a_budget(apis: FakeApis) -> None:
    apis.faults[SIREN] = ["429:50"] * 5
    client, waits = quick(apis)  # 120 s of patience
    with pytest.raises(Unreachable, match=r"already made this run wait 100 s and now asks for 50"):
        client.get("/search", {"q": SIREN})
    assert waits == [50.0, 50.0]


def test_the_budget_is_for_the_whole_run_not_each_request(apis: FakeApis) -> None:
    other = "356000000"
    apis.companies[SIREN] = apis.companies[other] = Company()
    apis.faults[SIREN] = ["429:45", "429:45"]
    apis.faults[other] = ["429:45"]
    client, waits = quick(apis)
    lookup(client, SIREN, TODAY)
    with pytest.raises(Unreachable, match="try again later"):
        lookup(client, other, TODAY)
    assert waits == [45.0, 45.0]


# --- Whatever an answer holds, one line: never a traceback. ------------------------------


@pytest.mark.parametrize(
    ("retry_after", "waited"),
    [("²", 1.0), ("١", 1.0), (" 2 ", 2.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("-1", 1.0)],
    ids=["superscript two", "arabic-indic one", "spaces", "a date gone", "negative"],
)
def test_retry_after_is_ascii_digits_or_a_date(
    apis: FakeApis, retry_after: str, waited: float
) -> None:
    apis.companies[SIREN] = Company()
    apis.faults[SIREN] = [f"429:{retry_after}"]
    client, waits = quick(apis)
    assert lookup(client, SIREN, TODAY).commune == "14118"
    assert waits == [waited]


def test_a_retry_after_of_many_digits_is_a_wait_too_long(apis: FakeApis) -> None:
    apis.faults[SIREN] = ["429:" + "9" * 5000]
    client, _ = quick(apis)
    with pytest.raises(FetchError, match=r"asks to wait inf s \(HTTP 429\): try again later"):
        client.get("/search", {"q": SIREN})


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(b"[" * 200_000), "the answer is not JSON"),
        (Reply(b"[" * 200_000, status=500), r"HTTP 500$"),
        (Reply(b'{"results": NaN}'), "the answer is not JSON"),
        (Reply(b'{"results": [], "n": ' + b"9" * 5000 + b"}"), "the answer is not JSON"),
        (Reply({"results": [{"siren": SIREN, "siege": []}]}), r"'siege' is not an object"),
        (Reply({"results": True}), r"no list of results"),
    ],
    ids=["nested too deeply", "an error nested too deeply", "NaN", "5000 digits", "siege", "true"],
)
def test_any_answer_is_one_line(apis: FakeApis, reply: Reply, message: str) -> None:
    apis.faults[SIREN] = [reply]
    client, _ = quick(apis, retries=0)
    with pytest.raises(FetchError, match=message) as raised:
        lookup(client, SIREN, TODAY)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("year", "kept"),
    [("²", None), ("9" * 5000, None), ("٢٠٢٣", None), ("2023", 2023)],
    ids=["superscript", "5000 digits", "arabic-indic", "a year"],
)
def test_the_register_s_years_are_ascii_digits(apis: FakeApis, year: str, kept: int | None) -> None:
    apis.companies[SIREN] = Company(fields={"annee_tranche_effectif_salarie": year})
    assert lookup(Client(apis.url), SIREN, TODAY).headcount_year == kept


@pytest.mark.parametrize("year", ["0", "0000"])
def test_a_register_entry_the_dataset_would_refuse_is_that_siren_s_error(
    apis: FakeApis, year: str
) -> None:
    apis.companies[SIREN] = Company(fields={"annee_tranche_effectif_salarie": year})
    with pytest.raises(FetchError, match=r"'headcount_year' must be a year like 2015, got 0"):
        lookup(Client(apis.url), SIREN, TODAY)


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.sampled_from(["2023", "0", "²", "14118", "62.01Z", "2016-05-02", "0000-00-00", "C", "P"]),
)


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "nom_raison_sociale",
                "date_creation",
                "date_fermeture",
                "etat_administratif",
                "activite_principale",
                "tranche_effectif_salarie",
                "annee_tranche_effectif_salarie",
                "statut_diffusion",
            ]
        ),
        _VALUES,
    ),
    st.dictionaries(st.sampled_from(["commune", "libelle_commune"]), _VALUES),
)
def test_whatever_the_register_says_the_entry_is_one_the_layer_accepts(
    result: dict[str, Any], siege: dict[str, Any]
) -> None:
    recorded = register_result(SIREN, Company())
    answer = {"results": [{**recorded, **result, "siege": {**recorded["siege"], **siege}}]}
    try:
        entry = read_answer(answer, SIREN, TODAY, "http://127.0.0.1/search")
    except FetchError as error:
        assert "\n" not in str(error)
        return
    problems = Problems()
    build_record(RegisterEntry, record_fields(entry), "entry", problems)
    assert problems.items == []


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1",
        "http://[::1]:8080",
        "http://user:secret@127.0.0.1:8080",
        "http://user@example.fr",
        "http://127.0.0.1:8080/#fragment",
        "http://127.0.0.1:8080/?q=1",
        "http://127.0.0.1:8080?",
        "http://127.0.0.1:99999",
        "http://127.0.0.1:0",
        "ftp://example.fr",
        "http://exa mple.fr",
        "http://example.fr/\x1b[2J",
        "//example.fr",
    ],
)
def test_a_base_address_that_cannot_be_used_is_refused_before_any_request(url: str) -> None:
    with pytest.raises(FetchError, match="is not a service's web address") as raised:
        Client(url)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://recherche-entreprises.api.gouv.fr/",
        "http://127.0.0.1:8080/mirror/",
        "http://localhost:8000",
    ],
)
def test_a_mirror_s_address_is_taken(url: str) -> None:
    assert Client(url).base_url == url.rstrip("/")


# --- Facts are never invented from a hostile answer. ------------------------------------


def test_two_different_results_for_one_siren_give_nothing(apis: FakeApis) -> None:
    one, other = register_result(SIREN, Company()), register_result(SIREN, Company(commune="76540"))
    apis.faults[SIREN] = [Reply({"results": [one, other], "total_results": 2})]
    with pytest.raises(FetchError, match=r"unexpected answer \(2 results where 1 was asked for\)"):
        lookup(Client(apis.url), SIREN, TODAY)


def laureates(apis: FakeApis, ilab: list[dict[str, Any]], inov: list[dict[str, Any]]) -> Any:
    apis.laureates[ILAB_DATASET] = ilab
    apis.laureates[INOV_DATASET] = inov
    return fetch_laureates(Client(apis.url), load_dataset(), TODAY)


NEWCO = "123456782"


def test_a_page_sent_again_and_again_is_one_award(apis: FakeApis) -> None:
    record = {**ilab_record(NEWCO, "Newco", 2025, "Numérique"), "region": None}
    page = Reply({"total_count": 300, "results": [record]})
    apis.faults[ILAB_DATASET] = [page, page, page]
    _, startups, _ = laureates(apis, [], [])
    newco = next(s for s in startups if s["siren"] == NEWCO)
    assert len(newco["awards"]) == 1
    assert len([path for _, path in apis.requests if ILAB_DATASET in path]) == 3


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ([Reply({"total_count": True, "results": []})], r"unexpected answer \(total_count\)"),
        ([Reply({"total_count": 1.0, "results": []})], r"unexpected answer \(total_count\)"),
        ([Reply({"total_count": -1, "results": []})], r"unexpected answer \(total_count\)"),
        ([Reply({"total_count": 101, "results": [{}] * 101})], "101 results where 100 was asked"),
        (
            [
                Reply({"total_count": 300, "results": [{"n": 1}]}),
                Reply({"total_count": 301, "results": [{"n": 2}]}),
            ],
            "total_count changed from 300 to 301 between pages",
        ),
    ],
    ids=["true", "a float", "negative", "a page too long", "a count that changes"],
)
def test_pages_are_held_to_what_was_asked(apis: FakeApis, pages: list[Reply], message: str) -> None:
    apis.faults[ILAB_DATASET] = list(pages)
    with pytest.raises(FetchError, match=message):
        laureates(apis, [], [])


OTHER = "356000000"


@pytest.mark.parametrize(
    ("bad", "note"),
    [
        (
            {"site_web_entreprise": "https://evil.fr/\x1b[2J"},
            r"'website' must be a web address starting with http:// or https://",
        ),
        ({"annee_de_concours": 0}, r"'year' must be a year like 2015, got 0"),
        ({"annee_de_concours": 99999}, r"'annee_de_concours' is not a year: '99999'"),
        ({"annee_de_concours": "²"}, r"'annee_de_concours' is not a year: '²'"),
        ({"annee_de_concours": 1e300}, r"'annee_de_concours' is not a year"),
        ({"annee_de_concours": [2025]}, r"'annee_de_concours' is not a year: ''"),
    ],
    ids=[
        "escape in website",
        "year 0",
        "year 99999",
        "superscript year",
        "1e300",
        "a list",
    ],
)
def test_one_bad_laureate_is_left_out_with_a_note(
    apis: FakeApis, bad: dict[str, Any], note: str
) -> None:
    good = ilab_record(OTHER, "Other", 2025, "Numérique")
    sources, startups, notes = laureates(
        apis, [{**ilab_record(NEWCO, "Newco", 2025, "Numérique"), **bad}, good], []
    )
    assert [s["siren"] for s in startups] == [OTHER]
    left_out = [n for n in notes if n.endswith(": left out")]
    assert len(left_out) == 1 and "\n" not in left_out[0]
    assert any(part for part in left_out[0].split(note)[:-1]), (note, left_out)


def test_an_inov_grant_too_large_to_be_real_leaves_the_laureate_out(apis: FakeApis) -> None:
    huge = {**inov_record(NEWCO, "Newco", "14118", 2026, "Numérique"), "subvention": 1e300}
    _, startups, notes = laureates(apis, [], [huge])
    assert startups == []
    assert any("'amount' is too large to be real" in n and "Newco" in n for n in notes), notes


@pytest.mark.parametrize(
    "kind", ["text/html", "application/javascript", "application/jsonp", "", "text/json"]
)
def test_an_answer_that_is_not_said_to_be_json_is_refused(apis: FakeApis, kind: str) -> None:
    recorded = {"results": [register_result(SIREN, Company())]}
    apis.faults[SIREN] = [Reply(recorded, kind=kind)]
    with pytest.raises(FetchError, match=r"the answer is '[^']*', not JSON: refused") as raised:
        lookup(Client(apis.url), SIREN, TODAY)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("kind", ["application/json; charset=utf-8", "Application/JSON"])
def test_json_is_known_by_its_media_type(apis: FakeApis, kind: str) -> None:
    recorded = {"results": [register_result(SIREN, Company())]}
    apis.faults[SIREN] = [Reply(recorded, kind=kind)]
    assert lookup(Client(apis.url), SIREN, TODAY).commune == "14118"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_off_the_api_is_not_followed(apis: FakeApis, status: int) -> None:
    elsewhere = "http://evil.example/search?q=" + SIREN + "\x1b[2J"
    apis.faults[SIREN] = [Reply(b"", status=status, headers={"Location": elsewhere})]
    with pytest.raises(FetchError, match=r"sends elsewhere \('http://evil\.example/") as raised:
        lookup(Client(apis.url), SIREN, TODAY)
    assert "\n" not in str(raised.value) and "\x1b" not in str(raised.value)
    assert len(apis.requests) == 1


@pytest.mark.parametrize(
    ("company", "message"),
    [
        (Company(created="2020-02-30"), r"'date_creation' is not a day: '2020-02-30'"),
        (Company(created="2016"), r"'date_creation' is not a day: '2016'"),
        (Company(created="٢٠١٦-٠٥-٠٢"), r"'date_creation' is not a day"),
        (Company(created="2026-11-27"), r"'date_creation' is a day still to come: '2026-11-27'"),
        (Company(created="9999-12-31"), r"'date_creation' is not a day"),  # past 9998
        (
            Company(state="C", closed="2030-01-01"),
            r"'date_fermeture' is a day still to come: '2030-01-01'",
        ),
        (
            Company(fields={"annee_tranche_effectif_salarie": "2027"}),
            r"'annee_tranche_effectif_salarie' is a year still to come: '2027'",
        ),
    ],
    ids=["30 February", "a year", "arabic-indic", "tomorrow", "9999", "closed later", "band"],
)
def test_a_day_that_does_not_exist_or_is_to_come_is_that_siren_s_error(
    apis: FakeApis, company: Company, message: str
) -> None:
    apis.companies[SIREN] = company
    with pytest.raises(FetchError, match=message) as raised:
        lookup(Client(apis.url), SIREN, TODAY)
    assert "\n" not in str(raised.value)


def test_the_day_of_the_run_is_not_to_come(apis: FakeApis) -> None:
    apis.companies[SIREN] = Company(created="2026-11-26", state="C", closed="2026-11-26")
    entry = lookup(Client(apis.url), SIREN, TODAY)
    assert (str(entry.created), str(entry.closed)) == ("2026-11-26", "2026-11-26")


@pytest.mark.parametrize("siren", ["123456789", "12345678", "１２３４５６７８２", "12345678\x1b"])
def test_a_laureate_with_a_malformed_siren_is_left_out_with_a_note(
    apis: FakeApis, siren: str
) -> None:
    good = ilab_record(OTHER, "Other", 2025, "Numérique")
    _, startups, notes = laureates(apis, [ilab_record(siren, "Newco", 2025, "Numérique"), good], [])
    assert [s["siren"] for s in startups] == [OTHER]
    said = [n for n in notes if "is not a valid SIREN" in n]
    assert len(said) == 1 and said[0].startswith("open data: ilab line "), notes
    assert said[0].endswith(f": {siren!r} is not a valid SIREN")
