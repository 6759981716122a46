"""The national questionnaire on the CPDE members' working tools and training needs.

Texts are data, in French with Arabic, as the field teams ask them (seed 000: "identification
des besoins en matière d'outils de travail et en renforcement des capacités").
"""

from django.db import migrations

TITLE = "Besoins en outils de travail et en renforcement des capacités des membres du CPDE"
TITLE_AR = "حاجيات أعضاء اللجنة الإقليمية للتنمية الاقتصادية من أدوات العمل وتقوية القدرات"
DESCRIPTION = (
    "Questionnaire national rempli par chaque membre du CPDE (ou par son institution). "
    "Échelles : 1 = très faible, 5 = très bonne."
)

TOOLS = "Outils de travail"
KNOWLEDGE = "Connaissances et compétences (1 = très faible, 5 = très bonne)"
TRAINING = "Besoins en formation"

# (section, kind, French, Arabic, [(choice French, choice Arabic), …])
QUESTIONS = [
    (
        TOOLS,
        "single",
        "Disposez-vous d'un ordinateur pour le travail du CPDE ?",
        "هل تتوفرون على حاسوب للقيام بمهامكم داخل اللجنة؟",
        [
            ("Oui, un ordinateur personnel", "نعم، حاسوب شخصي"),
            ("Oui, un ordinateur partagé au bureau", "نعم، حاسوب مشترك في المكتب"),
            ("Non", "لا"),
        ],
    ),
    (
        TOOLS,
        "single",
        "Avez-vous un accès régulier à Internet ?",
        "هل لديكم ولوج منتظم إلى الإنترنت؟",
        [
            ("Oui, au bureau et sur le téléphone", "نعم، في المكتب وعلى الهاتف"),
            ("Au bureau seulement", "في المكتب فقط"),
            ("Sur le téléphone seulement", "على الهاتف فقط"),
            ("Non", "لا"),
        ],
    ),
    (
        TOOLS,
        "multiple",
        "Quels outils utilisez-vous dans votre travail ?",
        "ما هي الأدوات التي تستعملونها في عملكم؟",
        [
            ("Messagerie électronique", "البريد الإلكتروني"),
            ("Tableur (Excel)", "جداول البيانات (Excel)"),
            ("Traitement de texte (Word)", "معالجة النصوص (Word)"),
            ("Visioconférence", "الاجتماعات عن بعد"),
            ("WhatsApp et réseaux sociaux", "واتساب ووسائل التواصل الاجتماعي"),
            ("Aucun", "لا شيء"),
        ],
    ),
    (
        KNOWLEDGE,
        "scale",
        "Connaissance des procédures de l'INDH (phase III, programme 3)",
        "معرفة مساطر المبادرة الوطنية للتنمية البشرية (المرحلة الثالثة، البرنامج الثالث)",
        [],
    ),
    (
        KNOWLEDGE,
        "scale",
        "Connaissance de l'approche chaînes de valeur (ValueLinks)",
        "معرفة مقاربة سلاسل القيمة (ValueLinks)",
        [],
    ),
    (
        KNOWLEDGE,
        "scale",
        "Maîtrise de l'étude et de l'évaluation des projets",
        "التمكن من دراسة وتقييم المشاريع",
        [],
    ),
    (
        KNOWLEDGE,
        "scale",
        "Maîtrise du suivi-évaluation",
        "التمكن من التتبع والتقييم",
        [],
    ),
    (
        KNOWLEDGE,
        "scale",
        "Connaissance de l'économie sociale et solidaire (ESS)",
        "معرفة الاقتصاد الاجتماعي والتضامني",
        [],
    ),
    (
        KNOWLEDGE,
        "scale",
        "Maîtrise de l'approche genre",
        "التمكن من مقاربة النوع الاجتماعي",
        [],
    ),
    (
        KNOWLEDGE,
        "scale",
        "Maîtrise de la communication et du plaidoyer",
        "التمكن من التواصل والترافع",
        [],
    ),
    (
        KNOWLEDGE,
        "scale",
        "Connaissance de l'accompagnement des porteurs de projets (pré et post-création)",
        "معرفة مواكبة حاملي المشاريع (قبل الإحداث وبعده)",
        [],
    ),
    (
        TRAINING,
        "multiple",
        "Sur quels thèmes souhaitez-vous être formé(e) ?",
        "ما هي المواضيع التي ترغبون في التكوين حولها؟",
        [
            ("Procédures de l'INDH", "مساطر المبادرة الوطنية للتنمية البشرية"),
            ("Chaînes de valeur (ValueLinks)", "سلاسل القيمة (ValueLinks)"),
            ("Étude et évaluation de projets", "دراسة وتقييم المشاريع"),
            ("Suivi-évaluation", "التتبع والتقييم"),
            ("Économie sociale et solidaire", "الاقتصاد الاجتماعي والتضامني"),
            ("Approche genre", "مقاربة النوع الاجتماعي"),
            ("Communication et plaidoyer", "التواصل والترافع"),
            ("Outils informatiques", "الأدوات المعلوماتية"),
            ("Montage financier et accès au financement", "التركيب المالي والولوج إلى التمويل"),
        ],
    ),
    (
        TRAINING,
        "single",
        "Quel format de formation préférez-vous ?",
        "ما هي صيغة التكوين التي تفضلونها؟",
        [
            ("Atelier en présentiel", "ورشة حضورية"),
            ("Formation à distance", "تكوين عن بعد"),
            ("Formation mixte (présentiel et à distance)", "تكوين مختلط (حضوري وعن بعد)"),
            ("Visite d'échange sur le terrain", "زيارة ميدانية لتبادل التجارب"),
        ],
    ),
    (
        TRAINING,
        "single",
        "Quelle durée vous convient le mieux ?",
        "ما هي المدة التي تناسبكم أكثر؟",
        [
            ("Une demi-journée", "نصف يوم"),
            ("Une journée", "يوم واحد"),
            ("Deux à trois jours", "يومان إلى ثلاثة أيام"),
        ],
    ),
    (
        TRAINING,
        "text",
        "Autres besoins ou remarques",
        "حاجيات أو ملاحظات أخرى",
        [],
    ),
]


def create(apps, schema_editor):
    Questionnaire = apps.get_model("cpde", "Questionnaire")
    Question = apps.get_model("cpde", "Question")
    QuestionChoice = apps.get_model("cpde", "QuestionChoice")
    if Questionnaire.objects.filter(province__isnull=True, title=TITLE).exists():
        return
    questionnaire = Questionnaire.objects.create(
        title=TITLE, title_ar=TITLE_AR, description=DESCRIPTION, is_open=True
    )
    for order, (section, kind, text, text_ar, choices) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            questionnaire=questionnaire,
            order=order,
            section=section,
            kind=kind,
            text=text,
            text_ar=text_ar,
        )
        QuestionChoice.objects.bulk_create(
            QuestionChoice(question=question, order=i, label_fr=fr, label_ar=ar)
            for i, (fr, ar) in enumerate(choices, start=1)
        )


def remove(apps, schema_editor):
    Questionnaire = apps.get_model("cpde", "Questionnaire")
    Questionnaire.objects.filter(province__isnull=True, title=TITLE, responses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cpde", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
