"""Workshop sessions, in plain Python: join codes, links and QR codes, stepping through
touchpoints, and the live distribution of votes on the session's scale.

Pages call these functions; the SQL lives in ``dashboard.store.workshop``.
"""

from __future__ import annotations

import io
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
import qrcode

from dashboard import safe
from dashboard.scales import Scale
from dashboard.store import Store
from dashboard.store import workshop as sql
from dashboard.store.workshop import Participant, Session, WorkshopError

__all__ = ["Participant", "Session", "WorkshopError"]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L)."""
CODE_LENGTH = 4
JOIN_PATH = "join"
PRESENT_PATH = "present"
MAX_IDEA_LENGTH = 280
MAX_NAME_LENGTH = 60


def new_code() -> str:
    """A random join code such as ``K7QM``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str | None:
    """The code a person meant (case, spaces and dashes ignored), or None if it cannot be one."""
    if not text:
        return None
    cleaned = re.sub(r"[\s\-]", "", text).upper()
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def new_token() -> str:
    """The secret a participant's browser keeps to stay the same participant across reloads."""
    return secrets.token_urlsafe(16)


def base_url(page_url: str | None) -> str:
    """The app's address without the page path: ``http://host:8501/workshop`` -> ``http://host:8501``."""
    if not page_url:
        return "http://localhost:8501"
    url = page_url.split("?", 1)[0].rstrip("/")
    head, _, last = url.rpartition("/")
    return head if last and "://" in head else url


def join_link(app_url: str | None, code: str) -> str:
    """The address participants open (and the QR code holds)."""
    return f"{base_url(app_url)}/{JOIN_PATH}?{urlencode({'code': code})}"


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


def start(store: Store, cycle_id: int, touchpoint_ids: Sequence[int], scale: str, title: str = "") -> Session:
    """Starts a live session; the scale spec is checked before anything is written."""
    checked = Scale.parse(scale)
    return sql.create_session(store, cycle_id, touchpoint_ids, checked.spec, new_code, title.strip())


def step_to(store: Store, session: Session, step: int) -> int | None:
    """Moves to the next (+1) or previous (-1) touchpoint and opens it alone; returns it."""
    order = [int(t) for t in sql.session_touchpoints(store, session.id)["touchpoint_id"]]
    target = neighbour(order, session.current_touchpoint_id, step)
    if target is not None:
        sql.show_touchpoint(store, session.id, target)
    return target


def reopen(store: Store, session_id: int) -> Session:
    return sql.reopen_session(store, session_id, new_code)


# --- participants ---------------------------------------------------------------------------


def find_session(store: Store, code_text: str | None) -> Session:
    """The live session a code opens; a WorkshopError with a clear message otherwise."""
    code = normalise_code(code_text)
    if code is None:
        raise WorkshopError("That is not a workshop code. Codes have four letters or digits, like K7QM.")
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
    return " ".join(name.split())[:MAX_NAME_LENGTH]


def vote(store: Store, session: Session, participant: Participant, touchpoint_id: int, answer: str | None) -> None:
    """Records a participant's answer on the session's scale (None withdraws it)."""
    if answer is None:
        sql.record_vote(store, participant.id, touchpoint_id, None, None)
        return
    scale = Scale.parse(session.scale)
    try:
        score = scale.normalise(answer)
    except ValueError as error:
        raise WorkshopError(str(error)) from error
    point = scale.points[round((score + 1) / 2 * (len(scale.points) - 1))]
    sql.record_vote(store, participant.id, touchpoint_id, point, score)


def propose(store: Store, participant: Participant, touchpoint_id: int, text: str) -> int:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise WorkshopError("Write the idea first.")
    if len(cleaned) > MAX_IDEA_LENGTH:
        raise WorkshopError(f"Keep the idea under {MAX_IDEA_LENGTH} characters.")
    return sql.propose_idea(store, participant.id, touchpoint_id, cleaned, participant.name)


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
