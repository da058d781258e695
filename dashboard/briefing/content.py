"""The briefing as a list of slides, independent of the file format: a title, a few lines of
text, at most one chart and one table, and speaker notes that say in words what the slide shows.

``deck`` and ``pdf`` lay out exactly these slides, so the PPTX and the PDF carry the same
content. Texts that could overflow are bounded here: long names are shortened (the full name
goes into the notes) and tables keep their first ``MAX_ROWS`` rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import domain
from dashboard import formatting as fmt
from dashboard.briefing.figures import Figures
from dashboard.charts import flow as flow_charts
from dashboard.charts import leadership as leadership_charts
from dashboard.charts import map as map_charts
from dashboard.charts import overview as overview_charts
from dashboard.charts import plan as plan_charts
from dashboard.flow import measures

MAX_ROWS = 8
NAME_LIMIT = 34
"""Characters of a touchpoint name shown on a slide; longer names end in "…"."""


@dataclass(frozen=True)
class Table:
    """A small table: header, rows of text, relative column widths."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class Slide:
    """One slide (one PDF page)."""

    title: str
    notes: str
    lines: tuple[str, ...] = ()
    figure: go.Figure | None = field(default=None, compare=False)
    table: Table | None = None


def shorten(name: str, limit: int = NAME_LIMIT) -> str:
    """``name`` cut to ``limit`` characters at a word break where possible, ending in "…"."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rsplit(" ", 1)[0] if " " in name[: limit - 1] else name[: limit - 1]
    return cut.rstrip(" ,;:-·") + "…"


def texts(frame: pd.DataFrame, formats: dict[str, Callable[[Any], str]]) -> tuple[tuple[str, ...], ...]:
    """A few rows of ``frame`` as text, each column through its formatter, in ``formats``' order."""
    columns = [frame[column].map(formatter) for column, formatter in formats.items()]
    return tuple(zip(*columns, strict=True))


def _long_names(names: pd.Series) -> str:
    """The full names that a slide shortened, for its notes."""
    long = [n for n in dict.fromkeys(names) if len(n) > NAME_LIMIT]
    return (" Full names: " + "; ".join(long) + ".") if long else ""


def _short_cycle(name: str) -> str:
    return shorten(name, 22)


def _period(figures: Figures) -> str:
    start, end = figures.periods.current
    return f"{start:%d %b %Y} to {end:%d %b %Y}"


def title_slide(figures: Figures, as_of: date) -> Slide:
    cycles = ", ".join(figures.cycles) if len(figures.cycles) <= 3 else f"all {len(figures.cycles)} service cycles"
    lines: tuple[str, ...] = (
        f"Period: {_period(figures)}, compared with the {figures.periods.days} days before",
        f"Service cycles: {cycles}",
        f"Prepared on {as_of:%d %b %Y} from {fmt.count(figures.total['n'])} impressions",
    )
    s = figures.scope
    if s.moments or s.channels or s.group_ids or s.team_ids or s.sources or s.touchpoint_ids:
        lines = (*lines, "Narrowed further by the Overview's filters (moments, channels, groups, teams or sources)")
    notes = (
        f"This briefing covers {', '.join(figures.cycles)} over {_period(figures)}. Every figure equals the "
        "Overview's for the same filters; a change counts as significant only when its 95% interval excludes zero."
    )
    return Slide("Leadership briefing", notes, lines)


def kpi_rows(figures: Figures) -> list[tuple[str, str, str, str]]:
    """The Overview's four tiles as ``(figure, value, 95% interval, change)`` texts."""
    total, change = figures.total, figures.change
    rows = [
        ("Impressions", fmt.count(total["n"]), "", f"{int(change['n']):,} in the latest {figures.periods.days} days")
    ]
    for label, name, formatter in (
        ("Mean impression", "mean", fmt.signed),
        ("Net impression", "net", fmt.signed_percent),
        ("Perfection rate", "perfection", fmt.signed_percent),
    ):
        shown = fmt.percent if name == "perfection" else formatter
        value = change[f"{name}_change"]
        moved = "no earlier period to compare"
        if pd.notna(value):
            verdict = "significant" if change[f"{name}_significant"] else "within noise"
            moved = f"{formatter(value)} ({verdict})"
        interval = fmt.interval(total[f"{name}_low"], total[f"{name}_high"], shown).removeprefix("95% CI ")
        rows.append((label, shown(total[name]), interval, moved))
    return rows


def kpi_slide(figures: Figures) -> Slide:
    rows = kpi_rows(figures)
    said = "; ".join(f"{label} {value}, change {moved}" for label, value, _, moved in rows[1:])
    notes = f"{rows[0][1]} impressions in the period. {said}. The change compares the {figures.periods.describe()}."
    table = Table(("Figure", "Value", "95% interval", "Change"), tuple(rows), (2.2, 1.3, 2.2, 3.0))
    return Slide("Headline figures", notes, table=table)


