"""Demo project holders for the five convention provinces: a few hundred holders each, named in
both scripts, the province's calls and structures, and the holders' projects moved through the
pipeline by the services as the teams would: the field agent receives the holder, the
coordinator moves the project, the committees decide. Every stage holds some, in a funnel,
with some dropped (and a couple resumed), over the last eighteen months. Then the
accompaniment: the province's sessions of the last twelve months (trainings, coaching,
workshops, focus groups, remote follow-ups) with the holders at or past the training stage on
the day, and one to four post-creation visits to each created project, a few of them overdue.

Safe to run again: a province that already has holders is left as it is.
"""

import datetime
import random
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from projects import services
from projects.models import (
    VISITED_STAGES,
    Call,
    Decision,
    DropReason,
    Holder,
    IncomeChange,
    PipelineStage,
    Project,
    Session,
    SessionKind,
    Stage,
    Structure,
    StructureKind,
    Visit,
    age_on,
    stage_order,
)
from provinces.demo import PROGRAMME_PROVINCES
from provinces.models import Commune, Province, Sex, Stakeholder
from targa.core.models import User
from targa.core.records import record_create
from valuechains.models import Chain, Sector

AGENTS = {"05.301": "agent.khenifra", "02.251": "agent.figuig"}
COORDINATORS = {"05.301": "coord.khenifra", "03.131": "coord.khenifra"}

SPAN_DAYS = 540  # how far back the demo's pipeline goes: about eighteen months
WITH_PROJECT = 0.88  # share of holders who have a project
WOMEN = 0.45

COOP, ASSOC = StructureKind.COOPERATIVE, StructureKind.ASSOCIATION
AE, SE = StructureKind.AUTO_ENTREPRENEUR, StructureKind.SMALL_ENTERPRISE
R = DropReason
DAY = datetime.timedelta(days=1)

# Names: (Latin, Arabic), the same person in both scripts.
WOMEN_NAMES = [
    ("Fatima Zahra", "فاطمة الزهراء"), ("Fatima", "فاطمة"), ("Khadija", "خديجة"),
    ("Aicha", "عائشة"), ("Meryem", "مريم"), ("Salma", "سلمى"), ("Imane", "إيمان"),
    ("Hanane", "حنان"), ("Nadia", "نادية"), ("Samira", "سميرة"), ("Latifa", "لطيفة"),
    ("Naima", "نعيمة"), ("Zineb", "زينب"), ("Hajar", "هاجر"), ("Sanae", "سناء"),
    ("Asmae", "أسماء"), ("Houda", "هدى"), ("Karima", "كريمة"), ("Loubna", "لبنى"),
    ("Siham", "سهام"), ("Soukaina", "سكينة"), ("Oumaima", "أميمة"), ("Kawtar", "كوثر"),
    ("Ikram", "إكرام"), ("Nora", "نورة"), ("Nisrine", "نسرين"), ("Hind", "هند"),
    ("Rachida", "رشيدة"), ("Malika", "مليكة"), ("Saida", "سعيدة"), ("Najat", "نجاة"),
    ("Btissam", "ابتسام"), ("Wafae", "وفاء"), ("Safae", "صفاء"), ("Ghizlane", "غزلان"),
    ("Chaimae", "شيماء"), ("Hasnae", "حسناء"), ("Yasmine", "ياسمين"), ("Amal", "أمل"),
    ("Hayat", "حياة"), ("Jamila", "جميلة"), ("Mounia", "منية"), ("Rajae", "رجاء"),
    ("Souad", "سعاد"), ("Touria", "ثريا"), ("Khaoula", "خولة"), ("Ilham", "إلهام"),
    ("Sara", "سارة"), ("Nawal", "نوال"), ("Laila", "ليلى"), ("Halima", "حليمة"),
    ("Amina", "أمينة"), ("Hafsa", "حفصة"), ("Douae", "دعاء"), ("Kenza", "كنزة"),
]  # fmt: skip
MEN_NAMES = [
    ("Mohamed", "محمد"), ("Ahmed", "أحمد"), ("Youssef", "يوسف"), ("Hamza", "حمزة"),
    ("Omar", "عمر"), ("Ayoub", "أيوب"), ("Mehdi", "المهدي"), ("Yassine", "ياسين"),
    ("Anas", "أنس"), ("Hicham", "هشام"), ("Rachid", "رشيد"), ("Said", "سعيد"),
    ("Abdelaziz", "عبد العزيز"), ("Abdellah", "عبد الله"), ("Abderrahim", "عبد الرحيم"),
    ("Abdelkader", "عبد القادر"), ("Mustapha", "مصطفى"), ("Karim", "كريم"), ("Khalid", "خالد"),
    ("Driss", "إدريس"), ("Hassan", "حسن"), ("Houssine", "الحسين"), ("Brahim", "إبراهيم"),
    ("Ismail", "إسماعيل"), ("Jamal", "جمال"), ("Nabil", "نبيل"), ("Tarik", "طارق"),
    ("Adil", "عادل"), ("Aziz", "عزيز"), ("Mourad", "مراد"), ("Othmane", "عثمان"),
    ("Soufiane", "سفيان"), ("Zakaria", "زكرياء"), ("Ilyas", "إلياس"), ("Amine", "أمين"),
    ("Reda", "رضى"), ("Badr", "بدر"), ("Issam", "عصام"), ("Walid", "وليد"),
    ("Younes", "يونس"), ("Noureddine", "نور الدين"), ("Redouane", "رضوان"),
    ("Abdelilah", "عبد الإله"), ("Larbi", "العربي"), ("Lahcen", "لحسن"),
    ("Mohammed Amine", "محمد أمين"), ("Abdessamad", "عبد الصمد"), ("Bilal", "بلال"),
    ("Marouane", "مروان"), ("Imad", "عماد"), ("Hamid", "حميد"), ("Taha", "طه"),
    ("Jawad", "جواد"),
]  # fmt: skip
FAMILY_NAMES = [
    ("Benali", "بنعلي"), ("Alaoui", "العلوي"), ("Amrani", "العمراني"), ("Idrissi", "الإدريسي"),
    ("Bennani", "بناني"), ("Tazi", "التازي"), ("El Fassi", "الفاسي"), ("Berrada", "برادة"),
    ("Chraibi", "الشرايبي"), ("Bouzidi", "البوزيدي"), ("Lahlou", "لحلو"), ("Naciri", "الناصري"),
    ("Kettani", "الكتاني"), ("Mansouri", "المنصوري"), ("Benjelloun", "بنجلون"),
    ("Haddad", "الحداد"), ("Filali", "الفيلالي"), ("Rami", "الرامي"), ("Belhaj", "بلحاج"),
    ("Benmoussa", "بنموسى"), ("Bakkali", "البقالي"), ("Saidi", "السعيدي"),
    ("Cherkaoui", "الشرقاوي"), ("El Khattabi", "الخطابي"), ("Fikri", "فكري"),
    ("Daoudi", "الداودي"), ("Rahmouni", "الرحموني"), ("Karimi", "الكريمي"), ("Sabri", "صبري"),
    ("Jabri", "الجابري"), ("Tahiri", "الطاهري"), ("Ghazali", "الغزالي"), ("Lamrani", "لمراني"),
    ("El Ouafi", "الوافي"), ("Rifi", "الريفي"), ("Hamdaoui", "الحمداوي"), ("Bennis", "بنيس"),
    ("Benkirane", "بنكيران"), ("Aouad", "عواد"), ("Boukhari", "البخاري"), ("Chafik", "شفيق"),
    ("Sefrioui", "الصفريوي"), ("Belkadi", "بلقاضي"), ("El Hachimi", "الهاشمي"),
    ("Mernissi", "المرنيسي"), ("Ait Taleb", "آيت الطالب"), ("Benchekroun", "بنشقرون"),
    ("Tounsi", "التونسي"), ("Qadiri", "القادري"), ("Ennaji", "الناجي"), ("Ouali", "الوالي"),
    ("Harrak", "الحراق"), ("Moutaouakil", "المتوكل"), ("Skalli", "السقالي"),
]  # fmt: skip


@dataclass(frozen=True)
class Idea:
    title: str
    sector: str  # a Sector's code
    forms: tuple[str, ...]  # planned legal forms, the likeliest first
    cost: tuple[int, int]  # MAD
    chain_words: tuple[str, ...] = ()  # a chain of the province whose product holds one
    activity: str = ""  # the ACTIVITIES key of the structures it may belong to
    women: bool = False  # mostly carried by women


