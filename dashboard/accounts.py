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
from functools import cache
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
SERVER_FOLDER = Path(__file__).resolve().parents[1]
"""Where ``server.py`` is: Streamlit also reads the secrets file beside the script it runs."""
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


def secrets_files(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The secrets files Streamlit reads, in its order (a later one wins): ``STREAMLIT_SECRETS_FILES``
    (split on white space, as Streamlit's command line splits it) when set, else
    ``~/.streamlit/secrets.toml``, the working folder's ``.streamlit/secrets.toml`` and the one
    beside ``server.py`` (Streamlit's script-level file), so a server started from another folder
    still finds its settings."""
    env = os.environ if environ is None else environ
    listed = env.get("STREAMLIT_SECRETS_FILES", "").split()
    if listed:
        return [Path(name).expanduser() for name in listed]
    found = [Path.home() / SECRETS, Path.cwd() / SECRETS, SERVER_FOLDER / SECRETS]
    return [path for i, path in enumerate(found) if path.absolute() not in [p.absolute() for p in found[:i]]]


def _read_secrets(path: Path) -> Mapping[str, object]:
    """One secrets file (or a folder of secrets, Kubernetes style, as Streamlit reads one); a file
    that exists but cannot be read or parsed is refused: read as empty it would mean open mode."""
    try:
        if path.is_dir() and path.suffix != ".toml":
            return {sub.name: _folder_secret(sub) for sub in path.iterdir() if sub.is_dir()}
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as problem:
        raise ValueError(f"the secrets file {path} cannot be read: {problem}") from None


def _folder_secret(folder: Path) -> object:
    values = {f.name: f.read_text(encoding="utf-8").strip() for f in folder.iterdir() if f.is_file()}
    return next(iter(values.values())) if len(values) == 1 else values


def _secrets(files: list[Path]) -> Mapping[str, object]:
    merged: dict[str, object] = {}
    for path in files:
        merged.update(_read_secrets(path))
    return merged


@cache
def _process_secrets(listed: str) -> Mapping[str, object]:
    """The secrets as this process first read them: editing or breaking the file afterwards
    cannot change a running server's mode. Keyed on ``STREAMLIT_SECRETS_FILES`` only so a test
    that sets it reads its own file."""
    return _secrets(secrets_files({"STREAMLIT_SECRETS_FILES": listed}))


def _settings(environ: Mapping[str, str] | None, files: list[Path] | None) -> Mapping[str, object]:
    if files is not None:
        return _secrets(files)
    env = os.environ if environ is None else environ
    return _process_secrets(env.get("STREAMLIT_SECRETS_FILES", ""))


def mode(environ: Mapping[str, str] | None = None, files: list[Path] | None = None) -> Mode:
    """The configured sign-in mode, read once per process; an unknown value, or a secrets file
    that exists but does not parse, is refused (``ValueError``) rather than read as open."""
    env = os.environ if environ is None else environ
    value = env.get("DASHBOARD_AUTH") or str(_settings(env, files).get("auth_mode", "") or "open")
    value = value.strip().lower()
    if value not in MODES:
        raise ValueError(f"DASHBOARD_AUTH must be one of {', '.join(MODES)}, not {value!r}")
    return value


def cookie_secret(environ: Mapping[str, str] | None = None, files: list[Path] | None = None) -> str | None:
    """The key signing session cookies: ``DASHBOARD_SECRET``, else ``[auth] cookie_secret``."""
    env = os.environ if environ is None else environ
    if env.get("DASHBOARD_SECRET"):
        return env["DASHBOARD_SECRET"]
    auth = _settings(env, files).get("auth")
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
