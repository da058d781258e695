"""Claimed versus proven: what the data says about each cell of the reputation plan.

Each of the seven reputation steps has rules that judge the figures counted for one moment
(``store.plan.evidence_figures``). A rule yields one piece of evidence: a label, the figure in
words, whether it passes, and the page (URL path) where the underlying data is edited or
seen. A cell is *proven* when all its evidence passes; a cell marked done that is not proven is
a *claim the data does not back*, and the grid flags it. The thresholds are in ``dashboard.thresholds``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from dashboard import domain
from dashboard.flow import measures
from dashboard.thresholds import Thresholds


@dataclass(frozen=True)
class Evidence:
    """One thing the data proves or fails to prove about a cell."""

    label: str
    figure: str
    passed: bool
    source: str  # URL path of the page where this data lives


@dataclass(frozen=True)
class CellEvidence:
    """A plan cell as claimed (status, owner, due date, notes) beside its evidence."""

    step: str
    moment: str
    status: str
    owner: str
    due_on: date | None
    notes: str
    evidence: tuple[Evidence, ...]

    @property
    def proven(self) -> bool:
        return all(e.passed for e in self.evidence)

    @property
    def unproven_claim(self) -> bool:
        """Marked done, but some evidence is missing or stale."""
        return self.status == "done" and not self.proven

    def verdict(self) -> tuple[str, str] | None:
        """What to tell the person looking at the cell, and how loudly (``"warning"``,
        ``"info"`` or ``"success"``); None when the cell is neither claimed nor proven."""
        if self.unproven_claim:
            return "warning", "Marked done, but the data does not back it yet. Record what is missing below."
        if self.proven and self.status != "done":
            return "info", "The data already backs this cell; it could be marked done."
        if self.proven:
            return "success", "Done, and the data proves it."
        return None


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _of(part: int, whole: int, noun: str) -> str:
    return f"{part} of {whole} {noun}" + (f" ({_share(part, whole):.0%})" if whole else "")


def _identify_groups(n: Mapping[str, int], t: Thresholds) -> tuple[Evidence, ...]:
    return (
        Evidence("Stakeholder groups defined", f"{n['groups']} groups", n["groups"] >= t.min_groups, "settings"),
        Evidence(
            "Groups reached by this moment's touchpoints",
            _of(n["groups_at_moment"], n["groups"], "groups"),
            n["groups_at_moment"] >= 1,
            "map",
        ),
    )


def _decide_reputation(n: Mapping[str, int], t: Thresholds) -> tuple[Evidence, ...]:
    written, groups = n["groups_with_statement"], n["groups"]
    return (
        Evidence(
            "Groups with a desired reputation written",
            _of(written, groups, "groups"),
            groups > 0 and _share(written, groups) >= t.min_statement_share,
            "reputation",
        ),
    )


def _isolate_contacts(n: Mapping[str, int], t: Thresholds) -> tuple[Evidence, ...]:
    tps = n["touchpoints"]
    return (Evidence("Touchpoints mapped", f"{tps} touchpoints", tps >= t.min_touchpoints, "map"),)


def _specify_behaviours(n: Mapping[str, int], t: Thresholds) -> tuple[Evidence, ...]:
    tps, std = n["touchpoints"], n["with_standard"]
    return (
        Evidence(
            "Touchpoints with a written standard",
            _of(std, tps, "touchpoints"),
            tps > 0 and _share(std, tps) >= t.min_standard_share,
            "map",
        ),
    )


def _perform(n: Mapping[str, int], t: Thresholds) -> tuple[Evidence, ...]:
    recent = n["recent_impressions"]
    if recent == 0 and n.get("flow_base", 0) > 0:  # no impressions to judge by: the customers' flow speaks
        return (Evidence(*measures.conversion_evidence(n, t.recent_days)),)
    return (
        Evidence(
            f"Impressions at or above target, last {t.recent_days} days",
            _of(n["recent_meeting"], recent, "impressions"),
            recent > 0 and _share(n["recent_meeting"], recent) >= t.min_meeting_share,
            "overview",
        ),
    )


def _measure(n: Mapping[str, int], t: Thresholds) -> tuple[Evidence, ...]:
    recent, tps = n["recent_impressions"], n["touchpoints"]
    return (
        *(Evidence(*item) for item in measures.monitoring_evidence(n, t.recent_days)),
        Evidence(
            f"Impressions in the last {t.recent_days} days",
            f"{recent:,}",
            recent >= t.min_recent_impressions,
            "upload",
        ),
        Evidence(
            f"Touchpoints heard from in the last {t.recent_days} days",
            _of(n["touchpoints_recent"], tps, "touchpoints"),
            tps > 0 and _share(n["touchpoints_recent"], tps) >= t.min_recent_coverage,
            "upload",
        ),
    )


def _institute(n: Mapping[str, int], t: Thresholds) -> tuple[Evidence, ...]:
    std = n["with_standard"]
    return (
        Evidence(
            "Enhancement ideas made a standard",
            f"{n['ideas_standard']} ideas",
            n["ideas_standard"] >= t.min_ideas_standard,
            "map",
        ),
        Evidence(
            "Standards reviewed on time",
            _of(n["reviews_on_time"], std, "standards"),
            std > 0 and _share(n["reviews_on_time"], std) >= t.min_reviewed_share,
            "reputation",
        ),
    )


RULES: dict[str, Callable[[Mapping[str, int], Thresholds], tuple[Evidence, ...]]] = {
    "identify_groups": _identify_groups,
    "decide_reputation": _decide_reputation,
    "isolate_contacts": _isolate_contacts,
    "specify_behaviours": _specify_behaviours,
    "perform": _perform,
    "measure": _measure,
    "institute": _institute,
}
"""The rules of each reputation step, in the order of domain.STEP_KEYS."""


def rules(step: str, figures: Mapping[Any, Any], t: Thresholds) -> tuple[Evidence, ...]:
    """The evidence for one step, judged from one moment's figures (a row of evidence_figures)."""
    counts = {str(key): int(value) for key, value in figures.items() if key != "moment"}
    return RULES[step](counts, t)


