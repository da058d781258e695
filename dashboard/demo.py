"""The demo workspace: a believable heating-services business, generated from a fixed seed.

"Northwind Heating" installs, repairs and services home heating. Its data hides patterns a
viewer should be able to find:

- one weak touchpoint that spoils its cycle: in *Repair job*, "Engineer arrival" (late or
  unannounced engineers) drags Make-or-Break down, so that is where the chain breaks;
- one touchpoint that improves after an enhancement idea was adopted: in *New installation*,
  the "Written quote" gets much better once itemised quotes within 48 hours became the rule;
- seasonal volume: repairs peak in winter, installations in autumn;
- groups that disagree: landlords rate invoices far lower than homeowners do, and business
  customers dislike the appointment confirmation.

The same seed, size and end date always give the same data. Generation is vectorised with
NumPy and the rows go to DuckDB in bulk, so ten million impressions take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from dashboard.flow import demo as flow_demo
from dashboard.scales import SATISFACTION, Scale
from dashboard.store import Store, plan, workspace
from dashboard.store.impressions import insert_coded_impressions

DEFAULT_SEED = 7
DEFAULT_IMPRESSIONS = 30_000
HISTORY_DAYS = 15 * 30 + 5
CHUNK_ROWS = 2_000_000

GROUPS = (
    ("Homeowners", "People heating the home they live in.", 0.60),
    ("Landlords", "Owners who let homes and pay for their upkeep.", 0.25),
    ("Business customers", "Shops, offices and small sites on a contract.", 0.15),
)
TEAMS = (
    ("Marketing", "Adverts, website and referral programme."),
    ("Sales", "Home surveys, quotes and contracts."),
    ("Service desk", "Phones, bookings and confirmations."),
    ("Field engineers", "Installations, repairs and service visits."),
    ("Finance", "Invoices and payments."),
    ("Customer care", "Follow-up, reviews and loyalty."),
)


@dataclass(frozen=True)
class TouchpointSpec:
    name: str
    moment: str
    channel: str
    owner: str
    base: float  # typical latent impression, -1..+1
    volume: float  # relative number of responses
    standard: str = ""
    situation: str | None = None
    recovery_plan: str = ""
    groups: tuple[str, ...] = ("Homeowners", "Landlords", "Business customers")


@dataclass(frozen=True)
class CycleSpec:
    name: str
    description: str
    scale: Scale
    peak_day_of_year: int  # when response volume peaks
    touchpoints: tuple[TouchpointSpec, ...] = field(default_factory=tuple)


CYCLES: tuple[CycleSpec, ...] = (
    CycleSpec(
        "New installation",
        "From a first enquiry about a new boiler to a customer who recommends us.",
        Scale.numeric(1, 5),
        280,
        (
            TouchpointSpec(
                "Website",
                "now_or_never",
                "Website",
                "Marketing",
                0.80,
                1.2,
                "Prices and availability visible without a phone call.",
            ),
            TouchpointSpec(
                "Local advert",
                "now_or_never",
                "Advertising",
                "Marketing",
                0.65,
                0.6,
                "Every advert names a real local engineer.",
            ),
            TouchpointSpec(
                "Phone enquiry",
                "now_or_never",
                "Phone",
                "Service desk",
                0.85,
                1.0,
                "Answered within five rings by someone who can book a survey.",
            ),
            TouchpointSpec(
                "Home survey visit",
                "make_or_break",
                "In person",
                "Sales",
                0.90,
                0.9,
                "Arrive in the booked slot, measure, explain options plainly.",
                "making_the_sale",
            ),
            TouchpointSpec(
                "Written quote",
                "make_or_break",
                "Email",
                "Sales",
                0.0,
                0.9,
                "Itemised quote within 48 hours.",
                "making_the_sale",
                "Call the customer the same day a quote is queried.",
            ),
            TouchpointSpec("Contract and deposit", "make_or_break", "Email", "Finance", 0.75, 0.7),
            TouchpointSpec(
                "Installation day",
                "keep_or_lose",
                "In person",
                "Field engineers",
                0.85,
                0.9,
                "Dust sheets down, old boiler removed, site left clean.",
                "service_start",
                "Site manager calls within an hour of any complaint on the day.",
            ),
            TouchpointSpec(
                "Handover and instructions",
                "keep_or_lose",
                "In person",
                "Field engineers",
                0.80,
                0.7,
                "Show the controls and leave a one-page guide.",
            ),
            TouchpointSpec("Final invoice", "keep_or_lose", "Post", "Finance", 0.60, 0.8),
            TouchpointSpec(
                "Satisfaction call", "multiplier", "Phone", "Customer care", 0.90, 0.5, situation="retention_contact"
            ),
            TouchpointSpec("Review request", "multiplier", "Email", "Customer care", 0.70, 0.4),
        ),
    ),
    CycleSpec(
        "Repair job",
        "A breakdown call through to the fixed boiler and the follow-up.",
        Scale.numeric(0, 10),
        15,
        (
            TouchpointSpec(
                "Breakdown call",
                "now_or_never",
                "Phone",
                "Service desk",
                0.80,
                1.3,
                "Answered within a minute, day or night, in winter.",
                "problem_found",
                "Offer a callback slot and a temporary heater when the queue is long.",
            ),
            TouchpointSpec("Online booking", "now_or_never", "Website", "Service desk", 0.75, 0.8),
            TouchpointSpec(
                "Appointment confirmation",
                "make_or_break",
                "Email",
                "Service desk",
                0.70,
                0.9,
                "Text and email with a two-hour slot and the engineer's name.",
            ),
            TouchpointSpec(
                "Engineer arrival",
                "make_or_break",
                "In person",
                "Field engineers",
                -0.45,
                1.1,
                "Arrive inside the slot, or call before it ends.",
                "service_start",
                "Dispatcher calls the customer the moment an engineer runs late.",
            ),
            TouchpointSpec(
                "Diagnosis and price",
                "make_or_break",
                "In person",
                "Field engineers",
                0.75,
                1.0,
                "Price agreed before any work starts.",
                "making_the_sale",
            ),
            TouchpointSpec(
                "Repair",
                "keep_or_lose",
                "In person",
                "Field engineers",
                0.90,
                1.1,
                "Fixed on the first visit in most cases.",
            ),
            TouchpointSpec("Clean-up", "keep_or_lose", "In person", "Field engineers", 0.85, 0.6),
            TouchpointSpec(
                "Repair invoice",
                "keep_or_lose",
                "Email",
                "Finance",
                0.65,
                0.9,
                situation="complaint",
                recovery_plan="Finance lead phones within a day of a dispute.",
            ),
            TouchpointSpec(
                "Follow-up mail", "multiplier", "Email", "Customer care", 0.75, 0.5, situation="retention_contact"
            ),
        ),
    ),
    CycleSpec(
        "Annual service renewal",
        "Keeping a maintenance contract alive from reminder to the thank-you.",
        SATISFACTION,
        200,
        (
            TouchpointSpec(
                "Renewal reminder",
                "now_or_never",
                "Post",
                "Customer care",
                0.75,
                0.8,
                "Sent six weeks before expiry, with last year's visit summary.",
                "competitor_pressure",
            ),
            TouchpointSpec(
                "Renewal offer",
                "make_or_break",
                "Email",
                "Sales",
                0.70,
                0.7,
                "Loyal customers never pay more than new ones.",
                "competitor_pressure",
                "Match a written competitor offer on the first call.",
            ),
            TouchpointSpec("Direct debit set-up", "make_or_break", "Website", "Finance", 0.80, 0.5),
            TouchpointSpec(
                "Service visit",
                "keep_or_lose",
                "In person",
                "Field engineers",
                0.95,
                0.9,
                "Full check in under an hour, booked at the customer's choice of time.",
            ),
            TouchpointSpec("Service report", "keep_or_lose", "Email", "Field engineers", 0.70, 0.6),
            TouchpointSpec(
                "Loyalty thank-you", "multiplier", "Post", "Customer care", 0.85, 0.4, situation="retention_contact"
            ),
            TouchpointSpec("Refer-a-neighbour offer", "multiplier", "Social media", "Marketing", 0.65, 0.4),
        ),
    ),
)

# Latent shifts for one group at one touchpoint: the disagreements a viewer should spot.
GROUP_SHIFTS = {
    ("Final invoice", "Landlords"): -0.75,
    ("Repair invoice", "Landlords"): -0.70,
    ("Appointment confirmation", "Business customers"): -0.80,
    ("Service visit", "Business customers"): 0.25,
}
IMPROVER = ("New installation", "Written quote")
IMPROVEMENT = 0.65
IMPROVED_DAYS_BEFORE_END = 200

COMMENTS = {
    "positive": (
        "Friendly and on time.",
        "Explained everything clearly.",
        "Quick and easy, thank you!",
        "Better than I expected.",
        "Very professional, would recommend.",
        "Kept me informed the whole way.",
    ),
    "neutral": ("Fine, nothing special.", "It was OK.", "Did the job.", "Average."),
    "negative": (
        "Nobody told me the engineer would be late.",
        "Had to call twice to get an answer.",
        "The price was higher than quoted.",
        "Waited all day, no call.",
        "Invoice was confusing.",
        "Felt rushed and ignored.",
    ),
}

IDEAS = (
    ("New installation", "Written quote", "Send an itemised quote within 48 hours of the survey", "standard", 14),
    ("New installation", "Written quote", "Add photos of the planned boiler position", "proposed", 5),
    ("Repair job", "Engineer arrival", "Text the customer a live arrival time", "proposed", 21),
    ("Repair job", "Engineer arrival", "Dispatcher calls ahead if running more than 15 minutes late", "adopted", 17),
    ("Repair job", "Repair invoice", "Itemise parts and labour on one page", "proposed", 6),
    ("Annual service renewal", "Renewal offer", "Show the loyalty discount on the first line", "adopted", 9),
    ("New installation", "Installation day", "Leave a handwritten thank-you card", "proposed", 4),
    ("Annual service renewal", "Service visit", "Offer evening slots for working customers", "proposed", 7),
)

PLAN = (
    # step, moment, status, owner, due in days from the end (None = no due date), notes
    ("identify_groups", "now_or_never", "done", "Marketing", None, "Three groups agreed."),
    ("identify_groups", "make_or_break", "done", "Sales", None, ""),
    ("identify_groups", "keep_or_lose", "done", "Customer care", None, ""),
    ("identify_groups", "multiplier", "done", "Customer care", None, ""),
    ("decide_reputation", "now_or_never", "done", "Marketing", None, "Local, honest, quick to answer."),
    ("decide_reputation", "make_or_break", "in_progress", "Sales", 30, "Draft with the sales team."),
    ("isolate_contacts", "now_or_never", "done", "Marketing", None, ""),
    ("isolate_contacts", "make_or_break", "done", "Sales", None, ""),
    ("isolate_contacts", "keep_or_lose", "done", "Field engineers", None, ""),
    ("isolate_contacts", "multiplier", "in_progress", "Customer care", 45, ""),
    ("specify_behaviours", "now_or_never", "done", "Service desk", None, ""),
    ("specify_behaviours", "make_or_break", "done", "Sales", None, ""),
    ("specify_behaviours", "keep_or_lose", "in_progress", "Field engineers", 20, ""),
    ("specify_behaviours", "multiplier", "done", "Customer care", None, "Claimed; check the standards."),
    ("perform", "make_or_break", "at_risk", "Field engineers", -10, "Late arrivals in winter."),
    ("perform", "keep_or_lose", "in_progress", "Field engineers", 60, ""),
    ("measure", "now_or_never", "done", "Marketing", None, "Monthly survey."),
    ("measure", "make_or_break", "done", "Sales", None, ""),
    ("measure", "keep_or_lose", "in_progress", "Customer care", 30, ""),
    ("institute", "now_or_never", "in_progress", "Service desk", 90, "Quarterly standards review."),
    ("institute", "multiplier", "at_risk", "Customer care", -30, "No owner for reviews."),
)


@dataclass(frozen=True)
class DemoSummary:
    cycles: int
    touchpoints: int
    impressions: int
    first_day: date
    last_day: date


def build(
    store: Store,
    *,
    impressions: int = DEFAULT_IMPRESSIONS,
    seed: int = DEFAULT_SEED,
    end: date | None = None,
) -> DemoSummary:
    """Fills an empty workspace with the demo business; refuses a workspace that has data."""
    if workspace.counts(store)["cycles"]:
        raise ValueError("the workspace already has service cycles; the demo goes into an empty one")
    last_day = end or date.today()
    first_day = last_day - timedelta(days=HISTORY_DAYS - 1)
    group_ids = {name: workspace.add_group(store, name, text) for name, text, _ in GROUPS}
    team_ids = {name: workspace.add_team(store, name, text) for name, text in TEAMS}
    tp_rows = []
    for cycle_index, cycle in enumerate(CYCLES):
        cycle_id = workspace.add_cycle(store, cycle.name, cycle.description)
        for spec in cycle.touchpoints:
            tp_id = workspace.add_touchpoint(
                store,
                cycle_id,
                spec.name,
                spec.moment,
                channel=spec.channel,
                owner_team_id=team_ids[spec.owner],
                group_ids=[group_ids[g] for g in spec.groups],
                standard=spec.standard,
                situation=spec.situation,
                recovery_plan=spec.recovery_plan,
            )
            tp_rows.append((tp_id, cycle_index, cycle.name, spec.name, spec.base, spec.volume))
    tps = pd.DataFrame(tp_rows, columns=["id", "cycle_index", "cycle", "name", "base", "volume"])
    ids_by_name = {(cycle, name): tp_id for tp_id, _, cycle, name, _, _ in tp_rows}
    _add_ideas(store, ids_by_name, last_day)
    _add_plan(store, last_day)
    _add_plan_content(store, ids_by_name, group_ids, last_day)
    _add_impressions(store, tps, group_ids, impressions, seed, first_day)
    flow_demo.add_flow(store, last_day, adopted=last_day - timedelta(days=IMPROVED_DAYS_BEFORE_END), seed=seed)
    return DemoSummary(len(CYCLES), len(tps), impressions, first_day, last_day)


def _add_ideas(store: Store, ids: dict[tuple[str, str], int], last_day: date) -> None:
    for cycle, touchpoint, text, status, votes in IDEAS:
        adopted_on = None
        if (cycle, touchpoint) == IMPROVER and status == "standard":
            adopted_on = last_day - timedelta(days=IMPROVED_DAYS_BEFORE_END)
        elif status != "proposed":
            adopted_on = last_day - timedelta(days=40)
        workspace.add_idea(store, ids[(cycle, touchpoint)], text, status=status, votes=votes, adopted_on=adopted_on)


def _add_plan(store: Store, last_day: date) -> None:
    """The plan as it stands, reached through a little history: every cell that is done or at
    risk was first in progress; changes are spread over the months before the last day."""
    noon = datetime.combine(last_day, time(12))
    for index, (step, moment, status, owner, due_in, notes) in enumerate(PLAN):
        due_on = None if due_in is None else last_day + timedelta(days=due_in)
        if status != "in_progress":
            started = noon - timedelta(days=300 - 9 * index)
            workspace.set_plan_cell(
                store, step, moment, status="in_progress", owner=owner, changed_by=owner, changed_at=started
            )
        changed = noon - timedelta(days=200 - 8 * index)
        workspace.set_plan_cell(
            store,
            step,
            moment,
            status=status,
            owner=owner,
            due_on=due_on,
            notes=notes,
            changed_by=owner,
            changed_at=changed,
        )


def _scales() -> tuple[list[Scale], pd.DataFrame]:
    """Every scale the demo uses: one per cycle's survey, then workshop (-2..2) and manual (1-5)."""
    scales = [cycle.scale for cycle in CYCLES] + [Scale.numeric(-2, 2), Scale.numeric(1, 5)]
    frame = pd.DataFrame(
        {
            "scale_id": np.arange(len(scales), dtype=np.int32),
            "spec": [s.spec for s in scales],
            "low": [s.low for s in scales],
            "high": [s.high for s in scales],
            "labels": [list(s.labels) if s.labels else None for s in scales],
        }
    )
    return scales, frame


