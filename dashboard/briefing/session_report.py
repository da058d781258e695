"""A workshop session's report, as a PDF and an XLSX: who took part, per touchpoint the spread of
votes and their mean, the room's view against customer surveys of the same touchpoints (a blind
spot is a gap whose interval, at a confidence that allows for the number of touchpoints,
excludes zero), and the ideas with the votes behind them."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import domain, exports, metrics
from dashboard import formatting as fmt
from dashboard import workshop as workshop_logic
from dashboard.briefing import BriefingError, content, layout, pdf
from dashboard.briefing.content import Slide, Table
from dashboard.store import Store, reports
from dashboard.store import workshop as store_workshop
from dashboard.store.workshop import Session


@dataclass(frozen=True)
class SessionReport:
    """Everything the report shows about one session."""

    session: Session
    participants: pd.DataFrame
    touchpoints: pd.DataFrame
    """``touchpoint, moment, votes, spread, mean, survey_n, survey_mean, gap, gap_low, gap_high, blind_spot``."""
    ideas: pd.DataFrame


def _room_against_surveys(room: pd.DataFrame, surveys: pd.DataFrame) -> pd.DataFrame:
    both = room.merge(surveys, on="touchpoint_id", how="left", suffixes=("", "_survey")).fillna(
        {"n_survey": 0, "total_survey": 0.0, "total_sq_survey": 0.0}
    )
    confidence = metrics.family_confidence(max(len(both), 1))
    gap, low, high = metrics.mean_difference(
        both["total"],
        both["total_sq"],
        both["n"],
        both["total_survey"],
        both["total_sq_survey"],
        both["n_survey"],
        confidence,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        survey_mean = both["total_survey"] / both["n_survey"].where(both["n_survey"] > 0)
    return pd.DataFrame(
        {
            "touchpoint_id": both["touchpoint_id"],
            "survey_n": both["n_survey"].astype(int),
            "survey_mean": survey_mean,
            "gap": gap,
            "gap_low": low,
            "gap_high": high,
            "blind_spot": metrics.significant(low, high),
        }
    )


def gather(store: Store, code: str) -> SessionReport:
    """The report of the session a join code names; BriefingError when there is none."""
    normal = workshop_logic.normalise_code(code)
    session = store_workshop.session_by_code(store, normal) if normal else None
    if session is None:
        raise BriefingError(f"No workshop session has the code “{code}”.")
    return of_session(store, session)


def of_session(store: Store, session: Session) -> SessionReport:
    """The report of one session."""
    listed = store_workshop.session_touchpoints(store, session.id)
    counts = reports.session_vote_counts(store, session.id)
    spread = [
        workshop_logic.distribution(session.scale, counts[counts["touchpoint_id"] == tp])
        for tp in listed["touchpoint_id"]  # a session walks through a handful of touchpoints
    ]
    stats = reports.session_vote_stats(store, session.id)
    room = listed[["touchpoint_id"]].merge(stats, on="touchpoint_id", how="left").fillna(0)
    compared = _room_against_surveys(room, reports.survey_stats(store, listed["touchpoint_id"].tolist()))
    touchpoints = pd.DataFrame(
        {
            "touchpoint_id": listed["touchpoint_id"],
            "touchpoint": listed["name"],
            "moment": listed["moment"].map(domain.moment_label),
            "votes": listed["votes"].astype(int),
            "spread": [", ".join(f"{p}: {v}" for p, v in zip(d.points, d.votes, strict=True)) for d in spread],
            "mean": listed["mean"],
        }
    ).merge(compared, on="touchpoint_id")
    ideas = store_workshop.session_ideas(store, session.id)[["touchpoint", "text", "votes", "author"]]
    return SessionReport(session, reports.session_participants(store, session.id), touchpoints, ideas)


def _session_slide(report: SessionReport) -> Slide:
    s, people, tps = report.session, report.participants, report.touchpoints
    title = f"Workshop {s.code}" + (f": {s.title}" if s.title else "")
    names = ", ".join(people["name"].replace("", "(no name)")) or "nobody joined"
    return Slide(
        content.shorten(title, 46),
        f"{len(people)} participants scored {len(tps)} touchpoints of {s.cycle} on the scale {s.scale}: {names}.",
        (
            f"Service cycle: {s.cycle}",
            f"Scale: {s.scale}",
            f"{len(people)} participants, {int(tps['votes'].sum())} votes",
        ),
        table=Table(
            ("Participant", "Group", "Votes"),
            content.texts(people.head(content.MAX_ROWS), {"name": str, "group_name": str, "votes": str}),
            (3, 3, 1),
        ),
    )


def _votes_slide(tps: pd.DataFrame) -> Slide:
    return Slide(
        "Votes per touchpoint",
        "How the room voted on each touchpoint, point by point, and the mean on −1 … +1: "
        + "; ".join(tps["touchpoint"] + " " + tps["mean"].map(fmt.signed))
        + ".",
        table=Table(
            ("Touchpoint", "Votes", "Spread of votes", "Mean"),
            content.texts(
                tps.head(content.MAX_ROWS),
                {
                    "touchpoint": content.shorten,
                    "votes": str,
                    "spread": lambda t: content.shorten(t, 70),
                    "mean": fmt.signed,
                },
            ),
            (3, 0.8, 6, 1),
        ),
    )


def _blind_spot_slide(tps: pd.DataFrame) -> Slide:
    spots = tps[tps["blind_spot"]]
    return Slide(
        "The room against customer surveys",
        "The room's mean beside the surveys' for the same touchpoints; a blind spot is a gap that holds at 95% "
        "allowing for the number of touchpoints compared. "
        + (("Blind spots: " + "; ".join(spots["touchpoint"]) + ".") if len(spots) else "No blind spots."),
        table=Table(
            ("Touchpoint", "Room", "Surveys", "Gap", "Blind spot"),
            content.texts(
                tps.head(content.MAX_ROWS),
                {
                    "touchpoint": content.shorten,
                    "mean": fmt.signed,
                    "survey_mean": fmt.signed,
                    "gap": fmt.signed,
                    "blind_spot": lambda b: "yes" if b else "",
                },
            ),
            (3.5, 1.2, 1.2, 1.2, 1.4),
        ),
    )


def slides(report: SessionReport) -> list[Slide]:
    """The report's pages: the session, votes per touchpoint, room against surveys, ideas."""
    ideas = Slide(
        "Ideas and their backing",
        f"{len(report.ideas)} ideas proposed in the session, most votes first.",
        () if len(report.ideas) else ("No ideas were proposed.",),
        table=Table(
            ("Votes", "Idea", "Touchpoint"),
            content.texts(
                report.ideas.head(content.MAX_ROWS),
                {"votes": str, "text": lambda t: content.shorten(t, 70), "touchpoint": content.shorten},
            ),
            (0.8, 6.5, 3),
        )
        if len(report.ideas)
        else None,
    )
    return [_session_slide(report), _votes_slide(report.touchpoints), _blind_spot_slide(report.touchpoints), ideas]


def pdf_bytes(report: SessionReport) -> bytes:
    pages = slides(report)
    return pdf.build(pages, layout.drawn(pages), f"Workshop {report.session.code}")


def xlsx_bytes(report: SessionReport) -> bytes:
    """One sheet per part of the report, cells escaped as in every other download."""
    parts = {
        "Participants": report.participants,
        "Touchpoints": report.touchpoints.drop(columns="touchpoint_id"),
        "Ideas": report.ideas,
    }
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for sheet, frame in parts.items():
            exports.escaped(frame).to_excel(writer, sheet_name=sheet, index=False)
    return out.getvalue()
