"""Permission matrix of the cpde pages (see tests/matrix_support.py)."""

MATRIX: dict = {}
