"""AppTest: the Settings page makes a token, shows it once, lists it without its secret, and revokes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import DB_ENV_VAR, Store, tokens

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


def settings_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(DB_ENV_VAR, str(db))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    return at.switch_page("pages/settings.py").run()


def test_a_token_made_on_the_settings_page_is_shown_once_and_works(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    path = demo_store.path
    demo_store.close()
    at = settings_page(path, monkeypatch)
    name_box = next(t for t in at.text_input if t.label == "Name of the program or person using it")
    name_box.input("reporting")
    next(s for s in at.selectbox if s.label == "Role").select("read")
    next(b for b in at.button if b.label == "Make a token").click().run()
    assert not at.exception
    shown = [c.value for c in at.code]
    assert len(shown) == 1 and shown[0].startswith("tpd_")
    with Store(path) as store:
        assert tokens.holder(store, shown[0]) == tokens.Holder("reporting", "read")
    at.run()
    assert [c.value for c in at.code] == []  # shown once only


def test_a_token_is_revoked_from_the_settings_page(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    token = tokens.create(demo_store, "old script", "write")
    path = demo_store.path
    demo_store.close()
    at = settings_page(path, monkeypatch)
    next(b for b in at.button if b.label == "Revoke “old script”").click().run()
    assert not at.exception
    assert any(s.value == "Revoked the token “old script”." for s in at.success)
    with Store(path) as store:
        assert tokens.holder(store, token) is None