# Ideas heard in every province.
IDEAS = [
    Idea("Atelier de couture et de broderie", "crafts", (AE, COOP), (30_000, 150_000),
         activity="sewing", women=True),
    Idea("Couscous et pâtes artisanales roulés à la main", "agro-food", (COOP, AE),
         (50_000, 250_000), activity="couscous", women=True),
    Idea("Pâtisserie traditionnelle et gâteaux marocains", "agro-food", (AE,), (30_000, 120_000),
         women=True),
    Idea("Apiculture moderne : 50 ruches et un extracteur", "local-products", (AE, COOP),
         (50_000, 180_000), ("miel",), "honey"),
    Idea("Élevage caprin : 30 chèvres et une chèvrerie", "agriculture", (AE, COOP),
         (60_000, 220_000), activity="goats"),
    Idea("Élevage de poulets fermiers (beldi)", "agriculture", (AE,), (25_000, 120_000)),
    Idea("Œufs de poules élevées en plein air", "agriculture", (AE,), (40_000, 160_000)),
    Idea("Unité de séchage de plantes aromatiques et médicinales", "forest-products", (COOP,),
         (120_000, 400_000), ("plantes",), "herbs", women=True),
    Idea("Tissage de tapis traditionnels", "crafts", (COOP, AE), (40_000, 200_000),
         ("tapis", "tissage"), "weaving", women=True),
    Idea("Savon artisanal et cosmétiques naturels", "local-products", (COOP, AE),
         (30_000, 150_000), women=True),
    Idea("Boulangerie et four traditionnel de quartier", "agro-food", (AE, SE),
         (60_000, 220_000)),
    Idea("Menuiserie : ruches, portes et meubles en bois", "crafts", (AE, SE), (60_000, 250_000)),
    Idea("Vannerie en palmier nain (doum)", "crafts", (COOP, AE), (20_000, 80_000), women=True),
    Idea("Engraissement d'agneaux pour l'Aïd", "agriculture", (AE,), (80_000, 300_000),
         ("ovine",), "sheep"),
    Idea("Unité de fabrication d'aliments de bétail", "agriculture", (SE, AE),
         (150_000, 400_000)),
    Idea("Gîte rural et accueil des randonneurs", "tourism", (SE, AE), (150_000, 400_000),
         ("tourisme",), "tourism"),
]  # fmt: skip

# Ideas of each province's own products, heard more often there.
PROVINCE_IDEAS = {
    "02.251": [
        Idea("Conditionnement et vente de dattes Aziza de Figuig", "agriculture", (COOP,),
             (100_000, 350_000), ("dattes",), "dates"),
        Idea("Pâte et sirop de dattes", "agriculture", (COOP, AE), (60_000, 250_000),
             ("dattes",), "dates", women=True),
        Idea("Pépinière de rejets de palmiers dattiers", "agriculture", (AE, COOP),
             (80_000, 300_000), ("dattes",), "dates"),
        Idea("Transformation de lait de chamelle : pasteurisation et fromage", "agro-food",
             (COOP, SE), (120_000, 400_000), activity="camel_milk"),
        Idea("Tissage de burnous et de haïks en laine", "crafts", (COOP, AE), (30_000, 150_000),
             ("laine", "tissage"), "weaving", women=True),
        Idea("Maison d'hôtes dans le ksar", "tourism", (SE, AE), (200_000, 400_000)),
        Idea("Élevage ovin de race Béni Guil", "agriculture", (AE, COOP), (80_000, 300_000),
             activity="sheep"),
    ],
    "03.131": [
        Idea("Concassage et conditionnement d'amandes", "agriculture", (COOP,),
             (100_000, 350_000), ("amande",), "almonds"),
        Idea("Plantation d'amandiers au goutte-à-goutte", "agriculture", (AE, COOP),
             (80_000, 300_000), ("amande",), "almonds"),
        Idea("Collecte et séchage du romarin", "forest-products", (COOP,), (60_000, 250_000),
             ("plantes",), "herbs", women=True),
        Idea("Distillation d'huile essentielle d'armoise blanche (chih)", "forest-products",
             (COOP, SE), (150_000, 400_000), ("plantes",), "herbs"),
        Idea("Tapis de Marmoucha en laine naturelle", "crafts", (COOP, AE), (30_000, 180_000),
             activity="weaving", women=True),
        Idea("Engraissement d'ovins de race Timahdite", "agriculture", (AE,),
             (80_000, 300_000), activity="sheep"),
    ],
    "01.405": [
        Idea("Unité de trituration d'olives", "agro-food", (COOP, SE), (200_000, 400_000),
             ("olive",), "olive"),
        Idea("Olives de table en saumure", "agro-food", (COOP, AE), (50_000, 200_000),
             ("olive",), "olive", women=True),
        Idea("Figues sèches et confiture de figues", "agro-food", (COOP, AE), (40_000, 200_000),
             ("figue",), "figs", women=True),
        Idea("Tapis et couvertures en laine d'Ouezzane", "crafts", (COOP, AE),
             (30_000, 180_000), ("tapis",), "weaving", women=True),
        Idea("Fromage de chèvre fermier", "agro-food", (AE, COOP), (50_000, 200_000),
             activity="goats", women=True),
        Idea("Poterie traditionnelle", "crafts", (AE, COOP), (30_000, 150_000)),
    ],
    "05.301": [
        Idea("Miel de thym et d'euphorbe conditionné en pots", "local-products", (COOP, AE),
             (50_000, 200_000), ("miel",), "honey"),
        Idea("Huile d'olive conditionnée en bouteilles", "agro-food", (COOP,),
             (80_000, 300_000), ("olive",), "olive"),
        Idea("Engraissement d'ovins de race Timahdite", "agriculture", (AE, COOP),
             (80_000, 300_000), ("ovine",), "sheep"),
        Idea("Gîte d'étape près d'Aguelmam Azegza", "tourism", (SE, AE), (200_000, 400_000),
             ("tourisme",), "tourism"),
        Idea("Tissage de tapis zayanes (hanbel)", "crafts", (COOP,), (30_000, 180_000),
             activity="weaving", women=True),
        Idea("Plantes aromatiques des forêts de cèdres : collecte et séchage",
             "forest-products", (COOP,), (60_000, 250_000), activity="herbs", women=True),
    ],
    "06.467": [
        Idea("Centre de collecte et de refroidissement du lait", "agriculture", (COOP,),
             (150_000, 400_000), ("lait",), "milk"),
        Idea("Élevage de vaches laitières (cinq vaches)", "agriculture", (AE,),
             (100_000, 350_000), ("lait",), "milk"),
        Idea("Produits laitiers fermiers : lben, raïb et jben", "agro-food", (COOP, AE),
             (50_000, 250_000), activity="milk", women=True),
        Idea("Maraîchage sous serre : tomate et poivron", "agriculture", (AE, COOP),
             (100_000, 400_000), ("maraichage",), "vegetables"),
        Idea("Conditionnement de légumes pour les marchés de Casablanca", "agriculture",
             (SE, COOP), (150_000, 400_000), ("maraichage",), "vegetables"),
        Idea("Élevage de dindes", "agriculture", (AE,), (50_000, 200_000)),
    ],
}  # fmt: skip

