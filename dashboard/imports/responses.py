"""What a response is: the answers one respondent gave at one time, which share one comment.

A survey tool's export says it outright (one respondent per row: ``Options.respondent_rows``).
The long format, one answer per row, does not; ``long_responses`` infers it. The store keeps a
response's comment once (``dashboard.store.impressions.attach_responses``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def long_responses(frame: pd.DataFrame) -> np.ndarray:
    """Which rows of a long-format file are one response: a number per row.

    The long format has no respondent, so a response is inferred: rows with the same day,
    stakeholder group and (non-blank) comment are one respondent's answers, as a wide survey
    turned into the long format writes them. Each respondent rates a touchpoint once, so the
    nth rating of a touchpoint within such a set goes to the nth response: two people who wrote
    the same words on the same day stay two responses. A row without a comment is a response
    of its own (nothing ties it to others).
    """
    count = len(frame)
    comment = frame["comment"].astype("string")
    commented = (comment.notna() & (comment.str.strip() != "")).to_numpy(dtype=bool, na_value=False)
    numbers = np.arange(count, dtype=np.int64) + count  # apart from every shared number below
    if commented.any():
        keys = pd.DataFrame(
            {
                "day": frame["observed_on"].to_numpy()[commented],
                "group": frame["group_id"].to_numpy(dtype=np.int64, na_value=0)[commented],
                "comment": comment.to_numpy()[commented],
                "touchpoint": frame["touchpoint_id"].to_numpy()[commented],
            }
        )
        keys["nth"] = keys.groupby(["day", "group", "comment", "touchpoint"], sort=False).cumcount()
        numbers[commented] = keys.groupby(["day", "group", "comment", "nth"], sort=False).ngroup().to_numpy()
    return numbers
