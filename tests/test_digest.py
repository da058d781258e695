"""Digests by email, received by a real SMTP server (aiosmtpd) on this machine: who gets which
alerts, the attached briefing, what is remembered as sent, and refusals."""

from __future__ import annotations

import email
import email.policy
import io
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from dashboard import alerting, cli
from dashboard.briefing import BriefingError, digest, layout
from dashboard.store import Store, cycles, groups, impressions, reports
from dashboard.touchpoints import TouchpointFields

AS_OF = date(2026, 9, 30)
SENDER = "digest@example.org"


class Mailbox:
    """An SMTP handler that keeps every message and refuses the addresses it is told to."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpt, message in self.messages if address in rcpt]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, digest.Smtp]]:
    """A real SMTP server on a free local port that refuses ghost@example.org."""
    box = Mailbox(refuse=("ghost@example.org",))
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield box, digest.Smtp("127.0.0.1", controller.port, sender=SENDER)
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _no_chart_pictures(monkeypatch: pytest.MonkeyPatch) -> None:
    """The attached PDF without its chart pictures: drawing them (Chromium) is tested with the
    briefing itself, and would cost seconds per digest here."""
    monkeypatch.setattr(layout, "drawn", lambda slides: [None] * len(slides))


def _record(store: Store, touchpoint: int, first_day: date, scores: list[float]) -> None:
    days = [first_day + timedelta(days=i % 7) for i in range(len(scores))]
    frame = pd.DataFrame({"touchpoint_id": touchpoint, "observed_on": days, "score": scores})
    frame = frame.assign(
        group_id=None, source="survey", comment=None, raw_value=frame["score"].astype(str), scale="-1..1"
    )
    impressions.record_impressions(store, frame)


@pytest.fixture
def repair(store: Store) -> dict[str, int]:
    """One cycle, two touchpoints owned by two teams, over the two weeks to 30 Sep 2026.

    Engineer arrival (Field crew): 20 impressions the week before (0.8 and 1.0 in turn, mean
    +0.90), 20 this week (-0.5 and -0.8, mean -0.65): a significant fall of 1.55.
    Invoice (Office): 10 a week at 0.5 and 0.7 (mean +0.60) both weeks: no change.
    This week in total: (-13 + 6) / 30 = -0.23.
    """
    crew, office = groups.add_team(store, "Field crew"), groups.add_team(store, "Office")
    cycle = cycles.create_cycle(store, "Repair job")
    arrival = cycles.add_touchpoint(
        store, cycle, TouchpointFields("Engineer arrival", "make_or_break", owner_team_id=crew)
    )
    invoice = cycles.add_touchpoint(store, cycle, TouchpointFields("Invoice", "keep_or_lose", owner_team_id=office))
    _record(store, arrival, date(2026, 9, 17), [0.8, 1.0] * 10)
    _record(store, arrival, date(2026, 9, 24), [-0.5, -0.8] * 10)
    _record(store, invoice, date(2026, 9, 17), [0.5, 0.7] * 5)
    _record(store, invoice, date(2026, 9, 24), [0.5, 0.7] * 5)
    reports.set_team_contacts(store, crew, ["crew@example.org"])
    reports.set_team_contacts(store, office, ["office@example.org"])
    return {"crew": crew, "office": office, "arrival": arrival, "invoice": invoice}


def _body(message: EmailMessage) -> str:
    body = message.get_body()
    assert body is not None
    return str(body.get_content())


def _pdf_text(message: EmailMessage) -> str:
    attachment = next(message.iter_attachments())
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_weekly_digest_reaches_leadership_with_the_briefing_and_each_team_with_its_own_alerts(
    store: Store, repair: dict[str, int], mailbox: tuple[Mailbox, digest.Smtp]
) -> None:
    box, smtp = mailbox
    mail = digest.letters(store, "week", ["boss@example.org"], SENDER, as_of=AS_OF)
    sent = digest.send(store, mail, smtp, AS_OF)

    assert sent == ["boss@example.org", "crew@example.org"]
    assert [rcpt for rcpt, _ in box.messages] == [["boss@example.org"], ["crew@example.org"]]
    boss, crew = box.to("boss@example.org")[0], box.to("crew@example.org")[0]
    assert boss["Subject"] == "Touchpoint digest: week to 30 Sep 2026"
    assert crew["Subject"] == "Touchpoint alerts for Field crew: week to 30 Sep 2026"
    assert boss["From"] == SENDER
    alert = "- Engineer arrival (Repair job): fell from +0.90 to −0.65 (−1.55)"
    assert alert in _body(boss)
    assert _body(crew).splitlines()[2:] == [alert]
    attachment = next(boss.iter_attachments())
    assert (attachment.get_content_type(), attachment.get_filename()) == ("application/pdf", "briefing-2026-09-30.pdf")
    text = _pdf_text(boss)
    assert "Mean impression" in text and "−0.23" in text
    assert list(crew.iter_attachments()) == []


def test_an_alert_is_not_repeated_until_the_touchpoint_falls_further(
    store: Store, repair: dict[str, int], mailbox: tuple[Mailbox, digest.Smtp]
) -> None:
    _box, smtp = mailbox
    digest.send(store, digest.letters(store, "week", ["boss@example.org"], SENDER, as_of=AS_OF), smtp, AS_OF)
    again = digest.letters(store, "week", ["boss@example.org"], SENDER, as_of=AS_OF)
    assert [letter.message["To"] for letter in again] == ["boss@example.org"]
    assert "No new alerts." in _body(again[0].message)

    _record(store, repair["arrival"], date(2026, 9, 24), [-1.0] * 10)  # mean now (-13 - 10) / 30 = -0.77
    further = digest.letters(store, "week", ["boss@example.org"], SENDER, as_of=AS_OF)
    assert [letter.message["To"] for letter in further] == ["boss@example.org", "crew@example.org"]
    assert "fell from +0.90 to −0.77" in _body(further[1].message)


def test_an_unreachable_smtp_server_sends_nothing_and_remembers_nothing(store: Store, repair: dict[str, int]) -> None:
    mail = digest.letters(store, "week", ["boss@example.org"], SENDER, as_of=AS_OF)
    nowhere = digest.Smtp("127.0.0.1", _free_port(), sender=SENDER)
    with pytest.raises(BriefingError, match=r"Could not send through 127\.0\.0\.1:\d+: .*Nothing was sent\."):
        digest.send(store, mail, nowhere, AS_OF)
    assert reports.sent_alerts(store, ["boss@example.org", "crew@example.org"]).empty


def test_a_refused_address_is_named_and_only_the_accepted_mail_is_remembered(
    store: Store, repair: dict[str, int], mailbox: tuple[Mailbox, digest.Smtp]
) -> None:
    box, smtp = mailbox
    mail = digest.letters(store, "week", ["ghost@example.org"], SENDER, as_of=AS_OF)
    with pytest.raises(BriefingError, match=r"refused ghost@example\.org \(550 5\.1\.1 no such mailbox here\)"):
        digest.send(store, mail, smtp, AS_OF)
    assert [rcpt for rcpt, _ in box.messages] == [["crew@example.org"]]
    remembered = reports.sent_alerts(store, ["ghost@example.org", "crew@example.org"])
    assert remembered[["recipient", "touchpoint_id"]].values.tolist() == [["crew@example.org", repair["arrival"]]]


def test_alert_rules_narrow_the_drops_by_size_and_count(store: Store, repair: dict[str, int]) -> None:
    big = alerting.Rule(
        0, "Big falls", significant_only=False, min_drop=2.0, notify_owners=False, addresses=("a@example.org",)
    )
    reports.save_alert_rule(store, big)
    assert digest.letters(store, "week", [], SENDER, as_of=AS_OF)[0].told.empty
    reports.save_alert_rule(store, alerting.Rule(1, "Big falls", False, 1.5, 21, False, ("a@example.org",)))
    assert digest.letters(store, "week", [], SENDER, as_of=AS_OF)[0].told.empty  # 20 impressions a week, not 21
    reports.save_alert_rule(store, alerting.Rule(1, "Big falls", False, 1.5, 20, False, ("a@example.org",)))
    assert digest.letters(store, "week", [], SENDER, as_of=AS_OF)[0].told["touchpoint_id"].tolist() == [
        repair["arrival"]
    ]


def test_bad_rules_and_addresses_are_refused_with_a_message(store: Store, repair: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="“boss at example” is not an email address"):
        reports.set_team_contacts(store, repair["crew"], ["crew@example.org", "boss at example"])
    assert reports.team_contacts(store)["addresses"].map(list).tolist() == [
        ["crew@example.org"],
        ["office@example.org"],
    ]
    with pytest.raises(ValueError, match="A rule needs someone to tell"):
        reports.save_alert_rule(store, alerting.Rule(0, "Nobody", notify_owners=False))
    assert reports.alert_rules(store) == []


def test_the_digest_command_sends_through_the_smtp_settings_in_the_environment(
    tmp_path: Path,
    repair: dict[str, int],
    store: Store,
    mailbox: tuple[Mailbox, digest.Smtp],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _box, smtp = mailbox
    db = Path(store.path)
    store.close()
    monkeypatch.setenv("DASHBOARD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DASHBOARD_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("DASHBOARD_SMTP_SENDER", SENDER)
    argv = ["digest", "--db", str(db), "--as-of", "2026-09-30", "--to", "boss@example.org"]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == "sent 2 emails: boss@example.org, crew@example.org\n"
    assert cli.main([*argv, "--dry-run", str(tmp_path / "eml")]) == 0
    assert sorted(p.name for p in (tmp_path / "eml").iterdir()) == ["01-boss-at-example.org.eml"]
    monkeypatch.setenv("DASHBOARD_SMTP_PORT", str(_free_port()))
    assert cli.main(argv) == 1
    assert "Nothing was sent." in capsys.readouterr().err
