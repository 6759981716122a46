"""Permission matrix of the value chains' deliverable pages (see tests/matrix_support.py)."""

MATRIX = []
