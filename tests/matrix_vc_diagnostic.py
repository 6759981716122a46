"""Permission matrix of the value chains' diagnostic pages (see tests/matrix_support.py)."""

MATRIX = []
