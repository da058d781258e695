"""Every page passes axe-core's WCAG 2 A and AA rules without a serious or critical finding."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize

from tests.browser.conftest import PHONE, PROJECTOR, Server, settle

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# The Streamlit pages. The participant's phone page is served by the app's own routes, not by
# Streamlit; tests/browser/test_workshop.py runs axe on it at 320 and 390 px wide.
PAGES = ["overview", "impressions", "flow", "map", "upload", "reputation", "workshop", "settings", "present"]
BLOCKING = {"serious", "critical"}


@pytest.mark.parametrize("viewport", [PROJECTOR, PHONE], ids=["projector", "phone"])
@pytest.mark.parametrize("page_name", PAGES)
def test_a_page_has_no_serious_or_critical_accessibility_finding(
    server: Server, browser: Browser, page_name: str, viewport: ViewportSize, capsys: pytest.CaptureFixture[str]
):
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run ./scripts/ensure-axe.sh (make test does)")
    # axe-core goes in as an inline script, which the app's Content-Security-Policy rightly refuses.
    page = browser.new_page(viewport=viewport, bypass_csp=True)
    page.goto(f"{server.url}/{page_name}", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stApp]")
    settle(page)
    page.wait_for_timeout(1500)  # charts draw after the run has finished
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
    )
    page.close()
    lesser = [v for v in violations if v["impact"] not in BLOCKING]
    with capsys.disabled():
        print(f"\n{page_name}: {len(lesser)} lesser axe finding(s): {[v['id'] for v in lesser]}")
    assert [v for v in violations if v["impact"] in BLOCKING] == []
