"""Fonts and icons for scripts/vendor-static, cut to what Targa shows (fontTools' subsetter).

Usage: vendor_fonts.py NODE_MODULES STATIC_VENDOR PROJECT_ROOT

- Bootstrap Icons: the icon font keeps only the glyphs of the icons the product names (`bi-…`
  in templates and static/js, and the menu entries' `icon` in the apps' Python code), and
  bootstrap-icons.css declares only those classes. tests/test_static_weight.py fails when a
  page names an icon the subset lacks: run scripts/vendor-static again.
- fonts.css (pages in French and English): Noto Sans, latin and latin-ext, in the weights the
  CSS uses (400; 500 for headings; 700 for bold, and 600 falls to it).
- fonts-rtl.css (pages in Arabic): Noto Naskh Arabic in one small file per weight holding the
  letters, marks, digits and punctuation of Arabic as written in Morocco; every other Arabic
  character (Persian and Urdu letters, presentation forms…) is declared with the complete
  fontsource file, which the browser fetches only if a page holds one. Latin text in Arabic
  pages (numbers, names, "Targa") is Noto Sans 400 and 700 only, loaded when such text appears.
Every text face has `font-display: swap` (text shows at once in a system font); the icons
keep `block` (a private-use code point must not show as a box while the font loads).
"""

import ast
import json
import logging
import re
import sys
from pathlib import Path

from fontTools import subset

# Arabic as used by Moroccan administration: comma, semicolon, question mark; hamza to yeh;
# tatweel, harakat, maddah and hamza marks; Arabic-Indic digits, percent and separators;
# superscript alef, alef wasla; the letters written for sounds of Darija and Amazigh names
# (peh, tcheh, jeh, veh, ng, gaf, and the Moroccan kaf with three dots); joiners and marks
# of direction.
ARABIC_CORE = (
    "U+060C,U+061B,U+061F,U+0621-063A,U+0640-0655,U+0660-066D,U+0670-0671,U+067E,U+0686,"
    "U+0698,U+06A4,U+06AD,U+06AF,U+0763,U+200C-200F"
)
LATIN_WEIGHTS = (400, 500, 700)  # pages in French and English
ARABIC_WEIGHTS = (400, 700)
LATIN_IN_ARABIC_WEIGHTS = (400, 700)  # a heading's Latin (weight 500) takes the 400 face

ICON_CLASS = re.compile(r"(?<![\w-])bi-([a-z0-9]+(?:-[a-z0-9]+)*)")


def parse_ranges(text: str) -> set[int]:
    points: set[int] = set()
    for part in text.split(","):
        part = part.strip().removeprefix("U+")
        low, _, high = part.partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return points


