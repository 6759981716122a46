"""Permission matrix of the value chains' selection pages (see tests/matrix_support.py)."""

MATRIX = []
