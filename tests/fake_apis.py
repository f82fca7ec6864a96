"""A local stand-in for API Recherche d'entreprises and the ministry's Opendatasoft portal,
on 127.0.0.1, answering with the recorded shapes of tests/fixtures/api/ (see its README)
filled with test values. Tests script faults per SIREN or dataset: 429 with or without
Retry-After (any value: `429:<value>`), 500, a stall longer than the client's timeout,
malformed JSON, a body cut short, 404, a Ctrl-C in the middle of a run, or a hostile
server's answers: a body without end, a zip bomb, headers or a body sent a byte at a time,
or any Reply scripted whole."""

from __future__ import annotations

import copy
import functools
import json
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SHAPES = Path(__file__).parent / "fixtures" / "api"
RECORDED = json.loads((SHAPES / "search-carrefour-per_page-1.thirdparty-2025-11.json").read_text())
INOV_RECORDS = json.loads((SHAPES / "inov-records-sample.navigator-dump.json").read_text())
# With minimal=true and include=siege the service sends the base fields and `siege` only.
_NOT_MINIMAL = ("dirigeants", "matching_etablissements", "finances", "complements", "tva")
_MASKED_UL = ("nom_complet", "nom_raison_sociale", "sigle")
_MASKED_SIEGE = ("adresse", "code_postal", "complement_adresse", "coordonnees", "latitude")
_MASKED_SIEGE += ("longitude", "libelle_voie", "numero_voie", "type_voie", "cedex")
NGINX_429 = (
    b"<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many"
    b" Requests</h1></center><hr><center>nginx</center></body></html>"
)
ILAB_DATASET = "fr-esr-laureats-concours-national-i-lab"
INOV_DATASET = "fr-esr-laureats-concours-i-nov"


@dataclass
class Company:
    """What the fake register says of one SIREN (test values)."""

    commune: str = "14118"
    commune_name: str = "CAEN"
    created: str = "2016-05-02"
    state: str = "A"
    closed: str | None = None
    name: str = "TEST COMPANY"
    activity: str = "62.01Z"
    band: str | None = "11"
    non_diffusible: bool = False
    fields: dict[str, Any] = field(default_factory=dict)  # any other value of the result


@dataclass(frozen=True)
class Reply:
    """An answer scripted whole: a status, a body (bytes as they are, else JSON), headers."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = "application/json"  # its Content-Type


@dataclass
class FakeApis:
    """The server's script: the companies it knows, the laureates, the faults to play."""

    companies: dict[str, Company] = field(default_factory=dict)
    laureates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    faults: dict[str, list[str | Reply]] = field(default_factory=lambda: defaultdict(list))
    requests: list[tuple[float, str]] = field(default_factory=list)
    url: str = ""

    def fault(self, key: str) -> str | Reply | None:
        queue = self.faults.get(key)
        return queue.pop(0) if queue else None


def register_result(siren: str, company: Company) -> dict[str, Any]:
    """The recorded result, cut to minimal=true&include=siege, with the test values."""
    result = copy.deepcopy(RECORDED["results"][0])
    for key in _NOT_MINIMAL:
        result.pop(key, None)
    result.update(
        siren=siren,
        nom_complet=company.name,
        nom_raison_sociale=company.name,
        sigle=None,
        activite_principale=company.activity,
        date_creation=company.created,
        date_fermeture=company.closed,
        etat_administratif=company.state,
        tranche_effectif_salarie=company.band,
        annee_tranche_effectif_salarie="2023" if company.band else None,
        categorie_entreprise="PME" if company.band else None,
    )
    result.update(company.fields)
    siege = result["siege"]
    siege.update(
        commune=company.commune,
        libelle_commune=company.commune_name,
        departement=company.commune[:2],
        siret=siren + "00011",
        date_creation=company.created,
        etat_administratif="F" if company.state == "C" else "A",
    )
    if company.non_diffusible:
        result["statut_diffusion"] = "P"
        siege["statut_diffusion_etablissement"] = "P"
        for key in _MASKED_UL:
            result[key] = "[NON-DIFFUSIBLE]"
        for key in _MASKED_SIEGE:
            siege[key] = "[NON-DIFFUSIBLE]"
    return result


def inov_record(siren: str, name: str, commune: str, year: int, theme: str) -> dict[str, Any]:
    """A recorded i-Nov record with test values in it."""
    record = copy.deepcopy(INOV_RECORDS[0])
    record.update(
        siren=siren,
        entreprise=name,
        cityid=commune,
        com_nom="Caen",
        dep_nom="Calvados",
        reg_nom="Normandie",
        thematique=theme,
        datepublication=f"{year}-01-01",
        vague="Vague 15",
        projet="Projet test",
    )
    return record


def ilab_record(siren: str, name: str, year: int, domain: str) -> dict[str, Any]:
    """An i-Lab record under the field names the ministry's code reads (test values)."""
    return {
        "annee_de_concours": year,
        "ndeg_siren": siren,
        "libelle_entreprise": name,
        "domaine_technologique": domain,
        "grand_prix": None,
        "site_web_entreprise": None,
        "region": "Normandie",
        "nom_du_laureat": "personal data the client must not ask for",
    }


