"""The security policy in plain terms: which hosts it allows, the headers it sets, and Streamlit's
error details kept from users."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.web.endpoint import FailedAuth
from dashboard.web.security import Policy, allowed_hosts_from_env, content_security_policy, host_name

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("header", "name"),
    [("example.org:8501", "example.org"), ("[::1]:8501", "::1"), ("LOCALHOST", "localhost"), ("", None), (None, None)],
)
def test_the_host_name_is_read_from_a_host_header(header: str | None, name: str | None):
    assert host_name(header) == name


def test_a_policy_allows_its_hosts_their_subdomains_by_pattern_and_nothing_else():
    policy = Policy(hosts=("localhost", "dash.example.org", "*.corp.example"))
    verdicts = {
        host: policy.allows(host)
        for host in ("localhost", "DASH.example.org", "a.corp.example", "corp.example", "example.org", "", None)
    }
    assert verdicts == {
        "localhost": True,
        "DASH.example.org": True,
        "a.corp.example": True,
        "corp.example": False,
        "example.org": False,
        "": False,
        None: False,
    }
    assert Policy(hosts=("*",)).allows("anything.example")


def test_allowed_hosts_are_this_machine_plus_the_setting(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DASHBOARD_ALLOWED_HOSTS", " Dash.Example.org, ,*.corp.example")
    assert allowed_hosts_from_env() == ("localhost", "127.0.0.1", "::1", "dash.example.org", "*.corp.example")


def test_the_content_security_policy_lets_in_inline_scripts_only_by_hash():
    assert content_security_policy(["sha256-abc="]) == (
        "default-src 'self'; script-src 'self' 'sha256-abc='; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def test_users_see_no_error_details():
    script = "from streamlit import config; print(config.get_option('client.showErrorDetails'))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "none"


def test_a_client_is_told_to_wait_after_thirty_failed_token_checks_in_a_minute():
    clock = [1000.0]
    failures = FailedAuth(clock=lambda: clock[0])
    for _ in range(29):
        failures.add("203.0.113.9")
    assert (failures.too_many("203.0.113.9"), failures.too_many("198.51.100.1")) == (False, False)
    failures.add("203.0.113.9")
    assert failures.too_many("203.0.113.9")
    clock[0] += 61
    assert not failures.too_many("203.0.113.9")
