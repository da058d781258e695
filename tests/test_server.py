"""The app server as a client sees it: the API with its tokens and refusals, the security headers
on pages and API alike, allowed hosts (websocket included), health, metrics and the access log.

One real server (``streamlit run server.py``) for the module, on the small "Repair job" workspace.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dashboard import announcement
from dashboard.remote import multipart
from dashboard.store import Store, schema, tokens, webhooks
from dashboard.webhook_payloads import surveymonkey_signature, typeform_signature
from tests.servers import Server, start_server, stop_server
from tests.survey_files import small_workspace

pytestmark = pytest.mark.server

TYPEFORM_SECRET = "tf-shared-secret"
SURVEYMONKEY_SECRET = "sm-api-key&sm-api-secret"


@dataclass
class Running:
    server: Server
    tokens: dict[str, str]
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The server on a small workspace with a read, a write and an admin token (and a revoked one)."""
    folder = tmp_path_factory.mktemp("api")
    db = folder / "api.duckdb"
    with Store(db) as store:
        small_workspace(store)
        issued = {role: tokens.create(store, f"{role} token", role) for role in tokens.ROLES}
        issued["revoked"] = tokens.create(store, "gone", "admin")
        tokens.revoke(store, "gone")
        webhooks.add(store, "repair-typeform", "typeform", "Repair job", "1-5", TYPEFORM_SECRET)
        webhooks.add(store, "repair-sm", "surveymonkey", "Repair job", "1-5", SURVEYMONKEY_SECRET)
    process, server = start_server(db, folder / "server.log")
    try:
        yield Running(server, issued, process)
    finally:
        stop_server(process)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    url: str,
    method: str = "GET",
    *,
    token: str | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    sent = dict(headers or {})
    if token is not None:
        sent["authorization"] = f"Bearer {token}"
    if content_type is not None:
        sent["content-type"] = content_type
    request = urllib.request.Request(url, data=body, headers=sent, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as refusal:
        return Answer(refusal.code, {k.lower(): v for k, v in refusal.headers.items()}, refusal.read())


def post_json(running: Running, path: str, payload: object, role: str = "facilitator") -> Answer:
    body = json.dumps(payload).encode()
    return call(
        running.server.url + path, "POST", token=running.tokens[role], body=body, content_type="application/json"
    )


def test_without_a_token_no_data_is_given(running: Running):
    answer = call(running.server.url + "/api/v1/stats")
    assert (answer.status, answer.json(), answer.headers["www-authenticate"]) == (
        401,
        {"error": "send a token: Authorization: Bearer TOKEN"},
        "Bearer",
    )


@pytest.mark.parametrize("who", ["wrong", "revoked"])
def test_a_wrong_or_revoked_token_is_refused(running: Running, who: str):
    token = "tpd_not-a-token" if who == "wrong" else running.tokens["revoked"]
    answer = call(running.server.url + "/api/v1/stats", token=token)
    refusal = {"error": "this token is not valid (wrong, revoked, or its user is disabled)"}
    assert (answer.status, answer.json()) == (401, refusal)


def test_a_read_token_reads_but_cannot_write(running: Running):
    assert call(running.server.url + "/api/v1/stats", token=running.tokens["viewer"]).status == 200
    answer = post_json(running, "/api/v1/impressions", {"impressions": []}, role="viewer")
    assert (answer.status, answer.json()) == (403, {"error": "this needs the editor role; your role is viewer"})


def test_only_an_admin_token_downloads_a_backup(running: Running):
    answer = call(running.server.url + "/api/v1/backup", token=running.tokens["facilitator"])
    assert (answer.status, answer.json()) == (403, {"error": "this needs the admin role; your role is facilitator"})


def test_stats_are_the_figures_of_the_command_line(running: Running):
    answer = call(running.server.url + "/api/v1/stats", token=running.tokens["viewer"])
    assert (answer.status, answer.headers["content-type"]) == (200, "application/json")
    assert answer.json()["touchpoints"] == [
        t for t in answer.json()["touchpoints"] if t["cycle"] in ("Repair job", "Renewal")
    ]


def test_cycles_list_touchpoints_in_journey_order_with_moments_and_targets(running: Running):
    answer = call(running.server.url + "/api/v1/cycles", token=running.tokens["viewer"]).json()
    repair = next(c for c in answer["cycles"] if c["name"] == "Repair job")
    assert [(t["name"], t["moment"], t["target"]) for t in repair["touchpoints"]] == [
        ("Front desk", "now_or_never", 0.5),
        ("Café visit", "make_or_break", 0.5),
        ("Repair", "keep_or_lose", 0.5),
    ]
    assert [m["key"] for m in answer["moments"]] == ["now_or_never", "make_or_break", "keep_or_lose", "multiplier"]


def test_a_batch_of_impressions_is_recorded_whole_and_summarised(running: Running):
    batch = {
        "cycle": "Repair job",
        "impressions": [
            {"touchpoint": "front desk", "date": "2026-03-02", "answer": 5, "scale": "1-5", "group": "Homeowners"},
            {"touchpoint": "Front desk", "date": "2026-03-03", "answer": "1", "scale": "1-5"},
        ],
    }
    answer = post_json(running, "/api/v1/impressions", batch)
    assert (answer.status, answer.json()) == (201, {"recorded": 2, "rejected": []})
    summary = call(
        running.server.url
        + "/api/v1/impressions/summary?by=touchpoint&cycle=Repair+job&start=2026-03-01&end=2026-03-31",
        token=running.tokens["viewer"],
    ).json()
    assert [(r["touchpoint"], r["n"], r["mean"], r["net"]) for r in summary["rows"]] == [("Front desk", 2, 0.0, 0.0)]


def test_a_batch_with_a_bad_item_records_nothing_and_names_each_refused_item(running: Running):
    before = call(running.server.url + "/api/v1/stats", token=running.tokens["viewer"]).json()["impressions"]
    batch = {
        "cycle": "Repair job",
        "impressions": [
            {"touchpoint": "Repair", "date": "2026-03-02", "answer": 4, "scale": "1-5"},
            {"touchpoint": "Nowhere", "date": "2026-03-02", "answer": 4, "scale": "1-5"},
            {"touchpoint": "Repair", "date": "2 March", "answer": 4, "scale": "1-5"},
            {"touchpoint": "Repair", "date": "2026-03-02", "answer": 9, "scale": "1-5"},
        ],
    }
    answer = post_json(running, "/api/v1/impressions", batch)
    assert (answer.status, answer.json()) == (
        422,
        {
            "error": "3 of 4 impressions were refused; nothing was recorded",
            "recorded": 0,
            "rejected": [
                {"index": 1, "reason": "unknown touchpoint (give its id, or its name and cycle)"},
                {"index": 2, "reason": "the date must be written YYYY-MM-DD"},
                {"index": 3, "reason": "the answer is not a point of its scale"},
            ],
        },
    )
    after = call(running.server.url + "/api/v1/stats", token=running.tokens["viewer"]).json()["impressions"]
    assert after == before


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"{}", "text/plain", (415, "send the body as application/json")),
        (
            b"{not json",
            "application/json",
            (
                400,
                "the body is not valid JSON: Expecting property name enclosed in double quotes:"
                " line 1 column 2 (char 1)",
            ),
        ),
        (b"[1, 2]", "application/json", (422, 'send {"impressions": [...]} with one object per impression')),
    ],
)
def test_bad_bodies_get_a_clear_refusal(running: Running, body: bytes, content_type: str, expected: tuple[int, str]):
    answer = call(
        running.server.url + "/api/v1/impressions",
        "POST",
        token=running.tokens["facilitator"],
        body=body,
        content_type=content_type,
    )
    assert (answer.status, answer.json()["error"]) == expected


