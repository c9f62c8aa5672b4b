"""Drive `kitgen serve` in tests: bounded waits, HTTP fetches, reload streams, the real command."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

WAIT = 30.0  # generous bound for a busy CI machine; every wait returns as soon as it can


def wait_until(condition: Callable[[], object], timeout: float = WAIT, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read().decode()


class Events:
    """One open reload stream, read like a browser's EventSource would."""

    def __init__(self, base: str, since: int | str) -> None:
        host, port = base.removeprefix("http://").rstrip("/").rsplit(":", 1)
        self.connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        self.connection.request("GET", f"/__kitgen__/events?since={since}")
        self.response = self.connection.getresponse()
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_event(self) -> str:
        """Return the next event's name (raises on timeout: bounded by the socket's timeout)."""
        while True:
            line = self.response.readline().decode()
            if not line:
                raise AssertionError("the event stream closed")
            if line.startswith("event: "):
                return line.removeprefix("event: ").strip()

    def close(self) -> None:
        self.response.close()
        self.connection.close()


def save(path: Path, text: str) -> None:
    """Save a file the way many editors do: write a hidden temporary file, rename it over."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text)
    os.replace(temporary, path)


class Serve:
    """`kitgen serve --port 0` in its own process group, with its output collected."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kitgen", "serve", "--port", "0", *args],
            env={**os.environ, "CI": "true"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        wait_until(lambda: self.lines or self.process.poll() is not None, what="serve to start")
        match = re.search(r"http://\S+/", self.lines[0] if self.lines else "")
        self.url = match.group(0) if match else ""

    def _read(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def mark(self) -> int:
        """Return a place in the output to wait from: call it before making a change."""
        return len(self.lines)

    def wait_for(self, pattern: str, after: int = 0) -> str:
        """Wait for the first output line after `after` that matches; return it."""

        def match() -> str | None:
            return next((x for x in self.lines[after:] if re.search(pattern, x)), None)

        wait_until(match, what=f"{pattern!r} in {self.lines[after:]}")
        return match() or ""

    def stop(self) -> int:
        """Press Ctrl+C; return the exit code (a server that does not stop fails the test)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            code = self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # never leave it running after the test
            self.process.wait()
            raise AssertionError(f"kitgen serve did not stop on Ctrl+C: {self.output}") from None
        finally:
            self.reader.join(timeout=WAIT)
        assert self.process.stdout
        self.process.stdout.close()
        return code

    @property
    def output(self) -> str:
        return "\n".join(self.lines)
