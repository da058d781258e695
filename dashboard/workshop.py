"""Workshop sessions, in plain Python: join codes, links and QR codes, the facilitator's steps,
participants and their votes and ideas, and the live distribution of votes on the session's scale.

The facilitator's page and the HTTP API call these same functions; the SQL lives in
``dashboard.store.workshop``. Every change a phone must see (a step, an idea) bumps the
session's version in ``dashboard.notify``, which wakes the phones waiting on it.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pandas as pd
import qrcode

from dashboard import safe, text
from dashboard.notify import NOTIFIER
from dashboard.scales import Scale
from dashboard.store import Store
from dashboard.store import workshop as sql
from dashboard.store.workshop import (
    Participant,
    Session,
    SessionEndedError,
    TouchpointClosedError,
    VoteNotSavedError,
    WorkshopError,
)

__all__ = ["Participant", "Session", "SessionEndedError", "TouchpointClosedError", "VoteNotSavedError", "WorkshopError"]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L)."""
CODE_LENGTH = 8
"""31**8, about 850 billion codes: with failed guesses limited per address (``room.py``), finding
a live one by guessing would take longer than any workshop lasts."""
LEGACY_CODE_LENGTH = 4
"""Sessions started before codes grew keep their four-character code."""
JOIN_PATH = "join"
PARTICIPANT_PATH = "w"
PRESENT_PATH = "present"
MAX_IDEA_LENGTH = 280
MAX_NAME_LENGTH = 60
MAX_IDEAS_PER_PARTICIPANT = 20
IDEAS_WAKE_SECONDS = 1.0
"""How soon phones hear of new ideas and backings: at most one refresh a second for a whole
burst, so a room of 300 backing ideas does not make every phone refetch 300 times."""
STEPS = ("open", "close", "next", "previous", "open_all", "close_all", "reveal", "hide", "end")
"""The facilitator's steps, as the API names them."""


def new_code() -> str:
    """A random join code such as ``K7QMX2PA`` (shown as ``K7QM-X2PA``)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """A code as people read it off the screen, in groups of four: ``K7QM-X2PA``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str | None) -> str | None:
    """The code a person meant (case, spaces and dashes ignored), or None if it cannot be one."""
    if not text:
        return None
    cleaned = re.sub(r"[\s\-]", "", text).upper()
    if len(cleaned) not in (CODE_LENGTH, LEGACY_CODE_LENGTH) or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def new_token() -> str:
    """The secret a participant's browser keeps (in a cookie) to stay the same participant."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """What the workspace keeps of a participant's token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def base_url(page_url: str | None) -> str:
    """The app's address without the page path: ``http://host:8501/workshop`` -> ``http://host:8501``."""
    if not page_url:
        return "http://localhost:8501"
    url = page_url.split("?", 1)[0].rstrip("/")
    head, _, last = url.rpartition("/")
    return head if last and "://" in head else url


def join_link(app_url: str | None, code: str) -> str:
    """The address participants open (and the QR code holds): the light participant page."""
    return f"{base_url(app_url)}/{PARTICIPANT_PATH}/{quote(code)}"


def present_link(app_url: str | None, session: Session) -> str:
    """The presenter view's address: it holds the session's secret, never its counting id."""
    return f"{base_url(app_url)}/{PRESENT_PATH}?key={quote(session.presenter_key)}"


def phone_address(session: Session, facilitator_url: str | None) -> str:
    """The address phones use: the session's own setting, else the one the facilitator's browser used."""
    return base_url(session.phone_url or facilitator_url)


def address_warning(url: str) -> str | None:
    """Why phones could not open ``url``, when its host is this machine only; else None."""
    host = (urlsplit(url).hostname or "").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if loopback:
        return (
            f"Phones cannot reach {host}: it names the phone itself. Set the address for phones to one the room can "
            "reach, such as http://192.168.1.20:8501 or the server's public address."
        )
    return None


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes, black on white with a quiet zone, for a projector."""
    code = qrcode.QRCode(border=2, box_size=10, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer)
    return buffer.getvalue()


# --- the facilitator's steps ----------------------------------------------------------------


def neighbour(order: Sequence[int], current: int | None, step: int) -> int | None:
    """The touchpoint ``step`` places after (or before) the current one; None past either end."""
    if not order:
        return None
    if current is None or current not in order:
        return order[0]
    index = list(order).index(current) + step
    return order[index] if 0 <= index < len(order) else None


def start(
    store: Store, cycle_id: int, touchpoint_ids: Sequence[int], scale: str, title: str = "", phone_url: str = ""
) -> Session:
    """Starts a live session; the scale spec is checked before anything is written."""
    try:
        checked = Scale.parse(scale)
    except ValueError as error:
        raise WorkshopError(str(error)) from error
    return sql.create_session(
        store,
        cycle_id,
        touchpoint_ids,
        checked.spec,
        new_code,
        text.clean_text(title, "title", 120),
        presenter_key=secrets.token_urlsafe(18),
        phone_url=phone_url.strip(),
    )


def start_from(store: Store, earlier_id: int, title: str = "") -> Session:
    """A new live session with an earlier one's cycle, touchpoints and scale."""
    earlier = sql.session(store, earlier_id)
    cycle_id, touchpoint_ids, scale = sql.session_plan(store, earlier_id)
    return start(store, cycle_id, touchpoint_ids, scale, title, earlier.phone_url if earlier else "")