def test_an_oversized_upload_is_refused_before_it_is_read(running: Running):
    answer = call(
        running.server.url + "/api/v1/impressions",
        "POST",
        token=running.tokens["facilitator"],
        body=b"{}",
        content_type="application/json",
        headers={"content-length": str(300 * 1024 * 1024)},
    )
    assert (answer.status, answer.json()) == (413, {"error": "the body is larger than 209,715,200 bytes"})


def test_unknown_filters_and_routes_are_named_in_the_refusal(running: Running):
    url = running.server.url
    cycle = call(url + "/api/v1/impressions/summary?cycle=Moon+landing", token=running.tokens["viewer"])
    assert (cycle.status, cycle.json()) == (404, {"error": "no service cycle called 'Moon landing'"})
    route = call(url + "/api/v1/nothing-here", token=running.tokens["viewer"])
    assert (route.status, route.json()) == (404, {"error": "there is no API route GET /api/v1/nothing-here"})


def test_the_pages_and_the_api_carry_the_security_headers(running: Running):
    for path in ("/", "/overview", "/api/v1/openapi.json", "/healthz"):
        headers = call(running.server.url + path).headers
        assert {k: headers[k] for k in ("x-frame-options", "x-content-type-options", "referrer-policy")} == {
            "x-frame-options": "DENY",
            "x-content-type-options": "nosniff",
            "referrer-policy": "same-origin",
        }, path
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self' 'sha256-" in policy, path
        assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy


