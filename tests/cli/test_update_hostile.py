"""`normandie update` against a hostile stand-in of both APIs (127.0.0.1 only): what a user
sees when a server floods, stalls, lies or sends what the dataset would refuse. Each answer
is bounded, each fault is one line, and one bad record never blocks the others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Invoke, ids
from fake_apis import (
    ILAB_DATASET,
    INOV_DATASET,
    Company,
    FakeApis,
    Reply,
    ilab_record,
    inov_record,
)
from test_update import NEWCO, apis, data, environment, home, knows, layer

from normandie_cli.dataset import load_dataset

__all__ = ["apis", "data", "home"]  # the fixtures

OTHER = "356000000"  # another valid SIREN no dataset has


def sirens(data: Path) -> dict[str, str]:
    return {s.id: s.siren for s in load_dataset(data).startups if s.siren}


def test_every_wait_is_said_on_one_line(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    knows(apis, data)
    apis.faults[sirens(data)["saagie"]] = ["429"]  # Retry-After: 1
    updated = invoke(["update", "--only", "register"], env=environment(apis, home, data))
    assert updated.exit_code == 0, updated.output
    said = [line for line in updated.stderr.splitlines() if "waiting" in line]
    assert said == [f"{apis.url[7:]} answered HTTP 429: waiting 1 s before asking again"]


def test_a_base_address_that_cannot_be_used_is_refused_before_any_request(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    knows(apis, data)
    for variable, url in [
        ("NORMANDIE_REGISTER_URL", "http://[::1"),
        ("NORMANDIE_REGISTER_URL", f"{apis.url}/#everything-to-the-root"),
        ("NORMANDIE_REGISTER_URL", apis.url.replace("//", "//user:secret@")),
        ("NORMANDIE_OPENDATA_URL", f"{apis.url}/?where=1"),
    ]:
        env = {**environment(apis, home, data), variable: url}
        refused = invoke(["update"], env=env)
        assert refused.exit_code == 1, (url, refused.output)
        assert refused.stderr.count("\n") == 1, refused.stderr
        assert "is not a service's web address" in refused.stderr
        assert apis.requests == []
        assert not (home / "normandie").exists()


def test_a_dry_run_shows_values_inert_and_one_row_each(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    forged = "EVIL\x1b[2J\nfill\tsaagie\tcity\tparis"
    knows(apis, data, spread=Company(fields={"nom_raison_sociale": forged}))
    apis.laureates[INOV_DATASET] = [inov_record(NEWCO, f"N\x1b]0;x\x07{forged}", "14118", 2026, "")]
    apis.companies[NEWCO] = Company()
    dry = invoke(["update", "--dry-run"], env=environment(apis, home, data))
    assert dry.exit_code == 0, dry.output
    assert "\x1b" not in dry.stdout and "\x07" not in dry.stdout
    rows = [line.split("\t") for line in dry.stdout.splitlines()]
    assert rows[0] == ["change", "id", "field", "value"]
    assert all(len(row) == 4 for row in rows), rows
    assert ["fill", "saagie", "city", "paris"] not in rows
    assert ["fill", "spread", "legal_name", "EVIL␛[2J fill saagie city paris"] in rows


def test_one_bad_record_from_the_network_does_not_block_the_others(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    numbers = sirens(data)
    knows(
        apis,
        data,
        spread=Company(fields={"annee_tranche_effectif_salarie": "0"}),
        bunkr=Company(created="2099-01-01"),
    )
    apis.laureates[ILAB_DATASET] = [
        {
            **ilab_record(NEWCO, "Evil", 2025, "Numérique"),
            "site_web_entreprise": "http://e.fr/\x1b",
        },
    ]
    apis.laureates[INOV_DATASET] = [
        {**inov_record("552100554", "Richco", "14118", 2026, ""), "subvention": 1e300},
        inov_record(OTHER, "Goodco", "14118", 2026, ""),
    ]
    for siren in (NEWCO, OTHER, "552100554"):
        apis.companies[siren] = Company()
    env = environment(apis, home, data)
    updated = invoke(["update"], env=env)
    assert updated.exit_code == 0, updated.output
    err = updated.stderr
    assert "laureate 'Evil' (SIREN 123456782): 'website' must be a web address" in err
    assert "laureate 'Richco' (SIREN 552100554).awards[0]: 'amount' is too large" in err
    assert f"SIREN {numbers['spread']}: " in err and "'headcount_year' must be a year" in err
    assert f"SIREN {numbers['bunkr']}: " in err and "'date_creation' is a day still to come" in err
    assert "1 new laureates" in err
    assert f"Wrote {layer(home)}" in err
    listed = ids(invoke(["startups"], env=env).stdout)
    assert "goodco" in listed and "evil" not in listed and "richco" not in listed


def test_the_progress_is_kept_until_the_layer_is_written(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    knows(apis, data)
    env = environment(apis, home, data)
    layer(home).mkdir(parents=True)  # a folder where the layer goes: it cannot be written
    failed = invoke(["update", "--only", "register"], env=env)
    assert failed.exit_code == 2, failed.output  # as any output that is a folder
    assert "is a folder" in failed.stderr
    progress = layer(home).with_name("register-progress.toml")
    assert progress.read_text(encoding="utf-8").count("[[register]]") == len(sirens(data))
    layer(home).rmdir()
    apis.requests.clear()
    resumed = invoke(["update", "--only", "register"], env=env)
    assert resumed.exit_code == 0, resumed.output
    assert f"({len(sirens(data))} from the run cut short)" in resumed.stderr
    assert apis.requests == []
    assert not progress.exists()


def test_a_register_that_lies_about_a_siren_gives_nothing_for_it(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    from fake_apis import register_result

    numbers = sirens(data)
    knows(apis, data)
    saagie = numbers["saagie"]
    one = register_result(saagie, Company(commune="14118"))
    other = register_result(saagie, Company(commune="76540", state="C", closed="2020-01-01"))
    apis.faults[saagie] = [Reply({"results": [one, other]})]
    env = environment(apis, home, data)
    updated = invoke(["update", "--only", "register"], env=env)
    assert updated.exit_code == 0, updated.output
    assert f"SIREN {saagie}: " in updated.stderr and "2 results where 1" in updated.stderr
    shown = json.loads(invoke(["show", "saagie", "--json"], env=env).stdout)
    assert shown.get("status") != "closed"


HOSTILE_ANSWERS = {
    "a web page": Reply(b"<html><body>{}</body></html>", kind="text/html"),
    "sent elsewhere": Reply(b"", status=302, headers={"Location": "http://evil.example/"}),
    "not JSON": Reply(b'{"results": [', kind="application/json"),
    "without end": "endless",
    "a zip bomb": "zip-bomb",
}


@pytest.mark.parametrize("answer", HOSTILE_ANSWERS.values(), ids=HOSTILE_ANSWERS.keys())
def test_a_hostile_answer_is_refused_in_one_line_and_nothing_is_written(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path, answer: str | Reply
) -> None:
    knows(apis, data)
    for key in [ILAB_DATASET, *sirens(data).values()]:
        apis.faults[key] = [answer]
    refused = invoke(["update"], env=environment(apis, home, data))
    assert refused.exit_code == 1, refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
    assert refused.stderr.startswith("Error: ") and refused.stderr.count("\n") == 1
    assert refused.stderr.rstrip().endswith("; nothing was changed")
    assert not (home / "normandie").exists()


def test_a_fault_nobody_foresaw_is_one_line_and_leaves_the_layer_as_it_was(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import normandie_cli.opendata

    knows(apis, data)
    env = environment(apis, home, data)
    assert invoke(["update"], env=env).exit_code == 0
    before = layer(home).read_bytes()

    def unforeseen(*args: object) -> None:
        raise RuntimeError("a fault in the code")

    monkeypatch.setattr(normandie_cli.opendata, "build_startups", unforeseen)
    failed = invoke(["update"], env=env)
    assert failed.exit_code == 1, failed.output
    assert failed.exception is None or isinstance(failed.exception, SystemExit)
    assert failed.stderr == (
        "Error: update stopped on a fault nobody foresaw (RuntimeError: a fault in the code);"
        " nothing was changed\n"
    )
    assert layer(home).read_bytes() == before


def test_a_siren_two_startups_hold_fills_neither_and_is_said(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    numbers = sirens(data)
    shared = numbers["saagie"]
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace(numbers["spread"], shared), encoding="utf-8")
    knows(apis, data)
    env = environment(apis, home, data)
    updated = invoke(["update", "--only", "register"], env=env)
    assert updated.exit_code == 0, updated.output
    said = [line for line in updated.stderr.splitlines() if f"SIREN {shared}" in line]
    assert said == [
        f"SIREN {shared} is held by 2 startups (saagie, spread): the register's facts fill"
        " none of them; give it to one"
    ]
    assert [r.count(shared) for r in [layer(home).read_text(encoding="utf-8")]] == [1]
    for startup in ("saagie", "spread"):
        shown = json.loads(invoke(["show", startup, "--json"], env=env).stdout)
        assert "sirene-register" not in json.dumps(shown), shown
