"""Kept only for ``dashboard.surveys.reading`` until it moves to ``dashboard.imports.reading``.

The one text fold is ``dashboard.text.key``; delete this module when the reader has moved.
"""

from dashboard.text import key as fold_key

__all__ = ["fold_key"]
