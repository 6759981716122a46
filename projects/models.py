"""Models of the projects app; they arrive with the issue that builds it."""