def test_a_foreign_host_is_refused_on_pages_and_api(running: Running):
    for path in ("/", "/api/v1/stats"):
        answer = call(running.server.url + path, headers={"host": "attacker.example"})
        assert (answer.status, answer.json()) == (
            400,
            {"error": "this server does not answer for the host 'attacker.example'"},
        )


def _handshake(server_url: str, host: str, origin: str | None) -> str:
    """The status line answering a websocket upgrade of the pages' stream (a raw request, so the
    Host header is exactly the one given; client libraries add their own)."""
    address = server_url.removeprefix("http://")
    name, port = address.rsplit(":", 1)
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n" + (f"Origin: {origin}\r\n" if origin else "") + "\r\n"
    )
    with socket.create_connection((name, int(port)), timeout=10) as connection:
        connection.sendall(request.encode())
        return connection.recv(200).split(b"\r\n")[0].decode()


def test_the_pages_websocket_refuses_a_foreign_origin_or_host(running: Running):
    url = running.server.url
    own = url.removeprefix("http://")
    assert [
        _handshake(url, own, url),
        _handshake(url, own, "http://attacker.example"),
        _handshake(url, "attacker.example", "http://attacker.example"),  # DNS rebinding: both foreign
        _handshake(url, "attacker.example", None),  # a client that sends no Origin at all
    ] == ["HTTP/1.1 101 Switching Protocols", *["HTTP/1.1 403 Forbidden"] * 3]


def test_health_says_the_database_answers_with_current_migrations(running: Running):
    answer = call(running.server.url + "/healthz")
    latest = schema.available_migrations()[-1].version
    assert (answer.status, answer.json()) == (200, {"status": "ok", "schema_version": latest})


def test_metrics_count_requests_by_route_and_read_the_workspace_totals(running: Running):
    call(running.server.url + "/api/v1/cycles", token=running.tokens["viewer"])
    text = call(running.server.url + "/metrics").body.decode()
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert any(
        line.startswith('dashboard_http_requests_total{method="GET",route="/api/v1/cycles",status="200"}')
        for line in lines
    )
    assert any(
        line.startswith('dashboard_http_request_seconds_count{method="GET",route="/api/v1/cycles"}') for line in lines
    )
    assert "dashboard_imports_total" in text and "dashboard_impressions{" in text


def test_each_request_leaves_one_json_line_in_the_access_log(running: Running):
    call(running.server.url + "/api/v1/stats?probe=access-log", token=running.tokens["viewer"])
    entries = [json.loads(line) for line in running.server.log.read_text().splitlines() if line.startswith('{"time"')]
    mine = [e for e in entries if e["path"] == "/api/v1/stats" and e["route"] == "/api/v1/stats" and e["status"] == 200]
    assert mine and set(mine[-1]) == {"time", "method", "path", "route", "status", "bytes", "ms", "client"}


