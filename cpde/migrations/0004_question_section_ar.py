"""Questions get their section heading in Arabic too, and the national questionnaire's
sections are given theirs (its questions and choices already had Arabic); members and guests
are listed in dictionary order ("É" with "E")."""

from django.db import migrations, models

import targa.core.ordering

# The sections of 0002_national_questionnaire, as the Arabic results and forms head them.
SECTIONS_AR = {
    "Outils de travail": "أدوات العمل",
    "Connaissances et compétences (1 = très faible, 5 = très bonne)": (
        "المعارف والكفاءات (1 = ضعيفة جدا، 5 = جيدة جدا)"
    ),
    "Besoins en formation": "الحاجيات في مجال التكوين",
}
TITLE = "Besoins en outils de travail et en renforcement des capacités des membres du CPDE"


def fill(apps, schema_editor):
    """Give the national questionnaire's sections their Arabic, where none was written."""
    Question = apps.get_model("cpde", "Question")
    national = Question.objects.filter(
        questionnaire__province__isnull=True, questionnaire__title=TITLE, section_ar=""
    )
    for section, section_ar in SECTIONS_AR.items():
        national.filter(section=section).update(section_ar=section_ar)


class Migration(migrations.Migration):
    dependencies = [("cpde", "0003_recommendation_workflow")]

    operations = [
        migrations.AddField(
            model_name="historicalquestion",
            name="section_ar",
            field=models.CharField(blank=True, max_length=120, verbose_name="section (Arabic)"),
        ),
        migrations.AddField(
            model_name="question",
            name="section_ar",
            field=models.CharField(blank=True, max_length=120, verbose_name="section (Arabic)"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="committeemember",
            options={
                "ordering": [targa.core.ordering.Natural("name"), "id"],
                "verbose_name": "committee member",
                "verbose_name_plural": "committee members",
            },
        ),
        migrations.AlterModelOptions(
            name="guest",
            options={
                "ordering": [targa.core.ordering.Natural("name"), "id"],
                "verbose_name": "guest",
                "verbose_name_plural": "guests",
            },
        ),
    ]
