"""Why a workshop write was refused: one module that the session, vote and idea SQL and the
group commit all import (so none of them has to import another for its errors)."""


class WorkshopError(ValueError):
    """A workshop action that cannot happen now (ended session, closed touchpoint, bad code)."""


class SessionEndedError(WorkshopError):
    """The session has ended: nothing more can be written to it."""


class TouchpointClosedError(WorkshopError):
    """The touchpoint is not open for votes now."""
