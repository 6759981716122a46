"""The sectors and the national selection criteria of value chains, with their weights.

Sectors as the field diagnostics name them (seed 000: "l'agriculture, l'agro alimentation, les
produits forestiers, l'artisanat, le tourisme"), and local products; criteria and weights of
the ValueLinks selection (market potential, the poor, young people and women who could earn
from it, growth, existing organisations, fit with the territory). Administrators change them
in the admin; coordinators adjust the weights of their province.
"""

from decimal import Decimal

from django.db import migrations

# (code, French, Arabic)
SECTORS = [
    ("agriculture", "Agriculture", "الفلاحة"),
    ("agro-food", "Agroalimentaire", "الصناعة الغذائية"),
    ("forest-products", "Produits forestiers", "المنتجات الغابوية"),
    ("crafts", "Artisanat", "الصناعة التقليدية"),
    ("tourism", "Tourisme", "السياحة"),
    ("local-products", "Produits du terroir", "المنتجات المحلية"),
]

# (code, French, Arabic, what a high score means, national weight)
CRITERIA = [
    (
        "market",
        "Potentiel de marché",
        "إمكانات السوق",
        "Une demande solide et croissante, des débouchés accessibles aux producteurs locaux.",
        Decimal("25"),
    ),
    (
        "inclusion",
        "Jeunes et femmes pouvant en tirer un revenu",
        "الشباب والنساء الذين يمكنهم تحقيق دخل منها",
        "Beaucoup de jeunes et de femmes, parmi les plus démunis, peuvent y travailler et en vivre.",
        Decimal("25"),
    ),
    (
        "growth",
        "Potentiel de croissance",
        "إمكانات النمو",
        "La production, la transformation et la valeur ajoutée peuvent augmenter nettement.",
        Decimal("20"),
    ),
    (
        "organisations",
        "Organisations existantes",
        "التنظيمات القائمة",
        "Des coopératives, associations et interprofessions actives sur lesquelles s'appuyer.",
        Decimal("15"),
    ),
    (
        "territory",
        "Ancrage dans le territoire",
        "الارتباط بالمجال الترابي",
        "Le produit valorise les ressources, les savoir-faire et l'image du territoire.",
        Decimal("15"),
    ),
]


def create(apps, schema_editor):
    Sector = apps.get_model("valuechains", "Sector")
    Criterion = apps.get_model("valuechains", "Criterion")
    for order, (code, fr, ar) in enumerate(SECTORS, start=1):
        Sector.objects.get_or_create(
            code=code, defaults={"name_fr": fr, "name_ar": ar, "order": order}
        )
    for order, (code, fr, ar, description, weight) in enumerate(CRITERIA, start=1):
        Criterion.objects.get_or_create(
            code=code,
            defaults={
                "name_fr": fr,
                "name_ar": ar,
                "description": description,
                "weight": weight,
                "order": order,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("valuechains", "Criterion").objects.filter(scores__isnull=True).delete()
    apps.get_model("valuechains", "Sector").objects.filter(chains__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("valuechains", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