def moments_slide(figures: Figures) -> Slide:
    means = dict(zip(figures.moments["moment"], figures.moments["mean"], strict=True))
    targets = dict(zip(figures.moments["moment"], figures.moments["target"], strict=True))
    lines = []
    for moment in domain.MOMENTS:
        if moment.key in means:
            mean, target = float(means[moment.key]), float(targets[moment.key])
            lines.append(f"{moment.label}: {fmt.signed(mean)} (target {fmt.signed(target)})")
        else:
            lines.append(f"{moment.label}: no impressions")
    if figures.break_at is None:
        verdict = "The chain holds: every moment meets its target on average."
    else:
        verdict = f"The chain breaks at {domain.moment_label(figures.break_at)}."
    notes = (
        "The bars show the mean impression of each of the four moments in journey order, with its 95% "
        f"interval; the dots are the targets. {verdict} " + " ".join(line + "." for line in lines)
    )
    return Slide(
        "The four moments",
        notes,
        (*lines, verdict),
        overview_charts.moment_scorecard(figures.moments, figures.break_at),
    )


def flow_slides(figures: Figures) -> list[Slide]:
    """The customer flow: the funnel, conversion by source, churn by month."""
    sums = figures.flow_sums
    if sums.empty:
        text = "No customer flow is recorded for this period; the Flow page records it."
        return [Slide("Customer flow", text, (text,))]
    funnel = measures.funnel(sums, figures.flow_settings)
    summary = measures.overall(sums)
    lines = [
        f"{label}: {rate} (target {target})"
        for label, rate, target in texts(funnel.iloc[1:], {"label": str, "rate": fmt.rate, "target": fmt.rate})
    ]
    funnel_notes = (
        f"{summary['prospects']:,} prospects came in. Each bar is a moment's conversion, the share of those "
        "reaching it who pass on, with the target as a black mark. " + "; ".join(lines) + "."
    )
    sources = measures.by_source(sums)
    ranked = sources[~sources["uncertain"]].head(3)
    source_lines = [
        f"{source}: {rate} of {prospects}"
        for source, rate, prospects in texts(ranked, {"source": str, "rate": fmt.rate, "prospects": fmt.count})
    ]
    churn = measures.monthly(sums, "lost", "active_customers")
    churn_line = (
        f"Churn over the period: {fmt.rate(summary['churn'])} "
        f"({summary['lost']:,} of {summary['active_customers']:,} active customers lost)"
    )
    return [
        Slide("Customer flow through the moments", funnel_notes, tuple(lines), flow_charts.funnel(funnel)),
        Slide(
            "Conversion by source",
            "Prospects won per source, with 95% intervals; grey sources have too few prospects to rank. Best: "
            + ("; ".join(source_lines) or "none with enough prospects")
            + ".",
            tuple(source_lines) or ("Too few prospects per source to rank them.",),
            flow_charts.source_conversion(sources, None),
        ),
        Slide(
            "Churn month by month",
            f"{churn_line}. The line is each month's churn with its 95% band; filled points mark a change "
            "from the month before that holds.",
            (churn_line,),
            flow_charts.monthly_rate(churn, "Churn", colour="#b2182b"),
        ),
    ]


def seconds_slide(figures: Figures) -> Slide:
    weak = figures.seconds
    if weak.empty:
        text = "No cycle is a “second”: every touchpoint meets its target on average."
        return Slide("What makes cycles “seconds”", text, (text,))
    shown = weak.sort_values("gap").head(MAX_ROWS)
    rows = texts(
        shown,
        {
            "touchpoint": shorten,
            "cycle": _short_cycle,
            "moment": domain.moment_label,
            "mean": fmt.signed,
            "target": fmt.signed,
            "clearly": lambda clearly: "yes" if clearly else "",
        },
    )
    more = f" {len(weak) - len(shown)} more are below target by less." if len(weak) > len(shown) else ""
    notes = (
        f"{len(weak)} touchpoints fall below their targets, making their cycles “seconds”; the furthest below "
        f"are listed. “Clearly” means even the top of the 95% interval is below target.{more}"
        + _long_names(shown["touchpoint"])
    )
    table = Table(("Touchpoint", "Cycle", "Moment", "Mean", "Target", "Clearly"), rows, (3.2, 2.2, 1.9, 0.9, 0.9, 0.9))
    return Slide("What makes cycles “seconds”", notes, table=table)


