"""Survey import: reading uploaded files safely, understanding them, and preparing impressions.

The modules here are plain logic (no Streamlit, no SQL):

- ``dates``     the date format of a column (ISO, US and European slash forms, Excel serials).
- ``matching``  touchpoint names as people type them, folded so that spelling variants meet.
- ``answers``   missing-answer tokens and the rating scale a column of answers is on.
- ``pipeline``  the long format: a preview of what an import will record, ready to commit.

Reading the bytes safely is ``dashboard.imports.reading``. The writing itself (one transaction
per import, history, undo) is ``dashboard.store.imports``.
"""

from dashboard.imports.reading import SurveyError

__all__ = ["SurveyError"]
