"""The chain map: a diagnostic's stages, operators, bottlenecks and supporters drawn as SVG.

A pure function of `valuechains.selectors.ChainMapData`: no database, no request. Stages run
in reading order (left to right, right to left in Arabic), each with its operators (how many,
the share of women and young people) and its bottlenecks flagged; supporters sit below, with
lines to the stages they serve. Text is real SVG text in the shipped fonts (Noto Sans and Noto
Naskh Arabic on the page, their TrueType twins Targa Sans / Targa Naskh in the PDF), wrapped
by measuring it with the fonts' own advance widths, so that long names never overflow. Only
presentation attributes and classes, never a style attribute (the CSP forbids them). The
drawing keeps its natural size in pixels, so that on a 360-px phone it scrolls sideways at a
readable size instead of shrinking (`.chain-map-scroll` in targa.css).
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from django.conf import settings
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from valuechains.models import Level
from valuechains.selectors import ChainMapData, MapOperator, MapStage, MapSupporter

FONT_FAMILY = "Noto Sans, Noto Naskh Arabic, Targa Sans, Targa Naskh, sans-serif"
FONTS = Path(settings.BASE_DIR) / "static" / "vendor" / "fonts" / "pdf"

MARGIN = 12
COL_W = 184  # a stage's column
GAP = 30  # between two columns, where the arrow goes
PAD = 8
STAGE_SIZE, OP_SIZE, SMALL_SIZE = 14, 12, 11
LINE = 1.3  # line height, in font sizes
MAX_BOTTLENECKS = 4  # listed under a stage; the badge counts them all
SUPPORTER_W = 150
SUPPORTERS_TOP_GAP = 56  # room for the lines from the supporters up to the stages

COLOURS = {
    "stage": "#0b5394",
    "stage_text": "#ffffff",
    "operator": "#eef4fb",
    "operator_border": "#9fc0e3",
    "text": "#212529",
    "muted": "#5c636a",
    "women": "#c2255c",
    "young": "#0c8599",
    "bar": "#dee2e6",
    "supporter": "#f1f3f5",
    "supporter_border": "#adb5bd",
    "link": "#868e96",
    Level.HIGH: "#c92a2a",
    Level.MEDIUM: "#e8590c",
    Level.LOW: "#e0a800",
}


# Measuring and wrapping text ---------------------------------------------------------------


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" or "\ufb50" <= char


@cache
def _advances(font_file: str) -> tuple[dict[int, int], int]:
    """A font's advance width per code point, and its units per em."""
    from fontTools.ttLib import TTFont  # installed with WeasyPrint; read once per font

    font = TTFont(FONTS / font_file, lazy=True)
    hmtx, cmap = font["hmtx"], font.getBestCmap()
    return {cp: hmtx[name][0] for cp, name in cmap.items()}, font["head"].unitsPerEm


