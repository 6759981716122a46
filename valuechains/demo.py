"""Demo value chains for the five convention provinces: candidate chains scored on the national
criteria, and complete diagnostics in every state of the workflow (draft, submitted, returned,
validated, delivered, and a new version of a delivered one), each built through the services
as the field teams would: the agent creates and scores the chain, the coordinator chooses it,
the agent fills in the sections, submits, the coordinator returns, validates, delivers.

Safe to run again: a province that already has chains is left as it is.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from provinces.demo import PROGRAMME_PROVINCES
from provinces.models import Cercle, Commune, Province, Stakeholder
from provinces.services import attachment_create
from targa.core.models import User
from valuechains import services
from valuechains.models import Chain, Criterion, Diagnostic, DiagnosticSection, Sector, Stage
from valuechains.services import Line

S = Diagnostic.Status
K = Stage.Kind
D = Decimal

# A one-page PDF standing in for the deliverable handed over (the real one is generated).
DELIVERED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Op:
    kind: str
    description: str
    count: int | None
    women: int | None = None
    young: int | None = None
    volume: str | None = None
    volume_unit: str = ""
    price: str | None = None
    price_unit: str = ""
    value_added: str | None = None

    def values(self, order: int) -> dict:
        return {
            "order": order,
            "kind": self.kind,
            "description": self.description,
            "count": self.count,
            "women": self.women,
            "young": self.young,
            "volume": D(self.volume) if self.volume else None,
            "volume_unit": self.volume_unit,
            "price": D(self.price) if self.price else None,
            "price_unit": self.price_unit,
            "value_added": D(self.value_added) if self.value_added else None,
            "value_added_unit": self.price_unit if self.value_added else "",
        }


@dataclass
class Action:
    title: str
    bottleneck: int  # index in the chain's bottlenecks
    responsible: str  # a stakeholder's acronym or name in the province
    budget: int
    start: int  # days from today
    end: int
    status: str
    indicators: list[tuple] = field(default_factory=list)  # (name, unit, baseline, target, current)


@dataclass
class ChainDemo:
    province: str
    sector: str
    product: str
    product_ar: str
    description: str
    cercles: tuple[str, ...]  # HCP codes
    scores: dict[str, int]
    state: str | None = None  # None: a candidate, not chosen yet
    new_version: bool = False
    stages: list[tuple[str, str, list[Op]]] = field(default_factory=list)  # kind, name, operators
    supporters: list[tuple[str, str, str, tuple[str, ...]]] = field(default_factory=list)
    bottlenecks: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, text…
    opportunities: list[tuple[str, str, str, str]] = field(default_factory=list)
    swot: dict[str, list[str]] = field(default_factory=dict)
    observations: list[tuple] = field(default_factory=list)
    vision: str = ""
    objectives: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    advocacy: list[tuple[int, str, str]] = field(default_factory=list)  # action, target, text


CHAINS = [
    ChainDemo(
        "05.301",
        "agro-food",
        "Huile d'olive",
        "زيت الزيتون",
        "Huile d'olive des piémonts du Moyen Atlas, pressée en maâsra et en unités modernes.",
        ("05.301.07", "05.301.05"),
        {"market": 4, "inclusion": 4, "growth": 4, "organisations": 3, "territory": 5},
        state=S.DELIVERED,
        new_version=True,
        stages=[
            (
                K.INPUT_SUPPLY,
                "",
                [
                    Op("suppliers", "Pépiniéristes et vendeurs d'intrants", 9, 1, 2),
                ],
            ),
            (
                K.PRODUCTION,
                "",
                [
                    Op(
                        "producers",
                        "Petits oléiculteurs (moins de 2 ha)",
                        1450,
                        290,
                        380,
                        "5200",
                        "t",
                        "4.50",
                        "kg",
                        "1.80",
                    ),
                    Op("cooperatives", "Coopératives oléicoles", 14, 4, 5),
                ],
            ),
            (
                K.PROCESSING,
                "",
                [
                    Op(
                        "processors",
                        "Maâsras traditionnelles",
                        38,
                        0,
                        6,
                        "210",
                        "t",
                        "38",
                        "l",
                        "9",
                    ),
                    Op(
                        "processors",
                        "Unités modernes à trois phases",
                        3,
                        0,
                        1,
                        "480",
                        "t",
                        "42",
                        "l",
                        "12",
                    ),
                ],
            ),
            (
                K.TRADE,
                "",
                [
                    Op("collectors", "Collecteurs d'olives et intermédiaires", 55, 2, 14),
                    Op(
                        "retailers",
                        "Épiceries et souk hebdomadaire",
                        120,
                        18,
                        30,
                        None,
                        "",
                        "65",
                        "l",
                        "12",
                    ),
                ],
            ),
            (
                K.CONSUMPTION,
                "",
                [Op("consumers", "Ménages de la province et de Béni Mellal", None)],
            ),
        ],
        supporters=[
            ("DPA", "", "public_service", (K.INPUT_SUPPLY, K.PRODUCTION)),
            ("ODCO", "", "training", (K.PRODUCTION, K.PROCESSING)),
            ("CAM", "", "finance", (K.PRODUCTION, K.PROCESSING, K.TRADE)),
            ("", "ONSSA – Service vétérinaire et de contrôle", "public_service", (K.PROCESSING,)),
        ],
        bottlenecks=[
            (
                K.PRODUCTION,
                "Récolte manuelle tardive et gaulage qui abîme les fruits",
                "high",
                "field_visit",
            ),
            (K.PRODUCTION, "Vergers vieillissants, peu taillés", "medium", "interview"),
            (
                K.PROCESSING,
                "Acidité élevée de l'huile des maâsras (stockage des olives)",
                "high",
                "focus_group",
            ),
            (K.TRADE, "Vente en vrac sans étiquette ni analyse", "medium", "questionnaire"),
        ],
        opportunities=[
            (
                K.TRADE,
                "Demande des touristes d'Aguelmam Azegza pour des produits locaux",
                "high",
                "interview",
            ),
            (
                K.PROCESSING,
                "Label « huile du Moyen Atlas » à construire avec la DPA",
                "medium",
                "focus_group",
            ),
        ],
        swot={
            "strength": ["Savoir-faire ancien de l'oléiculture", "Huile réputée fruitée"],
            "weakness": ["Coopératives peu équipées", "Peu de femmes dans les bureaux"],
            "opportunity": ["Plan Génération Green", "Marchés solidaires"],
            "threat": ["Sécheresses répétées", "Concurrence des huiles de mélange"],
        },
        observations=[
            (
                "focus_group",
                -75,
                "Aguelmous, siège de la commune",
                "Récolte et trituration",
                6,
                4,
                5,
                9,
                "Les producteurs attendent une unité de trituration coopérative.",
            ),
            (
                "interview",
                -70,
                "Unité de trituration, Moulay Bouazza",
                "Qualité de l'huile",
                0,
                0,
                1,
                1,
                "Les olives attendent jusqu'à dix jours avant d'être pressées.",
            ),
        ],
        vision="Une huile d'olive du Moyen Atlas de qualité, vendue sous une marque collective, "
        "qui fait vivre les petits producteurs, les femmes et les jeunes des piémonts.",
        objectives=[
            "Réduire l'acidité moyenne de l'huile sous 0,8 %",
            "Vendre 30 % de l'huile des coopératives en bouteilles étiquetées",
        ],
        actions=[
            Action(
                "Équiper trois coopératives en vibreurs et caisses de récolte",
                0,
                "DPA",
                450000,
                -200,
                -20,
                "in_progress",
                [
                    ("Coopératives équipées", "number", 0, 3, 1),
                    ("Producteurs formés à la récolte", "person", 0, 120, 45),
                ],
            ),
            Action(
                "Aire de stockage ventilée à Aguelmous",
                2,
                "Conseil provincial",
                380000,
                -90,
                200,
                "planned",
                [("Acidité moyenne de l'huile", "percent", "2.1", "0.8", None)],
            ),
            Action(
                "Marque collective et étiquetage",
                3,
                "ODCO",
                120000,
                30,
                300,
                "planned",
                [("Part de l'huile vendue en bouteille", "percent", 5, 30, None)],
            ),
        ],
        advocacy=[(1, "Conseil provincial", "Inscrire l'aire de stockage au budget de l'année.")],
    ),
    ChainDemo(
        "05.301",
        "local-products",
        "Miel",
        "العسل",
        "Miel d'euphorbe et de thym des forêts de cèdres, en ruches traditionnelles et modernes.",
        ("05.301.03",),
        {"market": 5, "inclusion": 3, "growth": 4, "organisations": 3, "territory": 5},
        state=S.SUBMITTED,
        stages=[
            (K.INPUT_SUPPLY, "", [Op("suppliers", "Menuisiers et vendeurs de ruches", 6, 0, 3)]),
            (
                K.PRODUCTION,
                "",
                [
                    Op(
                        "producers",
                        "Apiculteurs individuels",
                        320,
                        48,
                        110,
                        "96",
                        "t",
                        "180",
                        "kg",
                        "70",
                    ),
                    Op("cooperatives", "Coopératives apicoles", 11, 5, 4),
                ],
            ),
            (
                K.PROCESSING,
                "Extraction et conditionnement",
                [
                    Op(
                        "cooperatives",
                        "Miellerie collective d'El Kbab",
                        1,
                        0,
                        0,
                        "12",
                        "t",
                        "230",
                        "kg",
                        "50",
                    )
                ],
            ),
            (
                K.TRADE,
                "",
                [Op("traders", "Revendeurs et souks", 40, 3, 12, None, "", "260", "kg", "30")],
            ),
            (K.CONSUMPTION, "", [Op("consumers", "Consommateurs urbains et touristes", None)]),
        ],
        supporters=[
            ("DPA", "", "public_service", (K.PRODUCTION,)),
            (
                "",
                "Fédération interprofessionnelle de l'apiculture (FIMAP)",
                "association",
                (K.PRODUCTION, K.TRADE),
            ),
            ("Al Amana", "", "finance", (K.INPUT_SUPPLY, K.PRODUCTION)),
        ],
        bottlenecks=[
            (K.PRODUCTION, "Mortalité des colonies après les sécheresses", "high", "field_visit"),
            (
                K.PROCESSING,
                "Miellerie sous-utilisée, pas d'analyses de qualité",
                "medium",
                "interview",
            ),
            (K.TRADE, "Fraude et miel coupé vendu au même prix", "high", "focus_group"),
        ],
        opportunities=[
            (K.TRADE, "Indication géographique pour le miel d'euphorbe", "high", "interview"),
        ],
        swot={
            "strength": ["Flore mellifère variée"],
            "weakness": ["Transhumance coûteuse"],
            "opportunity": ["Salon régional des produits du terroir"],
            "threat": ["Incendies de forêt"],
        },
        observations=[
            (
                "field_visit",
                -40,
                "Kerrouchen",
                "Ruchers de la coopérative Tighza",
                2,
                1,
                4,
                3,
                "Les ruches modernes donnent trois fois plus que les ruches en liège.",
            ),
        ],
        vision="Un miel de montagne reconnu, contrôlé et mieux payé aux apiculteurs.",
        objectives=["Reconstituer 1 500 colonies", "Obtenir l'indication géographique"],
        actions=[
            Action(
                "Distribuer des essaims et former au nourrissement",
                0,
                "DPA",
                300000,
                -30,
                240,
                "planned",
                [("Colonies reconstituées", "number", 0, 1500, None)],
            ),
        ],
    ),
    ChainDemo(
        "05.301",
        "tourism",
        "Tourisme rural",
        "السياحة القروية",
        "Gîtes, randonnées et restauration autour des lacs et des sources de l'Oum Er-Rbia.",
        ("05.301.05",),
        {"market": 3, "inclusion": 4, "growth": 5, "organisations": 2, "territory": 5},
        state=S.RETURNED,
        stages=[
            (
                K.INPUT_SUPPLY,
                "Accueil et information",
                [Op("service_providers", "Guides et accompagnateurs de montagne", 18, 2, 11)],
            ),
            (
                K.PRODUCTION,
                "Hébergement",
                [
                    Op(
                        "producers",
                        "Gîtes et maisons d'hôtes",
                        12,
                        4,
                        3,
                        "3100",
                        "night",
                        "250",
                        "night",
                        "90",
                    )
                ],
            ),
            (
                K.PROCESSING,
                "Restauration et produits locaux",
                [Op("cooperatives", "Coopératives féminines de restauration", 4, 4, 2)],
            ),
            (
                K.TRADE,
                "Promotion et réservation",
                [Op("traders", "Agences de Fès et Béni Mellal", 5, 1, 2)],
            ),
            (
                K.CONSUMPTION,
                "Visiteurs",
                [Op("consumers", "Visiteurs nationaux, surtout l'été", None)],
            ),
        ],
        supporters=[
            ("Tourisme", "", "public_service", (K.PRODUCTION, K.TRADE)),
            ("", "Parc national de Khénifra", "public_service", (K.INPUT_SUPPLY,)),
        ],
        bottlenecks=[
            (K.PRODUCTION, "Gîtes non classés, sans réservation en ligne", "medium", "field_visit"),
            (K.TRADE, "Saison courte, peu de visiteurs hors été", "high", "questionnaire"),
        ],
        swot={"strength": ["Lacs et cédraies"], "threat": ["Routes enneigées l'hiver"]},
        observations=[
            (
                "interview",
                -20,
                "Aguelmam Azegza",
                "Gérants de gîtes",
                1,
                0,
                2,
                1,
                "Les gérants demandent une formation à l'accueil et aux réservations.",
            ),
        ],
        objectives=["Allonger la saison touristique"],
    ),
    ChainDemo(
        "02.251",
        "agriculture",
        "Dattes",
        "التمور",
        "Dattes Aziza de l'oasis de Figuig et des palmeraies de Bni Tadjite.",
        ("02.251.05", "02.251.03"),
        {"market": 5, "inclusion": 4, "growth": 3, "organisations": 4, "territory": 5},
        state=S.VALIDATED,
        stages=[
            (
                K.INPUT_SUPPLY,
                "",
                [Op("suppliers", "Laboratoire de vitroplants et pépiniéristes", 2, 0, 0)],
            ),
            (
                K.PRODUCTION,
                "",
                [
                    Op(
                        "producers",
                        "Phoeniciculteurs des ksour",
                        2300,
                        520,
                        410,
                        "1800",
                        "t",
                        "22",
                        "kg",
                        "8",
                    )
                ],
            ),
            (
                K.PROCESSING,
                "Tri, conditionnement, pâte de dattes",
                [
                    Op(
                        "cooperatives",
                        "Coopératives de conditionnement",
                        9,
                        6,
                        4,
                        "140",
                        "t",
                        "45",
                        "kg",
                        "15",
                    )
                ],
            ),
            (K.TRADE, "", [Op("wholesalers", "Grossistes d'Oujda et de Berkane", 14, 0, 3)]),
            (K.CONSUMPTION, "", [Op("consumers", "Consommateurs pendant le Ramadan", None)]),
        ],
        supporters=[
            ("DPA", "", "public_service", (K.INPUT_SUPPLY, K.PRODUCTION)),
            ("ODCO", "", "training", (K.PROCESSING,)),
            (
                "",
                "Agence nationale des zones oasiennes et de l'arganier (ANDZOA)",
                "public_service",
                (K.PRODUCTION, K.PROCESSING),
            ),
        ],
        bottlenecks=[
            (K.PRODUCTION, "Bayoud et manque d'eau d'irrigation", "high", "field_visit"),
            (K.PROCESSING, "Pas de chambre froide : pertes après récolte", "high", "interview"),
            (
                K.TRADE,
                "Prix fixés par les grossistes au moment de la récolte",
                "medium",
                "focus_group",
            ),
        ],
        opportunities=[(K.TRADE, "Label IGP « Dattes Aziza de Figuig »", "high", "interview")],
        swot={
            "strength": ["Variété Aziza réputée"],
            "weakness": ["Parcelles très morcelées"],
            "opportunity": ["IGP existante"],
            "threat": ["Ensablement et bayoud"],
        },
        observations=[
            (
                "focus_group",
                -55,
                "Ksar Zenaga",
                "Femmes transformatrices",
                8,
                6,
                0,
                0,
                "La pâte de dattes se vend bien aux visiteurs du festival.",
            ),
        ],
        vision="Des dattes Aziza valorisées sous IGP, conditionnées dans l'oasis.",
        objectives=["Réduire les pertes après récolte de moitié"],
        actions=[
            Action(
                "Chambre froide coopérative de 100 t",
                1,
                "DPA",
                900000,
                -120,
                -10,
                "in_progress",
                [("Capacité de stockage froid", "t", 0, 100, 40)],
            ),
        ],
        advocacy=[(0, "ANDZOA", "Cofinancer la chambre froide dans le programme oasis.")],
    ),
    ChainDemo(
        "03.131",
        "forest-products",
        "Plantes aromatiques et médicinales",
        "النباتات العطرية والطبية",
        "Romarin, thym et armoise cueillis sur les parcours de la Moulouya et du Marmoucha.",
        ("03.131.09", "03.131.05"),
        {"market": 4, "inclusion": 5, "growth": 4, "organisations": 3, "territory": 4},
        state=S.DELIVERED,
        stages=[
            (
                K.INPUT_SUPPLY,
                "Accès à la ressource",
                [Op("other", "Ayants droit des forêts domaniales", 900, 400, 250)],
            ),
            (
                K.PRODUCTION,
                "Cueillette",
                [
                    Op(
                        "producers",
                        "Cueilleurs et cueilleuses",
                        650,
                        390,
                        260,
                        "1200",
                        "t",
                        "3",
                        "kg",
                        "3",
                    )
                ],
            ),
            (
                K.PROCESSING,
                "Séchage et distillation",
                [
                    Op(
                        "cooperatives",
                        "Coopératives de distillation",
                        7,
                        5,
                        3,
                        "2.5",
                        "t",
                        "650",
                        "l",
                        "400",
                    )
                ],
            ),
            (
                K.TRADE,
                "",
                [Op("exporters", "Exportateurs de Fès", 4, 0, 1, None, "", "900", "l", "250")],
            ),
            (K.CONSUMPTION, "", [Op("consumers", "Industrie cosmétique en Europe", None)]),
        ],
        supporters=[
            (
                "",
                "Direction provinciale des Eaux et Forêts",
                "public_service",
                (K.INPUT_SUPPLY, K.PRODUCTION),
            ),
            ("ODCO", "", "training", (K.PROCESSING,)),
            ("Al Amana", "", "finance", (K.PROCESSING,)),
        ],
        bottlenecks=[
            (K.INPUT_SUPPLY, "Surexploitation des touffes de romarin", "high", "field_visit"),
            (K.PROCESSING, "Alambics vétustes, rendement faible", "medium", "interview"),
            (
                K.TRADE,
                "Huile essentielle vendue sans certificat d'analyse",
                "medium",
                "questionnaire",
            ),
        ],
        opportunities=[(K.TRADE, "Certification biologique des parcours", "high", "interview")],
        swot={"strength": ["Ressource abondante"], "weakness": ["Cueillette non réglementée"]},
        observations=[
            (
                "focus_group",
                -150,
                "Almis Marmoucha",
                "Cueilleuses de romarin",
                12,
                9,
                0,
                0,
                "Les cueilleuses vendent au kilo, sans savoir le prix de l'huile essentielle.",
            ),
        ],
        vision="Une cueillette durable et des huiles essentielles certifiées.",
        objectives=["Certifier 2 000 ha de parcours"],
        actions=[
            Action(
                "Plan de gestion des parcours avec les Eaux et Forêts",
                0,
                "DPA",
                200000,
                -300,
                -60,
                "done",
                [("Parcours sous plan de gestion", "ha", 0, 2000, 1200)],
            ),
            Action(
                "Renouveler les alambics de deux coopératives",
                1,
                "ODCO",
                350000,
                -100,
                -5,
                "in_progress",
                [("Alambics renouvelés", "number", 0, 2, 1)],
            ),
        ],
    ),
    ChainDemo(
        "01.405",
        "crafts",
        "Tapis et tissage",
        "الزرابي والنسيج",
        "Tapis et couvertures de laine tissés par les femmes des douars de Zoumi et Moqrissat.",
        ("01.405.11", "01.405.09"),
        {"market": 3, "inclusion": 5, "growth": 3, "organisations": 3, "territory": 4},
        state=S.DRAFT,
        stages=[
            (
                K.INPUT_SUPPLY,
                "Laine et teintures",
                [Op("suppliers", "Éleveurs et marchands de laine", 30, 3, 5)],
            ),
            (
                K.PRODUCTION,
                "Tissage",
                [
                    Op(
                        "producers",
                        "Tisserandes à domicile",
                        480,
                        470,
                        190,
                        "3800",
                        "m2",
                        "350",
                        "m2",
                        "150",
                    )
                ],
            ),
            (
                K.TRADE,
                "",
                [
                    Op(
                        "traders",
                        "Bazaristes de Chefchaouen et Fès",
                        25,
                        1,
                        4,
                        None,
                        "",
                        "700",
                        "m2",
                        "200",
                    )
                ],
            ),
            (K.CONSUMPTION, "", [Op("consumers", "Touristes et décorateurs", None)]),
        ],
        supporters=[("Artisanat", "", "training", (K.PRODUCTION, K.TRADE))],
        bottlenecks=[
            (
                K.PRODUCTION,
                "Tisserandes payées à la pièce par les intermédiaires",
                "high",
                "focus_group",
            ),
        ],
        observations=[
            ("focus_group", -10, "Zoumi", "Tisserandes", 14, 11, 0, 0, "Premier échange."),
        ],
    ),
    ChainDemo(
        "06.467",
        "agriculture",
        "Lait",
        "الحليب",
        "Lait de vache des Doukkala, collecté par les coopératives laitières.",
        ("06.467.07", "06.467.11"),
        {"market": 4, "inclusion": 3, "growth": 3, "organisations": 5, "territory": 3},
        state=S.SUBMITTED,
        stages=[
            (
                K.INPUT_SUPPLY,
                "Aliments du bétail et génisses",
                [Op("suppliers", "Vendeurs d'aliments composés", 20, 1, 4)],
            ),
            (
                K.PRODUCTION,
                "",
                [
                    Op(
                        "producers",
                        "Éleveurs de 2 à 10 vaches",
                        3100,
                        280,
                        600,
                        "42000",
                        "t",
                        "3.6",
                        "l",
                        "1.2",
                    )
                ],
            ),
            (
                K.PROCESSING,
                "Collecte et refroidissement",
                [
                    Op(
                        "cooperatives",
                        "Centres de collecte coopératifs",
                        46,
                        3,
                        9,
                        "38000",
                        "t",
                        "3.9",
                        "l",
                        "0.3",
                    )
                ],
            ),
            (K.TRADE, "", [Op("processors", "Laiteries industrielles", 2, 0, 0)]),
            (K.CONSUMPTION, "", [Op("consumers", "Ménages de Casablanca-Settat", None)]),
        ],
        supporters=[
            ("DPA", "", "public_service", (K.PRODUCTION,)),
            ("CAM", "", "finance", (K.PRODUCTION, K.PROCESSING)),
        ],
        bottlenecks=[
            (K.PRODUCTION, "Coût des aliments du bétail", "high", "questionnaire"),
            (K.PROCESSING, "Centres de collecte sans groupe électrogène", "medium", "field_visit"),
        ],
        observations=[
            (
                "interview",
                -25,
                "Zemamra",
                "Président d'une coopérative laitière",
                0,
                0,
                0,
                1,
                "Les coupures de courant font perdre du lait chaque été.",
            ),
        ],
    ),
    # Candidates, scored but not chosen (yet).
    ChainDemo(
        "05.301",
        "agriculture",
        "Viande ovine de race Timahdite",
        "لحم أغنام تمحضيت",
        "",
        ("05.301.03",),
        {"market": 4, "inclusion": 2, "growth": 3, "organisations": 2, "territory": 4},
    ),
    ChainDemo(
        "02.251",
        "crafts",
        "Tissage de la laine",
        "نسيج الصوف",
        "",
        ("02.251.05",),
        {"market": 2, "inclusion": 4, "growth": 2, "organisations": 2, "territory": 3},
    ),
    ChainDemo(
        "03.131",
        "agriculture",
        "Amande",
        "اللوز",
        "",
        ("03.131.07",),
        {"market": 4, "inclusion": 3, "growth": 3, "organisations": 2, "territory": 3},
    ),
    ChainDemo(
        "01.405",
        "agro-food",
        "Huile d'olive et figue",
        "زيت الزيتون والتين",
        "",
        ("01.405.13",),
        {"market": 4, "inclusion": 4, "growth": 3, "organisations": 3, "territory": 4},
    ),
    ChainDemo(
        "06.467",
        "agriculture",
        "Maraîchage",
        "الخضروات",
        "",
        ("06.467.03",),
        {"market": 3, "inclusion": 3, "growth": 2, "organisations": 2, "territory": 2},
    ),
]

AGENTS = {"05.301": "agent.khenifra", "02.251": "agent.figuig"}
COORDINATORS = {"05.301": "coord.khenifra", "03.131": "coord.khenifra"}


def _log(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def seed(*, stdout=None) -> None:
    """Add the demo chains of each programme province that has none yet."""
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    if not Criterion.objects.exists():  # a flushed database (a browser test's) lost them
        from importlib import import_module

        from django.apps import apps

        import_module("valuechains.migrations.0002_reference_data").create(apps, None)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[*AGENTS.values(), *COORDINATORS.values()])
    }
    for code in PROGRAMME_PROVINCES:
        province = Province.objects.filter(code=code).first()
        if province is None or Chain.objects.filter(province=province).exists():
            continue
        agent = users.get(AGENTS.get(code, ""), admin)
        coordinator = users.get(COORDINATORS.get(code, ""), admin)
        with transaction.atomic():
            for demo in (c for c in CHAINS if c.province == code):
                _seed_chain(province, demo, agent=agent, coordinator=coordinator)
        _log(stdout, f"Value-chain demo data: {province.name_fr}")


def _stakeholders(province: Province) -> dict[str, Stakeholder]:
    found = {}
    for s in Stakeholder.objects.filter(province=province):
        found[s.name] = s
        if s.acronym:
            found[s.acronym] = s
    return found


def _seed_chain(province: Province, demo: ChainDemo, *, agent: User, coordinator: User) -> None:
    today = timezone.localdate()
    cercles = list(Cercle.objects.filter(code__in=demo.cercles))
    communes = list(Commune.objects.filter(cercle__in=cercles))
    chain = services.chain_create(
        chain=Chain(
            province=province,
            sector=Sector.objects.get(code=demo.sector),
            product=demo.product,
            product_ar=demo.product_ar,
            description=demo.description,
        ),
        by=agent,
        cercles=cercles,
        communes=communes,
    ).instance
    for criterion in Criterion.objects.filter(code__in=demo.scores):
        services.chain_score_set(
            chain=chain, criterion=criterion, score=demo.scores[criterion.code], by=agent
        )
    if demo.state is None:
        return
    diagnostic = services.chain_select(
        chain=chain, by=coordinator, expected_version=chain.version, comment="Retenue par le CPDE."
    )
    diagnostic.fieldwork_start = today - datetime.timedelta(days=90)
    diagnostic.fieldwork_end = today - datetime.timedelta(days=5)
    diagnostic = services.diagnostic_update(
        diagnostic=diagnostic, expected_version=diagnostic.version, by=agent
    )
    _fill(diagnostic, demo, province, agent, today)
    _move_to(diagnostic, demo.state, agent=agent, coordinator=coordinator, today=today)
    if demo.new_version:
        diagnostic.refresh_from_db()
        services.diagnostic_new_version(diagnostic=diagnostic, by=agent)


def field_photo(seed: int) -> bytes:
    """A drawn stand-in for a photo of the fieldwork (hills, fields, trees), a JPEG of a few
    kilobytes: the demo's observations show a picture as the agents' would."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = 640, 420
    image = Image.new("RGB", (width, height), (160, 200, 235))
    draw = ImageDraw.Draw(image)
    for band in range(3):  # hills, farther ones paler
        top = 150 + band * 60 + rng.randint(-20, 20)
        shade = (110 - band * 25, 150 - band * 20, 80 - band * 10)
        points = [(0, height), (0, top)]
        points += [(x, top + rng.randint(-25, 25)) for x in range(0, width + 80, 80)]
        draw.polygon([*points, (width, height)], fill=shade)
    for _tree in range(14):
        x, y = rng.randint(0, width), rng.randint(260, height - 20)
        draw.rectangle((x - 3, y, x + 3, y + 18), fill=(90, 60, 30))
        draw.ellipse((x - 16, y - 26, x + 16, y + 4), fill=(50, 95, 45))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _save(diagnostic, key, by, **kwargs):
    section = DiagnosticSection.objects.get(diagnostic=diagnostic, key=key)
    return services.section_save(
        diagnostic=diagnostic, key=key, by=by, expected_version=section.version, **kwargs
    )


