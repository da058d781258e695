"""How people sign in: the mode, password hashes, the signed session cookie, the lockout rule.

No SQL (``store.users`` keeps the accounts) and no Streamlit. The mode comes from
``DASHBOARD_AUTH`` or ``auth_mode`` in ``.streamlit/secrets.toml``: ``open`` (the default: no
sign-in, everyone acts as admin), ``oidc`` (single sign-on through ``st.login``) or ``local``
(accounts kept in the workspace).
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, TimestampSigner

Mode = Literal["open", "oidc", "local"]
MODES: tuple[Mode, ...] = ("open", "oidc", "local")
MODE_LABELS = {
    "open": "Open: no sign-in, everyone acts as admin. For one person or a trusted room only.",
    "oidc": "Single sign-on through your OpenID Connect provider.",
    "local": "Local accounts kept in this workspace, with passwords.",
}
SECRETS = Path(".streamlit/secrets.toml")
COOKIE = "tpd_session"
SESSION_DAYS = 7
"""A browser session lasts a week, then asks for the password again."""
INVITE_DAYS = 7
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
"""Five wrong passwords for one account from one address lock that pair for fifteen minutes:
long enough to stop guessing, never forever, and another address (the owner's) is not locked."""
PASSWORD_MIN = 10

_HASHER = PasswordHasher()


class SignInError(ValueError):
    """A sign-in refused, with a message that does not say whether the account exists."""


def _secrets(path: Path = SECRETS) -> Mapping[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def mode(environ: Mapping[str, str] | None = None, secrets_file: Path = SECRETS) -> Mode:
    """The configured sign-in mode; an unknown value is refused rather than read as open."""
    env = os.environ if environ is None else environ
    value = env.get("DASHBOARD_AUTH") or str(_secrets(secrets_file).get("auth_mode", "") or "open")
    value = value.strip().lower()
    if value not in MODES:
        raise ValueError(f"DASHBOARD_AUTH must be one of {', '.join(MODES)}, not {value!r}")
    return value


def cookie_secret(environ: Mapping[str, str] | None = None, secrets_file: Path = SECRETS) -> str | None:
    """The key signing session cookies: ``DASHBOARD_SECRET``, else ``[auth] cookie_secret``."""
    env = os.environ if environ is None else environ
    if env.get("DASHBOARD_SECRET"):
        return env["DASHBOARD_SECRET"]
    auth = _secrets(secrets_file).get("auth")
    value = auth.get("cookie_secret") if isinstance(auth, dict) else None
    return str(value) if value else None


def hash_password(password: str) -> str:
    """An argon2id hash of a password that meets the length rule."""
    if len(password) < PASSWORD_MIN:
        raise SignInError(f"a password needs at least {PASSWORD_MIN} characters")
    return _HASHER.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash (False for no hash or a damaged one)."""
    if not stored:
        return False
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_secret() -> str:
    """A random token for a session or a set-password link (256 bits)."""
    return secrets.token_urlsafe(32)


def sign(value: str, key: str) -> str:
    """The cookie value: ``value`` with a timestamped signature."""
    return TimestampSigner(key, salt="tpd-session").sign(value).decode()


def unsign(cookie: str, key: str, max_age: timedelta = timedelta(days=SESSION_DAYS)) -> str | None:
    """The value inside a cookie signed with ``key`` no longer ago than ``max_age``, else None."""
    try:
        return TimestampSigner(key, salt="tpd-session").unsign(cookie, max_age=int(max_age.total_seconds())).decode()
    except (BadSignature, UnicodeDecodeError):
        return None
