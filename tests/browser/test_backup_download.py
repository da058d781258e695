"""Real browser: an admin downloads a backup from Settings with sign-in on. Streamlit makes the
download's bytes on a thread of its own, which the served process treats as nobody unless the
page handed its person over: the file must come, and the audit log must name the admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from dashboard import accounts, demo
from dashboard.store import Store, audit, operations, users
from tests.browser.conftest import PROJECTOR, settle
from tests.conftest import DEMO_END, SMALL_DEMO
from tests.servers import start_server, stop_server


def test_an_admins_backup_download_arrives_and_is_recorded_as_theirs(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("backup-download")
    db = folder / "workspace.duckdb"
    with Store(db) as store:
        demo.build(store, impressions=SMALL_DEMO, end=DEMO_END)
        secret = users.open_session(store, users.create(store, "ada@example.org", "admin"))
        cookie = accounts.sign(secret, users.signing_key(store))
    process, running = start_server(db, folder / "streamlit.log", {"DASHBOARD_AUTH": "local"})
    try:
        context = browser.new_context(viewport=PROJECTOR, accept_downloads=True)
        context.add_cookies([{"name": accounts.COOKIE, "value": cookie, "url": running.url}])
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{running.url}/settings", wait_until="domcontentloaded")
        settle(page)
        with page.expect_download() as started:
            page.get_by_role("button", name="Download a backup").click()
        saved = Path(folder / operations.BACKUP_FILE_NAME)
        started.value.save_as(saved)
        context.close()
    finally:
        stop_server(process)
    with Store(saved) as copy:
        assert users.find(copy, "ada@example.org") > 0
    with Store(db) as store:
        newest = audit.entries(store)[["actor", "role", "kind", "action"]].values.tolist()[0]
    assert newest == ["ada@example.org", "admin", "backup", "backup written"]
