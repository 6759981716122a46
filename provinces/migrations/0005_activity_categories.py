"""The activity categories of the provincial progress report (seed 000)."""

from django.db import migrations

CATEGORIES = [
    ("launch_meeting", "Réunion de lancement", "اجتماع الإطلاق"),
    ("chronogram", "Élaboration du chronogramme", "إعداد الجدول الزمني للأنشطة"),
    (
        "recommendation_follow_up",
        "Réunion de suivi des recommandations",
        "اجتماع تتبع التوصيات",
    ),
    ("field_diagnostic", "Diagnostic de terrain", "التشخيص الميداني"),
    (
        "provider_meeting",
        "Réunion avec les prestataires et plateformes des jeunes",
        "اجتماع مع مقدمي الخدمات ومنصات الشباب",
    ),
    ("field_visit", "Visite de terrain", "زيارة ميدانية"),
    ("cpde_meeting", "Réunion du CPDE", "اجتماع اللجنة الإقليمية للتنمية الاقتصادية"),
    ("needs_questionnaire", "Questionnaire des besoins", "استمارة تحديد الحاجيات"),
    ("value_chain_diagnostic", "Diagnostic des chaînes de valeur", "تشخيص سلاسل القيمة"),
    ("deliverable_handover", "Remise de livrable", "تسليم المخرجات"),
    ("training", "Formation", "تكوين"),
    ("focus_group", "Focus group", "مجموعة نقاش مركزة"),
    ("advocacy", "Plaidoyer", "الترافع"),
]


def load(apps, schema_editor):
    ActivityCategory = apps.get_model("provinces", "ActivityCategory")
    for order, (code, name_fr, name_ar) in enumerate(CATEGORIES, start=1):
        ActivityCategory.objects.update_or_create(
            code=code, defaults={"name_fr": name_fr, "name_ar": name_ar, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("provinces", "0004_programme")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
