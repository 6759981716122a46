"""Models of the valuechains app; they arrive with the issue that builds it."""
