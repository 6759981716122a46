"""Value chains: the chain map drawn from a diagnostic's data, and the queries behind it."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from tests.factories import (
    BottleneckFactory,
    DiagnosticFactory,
    FlagshipActionFactory,
    IndicatorFactory,
    OperatorFactory,
    StageFactory,
    SupporterFactory,
)
from valuechains.chainmap import COL_W, PAD, STAGE_SIZE, chain_map_svg, text_width, wrap
from valuechains.models import Diagnostic
from valuechains.selectors import (
    ChainMapData,
    MapBottleneck,
    MapOperator,
    MapStage,
    MapSupporter,
    chain_map_data,
    diagnostic_content,
)

SVG = "{http://www.w3.org/2000/svg}"


def sample(long_name: bool = False) -> ChainMapData:
    name = "Approvisionnement en intrants et en plants certifiés " * (2 if long_name else 0)
    return ChainMapData(
        title="Huile d'olive",
        stages=[
            MapStage(1, name or "Intrants", [MapOperator("Pépiniéristes", 12, 3, 6)], []),
            MapStage(
                2,
                "Production",
                [MapOperator("Oléiculteurs", 1450, 290, 435)],
                [MapBottleneck("Récolte non mécanisée", "high")],
            ),
            MapStage(3, "Transformation", [MapOperator("Maâsras", 40, None, None)], []),
        ],
        supporters=[
            MapSupporter("DPA", "public_service", [1, 2]),
            MapSupporter("CAM", "finance", [3]),
        ],
    )


def stage_labels(svg: str) -> list[tuple[float, str]]:
    """(x, text) of the stage names, in the order they are drawn."""
    root = ET.fromstring(svg)
    out = []
    for text in root.iter(f"{SVG}text"):
        if text.get("font-size") == str(STAGE_SIZE):
            out.append((float(text.get("x")), "".join(text.itertext())))
    return out


def test_stages_run_left_to_right_with_operator_counts_and_shares():
    with translation.override("fr"):
        svg = str(chain_map_svg(sample()))
    labels = stage_labels(svg)
    assert [t for _x, t in labels] == ["Intrants", "Production", "Transformation"]
    assert [x for x, _t in labels] == sorted(x for x, _t in labels)
    flat = " ".join(ET.fromstring(svg).itertext())
    assert "1\u202f450 opérateurs" in flat or "1 450 opérateurs" in flat
    assert "femmes 20 %" in flat and "jeunes 30 %" in flat
    assert "Récolte non mécanisée" in flat and "Soutiens" in flat


def test_in_arabic_the_stages_run_right_to_left():
    with translation.override("ar"):
        svg = str(chain_map_svg(sample(), rtl=True))
    root = ET.fromstring(svg)
    assert root.get("direction") == "rtl"
    labels = stage_labels(svg)
    assert [t for _x, t in labels] == ["Intrants", "Production", "Transformation"]
    assert [x for x, _t in labels] == sorted((x for x, _t in labels), reverse=True)


def test_the_map_has_no_style_attribute_and_real_text():
    svg = str(chain_map_svg(sample()))
    assert not re.search(r"\sstyle=", svg)
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("viewBox").startswith("0 0 ")
    assert root.get("font-family").startswith("Noto Sans")
    assert len(list(root.iter(f"{SVG}text"))) > 10


def test_long_names_are_wrapped_within_their_column():
    lines = wrap("Approvisionnement en intrants et en plants certifiés " * 2, 150, 14, bold=True)
    assert 1 < len(lines) <= 3 and all(text_width(line, 14, True) <= 150 for line in lines)
    assert lines[-1].endswith("…")
    svg = str(chain_map_svg(sample(long_name=True)))
    spans = [t for t in ET.fromstring(svg).iter(f"{SVG}tspan") if "plants" in (t.text or "")]
    assert spans and all(text_width(t.text, STAGE_SIZE, True) <= COL_W - 2 * PAD for t in spans)


def test_an_empty_diagnostic_says_so():
    svg = str(chain_map_svg(ChainMapData("Miel", [], [])))
    assert "No stages yet." in svg or "Aucune étape" in svg


@pytest.mark.django_db
def test_the_chain_map_and_content_queries_do_not_grow_with_the_chain(
    province_a, django_assert_num_queries
):
    diagnostic = DiagnosticFactory(province=province_a)
    StageFactory(diagnostic=diagnostic)  # six stages
    stages = list(diagnostic.stages.all())
    for stage in stages:
        for i in range(10):
            OperatorFactory(stage=stage, count=10 + i, women=i)
    for i in range(30):
        BottleneckFactory(diagnostic=diagnostic, stage=stages[i % 6])
    for i in range(4):
        SupporterFactory(diagnostic=diagnostic, stages=stages[i : i + 3])
    for _ in range(15):
        action = FlagshipActionFactory(diagnostic=diagnostic)
        for _ in range(3):
            IndicatorFactory(action=action)
    diagnostic = Diagnostic.objects.select_related("chain__province").get(pk=diagnostic.pk)
    with django_assert_num_queries(5):
        data = chain_map_data(diagnostic)
    assert [len(s.operators) for s in data.stages] == [10] * 6
    assert sum(len(s.bottlenecks) for s in data.stages) == 30
    with django_assert_num_queries(0):
        svg = str(chain_map_svg(data))
    assert svg.count('class="chain-map-operator-box"') == 60
    assert svg.count("chain-map-badge") == 6
    with django_assert_num_queries(14):
        content = diagnostic_content(diagnostic)
        assert sum(len(a.indicators.all()) for a in content.actions) == 45
        assert sum(len(s.operators.all()) for s in content.stages) == 60
        assert all(len(s.stages.all()) == 3 for s in content.supporters)


def test_for_the_pdf_arabic_lines_come_in_visual_order_with_joined_letters():
    from valuechains.chainmap import for_weasyprint

    svg = (
        '<svg><text><tspan x="1">العدد غير معروف</tspan></text>'
        '<text><tspan x="2">Huile &amp; olives &lt;bio&gt;</tspan></text>'
        '<text><tspan x="3">320 متدخلا · النساء 15%</tspan></text></svg>'
    )
    out = str(for_weasyprint(svg, rtl=True))
    texts = [t.text for t in ET.fromstring(out).iter("tspan")]
    # WeasyPrint draws letter after letter from the left: the line's last word comes first,
    # each letter in its joined form (Arabic Presentation Forms), none left bare.
    assert texts[0] == "ﻑﻭﺮﻌﻣ ﺮﻴﻏ ﺩﺪﻌﻟﺍ"
    assert not any("\u0600" <= c <= "\u06ff" for c in texts[0])
    assert texts[1] == "Huile & olives <bio>"  # Latin untouched, still escaped in the SVG
    assert "Huile &amp; olives &lt;bio&gt;" in out
    # the count stays a number read left to right, at the line's right end (where it starts)
    assert texts[2].endswith("320") and "15" in texts[2]


def test_the_map_data_follows_the_language_it_is_drawn_in(users, province_a):
    diagnostic = DiagnosticFactory(province=province_a, by=users["coord_a"])
    with translation.override("fr"):
        data = chain_map_data(diagnostic)  # read in French (a PDF job's worker)…
    with translation.override("ar"):
        svg = str(chain_map_svg(data, rtl=True))  # …drawn in Arabic
    assert "الإنتاج" in svg and "Production" not in svg
