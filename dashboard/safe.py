"""User text shown as text: what people typed comes back as they typed it, and only that.

Names, comments, filter values from a link and ideas reach two renderers that read markup:
Streamlit renders Markdown (with its extensions: ``:material/icon:``, ``:red[colour]``,
``$maths$``, emoji shortcodes, bare links) in headings, captions, alerts, widget labels and
radio or pills options; plotly renders a subset of HTML (``<a href>``, ``<b>``, ``<br>``,
``<span style>``) in tick labels, hover text and annotations. A touchpoint named
``![pix](http://host/x)`` would make every screen that shows it load that image, and a filter
value ``[sign in again](http://host/phish)`` from a shared link would become a working link.

``md`` is for any text Streamlit shows as Markdown; ``chart`` and ``chart_columns`` for any
text a plotly figure shows. Both escape, neither drops: the text reads exactly as typed.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable

import pandas as pd

# Every ASCII punctuation mark may be backslash-escaped in CommonMark, and each escaped one is
# shown as itself. Escaping them all also disarms Streamlit's own syntax (``:`` of icons and
# colours, ``$`` of maths) and bare links (``http\:\/\/`` is no longer a link).
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def md(text: object) -> str:
    """``text`` for a Streamlit heading, caption, alert, label or Markdown: every character that
    could start markup escaped, line breaks as spaces (a label or a heading is one line)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAK.sub(" ", str(text)))


def chart(text: object) -> str:
    """``text`` for a plotly label, hover text or annotation: ``<``, ``>`` and ``&`` as entities,
    which plotly shows as the characters, so no tag in a name becomes a link or a style."""
    return html.escape(str(text), quote=False)


def chart_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``frame`` whose text ``columns`` (those it has) are escaped with ``chart``."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return frame
    return frame.assign(**{column: chart_series(frame[column]) for column in present})


def chart_series(values: pd.Series) -> pd.Series:
    """``chart`` over a column of text, vectorised; missing values stay missing."""
    text = values.astype("string")
    escaped = (
        text.str.replace("&", "&amp;", regex=False)
        .str.replace("<", "&lt;", regex=False)
        .str.replace(">", "&gt;", regex=False)
    )
    return escaped.astype(object).where(values.notna(), None)
