"""Who may call what, on the real app server in local-accounts mode: every API route (walked from
the route table, each with the action kind it names) x every role x a token limited to one cycle
or not. Then what a scoped token sees, the way a leak would happen: lists, summaries, files,
filters naming another cycle, the command line through the server. Also the pages' gate and a
participant's token on the API.

One server for the module (``streamlit run server.py`` with ``DASHBOARD_AUTH=local``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Route

from dashboard import access, import_jobs, web
from dashboard import workshop as ws
from dashboard.flow import service as flow_service
from dashboard.store import Store, cycles, groups, tokens, users
from dashboard.touchpoints import TouchpointFields
from dashboard.web.endpoint import KINDS
from tests.servers import Server, start_server, stop_server

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
SCOPES = ("every cycle", "Repair job only")
SAMPLE = {"{import_id:int}": "999999", "{code}": "ZZZZZZZZ", "{idea_id:int}": "1", "{email}": "nobody@example.org"}
"""Path parameters for the matrix: nothing they name exists, so an allowed write changes nothing."""
QUERIES = {"/api/v1/briefing": "?format=none", "/api/v1/digest": "?dry_run=true&period=none"}
"""Queries refused by the handler itself, once past the role check (no briefing is drawn)."""
WHOLE_WORKSPACE = {"/api/v1/backup": "a backup", "/api/v1/digest": "the digest"}
"""Routes whose answer covers every cycle, refused to a token limited to some: the rest of the
refusal after "covers every service cycle"."""
WIDE = "this concerns the whole workspace; you see only some service cycles (ask an admin who sees all)"
"""The refusal of a kind that reaches every cycle (``access.WORKSPACE_WIDE``) to a token limited to some."""
PASSWORD = "the viewer's password"


@dataclass
class Running:
    server: Server
    tokens: dict[tuple[str, str], str]
    renewal_code: str
    participant_code: str


def _csv(cycle: str, touchpoint: str, scores: list[int]) -> bytes:
    lines = ["date,service_cycle,touchpoint,group,score,scale,comment"]
    lines += [f"2026-09-0{i + 1},{cycle},{touchpoint},,{s},1-5," for i, s in enumerate(scores)]
    return ("\n".join(lines) + "\n").encode()


def _workspace(store: Store) -> tuple[dict[tuple[str, str], str], str, str]:
    """Two cycles, each owned by its own team, with survey imports and flow counts in both; a user
    and a token per role and scope (editors and facilitators write for the Repair job's team)."""
    field, sales = groups.add_team(store, "Field"), groups.add_team(store, "Sales")
    repair, renewal = cycles.create_cycle(store, "Repair job"), cycles.create_cycle(store, "Renewal")
    for cycle_id, name, team in ((repair, "Front desk", field), (renewal, "Offer", sales)):
        cycles.add_touchpoint(store, cycle_id, TouchpointFields(name, "now_or_never", owner_team_id=team))
    import_jobs.run(store, import_jobs.Request(_csv("Repair job", "Front desk", [4, 5]), "repair.csv", "Repair job"))
    import_jobs.run(store, import_jobs.Request(_csv("Renewal", "Offer", [1, 2, 3]), "renewal.csv", "Renewal"))
    flow_rows = [
        {"period": "2026-09", "service_cycle": c, "measure": "lost", "count": 2} for c in ("Repair job", "Renewal")
    ]
    flow_service.record_rows(store, flow_rows)
    issued = {}
    for role in access.ROLES:
        for scope in SCOPES:
            email = f"{role}.{'all' if scope == SCOPES[0] else 'repair'}@example.org"
            user = users.create(store, email, role, teams=[field], cycles=[] if scope == SCOPES[0] else [repair])
            issued[(role, scope)] = tokens.create(store, f"{role} {scope}", role, user)
    users.set_password(store, "viewer.all@example.org", PASSWORD)
    renewal_session = ws.start(store, renewal, cycles.touchpoints(store, renewal)["id"].tolist(), "1-5")
    repair_session = ws.start(store, repair, cycles.touchpoints(store, repair)["id"].tolist(), "1-5")
    return issued, renewal_session.code, repair_session.code


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("matrix")
    db = folder / "matrix.duckdb"
    with Store(db) as store:
        issued, renewal_code, repair_code = _workspace(store)
    process, server = start_server(db, folder / "server.log", {"DASHBOARD_AUTH": "local"})
    try:
        yield Running(server, issued, renewal_code, repair_code)
    finally:
        stop_server(process)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(url: str, method: str = "GET", token: str | None = None, body: Any = None) -> Answer:
    headers = {} if token is None else {"authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data, headers["content-type"] = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as refusal:
        return Answer(refusal.code, {k.lower(): v for k, v in refusal.headers.items()}, refusal.read())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


def _api_routes() -> list[tuple[str, str, str]]:
    """``(method, path, kind)`` of every route that checks a token, read from the route table."""
    service = web.Service(Path("unused.duckdb"), lambda: "http://testserver")
    found = []
    for route in web.routes(service):
        if isinstance(route, Route) and route.endpoint in KINDS:
            for method in sorted((route.methods or set()) - {"HEAD"}):
                found.append((method, route.path, KINDS[route.endpoint]))
    return found


ROUTES = _api_routes()


def _concrete(path: str) -> str:
    for placeholder, value in SAMPLE.items():
        path = path.replace(placeholder, value)
    return path + QUERIES.get(path, "")


def test_the_matrix_covers_every_guarded_route_of_the_api():
    assert len(ROUTES) == 27
    kinds = {kind for _, _, kind in ROUTES}
    assert kinds == {"read", "import", "undo", "map", "flow", "workshop", "settings", "backup", "users", "tokens"}


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", access.ROLES)
@pytest.mark.parametrize(("method", "path", "kind"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_each_route_allows_exactly_the_roles_its_action_needs(
    running: Running, method: str, path: str, kind: str, role: str, scope: str
):
    answer = call(running.server.url + _concrete(path), method, running.tokens[(role, scope)])
    needs = access.NEEDS[kind]
    if access.ROLES.index(role) < access.ROLES.index(needs):
        assert (answer.status, answer.json()) == (403, {"error": f"this needs the {needs} role; your role is {role}"})
    elif kind in access.WORKSPACE_WIDE and scope != SCOPES[0]:  # refused by the principal itself
        assert (answer.status, answer.json()) == (403, {"error": WIDE})
    elif path in WHOLE_WORKSPACE and scope != SCOPES[0]:
        refusal = f"{WHOLE_WORKSPACE[path]} covers every service cycle; yours is limited to some of them"
        assert (answer.status, answer.json()) == (403, {"error": refusal})
    else:
        assert answer.status not in (401, 403), answer.body[:200]


def get(running: Running, path: str, scope: str = SCOPES[1], role: str = "viewer") -> Answer:
    return call(running.server.url + path, token=running.tokens[(role, scope)])


@pytest.mark.parametrize(("scope", "seen"), [(SCOPES[0], ["Renewal", "Repair job"]), (SCOPES[1], ["Repair job"])])
def test_stats_cycles_imports_and_flow_cover_only_the_cycles_in_scope(running: Running, scope: str, seen: list[str]):
    stats = get(running, "/api/v1/stats", scope).json()
    assert sorted({t["cycle"] for t in stats["touchpoints"]}) == seen
    assert stats["impressions"] == {2: 5, 1: 2}[len(seen)]
    assert sorted(c["name"] for c in get(running, "/api/v1/cycles", scope).json()["cycles"]) == seen
    assert sorted(i["cycle"] for i in get(running, "/api/v1/imports", scope).json()["imports"]) == seen
    flow = get(running, "/api/v1/flow/summary", scope).json()
    assert sorted(c["cycle"] for c in flow["cycles"]) == seen
    rows = get(running, "/api/v1/impressions/summary?by=touchpoint", scope).json()["rows"]
    assert sorted(r["cycle"] for r in rows) == seen


def test_a_scoped_token_cannot_name_another_cycle_in_a_filter_or_a_file(running: Running):
    hidden = "no service cycle called 'Renewal'; there are: Repair job"
    for path in ("/api/v1/maps?cycle=Renewal", "/api/v1/flow/summary?cycle=Renewal"):
        answer = get(running, path)
        assert (answer.status, answer.json()) == (404, {"error": hidden})
    summary = get(running, "/api/v1/impressions/summary?cycle=Renewal")
    assert (summary.status, summary.json()) == (404, {"error": "no service cycle called 'Renewal'"})
    whole_map = list(csv.DictReader(io.StringIO(get(running, "/api/v1/maps").body.decode("utf-8-sig"))))
    assert [(r["service_cycle"], r["touchpoint"]) for r in whole_map] == [("Repair job", "Front desk")]


def test_another_cycles_workshop_session_reads_as_unknown(running: Running):
    code = running.renewal_code
    report = get(running, f"/api/v1/workshop/{code}/report?format=xlsx")
    assert (report.status, report.json()) == (404, {"error": f"No workshop session has the code “{code}”."})
    results = get(running, f"/api/v1/workshops/{code}/results", role="facilitator")
    assert (results.status, results.json()) == (404, {"error": f"no workshop session has the code '{code}'"})
    assert get(running, f"/api/v1/workshops/{running.participant_code}/results", role="facilitator").status == 200


def test_an_editor_writes_only_to_cycles_their_teams_own(running: Running):
    url = running.server.url + "/api/v1/impressions"
    item = {"touchpoint": "Offer", "date": "2026-09-09", "answer": 3, "scale": "1-5"}
    refused = call(url, "POST", running.tokens[("editor", SCOPES[0])], {"impressions": [item], "cycle": "Renewal"})
    reason = "that service cycle belongs to another team; you may read it but not change it"
    assert (refused.status, refused.json()) == (403, {"error": reason})
    # A token limited to the Repair job does not even find the Renewal's touchpoint.
    hidden = call(url, "POST", running.tokens[("admin", SCOPES[1])], {"impressions": [item], "cycle": "Renewal"})
    assert (hidden.status, hidden.json()["rejected"]) == (
        422,
        [{"index": 0, "reason": "unknown touchpoint (give its id, or its name and cycle)"}],
    )
    assert get(running, "/api/v1/stats", SCOPES[0]).json()["impressions"] == 5  # nothing was written


def test_a_participants_token_is_refused_by_the_api_by_name(running: Running):
    joined = call(running.server.url + f"/api/v1/workshops/{running.participant_code}/participants", "POST", body={})
    participant = joined.json()["token"]
    answer = call(running.server.url + "/api/v1/stats", token=participant)
    refusal = "a workshop participant's token opens only its own session's participant routes"
    assert (answer.status, answer.json()) == (401, {"error": refusal})
    other = call(running.server.url + f"/api/v1/workshops/{running.renewal_code}/state", token=participant)
    assert other.status == 401


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/overview", 303, "/auth/sign-in?next=%2Foverview"),
        ("/map?cycle=1", 303, "/auth/sign-in?next=%2Fmap%3Fcycle%3D1"),
        ("/", 303, "/auth/sign-in"),
        ("/auth/sign-in", 200, None),
        ("/w", 200, None),
        ("/healthz", 200, None),
    ],
)
def test_in_local_mode_every_page_but_the_participants_needs_a_sign_in(
    running: Running, path: str, status: int, location: str | None
):
    answer = call(running.server.url + path)
    assert (answer.status, answer.headers.get("location")) == (status, location)


def test_the_command_line_through_the_server_with_a_scoped_token_sees_only_its_cycles(running: Running):
    env = {**os.environ, "DASHBOARD_TOKEN": running.tokens[("viewer", SCOPES[1])]}
    env.pop("DASHBOARD_AUTH", None)
    command = [sys.executable, "-m", "dashboard", "stats", "--db", str(running.server.db)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted({t["cycle"] for t in json.loads(done.stdout)["touchpoints"]}) == ["Repair job"]
    env["DASHBOARD_TOKEN"] = running.tokens[("viewer", SCOPES[1])] + "x"
    refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert (refused.returncode, refused.stderr) == (
        1,
        "error: this token is not valid (wrong, revoked, or its user is disabled)\n",
    )


def _handshake(server_url: str, cookie: str | None) -> str:
    """The status line answering a websocket upgrade of the pages' stream, with or without a cookie."""
    address = server_url.removeprefix("http://")
    name, port = address.rsplit(":", 1)
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: {server_url}\r\n"
        + (f"Cookie: {cookie}\r\n" if cookie else "")
        + "\r\n"
    )
    with socket.create_connection((name, int(port)), timeout=10) as connection:
        connection.sendall(request.encode())
        return connection.recv(200).split(b"\r\n")[0].decode()


def test_the_pages_websocket_opens_only_for_a_signed_in_browser(running: Running):
    url = running.server.url
    form = urllib.parse.urlencode({"email": "viewer.all@example.org", "password": PASSWORD}).encode()
    request = urllib.request.Request(url + "/auth/sign-in", data=form, method="POST", headers={"origin": url})
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirected:
        opener.open(request, timeout=30)
    assert (redirected.value.code, redirected.value.headers["location"]) == (303, "/")
    cookie = redirected.value.headers["set-cookie"].split(";")[0]
    assert [_handshake(url, None), _handshake(url, "tpd_session=forged"), _handshake(url, cookie)] == [
        "HTTP/1.1 403 Forbidden",
        "HTTP/1.1 403 Forbidden",
        "HTTP/1.1 101 Switching Protocols",
    ]


def dashboard_cli(running: Running, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    env.pop("DASHBOARD_TOKEN", None)
    env.pop("DASHBOARD_SERVER_URL", None)
    if token is not None:
        env["DASHBOARD_TOKEN"] = token
    command = [sys.executable, "-m", "dashboard", *args, "--db", str(running.server.db)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_account_commands_go_through_the_running_server_with_its_address_in_the_link(running: Running):
    made = dashboard_cli(running, "user", "create", "carol@example.org", "--role", "viewer", "--cycle", "renewal")
    assert (made.returncode, made.stderr, made.stdout.splitlines()[:2]) == (
        0,
        "",
        ["added carol@example.org as viewer", "set-password link for carol@example.org, valid 7 days, usable once:"],
    )
    link = made.stdout.splitlines()[2]
    assert link.startswith(running.server.url + "/auth/set-password?link=")
    assert call(link).status == 200
    listed = dashboard_cli(running, "user", "list")
    assert "carol@example.org" in listed.stdout and "Renewal" in listed.stdout
    token = dashboard_cli(
        running, "token", "create", "--name", "carol", "--role", "viewer", "--user", "carol@example.org"
    )
    stats = call(running.server.url + "/api/v1/stats", token=token.stdout.strip()).json()
    assert sorted({t["cycle"] for t in stats["touchpoints"]}) == ["Renewal"]
    assert dashboard_cli(running, "user", "disable", "carol@example.org").returncode == 0
    assert call(running.server.url + "/api/v1/stats", token=token.stdout.strip()).status == 401


def test_account_commands_through_the_server_need_an_admin_token_that_sees_everything(running: Running):
    viewer = dashboard_cli(running, "user", "list", token=running.tokens[("viewer", SCOPES[0])])
    assert (viewer.returncode, viewer.stdout, viewer.stderr) == (
        2,
        "",
        "error: this needs the admin role; your role is viewer\n",
    )
    scoped = dashboard_cli(
        running, "user", "invite", "viewer.all@example.org", token=running.tokens[("admin", SCOPES[1])]
    )
    refusal = f"error: {WIDE}\n"
    assert (scoped.returncode, scoped.stderr) == (2, refusal)