def _fill(diagnostic: Diagnostic, demo: ChainDemo, province: Province, by: User, today) -> None:
    """Every section, through `section_save`, as the field agent fills them in."""
    defaults = {s.kind: s for s in diagnostic.stages.all()}
    lines = []
    for order, (kind, name, operators) in enumerate(demo.stages, start=1):
        stage = defaults.pop(kind, None)
        ops = [Line(op.values(i)) for i, op in enumerate(operators, start=1)]
        values = {"order": order, "kind": kind, "name": name}
        lines.append(Line(values, id=stage.pk if stage else None, children=ops))
    _save(diagnostic, "stages", by, sheets={"stages": lines})
    stages = {s.kind: s for s in diagnostic.stages.all()}
    people = _stakeholders(province)
    supporters = []
    for order, (key, name, kind, served) in enumerate(demo.supporters, start=1):
        stakeholder = people.get(key) if key else None
        supporters.append(
            Line(
                {
                    "order": order,
                    "kind": kind,
                    "stakeholder": stakeholder,
                    "name": "" if stakeholder else (name or key),
                },
                m2m={"stages": [stages[k] for k in served if k in stages]},
            )
        )
    _save(diagnostic, "supporters", by, sheets={"supporters": supporters})

    def findings(rows):
        return [
            Line({"order": i, "stage": stages[kind], "title": t, "level": level, "source": source})
            for i, (kind, t, level, source) in enumerate(rows, start=1)
        ]

    _save(
        diagnostic,
        "findings",
        by,
        sheets={
            "bottlenecks": findings(demo.bottlenecks),
            "opportunities": findings(demo.opportunities),
        },
    )
    swot = [
        Line({"quadrant": quadrant, "order": i, "text": text})
        for quadrant, texts in demo.swot.items()
        for i, text in enumerate(texts, start=1)
    ]
    _save(diagnostic, "swot", by, sheets={"swot": swot})
    observations = [
        Line(
            {
                "kind": kind,
                "date": today + datetime.timedelta(days=offset),
                "place": place,
                "subject": subject,
                "women_young": wy,
                "women_adult": wa,
                "men_young": my,
                "men_adult": ma,
                "notes": notes,
            }
        )
        for kind, offset, place, subject, wy, wa, my, ma, notes in demo.observations
    ]
    _save(diagnostic, "observations", by, sheets={"observations": observations})
    first = diagnostic.observations.order_by("date", "id").first()
    if first is not None:
        attachment_create(
            record=first,
            province=province,
            upload=ContentFile(field_photo(diagnostic.chain_id), name="terrain.jpg"),
            by=by,
            title=f"{first.get_kind_display().capitalize()} – {first.place}"[:200],
        )
    objectives = [Line({"order": i, "text": t}) for i, t in enumerate(demo.objectives, start=1)]
    _save(diagnostic, "strategy", by, summary=demo.vision, sheets={"objectives": objectives})
    bottlenecks = list(diagnostic.bottlenecks.order_by("order"))
    actions = []
    for order, a in enumerate(demo.actions, start=1):
        responsible = people.get(a.responsible)
        indicators = [
            Line(
                {
                    "order": i,
                    "name": name,
                    "unit": unit,
                    "baseline": D(baseline),
                    "target": D(target),
                    "current": D(current) if current is not None else None,
                    "current_on": today - datetime.timedelta(days=7)
                    if current is not None
                    else None,
                }
            )
            for i, (name, unit, baseline, target, current) in enumerate(a.indicators, start=1)
        ]
        actions.append(
            Line(
                {
                    "order": order,
                    "title": a.title,
                    "bottleneck": bottlenecks[a.bottleneck],
                    "responsible": responsible,
                    "responsible_name": "" if responsible else a.responsible,
                    "budget": D(a.budget),
                    "start_date": today + datetime.timedelta(days=a.start),
                    "end_date": today + datetime.timedelta(days=a.end),
                    "status": a.status,
                },
                m2m={"partners": [p for p in (people.get("CAM"), people.get("ANAPEC")) if p]},
                children=indicators,
            )
        )
    _save(diagnostic, "actions", by, sheets={"actions": actions})
    saved = list(diagnostic.flagship_actions.order_by("order"))
    advocacy = [
        Line(
            {
                "order": i,
                "action": saved[index],
                "target": people.get(target),
                "target_name": "" if people.get(target) else target,
                "message": message,
            }
        )
        for i, (index, target, message) in enumerate(demo.advocacy, start=1)
    ]
    _save(diagnostic, "advocacy", by, sheets={"advocacy": advocacy})


