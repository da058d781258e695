"""The demo business, Northwind Heating, as data: its groups, teams, service cycles with their
touchpoints, the patterns hidden in its impressions, its comments, ideas, plan, desired
reputation and standard reviews. ``dashboard.demo`` turns it into a workspace."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.scales import SATISFACTION, Scale

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
