"""Asking a public web API for JSON, politely and safely: requests paced under the API's
rate limit, 429 and 5xx answers retried with backoff (honouring Retry-After) within a budget
of waiting, every answer bounded in size and in time, and every way a request or an answer
can fail turned into one clear line.

urllib3 does the HTTP (connection reuse to one host, certificate checks, a body cut short
detected against its Content-Length, decompression a piece at a time); it is imported when
a request is made, so no other command pays for it.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode, urlsplit

from normandie_cli import __version__
from normandie_cli.errors import NormandieError
from normandie_cli.i18n import _
from normandie_cli.schema import web_address

if TYPE_CHECKING:
    import urllib3

USER_AGENT = f"normandie/{__version__} (a command line for the Normandy tech ecosystem)"
RETRIED = frozenset({429, 500, 502, 503, 504})
# An answer's size once decompressed: the largest the two APIs send (a page of 100 laureates)
# is about 60 kB, so this leaves room for growth and none for a flood or a zip bomb.
LARGEST_ANSWER = 4 * 1024 * 1024
_PIECE = 64 * 1024  # read (and decompressed) at a time

_T = TypeVar("_T")


class FetchError(NormandieError):
    """One request failed after its retries; the message says why, in one line."""


class Unreachable(FetchError):
    """The service cannot be reached at all (no network, DNS, TLS, refused), or has made the
    run wait all it may: the next request would fail the same way, so a run stops."""


def unexpected(url: str, what: str) -> FetchError:
    """An answer of a shape the service never sends."""
    return FetchError(_("{url}: unexpected answer ({what})").format(url=url, what=what))


@contextmanager
def reading(where: str) -> Iterator[None]:
    """The one error boundary of what is read from the network, around each answer and each
    item of one: whatever goes wrong reading it (a value no parser expected, a nesting too
    deep) becomes a FetchError naming it, in one line, never a traceback."""
    try:
        yield
    except FetchError:
        raise
    except Exception as error:  # the answer is another's text: any fault is the answer's
        raise unexpected(
            where, _("unreadable: {error}").format(error=type(error).__name__)
        ) from None


def base_address(url: str) -> str:
    """A service's base address, without a final '/'; FetchError unless it is a web address
    the dataset accepts as a source's (schema.web_address: no credentials, no odd host) with
    a port that exists and no query or fragment, which would send every request elsewhere."""
    trimmed = url.rstrip("/")
    if not (web_address(trimmed) and _port_exists(trimmed)) or "?" in trimmed or "#" in trimmed:
        refused = _(
            "{url} is not a service's web address: http:// or https://, a host name, a"
            " path perhaps, and no user, query or fragment"
        )
        raise FetchError(refused.format(url=url))
    return trimmed


def _port_exists(url: str) -> bool:
    """Whether the port an address names, if any, is one a connection can be made to."""
    try:
        port = urlsplit(url).port
    except ValueError:  # not a number, or past 65535
        return False
    return port != 0


@dataclass
class Client:
    """Requests to one service: at most `rate` a second, each retried up to `retries`
    times on 429, 5xx, a timeout or a cut connection, and each answer whole within
    `deadline` seconds and `largest_answer` bytes."""

    base_url: str
    rate: float = 7.0  # requests a second: API Recherche d'entreprises allows 7 per IP
    timeout: float = 10.0  # seconds to connect, and between two reads of the answer
    deadline: float = 30.0  # seconds from asking to the last byte of the answer
    largest_answer: int = LARGEST_ANSWER  # bytes, once decompressed
    retries: int = 4
    longest_wait: float = 60.0  # a Retry-After longer than this ends the request
    patience: float = 120.0  # seconds of waiting before retries, in all, for this service
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    on_wait: Callable[[float, str], None] | None = None  # told of each wait, and why
    _last: float | None = field(default=None, init=False)
    _waited: float = field(default=0.0, init=False)
    _pool: Any = field(default=None, init=False)
    _connections: weakref.WeakSet[Any] = field(default_factory=weakref.WeakSet, init=False)
    _response: Any = field(default=None, init=False)  # the answer being read

    def __post_init__(self) -> None:
        self.base_url = base_address(self.base_url)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def url(self, path: str, params: Mapping[str, str | int]) -> str:
        query = urlencode(params)
        return f"{self.base_url}{path}" + (f"?{query}" if query else "")

    def get_json(
        self, path: str, params: Mapping[str, str | int], read: Callable[[Any, str], _T]
    ) -> _T:
        """What `read(answer, url)` makes of the JSON of GET base_url+path?params, after any
        retries; raises FetchError, for whatever fault of the answer too (see `reading`)."""
        url = self.url(path, params)
        status, headers, body = self.get(path, params)
        if status == 404:
            raise FetchError(_("{url}: not found (HTTP 404)").format(url=url))
        if 300 <= status < 400:
            elsewhere = _("{url}: the service sends elsewhere ({location}): not followed")
            location = headers.get("Location", "?")
            raise FetchError(elsewhere.format(url=url, location=repr(location[:200])))
        if status != 200:
            answer = _("{url}: the service answered HTTP {status}{said}")
            raise FetchError(answer.format(url=url, status=status, said=_said(body)))
        kind = headers.get("Content-Type", "")
        if not _is_json(kind):
            not_json = _("{url}: the answer is {kind}, not JSON: refused")
            raise FetchError(not_json.format(url=url, kind=repr(kind[:100])))
        try:
            parsed = _parse(body)
        except ValueError:
            not_json = _("{url}: the answer is not JSON (it starts {start!r})")
            raise FetchError(not_json.format(url=url, start=body[:40])) from None
        with reading(url):
            return read(parsed, url)

    def get(
        self, path: str, params: Mapping[str, str | int]
    ) -> tuple[int, Mapping[str, str], bytes]:
        """(status, headers, body) of a GET, retrying what is worth retrying."""
        url = self.url(path, params)
        for attempt in range(self.retries + 1):
            last_try = attempt == self.retries
            self._pace()
            try:
                status, headers, body = self._request(url)
            except _Retryable as failure:
                if last_try:
                    raise FetchError(str(failure)) from None
                self._wait(_backoff(attempt), str(failure))
                continue
            if status not in RETRIED or last_try:
                return status, headers, body
            wait = _retry_after(headers.get("Retry-After"), time.time())
            if wait is None:
                wait = _backoff(attempt)
            elif wait > self.longest_wait:
                later = _("{host} asks to wait {seconds:.0f} s (HTTP {status}): try again later")
                raise FetchError(later.format(host=self.host, seconds=wait, status=status))
            reason = _("{host} answered HTTP {status}").format(host=self.host, status=status)
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
        """Wait before a retry, within the patience left: a service that keeps asking for
        time (a hostile one, or one down for long) ends the run's requests to it."""
        if self._waited + seconds > self.patience:
            tired = _(
                "{host} has already made this run wait {waited:.0f} s and now asks for"
                " {seconds:.0f} s more ({reason}): try again later"
            )
            raise Unreachable(
                tired.format(host=self.host, waited=self._waited, seconds=seconds, reason=reason)
            )
        self._waited += seconds
        if self.on_wait is not None:
            self.on_wait(seconds, reason)
        self.sleep(seconds)

    def _request(self, url: str) -> tuple[int, Mapping[str, str], bytes]:
        """(status, headers, body) of one GET, the body read whole within the deadline and
        the size allowed; transport failures become FetchError, retryable or not."""
        from urllib3.exceptions import HTTPError

        parts = urlsplit(url)
        target = f"{parts.path}?{parts.query}" if parts.query else parts.path or "/"
        failure: FetchError | None = None
        answer: tuple[int, Mapping[str, str], bytes] | None = None
        with _Deadline(self.deadline, self._cut) as deadline:
            try:
                answer = self._exchange(target, url)
            except HTTPError as error:
                failure = self._failure(error)
        if deadline.passed:
            slow = _("{host} did not send its whole answer within {seconds:g} s")
            raise _Retryable(slow.format(host=self.host, seconds=self.deadline))
        if failure is not None:
            raise failure
        assert answer is not None
        return answer

    def _exchange(self, target: str, url: str) -> tuple[int, Mapping[str, str], bytes]:
        response = self._connection_pool().urlopen(
            "GET", target, redirect=False, preload_content=False
        )
        self._response = response
        try:
            body = bytearray()
            while piece := response.read1(_PIECE):
                body += piece
                if len(body) > self.largest_answer:
                    large = _("{url}: the answer is larger than {size} MB: refused")
                    raise FetchError(large.format(url=url, size=self.largest_answer // 2**20))
        except BaseException:
            response.close()  # the rest is never read: the connection is not used again
            raise
        finally:
            self._response = None
            response.release_conn()
        return response.status, response.headers, bytes(body)

    def _connection_pool(self) -> urllib3.HTTPConnectionPool:
        """The pool of connections to the host, whose every connection the deadline can cut."""
        if self._pool is None:
            import urllib3

            timeout = urllib3.Timeout(connect=self.timeout, read=self.timeout)
            pool = urllib3.connection_from_url(
                self.base_url, timeout=timeout, retries=False, headers={"User-Agent": USER_AGENT}
            )
            made = pool.ConnectionCls

            def connection(**options: Any) -> Any:
                made_one = made(**options)
                self._connections.add(made_one)
                return made_one

            pool.ConnectionCls = connection  # type: ignore[assignment]
            self._pool = pool
        return self._pool  # type: ignore[no-any-return]

    def _cut(self) -> None:
        """End the exchange under way, from another thread: the connection being made or
        waiting for its headers, and the answer whose body is being read."""
        for connection in list(self._connections):
            if connection.sock is not None:
                with suppress(OSError):
                    # The plain socket's shutdown, under TLS too: the request's own thread
                    # then meets the end of the stream and stops.
                    socket.socket.shutdown(connection.sock, socket.SHUT_RDWR)
        response = self._response
        if response is not None:
            with suppress(OSError, ValueError, RuntimeError):  # already released or closed
                response.shutdown()

    def _failure(self, error: BaseException) -> FetchError:
        """A urllib3 error as one line: Unreachable when the next request would meet it too."""
        from urllib3 import exceptions as errors

        host = self.host
        if isinstance(error, errors.NameResolutionError):
            unknown = _("cannot find {host}: no network, or the name does not resolve (DNS)")
            return Unreachable(unknown.format(host=host))
        if isinstance(error, errors.SSLError):
            tls = _("cannot talk securely with {host} (TLS: {reason})")
            return Unreachable(tls.format(host=host, reason=_reason(error)))
        # urllib3 makes a refused connection a kind of connection timeout: tell them apart.
        if isinstance(error, errors.NewConnectionError):
            refused = _("cannot connect to {host}: {reason}")
            return Unreachable(refused.format(host=host, reason=_reason(error)))
        if isinstance(error, errors.ConnectTimeoutError):
            slow = _("{host} did not accept the connection within {seconds:g} s")
            return _Retryable(slow.format(host=host, seconds=self.timeout))
        if isinstance(error, errors.ReadTimeoutError):
            slow = _("{host} did not answer within {seconds:g} s")
            return _Retryable(slow.format(host=host, seconds=self.timeout))
        if isinstance(error, errors.ProtocolError):
            cut = _("the answer from {host} was cut short ({reason})")
            return _Retryable(cut.format(host=host, reason=_reason(error)))
        return FetchError(f"{host}: {_reason(error)}")


class _Deadline:
    """Cuts the connections of a request still going on `seconds` after it began: the
    timeout bounds each read, this bounds the whole exchange (a server sending a byte a
    second, in its headers or its body, would otherwise never be done)."""

    def __init__(self, seconds: float, cut: Callable[[], None]) -> None:
        self.passed = False
        self._seconds = seconds
        self._cut = cut
        self._done = threading.Event()
        self._watch = threading.Thread(target=self._cut_when_late, daemon=True)

    def __enter__(self) -> _Deadline:
        self._watch.start()
        return self

    def __exit__(self, *exception: object) -> None:
        self._done.set()
        self._watch.join()

    def _cut_when_late(self) -> None:
        if self._done.wait(self._seconds):
            return
        self.passed = True
        # Again until the request gives up: a connection still being made has no socket yet.
        while True:
            self._cut()
            if self._done.wait(0.05):
                return


class _Retryable(FetchError):
    """A failure another try may not meet (a timeout, a dropped connection)."""


def _backoff(attempt: int) -> float:
    """1, 2, 4, 8… seconds, at most 30."""
    return float(min(2**attempt, 30))


def _retry_after(value: str | None, now: float) -> float | None:
    """Retry-After as seconds: a number of seconds (ASCII digits), or an HTTP date; None if
    absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value, re.ASCII):
        return float(value)  # many digits make an infinite wait, which is refused
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _is_json(content_type: str) -> bool:
    """Whether a Content-Type says JSON: application/json, or a type ending in +json."""
    kind = content_type.partition(";")[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


def _parse(body: bytes) -> Any:
    """The JSON of a body: ValueError for anything but strict JSON (no NaN or Infinity)
    that Python can read (not nested past its recursion limit)."""
    import json

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(body.decode("utf-8"), parse_constant=constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _said(body: bytes) -> str:
    """': <what the service said>' for the error bodies of the two APIs, else ''."""
    try:
        data = _parse(body)
    except ValueError:
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
