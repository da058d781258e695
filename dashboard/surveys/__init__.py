"""What is left of the old survey package: ``reading`` alone, until it moves to ``dashboard.imports``.

Everything else of a survey import lives in ``dashboard.imports``.
"""