def test_the_server_announces_itself_to_its_owner_only_and_withdraws_on_shutdown(tmp_path: Path):
    db = tmp_path / "short.duckdb"
    with Store(db) as store:
        small_workspace(store)
    process, server = start_server(db, tmp_path / "short.log")
    try:
        found = announcement.live(db)
        assert found is not None and (found.url, found.pid) == (server.url, process.pid)
        assert stat.S_IMODE(os.stat(announcement.path_for(db)).st_mode) == 0o600
        assert call(server.url + "/api/v1/stats", token=found.token).status == 200
    finally:
        stop_server(process)
    assert not announcement.path_for(db).exists()


def test_a_stale_announcement_is_ignored(tmp_path: Path):
    db = tmp_path / "stale.duckdb"
    beyond_any_pid = 2**22 + 12345  # above Linux's largest process id: no such process runs
    announcement.write(db, announcement.Announcement("http://127.0.0.1:9", "tpd_x", beyond_any_pid))
    assert announcement.read(db) is not None
    assert announcement.live(db) is None


def test_a_survey_file_posts_as_multipart(running: Running):
    body, content_type = multipart(("empty.csv", b"date,touchpoint,score\n"), {"cycle": "Repair job"})
    answer = call(
        running.server.url + "/api/v1/imports",
        "POST",
        token=running.tokens["facilitator"],
        body=body,
        content_type=content_type,
    )
    assert (answer.status, answer.json()) == (422, {"error": "The file has a header but no rows below it."})


def typeform_payload(token: str, front_desk: int, repair: int) -> dict[str, Any]:
    """A form_response shaped as Typeform's documented example payload (definition, answers, hidden)."""
    return {
        "event_id": f"01EVENT{token}",
        "event_type": "form_response",
        "form_response": {
            "form_id": "lT4Z3j",
            "token": token,
            "landed_at": "2026-03-05T09:58:11Z",
            "submitted_at": "2026-03-05T10:01:44Z",
            "hidden": {},
            "definition": {
                "id": "lT4Z3j",
                "title": "After your repair",
                "fields": [
                    {"id": "fd01", "title": "How was the Front desk?", "type": "opinion_scale", "ref": "fd"},
                    {"id": "rp02", "title": "How was the Repair itself?", "type": "rating", "ref": "rp"},
                    {"id": "tx03", "title": "Anything else?", "type": "long_text", "ref": "tx"},
                ],
            },
            "answers": [
                {"type": "number", "number": front_desk, "field": {"id": "fd01", "type": "opinion_scale", "ref": "fd"}},
                {"type": "number", "number": repair, "field": {"id": "rp02", "type": "rating", "ref": "rp"}},
                {
                    "type": "text",
                    "text": "Quick and friendly",
                    "field": {"id": "tx03", "type": "long_text", "ref": "tx"},
                },
            ],
        },
    }


def push(running: Running, key: str, body: bytes, headers: dict[str, str]) -> Answer:
    return call(
        running.server.url + f"/api/v1/responses/{key}",
        "POST",
        body=body,
        content_type="application/json",
        headers=headers,
    )


def impressions(running: Running) -> int:
    return int(call(running.server.url + "/api/v1/stats", token=running.tokens["viewer"]).json()["impressions"])


def test_a_signed_typeform_response_is_recorded_once_even_when_delivered_twice(running: Running):
    before = impressions(running)
    body = json.dumps(typeform_payload("resp-1", front_desk=5, repair=2)).encode()
    signed = {"Typeform-Signature": typeform_signature(TYPEFORM_SECRET, body)}
    first = push(running, "repair-typeform", body, signed)
    assert (first.status, first.json()["recorded"], first.json()["survey"]) == (201, 2, "repair-typeform")
    again = push(running, "repair-typeform", body, signed)
    assert (again.status, again.json()) == (200, {"recorded": 0, "survey": "repair-typeform", "duplicate": True})
    assert impressions(running) == before + 2
    listed = call(running.server.url + "/api/v1/imports", token=running.tokens["viewer"]).json()["imports"]
    newest = next(i for i in listed if i["id"] == first.json()["import"])
    assert (newest["file_name"], newest["cycle"], newest["impressions"]) == (
        "typeform-repair-typeform-resp-1.csv",
        "Repair job",
        2,
    )


