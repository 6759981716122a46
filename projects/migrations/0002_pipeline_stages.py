"""The stages of the project holders' pipeline (DOMAIN.md), named in French and Arabic, in
their default order. Administrators rename and reorder them in the admin."""

from django.db import migrations

# (key, French, Arabic)
STAGES = [
    ("reception", "Accueil et orientation", "الاستقبال والتوجيه"),
    ("eligibility", "Vérification de l'éligibilité", "التحقق من الأهلية"),
    ("maturation", "Maturation de l'idée", "إنضاج الفكرة"),
    ("training", "Formation", "التكوين"),
    ("business_plan", "Plan d'affaires", "مخطط الأعمال"),
    ("technical_committee", "Comité technique", "اللجنة التقنية"),
    ("cpde_opinion", "Avis du CPDE", "رأي اللجنة الإقليمية"),
    ("cpdh_approval", "Approbation du CPDH", "مصادقة اللجنة الإقليمية للتنمية البشرية"),
    ("financing", "Financement", "التمويل"),
    ("created", "Créé", "تم الإحداث"),
    ("follow_up", "Suivi post-création", "التتبع بعد الإحداث"),
    ("graduated", "Autonome", "مستقل"),
    ("dropped", "Abandonné", "متخلى عنه"),
]


def create(apps, schema_editor):
    PipelineStage = apps.get_model("projects", "PipelineStage")
    for order, (key, name_fr, name_ar) in enumerate(STAGES, start=1):
        PipelineStage.objects.update_or_create(
            key=key, defaults={"name_fr": name_fr, "name_ar": name_ar, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