def assess(figures: pd.DataFrame, cells: pd.DataFrame, t: Thresholds) -> list[CellEvidence]:
    """All 28 cells, steps in order and moments in order within each step.

    ``figures`` is ``evidence_figures`` (one row per moment); ``cells`` is ``plan_cells``
    (cells never touched count as not started, with no owner).
    """
    by_moment = figures.set_index("moment")
    recorded = {(c.step, c.moment): c for c in cells.itertuples(index=False)}
    out = []
    for step in domain.STEP_KEYS:
        for moment in domain.MOMENT_KEYS:
            cell = recorded.get((step, moment))
            due = getattr(cell, "due_on", None)
            out.append(
                CellEvidence(
                    step=step,
                    moment=moment,
                    status=str(cell.status) if cell else "not_started",
                    owner=str(cell.owner) if cell else "",
                    due_on=pd.Timestamp(due).date() if due is not None and pd.notna(due) else None,
                    notes=str(cell.notes) if cell else "",
                    evidence=rules(step, by_moment.loc[moment].to_dict(), t),
                )
            )
    return out


def grid_frame(cells: list[CellEvidence]) -> pd.DataFrame:
    """One row per cell for charts and exports: labels, status, evidence passed, the flag."""
    return pd.DataFrame(
        [
            {
                "step": c.step,
                "moment": c.moment,
                "step_label": domain.label(domain.REPUTATION_STEPS, c.step),
                "moment_label": domain.moment_label(c.moment),
                "status": c.status,
                "status_label": domain.label(domain.PLAN_STATUSES, c.status),
                "owner": c.owner,
                "due_on": c.due_on,
                "notes": c.notes,
                "evidence_passed": sum(e.passed for e in c.evidence),
                "evidence_total": len(c.evidence),
                "proven": c.proven,
                "unproven_claim": c.unproven_claim,
                "evidence": "; ".join(f"{e.label}: {e.figure} ({'ok' if e.passed else 'missing'})" for e in c.evidence),
            }
            for c in cells
        ]
    )


def find(cells: list[CellEvidence], step: str, moment: str) -> CellEvidence:
    for cell in cells:
        if (cell.step, cell.moment) == (step, moment):
            return cell
    raise KeyError((step, moment))


def cell_choice_label(cells: list[CellEvidence], key: str, *, flag: bool = True) -> str:
    """How a cell reads in a picker: ``"3. Isolate contacts · Keep-or-Lose"``, flagged when it
    is claimed but not proven; ``key`` is ``"step:moment"``."""
    step, moment = key.split(":")
    number = domain.STEP_KEYS.index(step) + 1
    text = f"{number}. {domain.label(domain.REPUTATION_STEPS, step)} · {domain.moment_label(moment)}"
    return text + ("  ⚠ claimed, not proven" if flag and find(cells, step, moment).unproven_claim else "")


SOURCE_TITLES = {
    "settings": "Settings",
    "map": "Map",
    "overview": "Overview",
    "upload": "Upload",
    "reputation": "this page",
    "flow": "Flow",
}
"""How each evidence source (a page's URL path) reads in a link."""


def readable_history(history: pd.DataFrame) -> pd.DataFrame:
    """Plan changes (``plan.cell_history``) with labels instead of stored keys, newest first."""
    return pd.DataFrame(
        {
            "When": history["changed_at"],
            "Who": history["changed_by"],
            "Cell": [
                f"{domain.label(domain.REPUTATION_STEPS, s)} · {domain.moment_label(m)}"
                for s, m in zip(history["step"], history["moment"], strict=True)
            ],
            "Status": [domain.label(domain.PLAN_STATUSES, s) for s in history["status"]],
            "Owner": history["owner"],
            "Due": history["due_on"],
            "Notes": history["notes"],
        }
    )
