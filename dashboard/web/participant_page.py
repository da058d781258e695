"""The light participant page: ``/w/CODE`` on a phone, server-rendered HTML plus one small
script of our own (``static/participant.js``), no Streamlit session, no CDN, no external font.

The server renders the frame and every message that needs no participant (a code form, a wrong
code, an ended session, the join form with its groups); the script joins, then follows the
session through the participant API (a long-poll on the state's version) and draws the open
touchpoints and the ideas. Old ``/join?code=XXXX`` links are redirected here.
"""

from __future__ import annotations

import hashlib
from functools import cache
from html import escape
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dashboard import workshop as ws
from dashboard.room import Room
from dashboard.store import groups
from dashboard.web.endpoint import ApiError
from dashboard.web.workshop import cookie_name, find_session

STATIC = Path(__file__).with_name("static")
ASSETS = {"participant.js": "text/javascript; charset=utf-8", "participant.css": "text/css; charset=utf-8"}


@cache
def _asset(name: str) -> tuple[bytes, str]:
    """An asset's bytes and a short hash of them (the pages link ``?v=HASH``, so a new version is fetched)."""
    data = (STATIC / name).read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:12]


def frame(title: str, body: str, status: int = 200, script: bool = True) -> HTMLResponse:
    """A light, server-rendered page in the phone page's style (also the sign-in forms, without
    the phone's script): no Streamlit, nothing from another origin."""
    css = _asset("participant.css")[1]
    js = f'\n<script src="/{ws.PARTICIPANT_PATH}/static/participant.js?v={_asset("participant.js")[1]}" defer></script>'
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/{ws.PARTICIPANT_PATH}/static/participant.css?v={css}">{js if script else ""}
</head>
<body>
<main id="main">
{body}
</main>
</body>
</html>
"""
    return HTMLResponse(page, status_code=status, headers={"cache-control": "no-store"})


def _code_form(message: str = "", typed: str = "") -> str:
    alert = f'<p class="notice" role="alert">{escape(message)}</p>' if message else ""
    return f"""<h1>Join a workshop</h1>
{alert}
<form method="get" action="/{ws.PARTICIPANT_PATH}" class="stack">
<label for="code">Workshop code (on the screen)</label>
<input id="code" name="code" value="{escape(typed)}" autocomplete="off" autocapitalize="characters"
 spellcheck="false" inputmode="text" maxlength="12" placeholder="K7QM-X2PA" required>
<button type="submit" class="primary">Join</button>
</form>"""


def _header(session: ws.Session) -> str:
    title = f"<p class='subtitle'>{escape(session.title)}</p>" if session.title else ""
    code = escape(ws.display_code(session.code))
    return f'<h1>Workshop <span class="code">{code}</span></h1>\n{title}'


def _join_form(session: ws.Session, group_names: list[str]) -> str:
    options = "".join(f'<option value="{escape(g)}">{escape(g)}</option>' for g in group_names)
    return f"""<form id="join" class="stack">
<p>Score {escape(session.cycle)} with the room. Your name and group are optional.</p>
<label for="name">Your name (optional)</label>
<input id="name" name="name" maxlength="{ws.MAX_NAME_LENGTH}" autocomplete="given-name">
<label for="group">Your group (optional)</label>
<select id="group" name="group"><option value="">None</option>{options}</select>
<button type="submit" class="primary">Start</button>
<p class="notice" role="alert" id="join-error" hidden></p>
</form>"""


def _app(session: ws.Session, joined: bool) -> str:
    return f"""<div id="room" data-code="{escape(session.code)}" data-joined="{"yes" if joined else "no"}">
<p id="status" class="status" role="status" aria-live="polite">Loading…</p>
<section id="vote" aria-labelledby="vote-title"><h2 id="vote-title" class="visually-hidden">Scores</h2>
<div id="touchpoints"></div></section>
<section id="ideas" aria-labelledby="ideas-title" hidden>
<h2 id="ideas-title">Enhancement ideas</h2>
<form id="idea-form" class="stack">
<label for="idea-touchpoint">For touchpoint</label><select id="idea-touchpoint" name="touchpoint"></select>
<label for="idea-text">Your idea</label>
<textarea id="idea-text" name="text" maxlength="{ws.MAX_IDEA_LENGTH}" rows="3" required></textarea>
<button type="submit" class="primary">Add idea</button>
<p id="idea-message" role="status" aria-live="polite"></p>
</form>
<ul id="idea-list" class="ideas"></ul>
</section>
</div>"""


async def page(request: Request, room: Room) -> Response:
    """``/w/CODE``: the join form, or (for a browser that joined) the live session."""
    code_text = str(request.path_params.get("code", ""))
    try:
        session = await find_session(room, request)
    except ApiError as refusal:
        if refusal.status == 410:
            return frame(
                "Workshop ended", f'<h1>Workshop ended</h1><p class="notice">{escape(refusal.message)}</p>', 410
            )
        return frame("Join a workshop", _code_form(refusal.message, code_text), refusal.status)
    token = request.cookies.get(cookie_name(session.code), "")
    participant = await run_in_threadpool(room.participant, token) if token else None
    joined = participant is not None and participant.session_id == session.id
    title = f"Workshop {ws.display_code(session.code)}"
    if joined:
        return frame(title, _header(session) + _app(session, True))
    found = await run_in_threadpool(groups.groups, room.store())
    form = _join_form(session, [str(g) for g in found["name"]])
    return frame(title, _header(session) + form + _app(session, False))


async def start(request: Request) -> Response:
    """``/w`` (the code form), or ``/w?code=XXXX`` from that form: on to the session's page."""
    code = ws.normalise_code(request.query_params.get("code"))
    if code:
        return RedirectResponse(f"/{ws.PARTICIPANT_PATH}/{code}", status_code=303)
    typed = request.query_params.get("code", "")
    message = "That is not a workshop code: it has eight letters or digits, like K7QM-X2PA." if typed else ""
    return frame("Join a workshop", _code_form(message, typed), 422 if typed else 200)


async def old_join(request: Request) -> Response:
    """Old ``/join?code=XXXX`` links (and QR codes already printed) lead to the light page."""
    code = ws.normalise_code(request.query_params.get("code"))
    target = f"/{ws.PARTICIPANT_PATH}/{code}" if code else f"/{ws.PARTICIPANT_PATH}"
    return RedirectResponse(target, status_code=301)


async def asset(request: Request) -> Response:
    name = str(request.path_params["name"])
    if name not in ASSETS:
        return Response("not found", status_code=404, media_type="text/plain")
    data, _ = _asset(name)
    return Response(data, media_type=ASSETS[name], headers={"cache-control": "public, max-age=86400"})


def routes(room: Room) -> list[BaseRoute]:
    async def session_page(request: Request) -> Response:
        return await page(request, room)

    return [
        Route(f"/{ws.PARTICIPANT_PATH}/static/{{name}}", asset, methods=["GET"]),
        Route(f"/{ws.PARTICIPANT_PATH}", start, methods=["GET"]),
        Route(f"/{ws.PARTICIPANT_PATH}/{{code}}", session_page, methods=["GET"]),
        Route(f"/{ws.JOIN_PATH}", old_join, methods=["GET"]),
    ]
