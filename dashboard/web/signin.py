"""Signing in with a local account (``DASHBOARD_AUTH=local``): small server-rendered HTML forms,
no Streamlit, in the light participant page's style (its stylesheet, no script).

- ``GET/POST /auth/sign-in[?next=/PATH]``: e-mail and password; on success the ``tpd_session``
  cookie (the session's secret, signed: HttpOnly, SameSite=Lax, Secure over https, a week) and
  a redirect to ``next``, which must be a path on this site.
- ``GET /auth/sign-out``: a page with the sign-out button (the pages link to it);
  ``POST /auth/sign-out``: ends the session and clears the cookie.
- ``GET/POST /auth/set-password?link=SECRET``: the one-time link an admin hands out.

Every POST must come from a page of this site (its ``Origin``, else its ``Referer``): another
site cannot sign someone in or out. Refusals change nothing and say why in plain words; a
wrong e-mail and a wrong password read the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dashboard import accounts
from dashboard.store import users
from dashboard.web import participant_page
from dashboard.web.endpoint import ApiError, FailedAuth, read_limited
from dashboard.web.service import Service

SIGN_IN = "/auth/sign-in"
SIGN_OUT = "/auth/sign-out"
LINK_PAGE = "/auth/set-password"
FORM_LIMIT = 8 * 1024
"""A sign-in form is a few hundred bytes; anything far larger is not one."""


def _frame(title: str, body: str, status: int = 200) -> HTMLResponse:
    return participant_page.frame(title, body, status, script=False)


def _alert(message: str) -> str:
    return f'<p class="notice" role="alert">{escape(message)}</p>' if message else ""


def _sign_in_page(next_path: str, message: str = "", email: str = "", status: int = 200) -> HTMLResponse:
    body = f"""<h1>Sign in</h1>
{_alert(message)}
<form method="post" action="{SIGN_IN}" class="stack">
<input type="hidden" name="next" value="{escape(next_path)}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" value="{escape(email)}" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="primary">Sign in</button>
</form>
<p>No password yet, or forgotten? Ask an admin for a set-password link.</p>"""
    return _frame("Sign in", body, status)


def _set_password_page(link: str, message: str = "", status: int = 200) -> HTMLResponse:
    body = f"""<h1>Choose your password</h1>
{_alert(message)}
<form method="post" action="{LINK_PAGE}" class="stack">
<input type="hidden" name="link" value="{escape(link)}">
<label for="password">New password (at least {accounts.PASSWORD_MIN} characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password"
 minlength="{accounts.PASSWORD_MIN}" required>
<label for="again">The same password again</label>
<input id="again" name="again" type="password" autocomplete="new-password" required>
<button type="submit" class="primary">Set my password</button>
</form>"""
    return _frame("Choose your password", body, status)


def _not_here() -> HTMLResponse:
    body = "<h1>No sign-in here</h1><p>This server does not use local accounts.</p>"
    return _frame("No sign-in here", body, 404)


def safe_next(value: str | None) -> str:
    """``value`` when it is a path on this site (``/overview?cycle=2``), else ``/``: a sign-in
    link must not send anyone on to another site (``//evil.example``, ``https://...``)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(c in value for c in "\r\n\\") or value.startswith("/auth/"):
        return "/"
    return value


def same_origin(request: Request) -> bool:
    """Whether a POST came from a page of this site: its Origin (else its Referer) names our host."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return False
    parts = urlsplit(source)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == request.headers.get("host", "").lower()


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded form's fields (the first value of each)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise ApiError(415, "send the form as application/x-www-form-urlencoded")
    raw = await read_limited(request, FORM_LIMIT)
    fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def session_cookie(response: Response, request: Request, value: str) -> None:
    """Sets ``tpd_session`` (empty ``value``: clears it)."""
    response.set_cookie(
        accounts.COOKIE,
        value,
        max_age=accounts.SESSION_DAYS * 86_400 if value else 0,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


def _refused_post(request: Request) -> HTMLResponse | None:
    """The page for a POST refused before reading it: wrong mode, or from another site."""
    if accounts.mode() != "local":
        return _not_here()
    if not same_origin(request):
        body = "<h1>Refused</h1><p>This form must be sent from this site's own page. Nothing was changed.</p>"
        return _frame("Refused", body, 403)
    return None


async def _sign_in_form(request: Request) -> Response:
    if accounts.mode() != "local":
        return _not_here()
    return _sign_in_page(safe_next(request.query_params.get("next")))


async def _sign_in(service: Service, request: Request, failures: FailedAuth) -> Response:
    refused = _refused_post(request)
    if refused is not None:
        return refused
    if failures.too_many(_address(request)):
        # Before any password is checked: a flood from one address costs no argon2 work.
        return _sign_in_page("/", "Too many failed sign-ins from here; wait a minute and try again.", status=429)
    try:
        fields = await _form(request)
    except ApiError as problem:
        return _sign_in_page("/", problem.message, status=problem.status)
    email, next_path = fields.get("email", ""), safe_next(fields.get("next"))
    store, password = service.store, fields.get("password", "")
    try:
        user_id = await run_in_threadpool(users.sign_in, store, email, password, _address(request))
    except accounts.SignInError as refusal:
        failures.add(_address(request))
        status = 429 if str(refusal).startswith("too many") else 401
        return _sign_in_page(next_path, _sentence(str(refusal)), email, status)
    secret = await run_in_threadpool(users.open_session, store, user_id)
    key = await run_in_threadpool(users.signing_key, store)
    response = RedirectResponse(next_path, status_code=303)
    session_cookie(response, request, accounts.sign(secret, key))
    return response


async def _sign_out(service: Service, request: Request) -> Response:
    refused = _refused_post(request)
    if refused is not None:
        return refused
    cookie = request.cookies.get(accounts.COOKIE)
    if cookie:
        key = await run_in_threadpool(users.signing_key, service.store)
        secret = accounts.unsign(cookie, key)
        if secret is not None:
            await run_in_threadpool(users.close_session, service.store, secret)
    response = RedirectResponse(SIGN_IN, status_code=303)
    session_cookie(response, request, "")
    return response


async def _sign_out_form(request: Request) -> Response:
    """A page with the sign-out button, for a link from the pages (a link cannot POST; a GET that
    signed out would let any other site sign people out)."""
    if accounts.mode() != "local":
        return _not_here()
    body = f"""<h1>Sign out</h1>
<form method="post" action="{SIGN_OUT}" class="stack">
<button type="submit" class="primary">Sign out</button>
</form>
<p><a href="/">Back to the dashboard</a></p>"""
    return _frame("Sign out", body)


async def _set_password_form(request: Request) -> Response:
    if accounts.mode() != "local":
        return _not_here()
    return _set_password_page(request.query_params.get("link", ""))


async def _set_password(service: Service, request: Request) -> Response:
    refused = _refused_post(request)
    if refused is not None:
        return refused
    try:
        fields = await _form(request)
    except ApiError as problem:
        return _set_password_page("", problem.message, problem.status)
    link, password = fields.get("link", ""), fields.get("password", "")
    if password != fields.get("again", ""):
        return _set_password_page(link, "The two passwords differ; type the same one twice.", 422)
    try:
        email = await run_in_threadpool(users.redeem, service.store, link, password)
    except (accounts.SignInError, users.UserError) as refusal:
        return _set_password_page(link, _sentence(str(refusal)), 422)
    body = f"""<h1>Password set</h1>
<p role="status">The password of {escape(email)} is set.</p>
<p><a href="{SIGN_IN}">Sign in</a></p>"""
    return _frame("Password set", body)


def routes(service: Service) -> list[BaseRoute]:
    """The sign-in, sign-out and set-password routes."""
    # Failed sign-ins per address per minute, whatever the accounts: the lockout counts per
    # account, so one address trying one password on many accounts meets this instead.
    failures = FailedAuth()

    async def sign_in(request: Request) -> Response:
        return await _sign_in(service, request, failures)

    def bound(handler: Callable[[Service, Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            return await handler(service, request)

        return run

    return [
        Route(SIGN_IN, _sign_in_form, methods=["GET"]),
        Route(SIGN_IN, sign_in, methods=["POST"]),
        Route(SIGN_OUT, _sign_out_form, methods=["GET"]),
        Route(SIGN_OUT, bound(_sign_out), methods=["POST"]),
        Route(LINK_PAGE, _set_password_form, methods=["GET"]),
        Route(LINK_PAGE, bound(_set_password), methods=["POST"]),
    ]


def _sentence(message: str) -> str:
    """A store message as a sentence on a page: capital first, full stop last."""
    text = message.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else text


def sign_in_url(path_and_query: str) -> str:
    """The sign-in page that leads back to ``path_and_query`` afterwards."""
    target = safe_next(path_and_query)
    return SIGN_IN if target == "/" else f"{SIGN_IN}?next={quote(target, safe='')}"
