"""Serve the explorer in a subprocess and drive it with Debian's Chromium: for the browser tests and the
screenshots in ``docs/``. Also the command line ``qualcoder explore`` runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qualcoder.errors import QualcoderError

APP = Path(__file__).resolve().parent / "app.py"  # inside the package: an installed wheel serves it
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]


class ExplorerError(QualcoderError):
    """The explorer server or its browser could not be started."""

    code = "Q950"


class BrowserMissing(ExplorerError):
    code = "Q951"


class ServerDidNotStart(ExplorerError):
    code = "Q952"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command(folder: str | Path, host: str = "127.0.0.1", port: int = 8501) -> list[str]:
    """The ``streamlit run`` command line that serves ``folder`` (the one ``qualcoder explore`` uses)."""
    return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", host, "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
            "--server.fileWatcherType", "none", "--", "--project", str(Path(folder).resolve())]


@contextmanager
def running(folder: str | Path, port: int | None = None, timeout: float = 60) -> Iterator[str]:
    """Serve the explorer over ``folder`` on 127.0.0.1 until the block ends; yields its URL."""
    port = port or free_port()
    log = Path(folder) / ".explorer-server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command(folder, port=port), stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(url, process, timeout, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart(f"streamlit exited with code {process.returncode}", place=log,
                                    fix="Read the log for the cause.")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise ServerDidNotStart(f"the explorer did not answer on {url} within {timeout:.0f} s", place=log,
                            fix="Read the log; is the port taken?")


def launch_chromium(playwright):
    """Debian's Chromium through Playwright (``playwright install`` cannot download here)."""
    if not Path(CHROMIUM).is_file():
        raise BrowserMissing("Chromium is not installed", place=CHROMIUM,
                             fix="Run `make test` (it installs Debian's chromium), or `apt-get install -y chromium`.")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def settle(page, quiet: float = 1.0, timeout: float = 60) -> None:
    """Wait until the app has drawn the page and no script run is in progress for ``quiet`` seconds."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)  # every page has a title
    deadline, calm_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        busy = page.locator('[data-testid="stStatusWidget"]').count() + page.locator(
            '[data-testid="stSpinner"]').count() + page.locator('[data-testid="stSkeleton"]').count()
        if busy:
            calm_since = None
        elif calm_since is None:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        page.wait_for_timeout(100)
    raise ServerDidNotStart(f"the page {page.url} was still running after {timeout:.0f} s", place=page.url,
                            fix="Look at the server log for a slow or stuck query.")