def format_ranges(points: set[int]) -> str:
    out, ordered = [], sorted(points)
    start = prev = ordered[0]
    for p in ordered[1:] + [None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        out.append(f"U+{start:04X}" + (f"-{prev:04X}" if prev != start else ""))
        if p is not None:
            start = prev = p
    return ",".join(out)


def cut(source: Path, target: Path, unicodes: set[int], *, layout: bool = True) -> set[int]:
    """Write the subset of `source` holding `unicodes` (as WOFF2); the code points it has."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"] if layout else []
    options.name_IDs = ["*"]  # keep the copyright and licence names
    options.recalc_timestamp = False  # the same bytes from the same package: reproducible
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)
    return set(font.getBestCmap())


def icons_used(root: Path) -> set[str]:
    """Icon names in templates and scripts (`bi-name`) and in menu entries (`MenuEntry`'s
    third argument or `icon=`)."""
    names: set[str] = set()
    for path in root.rglob("*"):
        parts = set(path.relative_to(root).parts)
        if parts & {".venv", "node_modules", "staticfiles", ".git"} or not path.is_file():
            continue
        if path.suffix == ".html" and "templates" in parts:
            names.update(ICON_CLASS.findall(path.read_text()))
        elif path.suffix == ".js" and path.is_relative_to(root / "static" / "js"):
            names.update(ICON_CLASS.findall(path.read_text()))
        elif path.suffix == ".py" and not parts & {"tests", "static", "scripts"}:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "MenuEntry":
                    args = node.args[2:3] + [k.value for k in node.keywords if k.arg == "icon"]
                    names.update(a.value for a in args if isinstance(a, ast.Constant))
    return names


def icons(nm: Path, out: Path, root: Path) -> int:
    package = nm / "bootstrap-icons" / "font"
    codepoints: dict[str, int] = json.loads((package / "bootstrap-icons.json").read_text())
    names = sorted(icons_used(root))
    unknown = [n for n in names if n not in codepoints]
    if unknown:
        sys.exit(f"vendor-static: no such Bootstrap icon: {', '.join(unknown)}")
    cut(
        package / "fonts" / "bootstrap-icons.woff2",
        out / "bootstrap-icons" / "fonts" / "bootstrap-icons.woff2",
        {codepoints[n] for n in names},
        layout=False,
    )
    base = re.search(r"\.bi::before,.*?\}", (package / "bootstrap-icons.css").read_text(), re.S)
    css = (
        "/* Generated by scripts/vendor-static from bootstrap-icons: the icons Targa uses; "
        "do not edit. */\n"
        "@font-face {\n"
        '  font-display: block;\n  font-family: "bootstrap-icons";\n'
        '  src: url("./fonts/bootstrap-icons.woff2") format("woff2");\n}\n'
        + base.group(0)
        + "\n"
        + "".join(f'.bi-{n}::before {{ content: "\\{codepoints[n]:x}"; }}\n' for n in names)
    )
    (out / "bootstrap-icons" / "bootstrap-icons.css").write_text(css)
    return len(names)


def face(family: str, weight: int, url: str, unicode_range: str) -> str:
    return (
        f"@font-face {{\n  font-family: '{family}';\n  font-style: normal;\n"
        f"  font-display: swap;\n  font-weight: {weight};\n"
        f"  src: url(./{url}) format('woff2');\n  unicode-range: {unicode_range};\n}}\n"
    )


def latin_faces(nm: Path, weights: tuple[int, ...]) -> str:
    ranges = json.loads((nm / "@fontsource/noto-sans/unicode.json").read_text())
    return "".join(
        face("Noto Sans", w, f"noto-sans/noto-sans-{s}-{w}-normal.woff2", ranges[s])
        for s in ("latin-ext", "latin")
        for w in weights
    )


def fonts(nm: Path, out: Path) -> None:
    head = "/* Generated by scripts/vendor-static from @fontsource packages; do not edit. */\n"
    (out / "fonts" / "fonts.css").write_text(head + latin_faces(nm, LATIN_WEIGHTS))

    arabic = parse_ranges(
        json.loads((nm / "@fontsource/noto-naskh-arabic/unicode.json").read_text())["arabic"]
    )
    css = head
    for weight in ARABIC_WEIGHTS:
        full = f"noto-naskh-arabic-arabic-{weight}-normal.woff2"
        core = f"noto-naskh-arabic-core-{weight}-normal.woff2"
        kept = cut(
            out / "fonts" / "noto-naskh-arabic" / full,
            out / "fonts" / "noto-naskh-arabic" / core,
            parse_ranges(ARABIC_CORE),
        )
        css += face("Noto Naskh Arabic", weight, f"noto-naskh-arabic/{core}", format_ranges(kept))
        css += face(
            "Noto Naskh Arabic", weight, f"noto-naskh-arabic/{full}", format_ranges(arabic - kept)
        )
    (out / "fonts" / "fonts-rtl.css").write_text(css + latin_faces(nm, LATIN_IN_ARABIC_WEIGHTS))


def main(nm: str, out: str, root: str) -> None:
    # Bootstrap Icons' "post" table carries two stray bytes fontTools warns about, harmlessly.
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    count = icons(Path(nm), Path(out), Path(root))
    fonts(Path(nm), Path(out))
    print(f"vendor-static: {count} icons, fonts.css and fonts-rtl.css")


if __name__ == "__main__":
    main(*sys.argv[1:])
