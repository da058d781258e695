"""File import, in the order a file travels: read the bytes safely (``reading``: size, zip and
XML checks, encoding, delimiter, sheets, and the caps on cells, rows and time that keep hostile
files out), recognise the layout, map columns to touchpoints, groups, dates and comments,
interpret the answers, turn them into rows, check each row, and commit. Plain logic only: no
Streamlit, and no SQL outside ``dashboard.store``.
"""
