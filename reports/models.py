"""Models of the reports app; they arrive with the issue that builds it."""
