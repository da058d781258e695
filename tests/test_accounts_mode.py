"""Where the sign-in mode comes from: ``DASHBOARD_AUTH``, else ``auth_mode`` in the secrets files
Streamlit itself reads. A broken file must stop the server, never read as open mode (everyone
admin), and a running server's mode must not change when the file does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import accounts


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts as a new process would: nothing read yet, no mode in the environment."""
    monkeypatch.delenv("DASHBOARD_AUTH", raising=False)
    monkeypatch.delenv("STREAMLIT_SECRETS_FILES", raising=False)
    accounts._process_secrets.cache_clear()
    yield
    accounts._process_secrets.cache_clear()


def test_a_secrets_file_that_does_not_parse_is_refused_not_read_as_open(tmp_path: Path):
    broken = tmp_path / "secrets.toml"
    broken.write_text('auth_mode = "local"\n[auth\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"^the secrets file .*secrets\.toml cannot be read: "):
        accounts.mode({}, [broken])


def test_the_files_read_are_streamlits_home_working_folder_and_beside_server_py(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert accounts.secrets_files({}) == [
        tmp_path / "home" / ".streamlit" / "secrets.toml",
        tmp_path / ".streamlit" / "secrets.toml",
        Path(__file__).resolve().parents[1] / ".streamlit" / "secrets.toml",
    ]
    listed = {"STREAMLIT_SECRETS_FILES": f"{tmp_path}/a.toml {tmp_path}/b.toml"}
    assert accounts.secrets_files(listed) == [tmp_path / "a.toml", tmp_path / "b.toml"]


def test_a_server_started_from_another_folder_reads_the_file_beside_server_py(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project = tmp_path / "project"
    (project / ".streamlit").mkdir(parents=True)
    (project / ".streamlit" / "secrets.toml").write_text('auth_mode = "local"\n', encoding="utf-8")
    monkeypatch.setattr(accounts, "SERVER_FOLDER", project)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert accounts.mode() == "local"


def test_a_later_file_wins_and_a_folder_of_secrets_is_read_as_streamlit_reads_it(tmp_path: Path):
    first = tmp_path / "first.toml"
    first.write_text('auth_mode = "oidc"\n', encoding="utf-8")
    folder = tmp_path / "mounted"
    (folder / "auth_mode").mkdir(parents=True)
    (folder / "auth_mode" / "value").write_text("local\n", encoding="utf-8")
    assert accounts.mode({}, [first]) == "oidc"
    assert accounts.mode({}, [first, folder]) == "local"


def test_the_mode_is_read_once_so_editing_or_breaking_the_file_later_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('auth_mode = "local"\n[auth]\ncookie_secret = "k1"\n', encoding="utf-8")
    monkeypatch.setenv("STREAMLIT_SECRETS_FILES", str(secrets))
    assert (accounts.mode(), accounts.cookie_secret()) == ("local", "k1")
    secrets.write_text("auth_mode = [broken", encoding="utf-8")
    assert (accounts.mode(), accounts.cookie_secret()) == ("local", "k1")
    secrets.unlink()
    assert (accounts.mode(), accounts.cookie_secret()) == ("local", "k1")


def test_the_environment_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('auth_mode = "oidc"\n', encoding="utf-8")
    assert accounts.mode({"DASHBOARD_AUTH": "local"}, [secrets]) == "local"
