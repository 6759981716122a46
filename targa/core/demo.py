"""The demo data of every app, in the order of INSTALLED_APPS (each app declares its seed)."""

from targa.core import registry


def seed_demo(*, stdout=None) -> None:
    """Everything a newcomer needs to try Targa. Safe to run again: nothing is duplicated."""
    for _app, seed in registry.demo_seeds():
        seed(stdout=stdout)
