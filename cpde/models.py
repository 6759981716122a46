"""Models of the cpde app; they arrive with the issue that builds it."""