def _comments() -> tuple[dict[str, tuple[int, int]], pd.DataFrame]:
    """Comment texts with ids, and for each tone the (first id, count) of its texts."""
    texts: list[str] = []
    ranges: dict[str, tuple[int, int]] = {}
    for tone, pool in COMMENTS.items():
        ranges[tone] = (len(texts), len(pool))
        texts.extend(pool)
    return ranges, pd.DataFrame({"comment_id": np.arange(len(texts), dtype=np.int32), "text": texts})


def _add_impressions(
    store: Store, tps: pd.DataFrame, group_ids: dict[str, int], total: int, seed: int, first_day: date
) -> None:
    scales, scale_frame = _scales()
    comment_ranges, comment_frame = _comments()
    with store.transaction() as cur:
        for chunk_index, start in enumerate(range(0, total, CHUNK_ROWS)):
            rng = np.random.default_rng([seed, chunk_index])
            codes = _chunk(rng, min(CHUNK_ROWS, total - start), tps, group_ids, scales, comment_ranges, first_day)
            insert_coded_impressions(cur, codes, scale_frame, comment_frame, first_day)


def _chunk(
    rng: np.random.Generator,
    n: int,
    tps: pd.DataFrame,
    group_ids: dict[str, int],
    scales: list[Scale],
    comment_ranges: dict[str, tuple[int, int]],
    first_day: date,
) -> pd.DataFrame:
    tp_index = rng.choice(len(tps), size=n, p=(tps["volume"] / tps["volume"].sum()).to_numpy())
    cycle_index = tps["cycle_index"].to_numpy()[tp_index]

    # Days: each cycle has its own seasonal peak, and survey volume grows slowly over time.
    days = np.empty(n, dtype=np.int32)
    day_numbers = np.arange(HISTORY_DAYS)
    day_of_year = np.array([(first_day + timedelta(days=int(d))).timetuple().tm_yday for d in day_numbers])
    for index, cycle in enumerate(CYCLES):
        rows = np.flatnonzero(cycle_index == index)
        weight = (1 + 0.55 * np.cos(2 * np.pi * (day_of_year - cycle.peak_day_of_year) / 365.25)) * (
            1 + 0.4 * day_numbers / HISTORY_DAYS
        )
        days[rows] = rng.choice(HISTORY_DAYS, size=rows.size, p=weight / weight.sum())

    names = [name for name, _, _ in GROUPS]
    group_index = rng.choice(len(GROUPS), size=n, p=[share for _, _, share in GROUPS])
    source = rng.choice(3, size=n, p=[0.94, 0.04, 0.02]).astype(np.int8)

    latent = tps["base"].to_numpy()[tp_index] + rng.normal(0.0, 0.45, size=n)
    tp_names = tps["name"].to_numpy()[tp_index]
    for (touchpoint, group), shift in GROUP_SHIFTS.items():
        latent += np.where((tp_names == touchpoint) & (group_index == names.index(group)), shift, 0.0)
    improver = ids_match(tps, IMPROVER)
    improved_from = HISTORY_DAYS - IMPROVED_DAYS_BEFORE_END
    ramp = np.clip((days - improved_from) / 45.0, 0.0, 1.0)  # the change beds in over six weeks
    latent += np.where(tps["id"].to_numpy()[tp_index] == improver, IMPROVEMENT * ramp, 0.0)
    latent = np.clip(latent, -1.0, 1.0)

    scale_id = np.where(source == 0, cycle_index, np.where(source == 1, len(CYCLES), len(CYCLES) + 1))
    steps = np.array([s.high - s.low for s in scales])[scale_id]
    point = np.rint((latent + 1.0) / 2.0 * steps).astype(np.int16)
    score = point / steps * 2.0 - 1.0

    comment_id = np.full(n, -1, dtype=np.int32)
    commented = rng.random(n) < 0.08
    for tone, mask in (("positive", score > 0), ("neutral", score == 0), ("negative", score < 0)):
        first, count = comment_ranges[tone]
        chosen = commented & mask
        comment_id[chosen] = first + rng.integers(0, count, size=int(chosen.sum()))

    return pd.DataFrame(
        {
            "touchpoint_id": tps["id"].to_numpy()[tp_index].astype(np.int32),
            "day": days,
            "point": point,
            "scale_id": scale_id.astype(np.int32),
            "group_id": np.array([group_ids[name] for name in names], dtype=np.int32)[group_index],
            "source_id": source,
            "comment_id": comment_id,
        }
    )


