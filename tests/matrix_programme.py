"""Permission matrix of the programme pages (see tests/matrix_support.py)."""

MATRIX: dict = {}