def movers_slide(figures: Figures) -> Slide:
    moved = figures.movers
    if moved.empty:
        text = "Not enough impressions in both periods to compare."
        return Slide("Biggest movers", text, (text,))
    labelled = moved.assign(touchpoint=moved["touchpoint"].map(shorten))
    said = "; ".join(f"{n} {fmt.signed(c)}" for n, c in zip(moved["touchpoint"], moved["mean_change"], strict=True))
    notes = (
        f"Change in mean impression, {figures.periods.describe()}. Coloured bars hold up at a confidence "
        f"that allows for the number of touchpoints compared; grey ones may be noise. {said}."
    )
    return Slide("Biggest movers", notes, figure=leadership_charts.mover_bars(labelled))


def alerts_slide(figures: Figures) -> Slide:
    alerts = figures.alerts
    if alerts.empty:
        text = "No significant drops: no touchpoint's mean fell beyond what noise explains."
        return Slide("Alerts: significant drops", text, (text,))
    shown = alerts.head(MAX_ROWS)
    rows = texts(
        shown,
        {
            "touchpoint": shorten,
            "cycle": _short_cycle,
            "previous_mean": fmt.signed,
            "mean": fmt.signed,
            "mean_change": fmt.signed,
        },
    )
    notes = (
        f"{len(alerts)} touchpoints fell significantly in the {figures.periods.describe()}, steepest first. "
        + " ".join(
            f"{n} fell from {fmt.signed(b)} to {fmt.signed(a)}."
            for n, b, a in zip(shown["touchpoint"], shown["previous_mean"], shown["mean"], strict=True)
        )
    )
    table = Table(("Touchpoint", "Cycle", "Before", "Now", "Change"), rows, (3.6, 2.4, 1.1, 1.1, 1.1))
    return Slide("Alerts: significant drops", notes, table=table)


def plan_slide(figures: Figures) -> Slide:
    plan = figures.plan
    unproven = plan[plan["unproven_claim"]]
    done = int((plan["status"] == "done").sum())
    lines = [f"{done} of {len(plan)} cells marked done; {len(unproven)} of them not backed by the data"]
    lines += list("⚠ " + unproven["step_label"].head(5) + " · " + unproven["moment_label"].head(5))
    notes = (
        "The seven reputation steps against the four moments, coloured by status; a warning sign marks a cell "
        f"claimed as done that the data does not prove. {lines[0]}."
        + "".join(" Claimed, not proven: " + unproven["step_label"] + " at " + unproven["moment_label"] + ".")
    )
    return Slide(
        "Reputation plan: claimed versus proven", notes, tuple(lines), plan_charts.plan_grid(plan, compact=True)
    )


def journey_slides(figures: Figures) -> list[Slide]:
    slides = []
    for cycle in figures.cycle_maps:
        frame = cycle.touchpoints.assign(touchpoint=cycle.touchpoints["touchpoint"].map(shorten))
        weak = cycle.touchpoints[cycle.touchpoints["weak"].astype(bool)]
        where = (
            "the chain holds"
            if cycle.break_at is None
            else f"the chain breaks at {domain.moment_label(cycle.break_at)}"
        )
        notes = (
            f"{cycle.name}: its {len(frame)} touchpoints with impressions in the period, top to bottom in journey "
            f"order, each in its moment's column; colour is the mean impression, size the volume; {where}. "
            f"{len(weak)} below target"
            + (": " + "; ".join(weak["touchpoint"]) if len(weak) else "")
            + "."
            + _long_names(cycle.touchpoints["touchpoint"])
        )
        slides.append(
            Slide(
                f"Journey map: {shorten(cycle.name, 50)}", notes, figure=map_charts.journey_map(frame, cycle.break_at)
            )
        )
    return slides


def ideas_slide(figures: Figures) -> Slide:
    ideas = figures.ideas
    if ideas.empty:
        text = "No open enhancement ideas: propose them on the map or in a workshop."
        return Slide("Open enhancement ideas", text, (text,))
    shown = ideas.head(MAX_ROWS)
    rows = tuple(
        texts(
            shown,
            {
                "votes": str,
                "text": lambda idea: shorten(idea, 60),
                "touchpoint": lambda name: shorten(name, 28),
                "cycle": _short_cycle,
            },
        )
    )
    notes = (
        "Ideas proposed and not yet adopted, most votes first: "
        + "; ".join(
            f"{t} ({v} votes, {tp})"
            for t, v, tp in zip(shown["text"], shown["votes"], shown["touchpoint"], strict=True)
        )
        + "."
    )
    table = Table(("Votes", "Idea", "Touchpoint", "Cycle"), rows, (0.8, 5.2, 2.6, 1.8))
    return Slide("Open enhancement ideas, by votes", notes, table=table)


def slides(figures: Figures, as_of: date) -> list[Slide]:
    """The whole briefing, in order."""
    return [
        title_slide(figures, as_of),
        kpi_slide(figures),
        moments_slide(figures),
        *flow_slides(figures),
        seconds_slide(figures),
        movers_slide(figures),
        alerts_slide(figures),
        plan_slide(figures),
        *journey_slides(figures),
        ideas_slide(figures),
    ]
