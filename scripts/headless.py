"""Open a page in headless Chromium and report what a person's browser would: the console's
errors and warnings (a Content-Security-Policy violation among them), what scripts measure
of the page, and a full-page screenshot.

Chromium is driven through the DevTools protocol over its pipe transport
(`--remote-debugging-pipe`: JSON messages ending in a NUL byte, on file descriptors 3 and 4),
the transport Puppeteer and Playwright use for a browser they start themselves. No port is
opened and no package is needed: the standard library speaks it, and the flags keep
Chromium off the network (it would hang trying on a closed one).

    python scripts/headless.py PAGE.html [--width 390] [--screenshot shot.png]

Used by the report's browser tests and by scripts/make_report_picture.py.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",  # as root (CI), the sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
    "--font-render-hinting=none",
    "--remote-debugging-pipe",
)
TIMEOUT = 60.0


def find_chromium() -> str | None:
    """The Chromium to drive: $CHROMIUM, else `chromium` (Debian's) or `chromium-browser`."""
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named)
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    """Chromium did not start, answer or load the page."""


@dataclass
class Visit:
    """What loading one page gave: the console's messages, and the page measured."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    screenshot: bytes | None = None

    @property
    def errors(self) -> list[str]:
        """Console errors and warnings, exceptions and CSP violations, as text."""
        return [
            f"{m['level']}: {m['text']}"
            for m in self.messages
            if m["level"] in ("error", "warning")
        ]


class Browser:
    """One headless Chromium, started in a fresh profile folder and stopped on exit."""

    def __init__(self, executable: str | None = None) -> None:
        found = executable or find_chromium()
        if found is None:
            raise BrowserError("no chromium found (apt-get install chromium)")
        self._profile = tempfile.mkdtemp(prefix="normandie-chromium-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def give_pipes() -> None:
            # The protocol's fixed descriptors: Chromium reads on 3 and writes on 4. Copies
            # first, so that placing one cannot close the other.
            reading, writing = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self._process = subprocess.Popen(
            [found, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4, to_browser_read, from_browser_write),
            preexec_fn=give_pipes,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError, BrowserError, TimeoutError):
            self._send("Browser.close", timeout=5)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for descriptor in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(descriptor)
        shutil.rmtree(self._profile, ignore_errors=True)

    # --- The protocol ------------------------------------------------------------------

    def _send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = TIMEOUT,
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        wanted = self._next_id
        answer = self._wait(lambda m: m.get("id") == wanted, timeout)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def _wait(self, wanted: Any, timeout: float) -> dict[str, Any]:
        """The next message `wanted` accepts; the events read meanwhile are kept."""
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message: dict[str, Any] = json.loads(raw)
                if wanted(message):
                    return message
                self._events.append(message)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise BrowserError("chromium closed the pipe (it stopped)")
                self._buffer += chunk

    # --- A page ------------------------------------------------------------------------

    def visit(
        self,
        page: Path,
        *,
        width: int = 1280,
        height: int = 900,
        mobile: bool = False,
        measure: dict[str, str] | None = None,
        screenshot: bool = False,
        down_to: str | None = None,
    ) -> Visit:
        """Load a file in a new tab `width` CSS pixels wide; evaluate each of `measure`'s
        JavaScript expressions in the loaded page (the page's own policy forbids scripts;
        the protocol's evaluation is the browser's, not the page's), then take a screenshot
        of the whole page if asked, or of its top down to the bottom of the element that
        the CSS selector `down_to` names."""
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self._events.clear()
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            self._send(domain, session=session)
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
        self._send("Emulation.setDeviceMetricsOverride", metrics, session)
        navigated = self._send("Page.navigate", {"url": page.resolve().as_uri()}, session)
        if navigated.get("errorText"):
            raise BrowserError(f"cannot load {page}: {navigated['errorText']}")
        self._wait(
            lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session,
            TIMEOUT,
        )
        visit = Visit()
        for name, expression in (measure or {}).items():
            found = self._send(
                "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session
            )
            if "exceptionDetails" in found:
                raise BrowserError(f"{name}: {found['exceptionDetails']}")
            visit.values[name] = found["result"].get("value")
        if screenshot:
            options: dict[str, Any] = {"format": "png", "captureBeyondViewport": True}
            if down_to is not None:
                bottom = self._send(
                    "Runtime.evaluate",
                    {
                        "expression": f"document.querySelector({json.dumps(down_to)})"
                        ".getBoundingClientRect().bottom + window.scrollY",
                        "returnByValue": True,
                    },
                    session,
                )["result"]["value"]
                options["clip"] = {"x": 0, "y": 0, "width": width, "height": bottom, "scale": 1}
            shot = self._send("Page.captureScreenshot", options, session, timeout=TIMEOUT)
            visit.screenshot = base64.b64decode(shot["data"])
        # Messages that arrive while the page settles are the page's too: read them.
        with contextlib.suppress(TimeoutError):
            self._wait(lambda m: False, 0.3)
        visit.messages = list(_console(self._events, session))
        self._send("Target.closeTarget", {"targetId": target})
        return visit


def _console(events: list[dict[str, Any]], session: str) -> Iterator[dict[str, Any]]:
    """The console's messages among the protocol's events, as {level, text}."""
    for event in events:
        if event.get("sessionId") != session:
            continue
        params = event.get("params", {})
        method = event.get("method")
        if method == "Log.entryAdded":  # the browser's own: CSP, network, security, ...
            entry = params["entry"]
            yield {"level": entry["level"], "text": f"[{entry['source']}] {entry['text']}"}
        elif method == "Runtime.consoleAPICalled":
            level = {"warning": "warning", "error": "error", "assert": "error"}
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            yield {"level": level.get(params["type"], "info"), "text": f"[console] {text}"}
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            yield {"level": "error", "text": f"[exception] {details.get('text', '')}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    measure = {
        "scroll width": "document.documentElement.scrollWidth",
        "viewport width": "document.documentElement.clientWidth",
        "page height": "document.documentElement.scrollHeight",
    }
    with Browser() as browser:
        visit = browser.visit(
            args.page,
            width=args.width,
            mobile=args.width < 600,
            measure=measure,
            screenshot=args.screenshot is not None,
        )
    for message in visit.messages:
        print(f"{message['level']}: {message['text']}")
    for name, value in visit.values.items():
        print(f"{name}: {value}")
    if args.screenshot is not None and visit.screenshot is not None:
        args.screenshot.write_bytes(visit.screenshot)
    return 1 if visit.errors else 0


if __name__ == "__main__":
    sys.exit(main())