class _Handler(BaseHTTPRequestHandler):
    apis: FakeApis

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        apis = self.apis
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        apis.requests.append((time.monotonic(), self.path))
        if parts.path == "/search":
            self._search(params)
        elif parts.path.startswith("/api/explore/v2.1/catalog/datasets/"):
            self._records(parts.path.split("/")[6], params)
        else:
            self._json(404, {"erreur": "Ressource non trouvée."})

    def _play(self, fault: str | Reply | None) -> bool:
        """Play a fault; True when it answered."""
        if fault is None or fault == "ok":
            return False
        if isinstance(fault, Reply):
            body = fault.body if isinstance(fault.body, bytes) else json.dumps(fault.body).encode()
            self._raw(fault.status, body, fault.kind, fault.headers)
        elif fault.startswith("429:"):
            self._raw(429, b"Too Many Requests.", "text/plain", {"Retry-After": fault[4:]})
        elif fault in HOSTILE:
            try:
                HOSTILE[fault](self)
            except OSError:  # the client has gone: what it should do
                self.close_connection = True
        elif fault == "429":
            self._raw(429, b"Too Many Requests.", "application/octet-stream", {"Retry-After": "1"})
        elif fault == "429-nginx":
            self._raw(429, NGINX_429, "text/html")
        elif fault == "500":
            message = "Une erreur inattendue s'est produite. Veuillez réessayer plus tard."
            self._json(500, {"erreur": message})
        elif fault == "404":
            self._json(404, {"erreur": "Ressource non trouvée."})
        elif fault == "malformed":
            self._raw(200, b'{"results": [', "application/json")
        elif fault == "truncated":
            body = json.dumps({"results": [], "total_results": 0}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) + 500))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
        elif fault.startswith("stall"):
            time.sleep(float(fault.split(":")[1]))
            return False
        elif fault == "interrupt":
            import _thread

            _thread.interrupt_main()  # what Ctrl-C does to the command's main thread
            time.sleep(0.5)
            self._json(500, {"erreur": "interrupted"})
        elif fault == "shape":
            self._json(200, {"resultats": []})
        return True

    def _search(self, params: dict[str, str]) -> None:
        apis = self.apis
        query = params.get("q", "").replace(" ", "")
        if not query:
            self._json(400, {"erreur": "Veuillez indiquer au moins un paramètre de recherche."})
            return
        if params.get("include") and params.get("minimal", "").lower() != "true":
            message = (
                "Veuillez indiquer si vous souhaitez une réponse minimale avec le filtre"
                " `minimal=True`` avant de préciser les champs à inclure."
            )
            self._json(400, {"erreur": message})
            return
        if self._play(apis.fault(query)):
            return
        per_page = int(params.get("per_page", "10"))
        company = apis.companies.get(query)
        results = [] if company is None else [register_result(query, company)]
        total = len(results)
        self._json(
            200,
            {
                "results": results,
                "total_results": total,
                "page": 1,
                "per_page": per_page,
                "total_pages": (total + per_page - 1) // per_page,
            },
        )

    def _records(self, dataset: str, params: dict[str, str]) -> None:
        apis = self.apis
        if self._play(apis.fault(dataset)):
            return
        if dataset not in apis.laureates:
            self._json(404, {"error_code": "DatasetNotFound", "message": f"{dataset} not found"})
            return
        limit, offset = int(params.get("limit", "10")), int(params.get("offset", "0"))
        if not -1 <= limit <= 100:
            message = (
                f"Invalid value for limit API parameter: {limit} was found but -1 <= limit"
                " <= 100 is expected."
            )
            self._json(400, {"error_code": "InvalidRESTParameterError", "message": message})
            return
        rows = apis.laureates[dataset]
        where = params.get("where", "")
        if "=" in where:
            key, _, value = where.partition("=")
            rows = [r for r in rows if str(r.get(key)) == value.strip('"')]
        selected = [f.strip() for f in params.get("select", "").split(",") if f.strip()]
        if selected:
            unknown = [f for f in selected if rows and f not in rows[0]]
            if unknown:
                message = f"ODSQL query is malformed: Unknown field: {unknown[0]}"
                self._json(400, {"error_code": "ODSQLError", "message": message})
                return
            rows = [{k: r.get(k) for k in selected} for r in rows]
        page = rows[offset : offset + limit]
        self._json(200, {"total_count": len(rows), "results": page})

    def _json(self, status: int, body: Any) -> None:
        self._raw(status, json.dumps(body).encode(), "application/json")

    def _raw(
        self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


# A hostile server's answers stop by themselves: after this long, or this much sent.
HOSTILE_SECONDS = 20.0
HOSTILE_BYTES = 64 * 1024 * 1024


def _endless(handler: _Handler) -> None:
    """A body announced as 3 GB, sent as fast as the client reads it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(3 * 1024**3))
    handler.end_headers()
    piece = b" " * 65536
    for _ in range(HOSTILE_BYTES // len(piece)):
        handler.wfile.write(piece)


@functools.cache
def zip_bomb() -> bytes:
    """256 MB of spaces in about 256 kB of gzip."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
    piece = b" " * (1024 * 1024)
    return b"".join([*(squeeze.compress(piece) for _ in range(256)), squeeze.flush()])


def _zip_bomb(handler: _Handler) -> None:
    handler._raw(200, zip_bomb(), "application/json", {"Content-Encoding": "gzip"})


def _drip(handler: _Handler, data: bytes) -> None:
    """Bytes one at a time, a few each second: every read gets one well within a timeout."""
    until = time.monotonic() + HOSTILE_SECONDS
    for byte in data:
        if time.monotonic() > until:
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)


def _drip_body(handler: _Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(10**9))
    handler.end_headers()
    handler.wfile.flush()
    _drip(handler, b" " * 10**6)


def _drip_headers(handler: _Handler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    _drip(handler, b"X-Slow: " + b"z" * 10**6)


HOSTILE = {
    "endless": _endless,
    "zip-bomb": _zip_bomb,
    "drip-body": _drip_body,
    "drip-headers": _drip_headers,
}


def serve() -> Iterator[FakeApis]:
    """Run the server on a free port of 127.0.0.1 while the caller holds it."""
    apis = FakeApis()
    handler = type("Handler", (_Handler,), {"apis": apis})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    apis.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield apis
    finally:
        server.shutdown()
        server.server_close()
