"""The territories come from the 2024 census package, complete and idempotent."""

from decimal import Decimal

import pytest

from provinces.models import Cercle, Commune, Province, Region
from provinces.territories import load_territories, youth_count

pytestmark = pytest.mark.django_db


def test_all_units_of_the_2024_census_are_loaded():
    assert Region.objects.count() == 12
    assert Province.objects.count() == 83
    assert Cercle.objects.count() == 213
    assert Commune.objects.count() == 1503


def test_khenifra_has_its_hcp_code_arabic_name_and_hierarchy():
    khenifra = Province.objects.get(code="05.301")
    assert khenifra.name_fr == "Khénifra"
    assert khenifra.name_ar == "خنيفرة"
    assert khenifra.region.code == "05"
    assert khenifra.kind == Province.Kind.PROVINCE
    assert khenifra.population == 370240
    assert khenifra.cercles.count() == 3
    assert khenifra.communes.count() == 22
    el_kbab = Cercle.objects.get(code="05.301.03")
    assert el_kbab.name_fr == "El Kbab"
    assert el_kbab.communes.filter(kind=Commune.Kind.RURAL).count() == el_kbab.communes.count()


def test_urban_communes_belong_to_no_cercle():
    urban = Commune.objects.filter(kind=Commune.Kind.URBAN)
    assert urban.exists()
    assert not urban.filter(cercle__isnull=False).exists()
    assert not Commune.objects.filter(kind=Commune.Kind.RURAL, cercle__isnull=True).exists()


def test_population_by_sex_and_youth_are_filled_for_every_province():
    khenifra = Province.objects.get(code="05.301")
    assert khenifra.population_men == 179743
    assert khenifra.population_women == 188220
    # 179,743 × (8.3 + 6.6 + 5.6 + 6.2) % = 47,991.4 → 47,991
    assert khenifra.youth_men == 47991
    assert khenifra.youth_women == round(188220 * Decimal("27.1") / 100)
    assert not Province.objects.filter(youth_men__isnull=True).exists()
    assert khenifra.unemployment_rate == Decimal("27.7")


def test_youth_is_derived_from_age_band_shares():
    row = {
        "population_municipal": 1000,
        "age_15_19": 10,
        "age_20_24": 10.5,
        "age_25_29": 9,
        "age_30_34": 0.5,
    }
    assert youth_count(row) == 300
    assert youth_count({**row, "age_30_34": None}) is None
    assert youth_count(None) is None


def test_second_load_changes_nothing():
    report = load_territories()
    assert not report.changed_anything
    assert report.unchanged == {"region": 12, "province": 83, "cercle": 213, "commune": 1503}


def test_load_repairs_a_unit_edited_by_hand():
    Province.objects.filter(code="05.301").update(name_ar="خطأ", population=1)
    report = load_territories()
    assert report.updated["province"] == 1
    assert Province.objects.get(code="05.301").name_ar == "خنيفرة"