@pytest.mark.parametrize("signature", [None, "sha256=bm90IHRoZSByaWdodCBvbmU=", "wrong-secret"])
def test_a_typeform_response_with_a_bad_signature_records_nothing(running: Running, signature: str | None):
    before = impressions(running)
    body = json.dumps(typeform_payload("resp-forged", front_desk=1, repair=1)).encode()
    if signature == "wrong-secret":
        signature = typeform_signature("not-our-secret", body)
    answer = push(running, "repair-typeform", body, {"Typeform-Signature": signature} if signature else {})
    assert (answer.status, answer.json()) == (
        401,
        {"error": "the typeform signature is missing or does not match this survey's secret"},
    )
    assert impressions(running) == before


def test_surveymonkey_events_are_acknowledged_and_their_response_details_recorded(running: Running):
    before = impressions(running)
    event = {
        "name": "Repair webhook",
        "filter_type": "survey",
        "filter_id": "123456789",
        "event_type": "response_completed",
        "event_id": "10000001",
        "object_type": "response",
        "object_id": "987654321",
        "event_datetime": "2026-03-06T08:00:00+00:00",
        "resources": {"survey_id": "123456789", "collector_id": "111222333", "respondent_id": "987654321"},
    }
    body = json.dumps(event).encode()
    acknowledged = push(running, "repair-sm", body, {"Sm-Signature": surveymonkey_signature(SURVEYMONKEY_SECRET, body)})
    assert (acknowledged.status, acknowledged.json()["recorded"]) == (202, 0)
    details = {
        "id": "987654321",
        "collector_id": "111222333",
        "date_created": "2026-03-06T07:55:00+00:00",
        "date_modified": "2026-03-06T07:58:30+00:00",
        "pages": [
            {
                "id": "p1",
                "questions": [
                    {"id": "q1", "heading": "Front desk", "answers": [{"choice_id": "c4", "simple_text": "4"}]},
                    {"id": "q2", "heading": "Repair", "answers": [{"choice_id": "c3", "simple_text": "3"}]},
                ],
            }
        ],
    }
    body = json.dumps(details).encode()
    recorded = push(running, "repair-sm", body, {"Sm-Signature": surveymonkey_signature(SURVEYMONKEY_SECRET, body)})
    assert (recorded.status, recorded.json()["recorded"]) == (201, 2)
    assert impressions(running) == before + 2


def test_an_unknown_survey_key_is_named(running: Running):
    answer = push(running, "nobody", b"{}", {})
    assert (answer.status, answer.json()) == (404, {"error": "no webhook is set up under the survey key 'nobody'"})


def test_flow_counts_recorded_through_the_api_show_in_its_summary(running: Running):
    rows = [
        {"period": "2026-04", "service_cycle": "Renewal", "measure": "prospects", "source": "Website", "count": 40},
        {"period": "2026-04", "service_cycle": "Renewal", "measure": "customers_won", "source": "", "count": 10},
    ]
    recorded = post_json(running, "/api/v1/flow", {"rows": rows})
    assert (recorded.status, recorded.json()) == (201, {"counts": 2, "rejected": 0, "rejected_rows": []})
    summary = call(
        running.server.url + "/api/v1/flow/summary?cycle=Renewal&start=2026-04", token=running.tokens["viewer"]
    )
    assert summary.status == 200
    assert (summary.json()["from"], summary.json()["to"], [c["cycle"] for c in summary.json()["cycles"]]) == (
        "2026-04",
        "2026-04",
        ["Renewal"],
    )
    assert summary.json()["total"]["prospects"] == 40


def test_flow_refusals_name_the_problem(running: Running):
    month = call(running.server.url + "/api/v1/flow/summary?start=April", token=running.tokens["viewer"])
    assert (month.status, month.json()) == (422, {"error": "start must be a month written YYYY-MM, not 'April'"})
    shape = post_json(running, "/api/v1/flow", {"rows": "none"})
    assert shape.status == 422
