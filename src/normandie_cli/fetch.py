"""Asking a public web API for JSON, politely and safely: requests paced under the API's
rate limit, 429 and 5xx answers retried with backoff (honouring Retry-After), time limits,
and every way a request can fail turned into one clear line.

urllib3 does the HTTP (connection reuse to one host, certificate checks, a body cut short
detected against its Content-Length); it is imported when a Client is made, so no other
command pays for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from normandie_cli import __version__
from normandie_cli.errors import NormandieError
from normandie_cli.i18n import _

if TYPE_CHECKING:
    import urllib3

USER_AGENT = f"normandie/{__version__} (a command line for the Normandy tech ecosystem)"
RETRIED = frozenset({429, 500, 502, 503, 504})


class FetchError(NormandieError):
    """One request failed after its retries; the message says why, in one line."""


class Unreachable(FetchError):
    """The service cannot be reached at all (no network, DNS, TLS, refused): the next
    request would fail the same way, so a run stops."""


@dataclass
class Client:
    """Requests to one service: at most `rate` a second, each retried up to `retries`
    times on 429, 5xx, a timeout or a cut connection."""

    base_url: str
    rate: float = 7.0  # requests a second: API Recherche d'entreprises allows 7 per IP
    timeout: float = 10.0  # seconds to connect, and between two reads of the answer
    retries: int = 4
    longest_wait: float = 60.0  # a Retry-After longer than this ends the request
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    on_wait: Callable[[float, str], None] | None = None  # told of each wait, and why
    _last: float | None = field(default=None, init=False)
    _pool: Any = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(
                _("{url} is not a web address starting with http:// or https://").format(
                    url=self.base_url
                )
            )

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def url(self, path: str, params: Mapping[str, str | int]) -> str:
        query = urlencode(params)
        return f"{self.base_url}{path}" + (f"?{query}" if query else "")

    def get_json(self, path: str, params: Mapping[str, str | int]) -> Any:
        """The JSON of GET base_url+path?params, after any retries; raises FetchError."""
        import json

        status, body = self.get(path, params)
        if status == 404:
            raise FetchError(_("{url}: not found (HTTP 404)").format(url=self.url(path, params)))
        if status != 200:
            said = _said(body)
            answer = _("{url}: the service answered HTTP {status}{said}")
            raise FetchError(answer.format(url=self.url(path, params), status=status, said=said))
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            not_json = _("{url}: the answer is not JSON (it starts {start!r})")
            raise FetchError(not_json.format(url=self.url(path, params), start=body[:40])) from None

    def get(self, path: str, params: Mapping[str, str | int]) -> tuple[int, bytes]:
        """(status, body) of a GET, retrying what is worth retrying."""
        url = self.url(path, params)
        for attempt in range(self.retries + 1):
            last_try = attempt == self.retries
            self._pace()
            try:
                response = self._request(url)
            except _Retryable as failure:
                if last_try:
                    raise FetchError(str(failure)) from None
                self._wait(_backoff(attempt), str(failure))
                continue
            if response.status not in RETRIED or last_try:
                return response.status, response.data
            wait = _retry_after(response.headers.get("Retry-After"), time.time())
            if wait is None:
                wait = _backoff(attempt)
            elif wait > self.longest_wait:
                later = _("{host} asks to wait {seconds:.0f} s (HTTP {status}): try again later")
                raise FetchError(later.format(host=self.host, seconds=wait, status=response.status))
            reason = _("{host} answered HTTP {status}").format(
                host=self.host, status=response.status
            )
            self._wait(wait, reason)
        raise AssertionError("unreachable: the last try returns or raises")

    def _pace(self) -> None:
        """Space the starts of requests by 1/rate seconds at least."""
        now = self.clock()
        if self._last is not None:
            gap = 1.0 / self.rate - (now - self._last)
            if gap > 0:
                self.sleep(gap)
                now = self.clock()
        self._last = now

    def _wait(self, seconds: float, reason: str) -> None:
        if self.on_wait is not None:
            self.on_wait(seconds, reason)
        self.sleep(seconds)

    def _request(self, url: str) -> urllib3.BaseHTTPResponse:
        import urllib3
        from urllib3 import exceptions as errors

        if self._pool is None:
            timeout = urllib3.Timeout(connect=self.timeout, read=self.timeout)
            self._pool = urllib3.PoolManager(
                timeout=timeout, retries=False, headers={"User-Agent": USER_AGENT}
            )
        host = self.host
        try:
            return self._pool.request("GET", url, redirect=False)  # type: ignore[no-any-return]
        except errors.NameResolutionError:
            unknown = _("cannot find {host}: no network, or the name does not resolve (DNS)")
            raise Unreachable(unknown.format(host=host)) from None
        except errors.SSLError as error:
            tls = _("cannot talk securely with {host} (TLS: {reason})")
            raise Unreachable(tls.format(host=host, reason=_reason(error))) from None
        # urllib3 makes a refused connection a kind of connection timeout: tell them apart.
        except errors.NewConnectionError as error:
            refused = _("cannot connect to {host}: {reason}")
            raise Unreachable(refused.format(host=host, reason=_reason(error))) from None
        except errors.ConnectTimeoutError:
            slow = _("{host} did not accept the connection within {seconds:g} s")
            raise _Retryable(slow.format(host=host, seconds=self.timeout)) from None
        except errors.ReadTimeoutError:
            slow = _("{host} did not answer within {seconds:g} s")
            raise _Retryable(slow.format(host=host, seconds=self.timeout)) from None
        except errors.ProtocolError as error:
            cut = _("the answer from {host} was cut short ({reason})")
            raise _Retryable(cut.format(host=host, reason=_reason(error))) from None
        except errors.HTTPError as error:
            raise FetchError(f"{host}: {_reason(error)}") from None


class _Retryable(FetchError):
    """A failure another try may not meet (a timeout, a dropped connection)."""


def _backoff(attempt: int) -> float:
    """1, 2, 4, 8… seconds, at most 30."""
    return float(min(2**attempt, 30))


def _retry_after(value: str | None, now: float) -> float | None:
    """Retry-After as seconds: a number of seconds, or an HTTP date; None if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def _said(body: bytes) -> str:
    """': <what the service said>' for the error bodies of the two APIs, else ''."""
    import json

    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    if isinstance(data, dict):
        for key in ("erreur", "message", "error"):
            if isinstance(data.get(key), str):
                return f": {data[key][:200]}"
    return ""


def _reason(error: BaseException) -> str:
    """The innermost reason of a urllib3 error, in a few words."""
    reason: BaseException = error
    while True:
        inner = getattr(reason, "reason", None) or reason.__cause__ or reason.__context__
        if not isinstance(inner, BaseException) or inner is reason:
            break
        reason = inner
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return str(text).split(": ", 1)[-1] if "Errno" in str(reason) else str(text)