def _move_to(diagnostic, state, *, agent, coordinator, today) -> None:
    """The review as it happens: submitted by the agent, returned once with a comment for the
    chains that went further, then validated and delivered by the coordinator."""
    steps = {
        S.DRAFT: [],
        S.SUBMITTED: [("submit", agent, "")],
        S.RETURNED: [
            ("submit", agent, ""),
            ("send_back", coordinator, "Préciser les prix pratiqués à chaque étape."),
        ],
        S.VALIDATED: [
            ("submit", agent, ""),
            ("send_back", coordinator, "Ajouter les sources des volumes."),
            ("submit", agent, "Sources ajoutées."),
            ("validate", coordinator, ""),
        ],
        S.DELIVERED: [
            ("submit", agent, ""),
            ("validate", coordinator, "Conforme à la démarche ValueLinks."),
            ("deliver", coordinator, ""),
        ],
    }[state]
    for name, by, comment in steps:
        diagnostic.refresh_from_db()
        params = None
        if name == "deliver":
            params = {
                "on": today - datetime.timedelta(days=2),
                "recipient": "Division de l'Action Sociale de la Province",
                "document": ContentFile(DELIVERED_PDF, name="diagnostic-chaine-de-valeur.pdf"),
            }
        services.diagnostic_move(
            diagnostic=diagnostic,
            name=name,
            by=by,
            expected_version=diagnostic.version,
            comment=comment,
            params=params,
        )