# What a structure does: its name's end in both scripts, its sector, mostly women or not.
ACTIVITIES = {
    "honey": ("pour le miel", "للعسل", "local-products", False),
    "herbs": ("pour les plantes aromatiques et médicinales", "للنباتات العطرية والطبية",
              "forest-products", True),
    "weaving": ("pour le tissage", "للنسيج", "crafts", True),
    "couscous": ("pour le couscous", "للكسكس", "agro-food", True),
    "goats": ("pour l'élevage caprin", "لتربية الماعز", "agriculture", False),
    "sheep": ("pour l'élevage ovin", "لتربية الأغنام", "agriculture", False),
    "olive": ("pour l'huile d'olive", "لزيت الزيتون", "agro-food", False),
    "dates": ("pour les dattes", "للتمور", "agriculture", False),
    "milk": ("pour le lait", "للحليب", "agriculture", False),
    "camel_milk": ("pour le lait de chamelle", "لحليب النوق", "agro-food", False),
    "sewing": ("pour la couture et la broderie", "للخياطة والطرز", "crafts", True),
    "almonds": ("pour les amandes", "للوز", "agriculture", False),
    "figs": ("pour les figues", "للتين", "agro-food", True),
    "vegetables": ("pour le maraîchage", "للخضروات", "agriculture", False),
}  # fmt: skip
ASSOCIATIONS = [
    ("Association {} pour le développement et la solidarité", "جمعية {} للتنمية والتضامن", ""),
    ("Association {} des femmes rurales", "جمعية {} للمرأة القروية", "sewing"),
    ("Association {} pour le tourisme rural", "جمعية {} للسياحة القروية", "tourism"),
]
STRUCTURE_NAMES = [
    ("Al Amal", "الأمل"), ("Nour", "النور"), ("Al Baraka", "البركة"), ("Al Wafae", "الوفاء"),
    ("Annahda", "النهضة"), ("Al Khair", "الخير"), ("Tifawin", "تيفاوين"),
    ("Tamaynout", "تماينوت"), ("Itran", "إيتران"),
]  # fmt: skip


@dataclass(frozen=True)
class Region:
    """What differs between the provinces: the names people bear there, the CIN letters,
    the places structures are named after, what the structures do."""

    women: list[tuple[str, str]]
    men: list[tuple[str, str]]
    families: list[tuple[str, str]]
    cin_letters: tuple[str, ...]
    places: list[tuple[str, str]]
    activities: tuple[str, ...]
    local_weight: int = 3  # how much likelier the local names are than the common ones
    ideas: list[Idea] = field(default_factory=list)


MIDDLE_ATLAS_WOMEN = [
    ("Itto", "إيطو"), ("Touda", "تودة"), ("Ijja", "إجة"), ("Yamna", "يامنة"), ("Hadda", "حادة"),
    ("Mimouna", "ميمونة"), ("Fadma", "فاضمة"), ("Tiziri", "تيزيري"), ("Dihya", "ديهيا"),
    ("Tilelli", "تيليلي"),
]  # fmt: skip
MIDDLE_ATLAS_MEN = [
    ("Moha", "موحى"), ("Hmad", "أحماد"), ("Mimoun", "ميمون"), ("Assou", "عسو"),
    ("Haddou", "حدو"), ("Bassou", "باسو"), ("Idir", "إيدير"), ("Yuba", "يوبا"),
    ("Amnay", "أمناي"), ("Aksel", "أكسل"),
]  # fmt: skip

