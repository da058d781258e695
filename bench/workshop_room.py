"""A workshop room in real Chromium: the app server's CPU while phones (on the light page
/w/CODE since issue 15) and the projector follow the session, and how long each phone takes to
confirm a tap when all tap at once.

usage: python bench/workshop_room.py [--phones 10] [--load 0]

Starts the app on a fresh small demo workspace, opens the facilitator's page, the presenter
view and N phones (390x844), starts a session and opens the first touchpoint. Then:
- samples the CPU time of the app server (and of Chromium) over 10 s of idle refreshing,
  reported in cores (1.0 = one core busy all the time);
- taps a score on every phone without waiting, and reports for each phone the seconds until
  its "Your score" confirmation is on screen.
``--load N`` runs N busy-looping processes meanwhile, like a second test worker on CI.

Reference (2 cores, 10 phones): before ``runner.postScriptGC = false`` the server used 0.87
cores idle and, with one busy process beside it, phones took up to 49 s to confirm a tap.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import PHONE, PROJECTOR, launch  # noqa: E402
from tests.browser.conftest import demo_server as _demo_server  # noqa: E402
from tests.browser.test_workshop import click, open_page, open_phone, tap_score  # noqa: E402


class _Folders:
    """Stands in for pytest's temporary-folder factory."""

    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-"))


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds so far of the app server and of Chromium, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"server": 0.0, "chromium": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        kind = "server" if "streamlit run" in command else "chromium" if "chrom" in command else None
        if kind:
            totals[kind] += (int(stat[11]) + int(stat[12])) / tick
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--load", type=int, default=0, help="busy-looping processes beside the room")
    args = parser.parse_args()
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
    try:
        with _demo_server(_Folders(), "room") as server, sync_playwright() as driver:
            browser = launch(
                driver,
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
            )
            facilitator = open_page(browser, f"{server.url}/workshop", PROJECTOR)
            click(facilitator, "Start session")
            heading = facilitator.get_by_text(re.compile(r"^Join code: [A-Z0-9]{4}-[A-Z0-9]{4}$"))
            expect(heading).to_be_visible(timeout=60_000)
            link = facilitator.locator("[data-testid=stCode]").first.inner_text().strip()
            presenter = facilitator.get_by_role("link", name=re.compile("Open the presenter view"))
            presenter_url = presenter.get_attribute("href") or ""
            click(facilitator, "Open")
            open_page(browser, presenter_url, PROJECTOR)
            phones = [open_phone(browser, link, f"Phone {n + 1}", PHONE) for n in range(args.phones)]

            before, started = _cpu_seconds(), time.monotonic()
            time.sleep(10)
            after, elapsed = _cpu_seconds(), time.monotonic() - started
            cores = {kind: (after[kind] - before[kind]) / elapsed for kind in before}
            print(
                f"idle refreshing, {args.phones} phones + presenter: server {cores['server']:.2f} cores,"
                f" Chromium {cores['chromium']:.2f} cores"
            )

            points = {index: str(index % 5 + 1) for index in range(len(phones))}
            started = time.monotonic()
            for index, phone in enumerate(phones):
                tap_score(phone, points[index])
            confirmed: dict[int, float] = {}
            while len(confirmed) < len(phones) and time.monotonic() - started < 120:
                for index, phone in enumerate(phones):
                    if index not in confirmed and phone.get_by_text(f"Your score: {points[index]} ✓ saved").count():
                        confirmed[index] = time.monotonic() - started
                time.sleep(0.25)
            seconds = sorted(confirmed.values())
            missing = len(phones) - len(seconds)
            print(
                f"all tapped at once (load {args.load}): confirmed on {len(seconds)} of {len(phones)} phones;"
                + (f" median {seconds[len(seconds) // 2]:.1f} s, slowest {seconds[-1]:.1f} s" if seconds else "")
                + (f"; {missing} never confirmed within 120 s" if missing else "")
            )
            browser.close()
    finally:
        for hog in hogs:
            hog.kill()


if __name__ == "__main__":
    main()