def step_to(store: Store, session: Session, step: int) -> int | None:
    """Moves to the next (+1) or previous (-1) touchpoint and opens it alone; returns it."""
    order = [int(t) for t in sql.session_touchpoints(store, session.id)["touchpoint_id"]]
    target = neighbour(order, session.current_touchpoint_id, step)
    if target is not None:
        sql.show_touchpoint(store, session.id, target)
        NOTIFIER.bump(session.id)
    return target


def apply_step(store: Store, session: Session, action: str) -> None:
    """One of the facilitator's ``STEPS``, from the page or the API alike; the phones hear of it."""
    if action not in STEPS:
        raise WorkshopError(f"unknown step {action!r}; use one of: {', '.join(STEPS)}")
    if action in ("next", "previous"):
        if step_to(store, session, 1 if action == "next" else -1) is None:
            end = "last" if action == "next" else "first"
            raise WorkshopError(f"no {action} touchpoint: the session is at its {end} one")
        return
    if action in ("open", "close"):
        sql.set_open(store, session.id, action == "open", session.current_touchpoint_id)
    elif action in ("open_all", "close_all"):
        sql.set_open(store, session.id, action == "open_all", None)
    elif action in ("reveal", "hide"):
        sql.set_revealed(store, session.id, action == "reveal")
    else:
        sql.end_session(store, session.id)
    NOTIFIER.bump(session.id)


def reopen(store: Store, session_id: int) -> Session:
    found = sql.reopen_session(store, session_id, new_code)
    NOTIFIER.bump(session_id)
    return found


# --- participants ---------------------------------------------------------------------------


def find_session(store: Store, code_text: str | None) -> Session:
    """The live session a code opens; a WorkshopError with a clear message otherwise."""
    code = normalise_code(code_text)
    if code is None:
        raise WorkshopError("That is not a workshop code. Codes have eight letters or digits, like K7QM-X2PA.")
    found = sql.session_by_code(store, code)
    if found is None:
        raise WorkshopError(f"No workshop session has the code {code}. Check the code on the screen.")
    if not found.is_live:
        raise WorkshopError(f"The workshop session {code} has ended. Thank you for taking part!")
    return found


def markdown_safe(text: str) -> str:
    """Text as it was typed, for Markdown (ideas and names on the projector): ``safe.md``."""
    return safe.md(" ".join(str(text).split()))


def votes_text(n: int) -> str:
    """``1 vote``, ``12 votes``."""
    return f"{n:,} vote" if n == 1 else f"{n:,} votes"


def clean_name(name: str) -> str:
    """A participant's optional name: empty stays empty, anything else follows the house rule for names."""
    if not name.strip():
        return ""
    try:
        return text.clean_name(name, "participant", MAX_NAME_LENGTH)
    except ValueError as error:
        raise WorkshopError(str(error)) from error


def join(store: Store, session: Session, name: str = "", group_id: int | None = None) -> tuple[Participant, str]:
    """A new participant of a live session and the secret token their browser keeps."""
    token = new_token()
    return sql.join(store, session.id, token_hash(token), clean_name(name), group_id), token


async def join_async(
    store: Store, session: Session, name: str = "", group_id: int | None = None
) -> tuple[Participant, str]:
    """``join`` for an event loop (the group commit is awaited without a thread)."""
    token = new_token()
    return await sql.join_async(store, session.id, token_hash(token), clean_name(name), group_id), token


def participant_of(store: Store, token: str) -> Participant | None:
    """The participant a browser's token stands for, if any."""
    return sql.participant(store, token_hash(token)) if token else None


def vote(
    store: Store, session: Session, participant: Participant, touchpoint_id: int, answer: str | None
) -> str | None:
    """Records a participant's answer on the session's scale (None withdraws it); returns the
    scale point stored (``"4"`` for an answer of ``" 4 "``)."""
    point, score = _point(session, answer)
    sql.record_vote(store, participant.id, touchpoint_id, point, score)
    return point


