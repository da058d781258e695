"""Briefings, session reports and digests: what leaves the app for people who do not open it.

``figures`` gathers the Overview's figures for a scope, ``content`` turns them into slides
(title, text, a chart, a table, speaker notes), and ``deck`` / ``pdf`` lay the same slides out
as a PPTX or a PDF. ``session_report`` does the same for a workshop session, and ``digest``
writes and sends the emails. Plain logic: no Streamlit; SQL stays in ``dashboard/store``.
"""

from __future__ import annotations


class BriefingError(ValueError):
    """Nothing to brief on, or bad input: the message says what to change. No file is left behind."""