def ids_match(tps: pd.DataFrame, key: tuple[str, str]) -> int:
    """The id of the touchpoint named ``key = (cycle, touchpoint)``."""
    hit = tps.loc[(tps["cycle"] == key[0]) & (tps["name"] == key[1]), "id"]
    return int(hit.iloc[0])


# --- issue 7: reputation plan ---
# Desired reputation: Homeowners and Landlords for every moment, Business customers only at
# first contact. So "decide the reputation" is proven for Now-or-Never and not yet elsewhere.
STATEMENTS = (
    ("Homeowners", None, "They turn up when they say, explain the job plainly and leave the home tidy."),
    ("Landlords", None, "One call sorts it: quick repairs, clear invoices, no chasing."),
    ("Business customers", "now_or_never", "They answer the first call and quote a firm date."),
)
# Review cadence (days) and days since the last review, for the standards of Make-or-Break.
# The renewal offer's review is overdue.
REVIEWS = (
    ("New installation", "Home survey visit", 90, 30),
    ("New installation", "Written quote", 90, 45),
    ("Repair job", "Diagnosis and price", 180, 60),
    ("Repair job", "Engineer arrival", 30, 10),
    ("Repair job", "Appointment confirmation", 90, 20),
    ("Annual service renewal", "Renewal offer", 60, 75),
    ("New installation", "Website", 180, 20),
)


def _add_plan_content(store: Store, ids: dict[tuple[str, str], int], group_ids: dict[str, int], last_day: date) -> None:
    """What the plan's steps need beyond the map: desired reputation and standard reviews."""
    for group, moment, text in STATEMENTS:
        plan.set_statement(store, group_ids[group], moment, text)
    for cycle, touchpoint, every, ago in REVIEWS:
        plan.set_review(store, ids[(cycle, touchpoint)], every, last_day - timedelta(days=ago))
