"""Digests by email: the headline figures and alerts of the last week or month, with the briefing
PDF attached, to leadership; and to each owner team's contacts only the alerts for their own
touchpoints. Alerts a recipient has been sent are not repeated unless the touchpoint fell further.

The app keeps no clock: cron or a systemd timer runs ``python -m dashboard digest`` (README).
SMTP settings come from the environment (``DASHBOARD_SMTP_*``) or ``.streamlit/secrets.toml``
(``[smtp]``). Nothing is remembered as sent unless the server accepted it.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import pandas as pd

from dashboard import access, alerting
from dashboard import formatting as fmt
from dashboard.briefing import BriefingError, content, figures, layout, pdf
from dashboard.briefing.service import write_whole
from dashboard.store import Store, reports
from dashboard.store.scope import Scope

PERIODS = {"week": 7, "month": 30}
SECRETS = Path(".streamlit/secrets.toml")
TIMEOUT_S = 30
DRY_RUN_SENDER = "digest@localhost.localdomain"
"""The sender of ``.eml`` files written without SMTP settings."""


@dataclass(frozen=True)
class Smtp:
    """Where and how to send: host, port, STARTTLS, login (optional) and the sender address."""

    host: str
    port: int = 25
    starttls: bool = False
    user: str = ""
    password: str = ""
    sender: str = ""


def smtp_settings(environ: Mapping[str, str] | None = None, secrets: Path = SECRETS) -> Smtp:
    """SMTP settings from ``DASHBOARD_SMTP_HOST`` / ``_PORT`` / ``_STARTTLS`` / ``_USER`` /
    ``_PASSWORD`` / ``_SENDER``, each falling back to ``[smtp]`` in ``secrets.toml``."""
    env = os.environ if environ is None else environ
    table: dict[str, object] = {}
    if secrets.exists():
        table = dict(tomllib.loads(secrets.read_text(encoding="utf-8")).get("smtp", {}))

    def pick(name: str, default: str = "") -> str:
        return str(env.get(f"DASHBOARD_SMTP_{name.upper()}", table.get(name, default)))

    host = pick("host")
    if not host:
        raise BriefingError("No SMTP server set: give DASHBOARD_SMTP_HOST (or [smtp] host in secrets.toml).")
    sender = pick("sender")
    if not sender:
        raise BriefingError("No sender set: give DASHBOARD_SMTP_SENDER (or [smtp] sender in secrets.toml).")
    try:
        port = int(pick("port", "25"))
    except ValueError:
        raise BriefingError(f"The SMTP port must be a number, not “{pick('port')}”.") from None
    starttls = pick("starttls", "false").strip().lower() in {"1", "true", "yes", "on"}
    return Smtp(host, port, starttls, pick("user"), pick("password"), alerting.check_address(sender))


@dataclass(frozen=True)
class Letter:
    """One email to send, and the alerts it tells its recipient about (to remember once sent)."""

    message: EmailMessage
    told: pd.DataFrame


def _alert_lines(alerts: pd.DataFrame) -> list[str]:
    rows = content.texts(
        alerts,
        {"touchpoint": str, "cycle": str, "previous_mean": fmt.signed, "mean": fmt.signed, "mean_change": fmt.signed},
    )
    return [f"- {name} ({cycle}): fell from {before} to {now} ({change})" for name, cycle, before, now, change in rows]


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(body)
    return message


def _named(due: pd.DataFrame, found: figures.Figures) -> pd.DataFrame:
    """Due alerts with the figures the letters quote (names, before, now, change)."""
    names = found.touchpoints[["touchpoint_id", "touchpoint", "cycle"]]
    moved = found.changes[["touchpoint_id", "previous_mean", "mean_change"]].merge(names, on="touchpoint_id")
    return due.merge(moved, on="touchpoint_id", how="left").sort_values("mean_change", kind="stable")


def letters(store: Store, period: str, to: Sequence[str], sender: str, *, as_of: date | None = None) -> list[Letter]:
    """The digest's emails for the ``period`` (``week`` or ``month``) ending ``as_of``.

    ``to`` (else the rules' addresses) receive the headline figures, every alert due to them, and
    the briefing PDF; each owner team's contacts receive the alerts for their touchpoints only.
    """
    if period not in PERIODS:
        raise BriefingError(f"Unknown period “{period}”: choose week or month.")
    end = as_of or date.today()
    scope = Scope(start=end - timedelta(days=PERIODS[period] - 1), end=end)
    _, cycles = figures.scope_for(store, None, None, None)
    found = figures.gather(store, scope, cycles, end)
    rules = reports.alert_rules(store) or [alerting.OVERVIEW_RULE]
    leaders = tuple(alerting.check_address(a) for a in to)
    if leaders:  # addresses on the command line take the place of the rules' own
        rules = [replace(rule, addresses=leaders) for rule in rules]
    due = alerting.recipients(rules, reports.touchpoint_owners(store), reports.team_contacts(store), found.changes)
    fresh = alerting.not_yet_told(due, reports.sent_alerts(store, due["recipient"].unique().tolist()))
    named = _named(fresh, found)
    head = headline(found, period)
    attachment = _briefing_pdf(found, end)
    out = []
    for address in sorted({*leaders, *(a for r in rules for a in r.addresses)}):
        told = named[(named["recipient"] == address)]
        body = "\n".join([*head, "", *(_alert_lines(told) or ["No new alerts."])])
        message = _message(sender, address, f"Touchpoint digest: {period} to {end:%d %b %Y}", body)
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename=f"briefing-{end}.pdf")
        out.append(Letter(message, told))
    teams = named[named["team"] != ""]
    for (contact, team), owned in teams.groupby(["recipient", "team"]):
        body = "\n".join(
            [f"Alerts for the touchpoints {team} owns, {found.periods.describe()}:", "", *_alert_lines(owned)]
        )
        subject = f"Touchpoint alerts for {team}: {period} to {end:%d %b %Y}"
        out.append(Letter(_message(sender, str(contact), subject, body), owned))
    return out


def headline(found: figures.Figures, period: str) -> list[str]:
    """The digest's first lines: the period and the Overview's four figures with their change."""
    rows = content.kpi_rows(found)
    lines = [f"The {period} {found.periods.describe()}:", ""]
    lines.append(f"- {rows[0][0]}: {rows[0][1]}")
    lines += [f"- {label}: {value} ({interval}); change {moved}" for label, value, interval, moved in rows[1:]]
    lines += ["", f"{len(found.alerts)} significant drops on the Overview. The briefing is attached as a PDF."]
    return lines


def _briefing_pdf(found: figures.Figures, as_of: date) -> bytes:
    slides = content.slides(found, as_of)
    return pdf.build(slides, layout.drawn(slides), "Leadership briefing")


def eml(mail: Sequence[Letter]) -> list[tuple[str, bytes]]:
    """Each email's recipient and its bytes as an ``.eml`` file holds them."""
    return [(str(letter.message["To"]), bytes(letter.message)) for letter in mail]


def write_eml(messages: Sequence[tuple[str, bytes]], folder: Path) -> list[Path]:
    """``--dry-run``: each email (recipient, bytes) as an ``.eml`` file in ``folder``; nothing sent or remembered."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, (to, data) in enumerate(messages, start=1):
        path = folder / f"{number:02d}-{to.replace('@', '-at-')}.eml"
        write_whole(path, data)
        paths.append(path)
    return paths


def send(store: Store, mail: Sequence[Letter], smtp: Smtp, as_of: date) -> list[str]:
    """Sends every email through one SMTP connection; remembers the alerts of each accepted one.

    Returns the addresses the server accepted. BriefingError when the server cannot be reached
    (nothing sent, nothing remembered) or when it refused an address (the others are sent).
    """
    # Refused before the first email: the memory of each sent one is a settings write, and a
    # refusal there (a PermissionError, so an OSError) would read as a mail server failure below.
    access.require("settings")
    accepted: list[str] = []
    refused: list[str] = []
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_S) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password)
            for letter in mail:
                try:
                    server.send_message(letter.message, from_addr=smtp.sender)
                except smtplib.SMTPRecipientsRefused as refusal:
                    refused += [
                        f"{address} ({code} {reply.decode(errors='replace')})"
                        for address, (code, reply) in refusal.recipients.items()
                    ]
                    continue
                accepted.append(str(letter.message["To"]))
                reports.remember_sent(store, letter.told, as_of)
    except (OSError, smtplib.SMTPException) as problem:
        if not accepted:
            raise BriefingError(
                f"Could not send through {smtp.host}:{smtp.port}: {problem}. Nothing was sent."
            ) from None
        raise BriefingError(f"Sending stopped after {len(accepted)} emails: {problem}.") from None
    if refused:
        raise BriefingError(f"The server refused {'; '.join(refused)}. Sent to: {', '.join(accepted) or 'nobody'}.")
    return accepted