async def vote_async(
    store: Store, session: Session, participant: Participant, touchpoint_id: int, answer: str | None
) -> str | None:
    """``vote`` for an event loop: waits for the group commit without holding a thread."""
    point, score = _point(session, answer)
    await sql.record_vote_async(store, participant.id, touchpoint_id, point, score)
    return point


def _point(session: Session, answer: str | None) -> tuple[str | None, float | None]:
    """The scale point and score an answer stands for (None, None for a withdrawal)."""
    if answer is None:
        return None, None
    scale = Scale.parse(session.scale)
    try:
        score = scale.normalise(answer)
    except ValueError as error:
        raise WorkshopError(str(error)) from error
    return scale.points[round((score + 1) / 2 * (len(scale.points) - 1))], score


def propose(store: Store, participant: Participant, touchpoint_id: int, idea: str) -> int:
    """Adds a participant's idea (at most ``MAX_IDEAS_PER_PARTICIPANT`` each); the wall hears of it."""
    found = sql.propose_idea(
        store, participant.id, touchpoint_id, _idea_text(idea), participant.name, limit=MAX_IDEAS_PER_PARTICIPANT
    )
    NOTIFIER.bump(participant.session_id, IDEAS_WAKE_SECONDS)
    return found


async def propose_async(store: Store, participant: Participant, touchpoint_id: int, idea: str) -> int:
    """``propose`` for an event loop (the group commit is awaited without a thread)."""
    found = await sql.propose_idea_async(
        store, participant.id, touchpoint_id, _idea_text(idea), participant.name, limit=MAX_IDEAS_PER_PARTICIPANT
    )
    NOTIFIER.bump(participant.session_id, IDEAS_WAKE_SECONDS)
    return found


def _idea_text(idea: str) -> str:
    try:
        cleaned = " ".join(text.clean_text(idea, "idea", MAX_IDEA_LENGTH).split())
    except ValueError as error:
        raise WorkshopError(str(error)) from error
    if not cleaned:
        raise WorkshopError("Write the idea first.")
    return cleaned


def back(store: Store, participant: Participant, idea_id: int, in_favour: bool) -> None:
    """Backs (or stops backing) another participant's idea; the wall hears of it."""
    sql.vote_for_idea(store, participant.id, idea_id, in_favour)
    NOTIFIER.bump(participant.session_id, IDEAS_WAKE_SECONDS)


async def back_async(store: Store, participant: Participant, idea_id: int, in_favour: bool) -> None:
    """``back`` for an event loop (the group commit is awaited without a thread)."""
    await sql.vote_for_idea_async(store, participant.id, idea_id, in_favour)
    NOTIFIER.bump(participant.session_id, IDEAS_WAKE_SECONDS)


def hide_idea(store: Store, session_id: int, idea_id: int, hidden: bool = True) -> None:
    """The facilitator takes an idea off the wall (or puts it back)."""
    sql.set_hidden(store, session_id, idea_id, hidden)
    NOTIFIER.bump(session_id)


# --- what the room sees -----------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """Votes per scale point (every point, worst first) and the mean on -1..+1."""

    points: tuple[str, ...]
    votes: tuple[int, ...]
    mean: float

    @property
    def total(self) -> int:
        return sum(self.votes)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"point": list(self.points), "votes": list(self.votes)})


def distribution(scale_spec: str, tally: pd.DataFrame) -> Distribution:
    """Spreads a tally (``raw_value, votes, total``) over every point of the scale."""
    scale = Scale.parse(scale_spec)
    counts = dict(zip(tally["raw_value"].astype(str), tally["votes"].astype(int), strict=True))
    votes = tuple(int(counts.get(point, 0)) for point in scale.points)
    n = int(tally["votes"].sum()) if len(tally) else 0
    mean = float(tally["total"].sum()) / n if n else math.nan
    return Distribution(scale.points, votes, mean)


def session_labels(sessions: pd.DataFrame) -> dict[int, str]:
    """How each session reads in a picker: ``"K7QM · Repair job · Front desk · live · 12 votes"``
    (the title only when it has one). ``sessions`` is ``store.workshop.sessions``."""
    title = sessions["title"].fillna("").astype(str)
    label = (
        sessions["code"]
        + " · "
        + sessions["cycle"]
        + title.where(title == "", " · " + title)
        + " · "
        + sessions["status"]
        + " · "
        + sessions["votes"].astype(str)
        + " votes"
    )
    return dict(zip(sessions["id"].astype(int).tolist(), label, strict=True))
