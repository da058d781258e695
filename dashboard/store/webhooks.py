"""SQL for survey tools' webhooks: which survey key sends to which cycle, and with what secret."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import pandas as pd

from dashboard.store import Store, audit

TOOLS = ("typeform", "surveymonkey")
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@dataclass(frozen=True)
class Webhook:
    survey_key: str
    tool: str
    cycle_name: str
    scale: str | None
    secret: str


def add(store: Store, survey_key: str, tool: str, cycle: str, scale: str | None, secret: str | None) -> str:
    """Sets up a survey's webhook; returns its secret (made here for Typeform when none is given)."""
    if not _KEY.match(survey_key):
        raise ValueError("a survey key is 1-80 letters, digits, dashes or underscores (it goes in a URL)")
    if tool not in TOOLS:
        raise ValueError(f"unknown survey tool {tool!r}; one of {', '.join(TOOLS)}")
    if not secret:
        if tool == "surveymonkey":
            raise ValueError(
                "SurveyMonkey signs with your app's API key and secret: give --secret 'API_KEY&API_SECRET'"
            )
        secret = secrets.token_urlsafe(32)
    with store.transaction() as cur:
        found = cur.execute("select id from service_cycle where lower(name) = lower(?)", [cycle.strip()]).fetchone()
        if found is None:
            raise ValueError(f"there is no service cycle {cycle!r}")
        audit.write(cur, "settings", "webhook added", int(found[0]), detail=f"{survey_key} ({tool})")
        taken = cur.execute("select 1 from webhook where survey_key = ?", [survey_key]).fetchone()
        if taken is not None:
            raise ValueError(f"the survey key {survey_key!r} is already set up")
        cur.execute(
            "insert into webhook (survey_key, tool, cycle_id, scale, secret) values (?, ?, ?, ?, ?)",
            [survey_key, tool, found[0], scale, secret],
        )
    return secret


def find(store: Store, survey_key: str) -> Webhook | None:
    with store.cursor() as cur:
        row = cur.execute(
            "select w.survey_key, w.tool, c.name, w.scale, w.secret from webhook w"
            " join service_cycle c on c.id = w.cycle_id where w.survey_key = ?",
            [survey_key],
        ).fetchone()
    return None if row is None else Webhook(str(row[0]), str(row[1]), str(row[2]), row[3], str(row[4]))


def listing(store: Store) -> pd.DataFrame:
    """Every webhook without its secret: ``survey_key, tool, cycle, scale, created_at``."""
    with store.cursor() as cur:
        return cur.execute(
            "select w.survey_key, w.tool, c.name as cycle, w.scale, w.created_at from webhook w"
            " left join service_cycle c on c.id = w.cycle_id order by w.survey_key"
        ).df()


def remove(store: Store, survey_key: str) -> None:
    with store.transaction() as cur:
        audit.write(cur, "settings", "webhook removed", detail=survey_key)
        gone = cur.execute("delete from webhook where survey_key = ? returning 1", [survey_key]).fetchall()
        if not gone:
            raise ValueError(f"there is no webhook with the survey key {survey_key!r}")