REGIONS = {
    "05.301": Region(
        MIDDLE_ATLAS_WOMEN,
        MIDDLE_ATLAS_MEN,
        [("Ouhammou", "أوحمو"), ("Zayani", "الزياني"), ("Amharoq", "أمهروق"),
         ("Oulhaj", "أولحاج"), ("Ouaziz", "أوعزيز"), ("Bouhaddou", "بوحدو"),
         ("Ouhadi", "أوهادي"), ("Ait Lahcen", "آيت لحسن"), ("Akhiat", "أخيات"),
         ("Ouakrim", "أوكريم"), ("Oubella", "أوبلا"), ("Ait Ouaarab", "آيت وعراب")],
        ("V", "VA"),
        [("Tighza", "تيغزى"), ("Ajdir", "أجدير"), ("Aguelmous", "أكلموس"),
         ("Oum Rabia", "أم الربيع"), ("Lehri", "لهري")],
        ("honey", "honey", "olive", "weaving", "sheep", "herbs", "couscous", "goats"),
        local_weight=4,
    ),
    "03.131": Region(
        MIDDLE_ATLAS_WOMEN,
        MIDDLE_ATLAS_MEN,
        [("Youssi", "اليوسي"), ("Marmouchi", "المرموشي"), ("Aouragh", "أوراغ"),
         ("Ait Said", "آيت سعيد"), ("Benhaddou", "بنحدو"), ("Ouchen", "أوشن"),
         ("Ait Ali", "آيت علي")],
        ("CD", "CN"),
        [("Missour", "ميسور"), ("Marmoucha", "مرموشة"), ("Enjil", "انجيل"),
         ("Talzemt", "تالزمت"), ("Moulouya", "ملوية")],
        ("almonds", "almonds", "herbs", "herbs", "weaving", "sheep", "couscous", "honey"),
    ),
    "02.251": Region(
        [("Tiziri", "تيزيري"), ("Dihya", "ديهيا"), ("Mimouna", "ميمونة"), ("Yamna", "يامنة"),
         ("Fadma", "فاضمة"), ("Hadda", "حادة")],
        [("Mimoun", "ميمون"), ("Idir", "إيدير"), ("Yuba", "يوبا"), ("Belkacem", "بلقاسم"),
         ("Boujemaa", "بوجمعة"), ("Abdelhak", "عبد الحق")],
        [("Boudchiche", "بودشيش"), ("Figuigui", "الفكيكي"), ("Zenagui", "الزناكي"),
         ("Oudaghiri", "الوداغيري"), ("Abidi", "العبيدي"), ("Mimouni", "الميموني"),
         ("Guili", "الكيلي"), ("Bouanani", "البوعناني")],
        ("FB", "FG"),
        [("Zenaga", "زناكة"), ("Oudaghir", "أوداغير"), ("Bouarfa", "بوعرفة"),
         ("Tendrara", "تندرارة"), ("Talsint", "تالسينت")],
        ("dates", "dates", "camel_milk", "weaving", "couscous", "sewing", "sheep", "herbs"),
    ),
    "01.405": Region(
        [("Fatna", "فاطنة"), ("Rahma", "رحمة"), ("Zohra", "الزهرة"), ("Aouatif", "عواطف"),
         ("Chama", "شامة")],
        [("Abdeslam", "عبد السلام"), ("Mfaddal", "المفضل"), ("Lahbib", "الحبيب"),
         ("Mokhtar", "المختار"), ("Abdelhadi", "عبد الهادي")],
        [("Ouazzani", "الوزاني"), ("Rhouni", "الرهوني"), ("Ghzaoui", "الغزاوي"),
         ("Chefchaouni", "الشفشاوني"), ("Mesbahi", "المصباحي"), ("Laaroussi", "العروسي"),
         ("Masmoudi", "المصمودي"), ("Zerouali", "الزروالي")],
        ("LB", "GM"),
        [("Zoumi", "زومي"), ("Masmouda", "مصمودة"), ("Brikcha", "ابريكشة"),
         ("Asjen", "اسجن"), ("Bni Quolla", "بني كلة")],
        ("olive", "olive", "figs", "weaving", "goats", "couscous", "sewing", "herbs"),
    ),
    "06.467": Region(
        [("Fatna", "فاطنة"), ("Hadda", "حادة"), ("Rahma", "رحمة"), ("Mbarka", "مباركة"),
         ("Zohra", "الزهرة")],
        [("Bouchaib", "بوشعيب"), ("Miloud", "الميلود"), ("Salah", "صالح"),
         ("Abdelkbir", "عبد الكبير"), ("Mhamed", "امحمد"), ("Jilali", "الجيلالي")],
        [("Doukkali", "الدكالي"), ("Bouazzaoui", "البوعزاوي"), ("Haddaoui", "الحداوي"),
         ("Bouhmidi", "البوحميدي"), ("Hilali", "الهلالي"), ("Ghandouri", "الغندوري"),
         ("Zemmouri", "الزموري")],
        ("MC", "NB"),
        [("Zemamra", "الزمامرة"), ("Bni Hilal", "بني هلال"), ("Laaounate", "لعونات"),
         ("Oulad Amrane", "أولاد عمران"), ("Doukkala", "دكالة")],
        ("milk", "milk", "vegetables", "couscous", "sewing", "sheep", "goats", "honey"),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class CallDemo:
    kind: str
    title: str  # {} is the province's name
    opens_on: datetime.date
    closes_on: datetime.date
    age: tuple[int | None, int | None] = (None, None)
    rate: tuple[int, int] = (60, 90)
    cap: int | None = None
    structures: bool = False  # for cooperatives and associations: the rules on members


D = datetime.date
CALLS = [
    CallDemo(Call.Kind.CALL_FOR_PROJECTS, "Appel à projets Programme III 2025 – {}",
             D(2025, 6, 2), D(2025, 9, 30), (18, 45), cap=100_000),
    CallDemo(Call.Kind.IDEA_CONTEST, "Concours d'idées des jeunes 2025 – {}",
             D(2025, 11, 3), D(2026, 1, 16), (18, 35), cap=300_000),
    CallDemo(Call.Kind.CALL_FOR_PROJECTS, "Appel à projets ESS 2026 : coopératives et "
             "associations – {}", D(2026, 3, 2), D(2026, 6, 30), rate=(60, 80), cap=300_000,
             structures=True),
    CallDemo(Call.Kind.CALL_FOR_PROJECTS, "Appel à projets Programme III 2026 – {}",
             D(2026, 9, 1), D(2026, 12, 31), (18, 45), cap=100_000),
]  # fmt: skip

# The share of projects at each stage (percent): a funnel, as in the field (Khénifra 2019–2021:
# 4,308 holders received, 650 accompanied to creation, 67 projects financed), and some dropped.
FUNNEL = {
    Stage.RECEPTION: 18, Stage.ELIGIBILITY: 15, Stage.MATURATION: 12, Stage.TRAINING: 11,
    Stage.BUSINESS_PLAN: 8, Stage.TECHNICAL_COMMITTEE: 5, Stage.CPDE_OPINION: 3,
    Stage.CPDH_APPROVAL: 3, Stage.FINANCING: 4, Stage.CREATED: 3, Stage.FOLLOW_UP: 4,
    Stage.GRADUATED: 2, Stage.DROPPED: 12,
}  # fmt: skip
# Days a project usually spends at a stage before it moves on.
STAY = {
    Stage.RECEPTION: (3, 21), Stage.ELIGIBILITY: (5, 30), Stage.MATURATION: (10, 45),
    Stage.TRAINING: (15, 45), Stage.BUSINESS_PLAN: (20, 60),
    Stage.TECHNICAL_COMMITTEE: (10, 40), Stage.CPDE_OPINION: (10, 45),
    Stage.CPDH_APPROVAL: (15, 50), Stage.FINANCING: (20, 70), Stage.CREATED: (15, 40),
    Stage.FOLLOW_UP: (150, 300),
}  # fmt: skip
COMMITTEES = (Stage.TECHNICAL_COMMITTEE, Stage.CPDE_OPINION, Stage.CPDH_APPROVAL)
# Where dropped projects were dropped (weights), and why (reason, comment).
DROPPED_AT = {
    Stage.RECEPTION: 10, Stage.ELIGIBILITY: 25, Stage.MATURATION: 15, Stage.TRAINING: 15,
    Stage.BUSINESS_PLAN: 12, Stage.TECHNICAL_COMMITTEE: 6, Stage.CPDE_OPINION: 3,
    Stage.CPDH_APPROVAL: 4, Stage.FINANCING: 5, Stage.CREATED: 2, Stage.FOLLOW_UP: 3,
}  # fmt: skip
ACCOMPANIMENT_DROPS = [
    (R.NO_LONGER_INTERESTED, ""),
    (R.FOUND_JOB, "A trouvé un emploi salarié."),
    (R.MOVED_AWAY, "Parti travailler en Espagne."),
    (R.NOT_VIABLE, "Marché local trop étroit pour l'activité."),
    (R.UNREACHABLE, "Ne répond plus au téléphone depuis deux mois."),
    (R.OTHER, "Raisons familiales."),
]
WHY_DROPPED = {
    Stage.RECEPTION: [
        (R.UNREACHABLE, ""),
        (R.NO_LONGER_INTERESTED, ""),
        (R.MOVED_AWAY, "Parti travailler à Casablanca."),
    ],
    Stage.ELIGIBILITY: [
        (R.NOT_ELIGIBLE, "Âge au-delà de la limite de l'appel."),
        (R.NOT_ELIGIBLE, "Ne réside pas dans la province."),
        (R.NOT_ELIGIBLE, "Déjà bénéficiaire d'un financement INDH."),
        (R.UNREACHABLE, ""),
    ],
    Stage.MATURATION: ACCOMPANIMENT_DROPS,
    Stage.TRAINING: ACCOMPANIMENT_DROPS,
    Stage.BUSINESS_PLAN: ACCOMPANIMENT_DROPS,
    Stage.FINANCING: [
        (R.NO_OWN_CONTRIBUTION, "N'a pas pu réunir l'apport personnel."),
        (R.NO_LONGER_INTERESTED, ""),
    ],
    Stage.CREATED: [(R.CLOSED, "Local fermé faute de clients."), (R.MOVED_AWAY, "")],
    Stage.FOLLOW_UP: [
        (R.CLOSED, "Activité arrêtée après la perte du cheptel."),
        (R.CLOSED, "Local fermé faute de clients."),
    ],
}
COMMITTEE_REFUSALS = [
    (R.REFUSED, "Avis défavorable : activité déjà très présente dans la commune."),
    (R.NOT_VIABLE, "Rentabilité insuffisante selon le plan d'affaires."),
]
RESERVATIONS = {
    Stage.TECHNICAL_COMMITTEE: "Favorable sous réserve d'un devis actualisé du matériel.",
    Stage.CPDE_OPINION: "Favorable sous réserve de l'autorisation sanitaire de l'ONSSA.",
    Stage.CPDH_APPROVAL: "Approuvé ; la subvention est ramenée au plafond de l'appel.",
}
SENT_BACK = {
    Stage.ELIGIBILITY: "Dossier incomplet : copie de la CIN et attestation de résidence.",
    Stage.BUSINESS_PLAN: "Suivre d'abord le module de gestion financière.",
    Stage.TECHNICAL_COMMITTEE: "Revoir l'étude de marché et le plan de financement.",
    Stage.CPDE_OPINION: "Le CPDE demande l'avis de la Direction provinciale de l'agriculture.",
}
# Drops the holder came back from: (reason, why dropped, why resumed).
RESUMED = [
    (R.FOUND_JOB, "Contrat saisonnier dans les fermes du Souss.",
     "Revenu à la fin de son contrat : reprise de l'accompagnement."),
    (R.UNREACHABLE, "Injoignable pendant l'été.",
     "Revenu à la plateforme des jeunes : reprise du dossier."),
    (R.NO_OWN_CONTRIBUTION, "Apport personnel pas encore réuni.",
     "Apport personnel réuni grâce à un microcrédit."),
]  # fmt: skip

EDUCATION = {
    Holder.Education.NONE: 5, Holder.Education.PRIMARY: 10, Holder.Education.MIDDLE: 15,
    Holder.Education.SECONDARY: 15, Holder.Education.BACCALAUREATE: 20,
    Holder.Education.VOCATIONAL: 17, Holder.Education.UNIVERSITY: 18,
}  # fmt: skip
EMPLOYMENT = {
    Holder.Employment.UNEMPLOYED: 45, Holder.Employment.STUDENT: 8,
    Holder.Employment.INFORMAL: 20, Holder.Employment.EMPLOYED: 5,
    Holder.Employment.SELF_EMPLOYED: 10, Holder.Employment.INACTIVE: 12,
}  # fmt: skip
CHANNELS = {
    Holder.Channel.YOUTH_PLATFORM: 35, Holder.Channel.FIELD_VISIT: 20,
    Holder.Channel.IDEA_CONTEST: 10, Holder.Channel.PARTNER: 10, Holder.Channel.WALK_IN: 10,
    Holder.Channel.MEDIA: 8, Holder.Channel.DIASPORA: 4, Holder.Channel.OTHER: 3,
}  # fmt: skip
MAIL_DOMAINS = ["gmail.com", "gmail.com", "hotmail.com", "yahoo.fr", "outlook.fr"]

# The accompaniment ---------------------------------------------------------------------------

SESSION_DAYS = 365  # the sessions go back about twelve months
S = SessionKind


@dataclass(frozen=True)
class Topic:
    """A session the teams hold: its topic, who may lead it ("" is the province's field
    agent), the organisation of the province they come from (an acronym, or "platform" for
    the youth platform), how long it lasts, what the notes say, whether cooperatives come."""

    kind: str
    topic: str
    trainers: tuple[str, ...]
    provider: str = ""
    hours: tuple[float, float] = (2, 4)
    notes: str = ""
    structures: bool = False


TOPICS = [
    Topic(S.TRAINING, "Élaboration du plan d'affaires", ("Naima El Idrissi", "Youssef Berrada"),
          "ANAPEC", (4, 6), "Étude de marché, plan de financement et compte de résultat "
          "prévisionnel ; chaque porteur repart avec son canevas à compléter."),
    Topic(S.TRAINING, "Gestion financière d'une coopérative", ("Abdellah Tazi", "Latifa Amrani"),
          "ODCO", (3, 5), "Livre de caisse, prix de revient, répartition des excédents entre "
          "les membres.", structures=True),
    Topic(S.TRAINING, "Marketing et vente en ligne", ("Salma Chraibi", "Mehdi Kettani"), "",
          (3, 4), "Photographier ses produits, tenir une page professionnelle, répondre aux "
          "commandes sur WhatsApp."),
    Topic(S.TRAINING, "Hygiène et normes ONSSA", ("Dr Karim Lahlou (ONSSA)",), "", (3, 5),
          "Bonnes pratiques d'hygiène, traçabilité des lots, dossier d'autorisation sanitaire."),
    Topic(S.TRAINING, "Comptabilité simplifiée et tenue de caisse", ("Hanane Bennis",), "ANAPEC",
          (3, 4), "Exercices sur les achats et les ventes d'un mois type."),
    Topic(S.TRAINING, "Statut de l'auto-entrepreneur : inscription, impôts et couverture sociale",
          ("Hicham Naciri",), "CRI", (2, 3), "Inscription au registre national, déclaration "
          "trimestrielle du chiffre d'affaires, AMO."),
    Topic(S.COACHING, "Étude de marché et prix de vente", ("", "Meryem Sabri"), "platform",
          (1, 2), "Relevé des prix de trois concurrents au souk ; prix de vente revu."),
    Topic(S.COACHING, "Préparation du passage devant le comité technique",
          ("", "Naima El Idrissi"), "platform", (1, 2),
          "Présentation répétée ; devis du matériel à actualiser."),
    Topic(S.COACHING, "Tableau de bord des ventes après la création", ("Salma Chraibi", ""), "",
          (1, 2), "Cahier des ventes et des dépenses mis en place."),
    Topic(S.WORKSHOP, "Atelier pratique : emballage, étiquetage et code-barres",
          ("Salma Chraibi",), "", (3, 4), "Maquette d'étiquette bilingue faite pour chaque "
          "coopérative.", structures=True),
    Topic(S.WORKSHOP, "Gouvernance de la coopérative et assemblée générale",
          ("Abdellah Tazi", "Latifa Amrani"), "ODCO", (2, 3), "Rôle du conseil "
          "d'administration, procès-verbal d'assemblée, registre des membres.", structures=True),
    Topic(S.WORKSHOP, "Accès aux marchés : salons, grandes surfaces, commerce en ligne",
          ("Mehdi Kettani",), "CRI", (3, 4), "Stand et fiche produit préparés pour le salon "
          "régional.", structures=True),
    Topic(S.WORKSHOP, "Plan d'action de la coopérative : activités, responsables, échéances",
          ("", "Latifa Amrani"), "", (2, 4), "Revue des actions du mois écoulé ; échéances du "
          "mois prochain fixées.", structures=True),
    Topic(S.FOCUS_GROUP, "Idées de projets des jeunes de la commune", ("", "Meryem Sabri"),
          "platform", (2, 3), "Idées recensées par filière ; les plus mûres orientées vers "
          "l'appel à projets."),
    Topic(S.FOCUS_GROUP, "Freins à l'entrepreneuriat des femmes", ("Meryem Sabri",), "", (2, 3),
          "Mobilité, garde des enfants et accès au crédit cités en premier."),
    Topic(S.FOCUS_GROUP, "Besoins de formation des porteurs accompagnés", ("",), "platform",
          (2, 3), "Demandes : comptabilité, vente en ligne, normes sanitaires."),
    Topic(S.PHONE, "Avancement du dossier et pièces manquantes", ("",), "", (0.25, 0.5),
          "Attestation de résidence et devis encore attendus."),
    Topic(S.PHONE, "Ventes du mois et difficultés", ("",), "", (0.25, 0.5),
          "Ventes en hausse ; transport vers le souk difficile à trouver."),
    Topic(S.VIDEO, "Suivi du plan d'action de la coopérative", ("", "Latifa Amrani"), "",
          (0.5, 1.5), "Point sur les actions en retard ; prochain point dans deux semaines.",
          structures=True),
    Topic(S.VIDEO, "Préparation du salon régional des produits du terroir", ("Mehdi Kettani",),
          "", (0.5, 1), "Produits et quantités à apporter ; transport partagé."),
]  # fmt: skip
SESSION_KINDS = {S.TRAINING: 35, S.COACHING: 15, S.WORKSHOP: 20, S.FOCUS_GROUP: 10, S.PHONE: 12,
                 S.VIDEO: 8}  # fmt: skip
PRESENT = {S.TRAINING: (4, 12), S.COACHING: (1, 2), S.WORKSHOP: (2, 6), S.FOCUS_GROUP: (5, 10),
           S.PHONE: (1, 1), S.VIDEO: (1, 3)}  # fmt: skip
ADVISERS = ["Hajar Ouali", "Anas Fikri", "Siham Rami"]  # field agents with no demo account

OVERDUE_SHARE = 0.2  # of the projects followed up after creation, visited long ago
OBSERVATIONS = {
    "agriculture": [
        "Cheptel en bonne santé ; la bergerie a été agrandie.",
        "Premières ventes au souk hebdomadaire ; le porteur tient un cahier des ventes.",
        "Matériel installé et en service ; deux clients réguliers en ville.",
    ],
    "agro-food": [
        "Local aménagé et équipé ; production chaque semaine.",
        "Produits vendus dans deux épiceries et sur commande par téléphone.",
        "Hygiène du local correcte ; étiquettes bilingues sur les emballages.",
    ],
    "crafts": [
        "Atelier en activité ; commandes d'une boutique de Fès.",
        "Deux ouvrières formées ; production régulière.",
        "Pièces exposées à la foire provinciale ; bon accueil des visiteurs.",
    ],
    "tourism": [
        "Chambres prêtes ; premiers groupes de randonneurs accueillis.",
        "Réservations par deux agences de Fès et de Beni Mellal.",
    ],
    "local-products": [
        "Production conditionnée en pots et en flacons étiquetés.",
        "Vente au salon régional des produits du terroir ; stock presque écoulé.",
    ],
    "forest-products": [
        "Séchoir en service ; récolte de la saison stockée à l'abri.",
        "Contrat de vente signé avec une coopérative de commercialisation.",
    ],
}
DIFFICULTIES = [
    "Trésorerie tendue : des clients paient à la fin du mois.",
    "Prix des intrants et des emballages en hausse.",
    "Concurrence de produits vendus moins cher au souk.",
    "Transport vers les marchés coûteux depuis le douar.",
    "Autorisation sanitaire de l'ONSSA toujours en attente.",
    "Panne d'un équipement ; pièce commandée à Casablanca.",
    "",
]
NEXT_STEPS = [
    "Ouvrir un compte bancaire professionnel.",
    "Participer au salon régional des produits du terroir.",
    "Déposer le dossier d'autorisation sanitaire à l'ONSSA.",
    "Suivre la formation « Marketing et vente en ligne ».",
    "Chercher un deuxième point de vente en ville.",
    "Préparer une demande de microcrédit pour le fonds de roulement.",
    "Recruter une personne de plus pour la saison.",
]
LAST_VISIT = (
    "Activité autonome : ventes régulières, comptes tenus.",
    "Fin de l'accompagnement post-création ; le projet reste en contact avec la plateforme.",
)
INCOME = {IncomeChange.INCREASED: 60, IncomeChange.STABLE: 30, IncomeChange.DECREASED: 10}


def _log(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def seed(
    *, stdout=None, provinces: Iterable[str] | None = None, holders: int | None = None
) -> None:
    """Add the demo holders and projects of each programme province (or of `provinces`, HCP
    codes) that has no holder yet: about `holders` each (settings.DEMO_HOLDERS_PER_PROVINCE
    by default), with the province's sessions (one for eight holders, at least one of each
    kind) and the visits to its created projects, in the same transaction."""
    holders = holders or settings.DEMO_HOLDERS_PER_PROVINCE
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    if not PipelineStage.objects.exists():  # a flushed database (a browser test's) lost them
        from importlib import import_module

        from django.apps import apps

        import_module("projects.migrations.0002_pipeline_stages").create(apps, None)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[*AGENTS.values(), *COORDINATORS.values()])
    }
    taken = set(Holder.objects.exclude(cin="").values_list("cin", flat=True))
    for code in provinces or PROGRAMME_PROVINCES:
        province = Province.objects.filter(code=code).first()
        if province is None or Holder.objects.filter(province=province).exists():
            continue
        agent = users.get(AGENTS.get(code, ""), admin)
        coordinator = users.get(COORDINATORS.get(code, ""), admin)
        with transaction.atomic():
            made = ProvinceSeed(
                province, agent=agent, coordinator=coordinator, taken=taken, holders=holders
            ).run()
        _log(stdout, f"Project holders demo data: {province.name_fr} ({made} holders)")
    # Then some of the cooperatives just made get their capacity plan.
    from projects import demo_plans

    demo_plans.seed(stdout=stdout, provinces=provinces)


def _plain(text: str) -> str:
    """Lower case without accents or spaces, as in an e-mail address or a match on words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _round(amount: float, step: int = 500) -> Decimal:
    return Decimal(int(amount // step) * step)


@dataclass
class Move:
    to: str
    days: int  # after the move before
    decision: str = ""
    comment: str = ""
    reason: str = ""


class ProvinceSeed:
    """One province's holders, structures, calls and projects, from a generator seeded by its
    code: the same demo on every run (dates relative to today)."""

    def __init__(
        self, province: Province, *, agent: User, coordinator: User, taken: set[str], holders: int
    ):
        self.province, self.agent, self.coordinator = province, agent, coordinator
        self.holders = (holders * 24 // 25, holders * 27 // 25 or 1)  # about `holders`
        self.taken = taken  # the CINs already given, in every province
        self.rng = random.Random(f"projects-demo-{province.code}")
        self.today = timezone.localdate()
        self.region = REGIONS.get(province.code) or REGIONS["05.301"]
        self.order = stage_order()
        self.communes = list(Commune.objects.filter(province=province).order_by("code"))
        self.weights = [c.population or 1000 for c in self.communes]
        self.platform = (
            Stakeholder.objects.filter(province=province, kind=Stakeholder.Kind.YOUTH_PLATFORM)
            .order_by("pk")
            .first()
        )
        sectors = Sector.objects.in_bulk(field_name="code")
        ideas = [(i, 1) for i in IDEAS] + [(i, 3) for i in PROVINCE_IDEAS.get(province.code, [])]
        self.ideas = [(i, w) for i, w in ideas if i.sector in sectors]
        self.sectors = sectors
        self.chains = list(
            Chain.objects.filter(province=province).select_related("sector").order_by("pk")
        )

    def run(self) -> int:
        if not self.communes or not self.ideas:
            return 0
        self.calls = self._calls()
        self.structures = self._structures()
        count = self.rng.randint(*self.holders)
        with_project = round(count * WITH_PROJECT)
        targets = self._targets(with_project)
        trained, created = [], []
        for number in range(count):
            target, resumed = targets[number] if number < with_project else (None, False)
            moves = self._path(target, resumed) if target else []
            start = self._start(moves, target)
            holder = self._holder(start)
            if target:
                project = self._project(holder, start, moves)
                days = self._days(start, moves)
                if Stage.TRAINING in days:  # trained from then on, until dropped
                    until = days[Stage.DROPPED] if project.stage == Stage.DROPPED else self.today
                    trained.append((holder, days[Stage.TRAINING], until))
                if project.stage in VISITED_STAGES:
                    created.append(
                        (project, holder, days[Stage.CREATED], days.get(Stage.GRADUATED))
                    )
        self._sessions(max(len(SessionKind), count // 8), trained)
        self._visits(created)
        return count

    def pick(self, weighted: dict):
        return self.rng.choices(list(weighted), weights=list(weighted.values()))[0]

    # The province's calls and structures ---------------------------------------------------

    def _calls(self) -> list[tuple[CallDemo, Call]]:
        out = []
        for demo in CALLS:
            call = Call(
                province=self.province,
                kind=demo.kind,
                title=demo.title.format(self.province.name_fr),
                opens_on=demo.opens_on,
                closes_on=demo.closes_on,
                age_min=demo.age[0],
                age_max=demo.age[1],
                subsidy_rate_min=Decimal(demo.rate[0]),
                subsidy_rate_max=Decimal(demo.rate[1]),
                subsidy_cap=Decimal(demo.cap) if demo.cap else None,
                structure_max_months=24 if demo.structures else None,
                women_share_min=Decimal(30) if demo.structures else None,
                young_share_min=Decimal(30) if demo.structures else None,
            )
            out.append((demo, record_create(instance=call, by=self.coordinator).instance))
        return out

    def _structures(self) -> list[tuple[str, Structure]]:
        """About a dozen cooperatives and associations, named after a place of the province or
        a wish, with their members by sex and age."""
        rng, out = self.rng, []
        names = [*self.region.places, *STRUCTURE_NAMES]
        rng.shuffle(names)
        plan = [(COOP, activity) for activity in self.region.activities]
        plan += [(COOP, rng.choice(self.region.activities))]
        plan += [(ASSOC, i) for i in range(len(ASSOCIATIONS))]
        for number, (kind, what) in enumerate(plan, start=1):
            place, place_ar = names[(number - 1) % len(names)]
            if kind == COOP:
                end, end_ar, _sector, women = ACTIVITIES[what]
                name, name_ar = f"Coopérative {place} {end}", f"تعاونية {place_ar} {end_ar}"
                activity, size = what, rng.randint(7, 35)
            else:
                pattern, pattern_ar, activity = ASSOCIATIONS[what]
                name, name_ar = pattern.format(place), pattern_ar.format(place_ar)
                women, size = activity == "sewing", rng.randint(9, 25)
            # Half of them recent: the calls for structures want them under two years old.
            created_on = (
                self.today - rng.choice((rng.randint(60, 700), rng.randint(700, 3650))) * DAY
            )
            women_count = round(size * (rng.uniform(0.7, 1) if women else rng.uniform(0.1, 0.5)))
            women_young = round(women_count * rng.uniform(0.3, 0.7))
            men_young = round((size - women_count) * rng.uniform(0.3, 0.7))
            year = created_on.year
            structure = Structure(
                province=self.province,
                kind=kind,
                name=name,
                name_ar=name_ar,
                register_number=(
                    f"{self.province.code.replace('.', '')}/{year}/{number:03d}"
                    if kind == COOP
                    else f"Récépissé n° {rng.randint(10, 400)}/{year}"
                ),
                created_on=created_on,
                commune=self._commune(),
                women_young=women_young,
                women_adult=women_count - women_young,
                men_young=men_young,
                men_adult=size - women_count - men_young,
            )
            created = record_create(instance=structure, by=self.agent).instance
            out.append((activity, created))
        return out

    # The holders ------------------------------------------------------------------------------

    def _commune(self) -> Commune:
        return self.rng.choices(self.communes, weights=self.weights)[0]

    def _name(self, common: list, local: list) -> tuple[str, str]:
        w = self.region.local_weight
        return self.rng.choices([*common, *local], weights=[1] * len(common) + [w] * len(local))[0]

    def _cin(self) -> str:
        while True:
            letters = self.rng.choice(self.region.cin_letters)
            digits = 6 if len(letters) == 1 else self.rng.choice((5, 6, 6))
            cin = f"{letters}{self.rng.randint(10 ** (digits - 1), 10**digits - 1)}"
            if cin not in self.taken:
                self.taken.add(cin)
                return cin

    def _birth_date(self) -> datetime.date:
        rng = self.rng
        band = rng.random()
        age = rng.randint(18, 35) if band < 0.8 else rng.randint(36, 45) if band < 0.93 else None
        if age is None:
            age = rng.randint(46, 62)
        return self.today - datetime.timedelta(days=age * 365 + rng.randint(30, 330))

    def _holder(self, received: datetime.date) -> Holder:
        rng = self.rng
        woman = rng.random() < WOMEN
        if woman:
            first, first_ar = self._name(WOMEN_NAMES, self.region.women)
        else:
            first, first_ar = self._name(MEN_NAMES, self.region.men)
        last, last_ar = self._name(FAMILY_NAMES, self.region.families)
        birth_date = self._birth_date()
        education = self.pick(EDUCATION)
        employment = self.pick(EMPLOYMENT)
        if employment == Holder.Employment.STUDENT and age_on(birth_date, self.today) > 30:
            employment = Holder.Employment.UNEMPLOYED
        channel = self.pick(CHANNELS)
        platform = None
        if self.platform and (
            channel == Holder.Channel.YOUTH_PLATFORM
            or (channel == Holder.Channel.IDEA_CONTEST and rng.random() < 0.5)
        ):
            platform = self.platform
        email = ""
        if rng.random() < (0.6 if education == Holder.Education.UNIVERSITY else 0.2):
            email = (
                f"{_plain(first)}.{_plain(last)}{birth_date.year % 100:02d}"
                f"@{rng.choice(MAIL_DOMAINS)}"
            )
        holder = Holder(
            province=self.province,
            first_name=first,
            last_name=last,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            sex=Sex.WOMAN if woman else Sex.MAN,
            birth_date=birth_date,
            cin=self._cin() if rng.random() < 0.88 else "",
            phone=f"0{rng.choice('6667')}{rng.randint(0, 99_999_999):08d}"
            if rng.random() < 0.93
            else "",
            email=email,
            education=education,
            employment=employment,
            commune=self._commune(),
            channel=channel,
            youth_platform=platform,
            consent_on=received,
        )
        return services.holder_create(holder=holder, by=self.agent).instance

    # The projects and their path --------------------------------------------------------------

    def _targets(self, count: int) -> list[tuple[str, bool]]:
        """The stage each project reaches, by the funnel's shares (every stage at least once),
        in random order; two of them were dropped and resumed on the way."""
        counts = {stage: max(1, round(count * share / 100)) for stage, share in FUNNEL.items()}
        counts[Stage.RECEPTION] += count - sum(counts.values())
        targets = [stage for stage, n in counts.items() for _ in range(n)]
        self.rng.shuffle(targets)
        far = [i for i, s in enumerate(targets) if s in self.order[3:-1]]
        resumed = set(self.rng.sample(far, min(2, len(far))))
        return [(s, i in resumed) for i, s in enumerate(targets)]

    def _stay(self, stage: str) -> int:
        return self.rng.randint(*STAY.get(stage, (7, 30)))

    def _path(self, target: str, resumed: bool) -> list[Move]:
        """The moves from the first stage to `target`: forward one stage at a time with the
        committees' decisions, now and then sent back one stage, dropped with a reason."""
        rng, order, moves = self.rng, self.order, []
        drop_at = None
        if target == Stage.DROPPED:
            drop_at = self.pick({s: w for s, w in DROPPED_AT.items() if s in order})
            last = order.index(drop_at)
        else:
            last = order.index(target)
        pause = rng.randint(1, last - 1) if resumed else None
        for index in range(last):
            here, there = order[index], order[index + 1]
            if index == pause:
                reason, why, why_back = rng.choice(RESUMED)
                moves.append(Move(Stage.DROPPED, self._stay(here), comment=why, reason=reason))
                moves.append(Move(here, rng.randint(30, 120), comment=why_back))
            if here in SENT_BACK and index > 0 and rng.random() < 0.1:
                moves.append(
                    Move(
                        order[index - 1],
                        self._stay(here),
                        Decision.DEFERRED if here in COMMITTEES else "",
                        SENT_BACK[here],
                    )
                )
                before = order[index - 1]
                again = Decision.FAVOURABLE if before in COMMITTEES else ""
                moves.append(Move(here, self._stay(before), again))
            decision = comment = ""
            if here in COMMITTEES:
                decision = Decision.FAVOURABLE
                if rng.random() < 0.2:
                    decision, comment = Decision.RESERVED, RESERVATIONS[here]
            moves.append(Move(there, self._stay(here), decision, comment))
        if drop_at is not None:
            committee = drop_at in COMMITTEES
            reasons = COMMITTEE_REFUSALS if committee else WHY_DROPPED.get(drop_at)
            reason, comment = rng.choice(reasons or ACCOMPANIMENT_DROPS)
            decision = Decision.UNFAVOURABLE if committee else ""
            moves.append(Move(Stage.DROPPED, self._stay(drop_at), decision, comment, reason))
        return moves

    def _start(self, moves: list[Move], target: str | None) -> datetime.date:
        """The day the project was received: early enough for its moves and the time since
        the last one, within the demo's span. Half the projects went slower than usual (the
        stays stretched, up to three times), so that receptions spread over the span; the
        stays are shortened when they do not fit in it."""
        rng = self.rng
        if target is None:  # a holder met, with no project yet
            return self.today - rng.randint(0, SPAN_DAYS) * DAY
        if target in (Stage.GRADUATED, Stage.DROPPED):
            since = rng.randint(0, 200)
        elif rng.random() < 0.3:  # waiting: for the next training session, a committee…
            since = rng.randint(60, 240)
        else:
            since = rng.randint(0, STAY.get(target, (7, 30))[1])
        total = sum(m.days for m in moves) + since
        goal = total * rng.uniform(1, 3) if len(moves) >= 2 and rng.random() < 0.5 else total
        if goal != total or total > SPAN_DAYS:
            scale = min(goal, SPAN_DAYS) / total
            for m in moves:
                m.days = max(1, int(m.days * scale))
            since = int(since * scale)
            total = sum(m.days for m in moves) + since
        return self.today - total * DAY

    def _financing(self, idea: Idea, call: CallDemo | None) -> dict:
        rng = self.rng
        cost = rng.uniform(*idea.cost)
        low, high = call.rate if call else (60, 90)
        if call and call.cap and cost * low / 100 > call.cap:
            cost = rng.uniform(0.7, 1) * call.cap * 100 / low
        cost = _round(cost, 1000)
        subsidy = _round(float(cost) * rng.uniform(low + 1, high - 1) / 100)
        if call and call.cap:
            subsidy = min(subsidy, Decimal(call.cap))
        rest = cost - subsidy
        other = _round(float(rest) * rng.uniform(0.3, 0.6)) if rng.random() < 0.25 else None
        return {
            "total_cost": cost,
            "subsidy_requested": subsidy,
            "own_contribution": rest - (other or 0),
            "other_financing": other,
        }

    def _call(self, holder: Holder, received: datetime.date, structure) -> tuple | None:
        """A call open when the project was received, that the holder's age (or the project's
        structure) fits, three times in four."""
        for demo, call in self.calls:
            if not demo.opens_on <= received <= demo.closes_on or self.rng.random() > 0.75:
                continue
            if demo.structures != (structure is not None):
                continue
            low, high = demo.age
            age = age_on(holder.birth_date, min(demo.closes_on, self.today))
            if (low is None or age >= low) and (high is None or age <= high):
                return demo, call
        return None

    def _project(self, holder: Holder, received: datetime.date, moves: list[Move]) -> Project:
        rng = self.rng
        ideas = [
            (idea, w * (3 if idea.women == (holder.sex == Sex.WOMAN) else 1))
            for idea, w in self.ideas
        ]
        idea = rng.choices([i for i, _ in ideas], weights=[w for _, w in ideas])[0]
        chain = next(
            (
                c
                for c in self.chains
                if c.sector.code == idea.sector
                and any(word in _plain(c.product) for word in idea.chain_words)
            ),
            None,
        )
        members = [s for activity, s in self.structures if activity and activity == idea.activity]
        structure = rng.choice(members) if members and rng.random() < 0.3 else None
        found = self._call(holder, received, structure)
        call_demo, call = found if found else (None, None)
        # Costed at the business plan at the latest; often before.
        reached = max((self.order.index(m.to) for m in moves if m.to in self.order), default=0)
        far = reached >= self.order.index(Stage.BUSINESS_PLAN)
        money = self._financing(idea, call_demo) if far or rng.random() < 0.6 else {}
        commune = holder.commune if rng.random() < 0.9 else self._commune()
        jobs = rng.randint(1, 4) if structure is None else rng.randint(3, 10)
        women_jobs = round(jobs * (rng.uniform(0.6, 1) if holder.sex == Sex.WOMAN else 0.3))
        project = Project(
            province=self.province,
            holder=holder,
            structure=structure,
            title=f"{idea.title} à {commune.name_fr}" if rng.random() < 0.35 else idea.title,
            sector=self.sectors[idea.sector],
            chain=chain,
            legal_form=structure.kind if structure else rng.choice(idea.forms),
            commune=commune,
            jobs_women=women_jobs,
            jobs_men=jobs - women_jobs,
            call=call,
            **money,
        )
        if call and not all(rule.passed for rule in call.eligibility(project=project)):
            project.call = None  # e.g. a structure with too few women or young members
        project = services.project_create(project=project, by=self.agent, on=received).instance
        day = received
        for move in moves:
            day += move.days * DAY
            project = services.project_move(
                project=project,
                to=move.to,
                by=self.coordinator,
                expected_version=project.version,
                on=day,
                decision=move.decision,
                comment=move.comment,
                reason=move.reason,
            )
        return project

    def _days(self, start: datetime.date, moves: list[Move]) -> dict[str, datetime.date]:
        """The day the project first reached each stage of its path (dropped: the last time),
        as `_project` dated its steps."""
        day, days = start, {self.order[0]: start}
        for move in moves:
            day += move.days * DAY
            if move.to == Stage.DROPPED or move.to not in days:
                days[move.to] = day
        return days

    # The accompaniment ------------------------------------------------------------------------

    def _sessions(self, count: int, trained: list[tuple[Holder, datetime.date, datetime.date]]):
        """`count` sessions of the last twelve months, every kind at least once, oldest first,
        with a few of the holders who were at or past the training stage on the day (and, for
        cooperatives' topics, some cooperatives)."""
        rng, today = self.rng, self.today
        first = today - SESSION_DAYS * DAY
        adviser = (
            self.agent.get_full_name()
            if self.agent.username in AGENTS.values()
            else rng.choice(ADVISERS)
        )
        acronyms = {t.provider for t in TOPICS} - {"", "platform"}
        providers = {
            s.acronym: s
            for s in Stakeholder.objects.filter(province=self.province, acronym__in=acronyms)
        }
        if self.platform:
            providers["platform"] = self.platform
        coops = [s for _activity, s in self.structures if s.kind == COOP]
        active = [t for t in trained if t[2] >= first]
        kinds = [*SessionKind, *(self.pick(SESSION_KINDS) for _ in range(count - len(S)))]
        topics = {kind: [t for t in TOPICS if t.kind == kind] for kind in SessionKind}
        for same in topics.values():
            rng.shuffle(same)
        planned, held = [], Counter()
        for kind in kinds:
            topic = topics[kind][held[kind] % len(topics[kind])]  # each topic in turn
            held[kind] += 1
            day = first + rng.randint(0, SESSION_DAYS) * DAY
            present = [h for h, since, until in trained if since <= day <= until]
            if not present and active:  # a day when someone could come
                _holder, since, until = rng.choice(active)
                day = max(since, first) + rng.randint(0, (until - max(since, first)).days) * DAY
                present = [h for h, since, until in trained if since <= day <= until]
            present = rng.sample(present, min(len(present), rng.randint(*PRESENT[kind])))
            structures = []
            if topic.structures and coops:
                structures = rng.sample(coops, min(len(coops), rng.randint(1, 3)))
            planned.append((day, topic, present, structures))
        planned.sort(key=lambda p: p[0])
        for day, topic, present, structures in planned:
            remote = topic.kind in (S.PHONE, S.VIDEO)
            provider = providers.get(topic.provider)
            if remote:
                commune, place = None, ""
            elif structures:
                commune, place = structures[0].commune, f"Local de la {structures[0].name}"
            elif provider is not None and provider == self.platform:
                commune, place = None, provider.name
            else:
                commune = self._commune()
                place = rng.choice(
                    (f"Maison des jeunes de {commune.name_fr}", f"Commune de {commune.name_fr}")
                )
            low, high = topic.hours
            session = Session(
                province=self.province,
                on=day,
                kind=topic.kind,
                topic=topic.topic,
                trainer=rng.choice(topic.trainers) or adviser,
                provider=provider,
                commune=commune,
                place=place,
                hours=Decimal(rng.randint(int(low * 4), int(high * 4))) / 4,
                notes=topic.notes,
            )
            services.session_create(
                session=session, holders=present, structures=structures, by=self.agent
            )

    def _visits(self, created: list[tuple[Project, Holder, datetime.date, datetime.date | None]]):
        """One to four visits to each project created, followed up or graduated, from its
        creation to today (to its graduation); a few of those not graduated are overdue: their
        last visit was long ago and the next one it planned has passed."""
        rng, today = self.rng, self.today
        followed = [
            p.pk
            for p, _holder, on, _graduated in created
            if p.stage != Stage.GRADUATED and on <= today - 75 * DAY
        ]
        late = round(len(followed) * OVERDUE_SHARE) or min(1, len(followed))
        overdue = set(rng.sample(followed, late))
        for project, holder, created_on, graduated_on in created:
            if project.pk in overdue:
                last = today - rng.randint(45, min(150, (today - created_on).days)) * DAY
                after = rng.randint(30, min(90, (today - last).days - 1)) * DAY  # passed
            elif graduated_on:
                last, after = max(created_on, graduated_on - rng.randint(0, 20) * DAY), None
            else:
                last = max(created_on, today - rng.randint(0, 40) * DAY)
                after = today + rng.randint(7, 60) * DAY - last  # to come
            days = self._visit_days(created_on, last)
            self._project_visits(project, holder, created_on, days, after)

    def _project_visits(
        self,
        project: Project,
        holder: Holder,
        created_on: datetime.date,
        days: list[datetime.date],
        after: datetime.timedelta | None,
    ) -> None:
        """The visits to `project` on `days`: each plans the next one (a little before it
        came), the last one `after` it (none: the project graduated). The turnover of each
        period grows, the jobs grow towards those planned, the holder's income mostly rises."""
        rng = self.rng
        monthly = float(project.total_cost or 100_000) * rng.uniform(0.02, 0.05)
        income = rng.randint(15, 35) * 100
        turnover = Decimal(0)
        jobs = max(project.jobs_women + project.jobs_men, 1)
        kept = rng.randint(1, 4) if project.structure_id else 0
        women = project.jobs_women / jobs if project.jobs_women + project.jobs_men else 0
        if holder.sex == Sex.WOMAN and not women:
            women = 1
        seen = OBSERVATIONS.get(project.sector.code, OBSERVATIONS["agro-food"])
        before = created_on
        for number, day in enumerate(days):
            final = number == len(days) - 1
            months = max((day - before).days, 15) / 30
            monthly *= rng.uniform(1.05, 1.3) if number else 1
            turnover = max(_round(monthly * months, 100), turnover + 500)
            change = self.pick(INCOME) if number or rng.random() < 0.5 else IncomeChange.STABLE
            income = round(income * {"increased": 1.15, "stable": 1, "decreased": 0.85}[change])
            share = min(1, 0.4 + 0.2 * (number + 1))  # hired as the activity grows
            created_jobs = max(1, round(jobs * share))
            created_women = round(created_jobs * women)
            kept_women = round(kept * women)
            if final:
                next_on = day + after if after else None
            else:
                next_on = max(day + DAY, days[number + 1] - rng.randint(0, 10) * DAY)
            graduated = final and after is None
            visit = Visit(
                project=project,
                on=day,
                observations=LAST_VISIT[0] if graduated else rng.choice(seen),
                turnover=turnover,
                jobs_created_women=created_women,
                jobs_created_men=created_jobs - created_women,
                jobs_kept_women=kept_women,
                jobs_kept_men=kept - kept_women,
                income_change=change,
                monthly_income=Decimal(income),
                difficulties="" if graduated else rng.choice(DIFFICULTIES),
                next_steps=LAST_VISIT[1] if graduated else rng.choice(NEXT_STEPS),
                next_visit_on=next_on,
            )
            services.visit_create(visit=visit, by=self.agent)
            before = day

    def _visit_days(self, created_on: datetime.date, last: datetime.date) -> list[datetime.date]:
        """The days of the visits from a few weeks after the creation to `last`: one when
        that is short, up to four over a long follow-up, about evenly spaced."""
        rng = self.rng
        first = min(last, created_on + rng.randint(7, 30) * DAY)
        span = (last - first).days
        if span < 14:
            return [last]
        n = min(4, 2 + span // 120)
        step = span / (n - 1)
        middle = [first + round(step * i + rng.uniform(-5, 5)) * DAY for i in range(1, n - 1)]
        return [first, *middle, last]
