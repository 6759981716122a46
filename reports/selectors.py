"""Reads that gather figures from every app, through what the apps declare (the registry)."""

from dataclasses import dataclass

from targa.core import registry


@dataclass(frozen=True)
class ShownAlert:
    key: str
    n: int
    template: str


def province_alerts(province_ids: list[int]) -> dict[int, list[ShownAlert]]:
    """What is late in each province: one aggregate query per declared alert, whatever the
    number of provinces; alerts with nothing late are left out. The rules are the apps' own
    (e.g. `Activity.objects.late()`), called by the counts they declare."""
    shown: dict[int, list[ShownAlert]] = {pk: [] for pk in province_ids}
    for alert in registry.home_alerts():
        counts = alert.count(province_ids)
        for pk in province_ids:
            if counts.get(pk):
                shown[pk].append(ShownAlert(alert.key, counts[pk], alert.template))
    return shown