def _char_width(char: str, size: float, bold: bool) -> float:
    weight = "700" if bold else "400"
    if _is_arabic(char):
        files = (f"amiri/amiri-arabic-{weight}-normal.ttf",)
        fallback = 0.5
    else:
        files = (
            f"noto-sans/noto-sans-latin-{weight}-normal.ttf",
            f"noto-sans/noto-sans-latin-ext-{weight}-normal.ttf",
        )
        fallback = 0.6
    for file in files:
        widths, em = _advances(file)
        if ord(char) in widths:
            return widths[ord(char)] * size / em
    return fallback * size


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide `text` is drawn at `size`, with a margin for the page's Arabic font (Noto
    Naskh is a little wider than Amiri, which is measured)."""
    width = sum(_char_width(c, size, bold) for c in text)
    return width * 1.1 if any(_is_arabic(c) for c in text) else width


def wrap(text: str, width: float, size: float, *, bold: bool = False, max_lines: int = 3):
    """`text` cut into lines no wider than `width`, at most `max_lines` (the last one ends
    with an ellipsis when text is left over). A word too long for a line is cut."""
    words, lines, current = " ".join(str(text).split()).split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if text_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width(current, size, bold) > width and len(current) > 1:
            cut = len(current)
            while cut > 1 and text_width(current[:cut], size, bold) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(f"{last}…", size, bold) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], f"{last.rstrip()}…"]
    return lines or [""]


# Drawing -----------------------------------------------------------------------------------


def _attrs(**attrs) -> str:
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{escape(str(value), {chr(34): "&quot;"})}"')
    return " ".join(parts)


def _rect(x, y, w, h, **attrs) -> str:
    return f"<rect {_attrs(x=_n(x), y=_n(y), width=_n(w), height=_n(h), **attrs)}/>"


def _path(d: str, **attrs) -> str:
    return f"<path {_attrs(d=d, **attrs)}/>"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(rtl, x, y, lines, size, *, anchor="middle", bold=False, fill=None, class_=None) -> str:
    """Lines of text from baseline `y`, one under the other. In a right-to-left drawing, text
    with no Arabic in it is set left to right (anchored at the same edge), so that its
    brackets and final punctuation stay where the writer put them."""
    direction = None
    if rtl and not any(_is_arabic(c) for line in lines for c in line):
        direction = "ltr"
        anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
    spans = "".join(
        f"<tspan {_attrs(x=_n(x), dy=_n(0 if i == 0 else size * LINE))}>{escape(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    attrs = _attrs(
        x=_n(x),
        y=_n(y),
        font_size=size,
        font_weight="700" if bold else None,
        text_anchor=anchor,
        direction=direction,
        fill=fill or COLOURS["text"],
        class_=class_,
    )
    return f"<text {attrs}>{spans}</text>"


def _lines_height(n: int, size: float) -> float:
    return size + (n - 1) * size * LINE


@dataclass
class _Column:
    stage: MapStage
    x: float  # left edge
    parts: list[str]
    bottom: float = 0.0

    @property
    def centre(self) -> float:
        return self.x + COL_W / 2


def _number(n: int | None) -> str:
    return formats.number_format(n, force_grouping=True) if n is not None else "?"


def _operator_facts(op: MapOperator) -> str:
    facts = [
        ngettext("%(n)s operator", "%(n)s operators", op.count or 0) % {"n": _number(op.count)}
        if op.count is not None
        else _("count unknown")
    ]
    if op.women_share is not None:
        facts.append(_("women %(share)s%%") % {"share": op.women_share})
    if op.young_share is not None:
        facts.append(_("young people %(share)s%%") % {"share": op.young_share})
    return " · ".join(facts)


def _share_bar(x, y, width, share, colour, rtl) -> str:
    """A thin bar: its coloured part is the share, from where reading starts."""
    filled = width * share / 100
    start = x + width - filled if rtl else x
    return _rect(x, y, width, 4, fill=COLOURS["bar"], rx=2) + (
        _rect(start, y, filled, 4, fill=colour, rx=2) if filled else ""
    )


def _operator_box(op: MapOperator, x: float, y: float, rtl: bool) -> tuple[str, float]:
    inner = COL_W - 2 * PAD
    name = wrap(op.label, inner, OP_SIZE, bold=True, max_lines=2)
    facts = wrap(_operator_facts(op), inner, SMALL_SIZE, max_lines=2)
    top = y + PAD + OP_SIZE
    body = [_text(rtl, x + COL_W / 2, top, name, OP_SIZE, bold=True, class_="chain-map-operator")]
    facts_y = top + _lines_height(len(name), OP_SIZE) - OP_SIZE + SMALL_SIZE * LINE + 2
    body.append(_text(rtl, x + COL_W / 2, facts_y, facts, SMALL_SIZE, fill=COLOURS["muted"]))
    bottom = facts_y + _lines_height(len(facts), SMALL_SIZE) - SMALL_SIZE + 6
    for share, colour in ((op.women_share, "women"), (op.young_share, "young")):
        if share is not None:
            body.append(_share_bar(x + PAD, bottom, inner, share, COLOURS[colour], rtl))
            bottom += 7
    height = bottom - y + PAD - 2
    box = _rect(
        x,
        y,
        COL_W,
        height,
        rx=6,
        fill=COLOURS["operator"],
        stroke=COLOURS["operator_border"],
        class_="chain-map-operator-box",
    )
    return box + "".join(body), height


def _arrow(x: float, y: float, rtl: bool) -> str:
    """The arrow between two stage headers, pointing the way the chain goes."""
    a, b = (x + GAP - 6, x + 6) if rtl else (x + 6, x + GAP - 6)
    d = f"M{_n(a)} {_n(y - 9)} L{_n(b)} {_n(y)} L{_n(a)} {_n(y + 9)} Z"
    return _path(d, fill=COLOURS["stage"], class_="chain-map-arrow")


def chain_map_svg(data: ChainMapData, *, rtl: bool = False) -> SafeString:
    """The chain map of `data` as an SVG element (text in the active language)."""
    n = len(data.stages)
    title = _("Chain map: %(chain)s") % {"chain": data.title} if data.title else _("Chain map")
    if not n:
        width, height = 360, 60
        body = _text(rtl, width / 2, 36, [_("No stages yet.")], OP_SIZE, fill=COLOURS["muted"])
        return _svg(width, height, title, body, rtl)
    width = 2 * MARGIN + n * COL_W + (n - 1) * GAP
    columns = []
    for i, stage in enumerate(data.stages):
        x = MARGIN + i * (COL_W + GAP)
        columns.append(_Column(stage, width - x - COL_W if rtl else x, []))

    # Stage headers, all as tall as the tallest.
    names = [wrap(c.stage.label, COL_W - 2 * PAD - 20, STAGE_SIZE, bold=True) for c in columns]
    header_h = max(_lines_height(len(lines), STAGE_SIZE) for lines in names) + 2 * PAD + 4
    top = MARGIN + 10  # room for the bottleneck badges
    parts = []
    for i, (column, lines) in enumerate(zip(columns, names, strict=True)):
        parts.append(
            _rect(
                column.x,
                top,
                COL_W,
                header_h,
                rx=8,
                fill=COLOURS["stage"],
                class_="chain-map-stage",
            )
        )
        parts.append(
            _text(
                rtl,
                column.centre,
                top + PAD + STAGE_SIZE + 2,
                lines,
                STAGE_SIZE,
                bold=True,
                fill=COLOURS["stage_text"],
            )
        )
        found = len(column.stage.bottlenecks)
        if found:
            badge_x = column.x + 14 if rtl else column.x + COL_W - 14
            label = ngettext("%(n)s bottleneck", "%(n)s bottlenecks", found) % {"n": found}
            circle = _attrs(
                cx=_n(badge_x), cy=_n(top), r=12, fill=COLOURS[Level.HIGH], stroke="#ffffff"
            )
            count = _text(
                rtl, badge_x, top + 4.5, [str(found)], SMALL_SIZE, bold=True, fill="#ffffff"
            )
            parts.append(
                f"<g {_attrs(class_='chain-map-badge')}><title>{escape(label)}</title>"
                f'<circle {circle} stroke-width="2"/>{count}</g>'
            )
        if i < n - 1:
            gap_x = column.x - GAP if rtl else column.x + COL_W
            parts.append(_arrow(gap_x, top + header_h / 2, rtl))

    # Operators, then bottlenecks, under each stage.
    for column in columns:
        y = top + header_h + 10
        for op in column.stage.operators:
            box, h = _operator_box(op, column.x, y, rtl)
            column.parts.append(box)
            y += h + 8
        if not column.stage.operators:
            column.parts.append(
                _text(
                    rtl,
                    column.centre,
                    y + SMALL_SIZE,
                    [_("No operators described.")],
                    SMALL_SIZE,
                    fill=COLOURS["muted"],
                )
            )
            y += SMALL_SIZE * LINE + 8
        y = _bottleneck_list(column, y + 4, rtl)
        column.bottom = y
    body_bottom = max(c.bottom for c in columns)
    for column in columns:
        parts.extend(column.parts)

    height = body_bottom + MARGIN
    if data.supporters:
        parts_s, height = _supporters(data.supporters, columns, body_bottom, width, rtl)
        parts.extend(parts_s)
    parts.append(_legend(width, height, rtl))
    return _svg(width, height + 24, title, "".join(parts), rtl)


def _bottleneck_list(column: _Column, y: float, rtl: bool) -> float:
    found = column.stage.bottlenecks
    if not found:
        return y
    inner = COL_W - 2 * PAD - 14
    start = column.x + COL_W - PAD if rtl else column.x + PAD
    text_x = start - 14 if rtl else start + 14
    for b in found[:MAX_BOTTLENECKS]:
        lines = wrap(b.title, inner, SMALL_SIZE, max_lines=2)
        colour = COLOURS.get(b.level, COLOURS[Level.HIGH])
        marker_x = start - 4 if rtl else start + 4
        column.parts.append(
            f"<g {_attrs(class_=f'chain-map-bottleneck chain-map-{b.level}')}>"
            + _path(_triangle(marker_x, y + SMALL_SIZE - 4), fill=colour)
            + _text(rtl, text_x, y + SMALL_SIZE, lines, SMALL_SIZE, anchor="start", fill=colour)
            + "</g>"
        )
        y += _lines_height(len(lines), SMALL_SIZE) + 6
    more = len(found) - MAX_BOTTLENECKS
    if more > 0:
        label = ngettext("and %(n)s more", "and %(n)s more", more) % {"n": more}
        column.parts.append(
            _text(
                rtl,
                text_x,
                y + SMALL_SIZE - 2,
                [label],
                SMALL_SIZE,
                anchor="start",
                fill=COLOURS["muted"],
            )
        )
        y += SMALL_SIZE * LINE + 4
    return y


def _triangle(cx: float, cy: float) -> str:
    return f"M{_n(cx)} {_n(cy - 5)} L{_n(cx + 5)} {_n(cy + 4)} L{_n(cx - 5)} {_n(cy + 4)} Z"


def _supporters(supporters: list[MapSupporter], columns, body_bottom, width, rtl):
    """The supporters' boxes in rows under the stages, each with lines up to its stages."""
    parts = []
    heading_y = body_bottom + SUPPORTERS_TOP_GAP
    edge = width - MARGIN if rtl else MARGIN
    parts.append(
        _text(
            rtl,
            edge,
            heading_y,
            [_("Supporters")],
            OP_SIZE,
            anchor="start",
            bold=True,
            fill=COLOURS["muted"],
        )
    )
    per_row = max(1, int((width - 2 * MARGIN + 12) // (SUPPORTER_W + 12)))
    used = per_row * (SUPPORTER_W + 12) - 12
    offset = MARGIN + (width - 2 * MARGIN - used) / 2
    y = heading_y + 10
    centres = {c.stage.id: c.centre for c in columns}
    served = {stage_id for s in supporters for stage_id in s.stage_ids}
    for column in columns:  # from each stage served down to where its supporters' lines meet
        if column.stage.id in served and column.bottom < body_bottom:
            d = f"M{_n(column.centre)} {_n(column.bottom)} V{_n(body_bottom + 4)}"
            parts.append(
                _path(d, stroke=COLOURS["link"], stroke_dasharray="3 3", class_="chain-map-link")
            )
    links, boxes = [], []
    row_h = 0.0
    for i, supporter in enumerate(supporters):
        if i and i % per_row == 0:
            y += row_h + 12
            row_h = 0.0
        slot = i % per_row
        x = offset + slot * (SUPPORTER_W + 12)
        if rtl:
            x = width - x - SUPPORTER_W
        lines = wrap(supporter.label, SUPPORTER_W - 2 * PAD, OP_SIZE, max_lines=2)
        h = _lines_height(len(lines), OP_SIZE) + 2 * PAD
        row_h = max(row_h, h)
        boxes.append(
            f"<g {_attrs(class_=f'chain-map-supporter chain-map-{supporter.kind}')}>"
            + _rect(
                x,
                y,
                SUPPORTER_W,
                h,
                rx=6,
                fill=COLOURS["supporter"],
                stroke=COLOURS["supporter_border"],
            )
            + _text(rtl, x + SUPPORTER_W / 2, y + PAD + OP_SIZE - 1, lines, OP_SIZE)
            + "</g>"
        )
        for stage_id in supporter.stage_ids:
            if stage_id in centres:
                sx, sy = x + SUPPORTER_W / 2, y
                tx, ty = centres[stage_id], body_bottom + 4
                mid = (sy + ty) / 2
                d = f"M{_n(sx)} {_n(sy)} C{_n(sx)} {_n(mid)} {_n(tx)} {_n(mid)} {_n(tx)} {_n(ty)}"
                links.append(
                    _path(
                        d,
                        fill="none",
                        stroke=COLOURS["link"],
                        stroke_width=1.2,
                        class_="chain-map-link",
                    )
                )
    parts.extend(links)  # under the boxes
    parts.extend(boxes)
    return parts, y + row_h + MARGIN


def _legend(width: float, y: float, rtl: bool) -> str:
    items = [
        (COLOURS[Level.HIGH], _("bottleneck")),
        (COLOURS["women"], _("share of women")),
        (COLOURS["young"], _("share of young people")),
    ]
    parts, x = [], MARGIN
    for colour, label in items:
        w = 14 + text_width(label, SMALL_SIZE) + 18
        left = width - x - w if rtl else x
        swatch = left + w - 18 - 10 if rtl else left
        parts.append(_rect(swatch, y + 2, 10, 10, rx=2, fill=colour))
        parts.append(
            _text(
                rtl,
                swatch - 4 if rtl else swatch + 14,
                y + 11,
                [label],
                SMALL_SIZE,
                anchor="start",
                fill=COLOURS["muted"],
            )
        )
        x += w
    return f"<g {_attrs(class_='chain-map-legend')}>{''.join(parts)}</g>"


def _svg(width: float, height: float, title: str, body: str, rtl: bool) -> SafeString:
    attrs = _attrs(
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {_n(width)} {_n(height)}",
        width=_n(width),
        height=_n(height),
        role="img",
        aria_label=title,
        font_family=FONT_FAMILY,
        direction="rtl" if rtl else "ltr",
        class_="chain-map",
    )
    return mark_safe(f"<svg {attrs}><title>{escape(title)}</title>{body}</svg>")  # noqa: S308 (escaped above)


# The PDF's drawing -----------------------------------------------------------------------

_TSPAN = re.compile(r"(<tspan[^>]*>)([^<]*)(</tspan>)")


def for_weasyprint(svg: str, *, rtl: bool) -> SafeString:
    """The same drawing for WeasyPrint, which sets SVG text one letter at a time from left to
    right, without the Unicode bidirectional algorithm or Arabic shaping: each line holding
    Arabic is given in the order it is seen, with each letter in its joined form (initial,
    medial, final), so that it reads as in the browser."""
    from arabic_reshaper import reshape
    from bidi import get_display

    def visual(match: re.Match) -> str:
        opening, text, closing = match.groups()
        plain = unescape(text)
        if not any(_is_arabic(c) for c in plain):
            return match.group(0)
        shown = get_display(reshape(plain), base_dir="R" if rtl else "L")
        return f"{opening}{escape(shown)}{closing}"

    return mark_safe(_TSPAN.sub(visual, str(svg)))
