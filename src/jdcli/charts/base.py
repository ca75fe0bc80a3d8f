"""What every chart shares: labels, the CJK font stack, the caption, the PNG font search, and
writing the file (SVG, PNG or a self-contained HTML page) atomically.

matplotlib is imported here and only here, when a chart is asked for.
"""

from __future__ import annotations

import contextlib
import html
import io
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jdcli.errors import UsageError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Fonts with Chinese glyphs, in the order they are looked for: Windows, macOS, Linux.
CJK_FONTS = (
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Noto Sans SC",
    "Source Han Sans CN",
    "Hiragino Sans GB",
    "SimHei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
)
#: The font stack an SVG or HTML page names (the viewer picks the first it has).
FONT_STACK = (
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "DejaVu Sans",
    "sans-serif",
)
CSS_FONT_STACK = ", ".join(f"'{name}'" if " " in name else name for name in FONT_STACK)

CHART_EXTENSIONS = (".svg", ".png", ".html")

#: Colours (colour-blind safe: Okabe-Ito), one per series in turn.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
GREY = "#777777"

# ---------------------------------------------------------------- labels (one place)

_LABELS = {
    "trends.title": "Trends: level over time",
    "trends.stated": "stated level",
    "trends.chained": "chained index (from reported changes)",
    "trends.derived": "derived level (from one level and the changes)",
    "trends.no_period": "Not drawn (no single period): {names}.",
    "trends.capped": "Showing {shown} of {total} series; choose with --metric or --filter.",
    "trends.value": "Value",
    "occupancy.title": "Bed occupancy",
    "occupancy.axis": "Occupancy (%) = occupied ÷ capacity",
    "occupancy.band": "{name} {limit:g}%",
    "occupancy.undefined": "no capacity: undefined",
    "occupancy.capped": "Showing {shown} of {total} groups; choose with --filter.",
    "staffing.title": "Staffing",
    "staffing.target": "target {text}",
    "staffing.short": "short by {n}",
    "staffing.before": "before",
    "staffing.shortfall": "short of the target",
    "staffing.undefined": "undefined",
    "staffing.capped": "Showing {shown} of {total} rows; choose with --filter.",
    "verify.title": "Claims checked",
    "verify.pass": "pass",
    "verify.fail": "fail",
    "verify.unverifiable": "cannot be checked",
    "verify.axis": "Claims (count)",
    "axis.period": "Period ({freq})",
    "total": "Total",
    "source": "Source and definition: {caption}",
}


def label(key: str, **fields: Any) -> str:
    """The text people read for ``key`` (English; the one place a --lang lookup plugs in)."""
    return _LABELS[key].format(**fields)


# ---------------------------------------------------------------- figure and caption


def display_width(text: str) -> int:
    """Columns ``text`` takes: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` columns (CJK characters are two; a
    line may break between CJK characters, which have no spaces)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in _tokens(paragraph):
            if line and display_width(line + word) > width:
                lines.append(line.rstrip())
                line = word.lstrip()
            else:
                line += word
        lines.append(line.rstrip())
    return "\n".join(lines)


def _tokens(text: str) -> list[str]:
    """Words with their following space, and each wide character on its own."""
    tokens: list[str] = []
    current = ""
    for char in text:
        if unicodedata.east_asian_width(char) in "WF":
            if current:
                tokens.append(current)
            tokens.append(char)
            current = ""
        elif char == " ":
            tokens.append(current + " ")
            current = ""
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens


def figure(
    panels: int, *, columns: int = 2, panel_height: float = 3.0
) -> tuple[Figure, list[Axes]]:
    """A figure of ``panels`` axes in a grid (``columns`` at most), with the house style."""
    from matplotlib.figure import Figure

    columns = max(1, min(columns, panels))
    rows = -(-panels // columns)
    fig = Figure(figsize=(5.0 * columns if columns > 1 else 8.0, panel_height * rows + 1.4))
    grid = fig.subplots(rows, columns, squeeze=False)
    axes = [ax for row in grid for ax in row]
    for spare in axes[panels:]:
        spare.set_visible(False)
    return fig, axes[:panels]


#: The house style, applied while a chart is drawn and written (never left behind).
STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "jdcli",
    "font.family": ["sans-serif"],
    "font.sans-serif": [*FONT_STACK[:-1]],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """The house style for the charts drawn and written inside (matplotlib's settings are
    restored after: a library user's own plots are untouched)."""
    import matplotlib

    settings: Any = STYLE  # matplotlib types the keys as literals
    with matplotlib.rc_context(settings):
        yield


def finish(fig: Figure, title: str, caption: str, notes: Sequence[str] = ()) -> None:
    """The title on top and the source and definition (and any notes) underneath."""
    width_in = float(fig.get_figwidth())
    text = "\n".join([label("source", caption=caption)] * bool(caption) + [*notes])
    wrapped = wrap(text, int(width_in * 15)) if text else ""
    lines = wrapped.count("\n") + 1 if text else 0
    height = float(fig.get_figheight())
    extra = 0.13 * lines
    fig.set_figheight(height + extra)
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    fig.text(0.01, 0.005, wrapped, ha="left", va="bottom", fontsize=7.5, color="#444444")
    bottom = (extra + 0.2) / (height + extra)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.tight_layout(rect=(0, bottom, 1, 1 - 0.4 / (height + extra)))


def text_of(fig: Figure) -> str:
    """Every piece of text the figure draws."""
    from matplotlib.text import Text

    return "".join(t.get_text() for t in fig.findobj(Text))


# ---------------------------------------------------------------- fonts for PNG


def is_cjk(char: str) -> bool:
    """A character a Latin font does not have: CJK ideographs, kana, hangul, CJK punctuation
    and full-width forms."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
    )


def font_candidates() -> list[tuple[str, str]]:
    """(family, file) of the installed fonts named in ``CJK_FONTS``, in that order."""
    from matplotlib import font_manager

    found = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    return [(name, found[name]) for name in CJK_FONTS if name in found]


def covers(font_file: str, chars: set[str]) -> bool:
    """Whether the font file has a glyph for every character."""
    from matplotlib import font_manager

    try:
        charmap = font_manager.get_font(font_file).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(c) in charmap for c in chars)


def png_font(text: str, font: Path | None) -> str | None:
    """The family to draw ``text`` with in a PNG: None when it has no CJK character (the
    default font serves), else the first font (``font`` if given) with every glyph.

    Raises UsageError, naming the fonts looked for, when none has them."""
    wanted = {c for c in text if is_cjk(c)}
    if font is not None:
        from matplotlib import font_manager

        if not font.is_file():
            raise UsageError(f"--font {font}: no such font file")
        try:
            font_manager.fontManager.addfont(str(font))
            family = font_manager.FontProperties(fname=str(font)).get_name()
        except (OSError, RuntimeError, ValueError):
            raise UsageError(f"--font {font}: not a font file matplotlib can read") from None
        if wanted and not covers(str(font), wanted):
            raise UsageError(
                f"--font {font}: the font has no glyph for some characters of the chart "
                f"({''.join(sorted(wanted))[:20]}); .svg and .html charts need no font"
            )
        return family
    if not wanted:
        return None
    for family, font_file in font_candidates():
        if covers(font_file, wanted):
            return family
    raise UsageError(
        "a PNG of Chinese text needs a font with its glyphs, and none was found (looked for "
        f"{', '.join(CJK_FONTS)}); install one, name one with --font PATH, or write .svg or "
        ".html, which need no font"
    )


# ---------------------------------------------------------------- writing


def check_chart_path(path: Path) -> None:
    """A usage error unless ``path`` ends in .svg, .png or .html and its folder exists."""
    if path.suffix.lower() not in CHART_EXTENSIONS:
        raise UsageError(
            f"--chart {path}: cannot tell the format from {path.suffix or 'no extension'!r}; "
            "use .svg, .png or .html"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"--chart {path}: is a directory; give a file name")
    if not folder.is_dir():
        raise UsageError(f"--chart {path}: folder {folder} does not exist")


def svg_text(fig: Figure) -> str:
    """The figure as SVG, text kept as text."""
    buffer = io.StringIO()
    with _quiet():
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def png_bytes(fig: Figure, font: Path | None) -> bytes:
    """The figure as PNG, drawn with a font that has its glyphs (``png_font``)."""
    family = png_font(text_of(fig), font)
    if family is not None:
        from matplotlib.text import Text

        for item in fig.findobj(Text):
            item.set_fontfamily([family, "DejaVu Sans"])
    buffer = io.BytesIO()
    with _quiet():
        fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def html_page(title: str, body: str) -> str:
    """A self-contained HTML page (inline CSS, nothing fetched) around ``body``."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{PAGE_CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


PAGE_CSS = f"""body {{ font-family: {CSS_FONT_STACK}; color: #222; margin: 2em auto;
  max-width: 60em; padding: 0 1em; line-height: 1.4; }}
h1 {{ font-size: 1.6em; margin-bottom: 0.2em; }}
h2 {{ font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em;
  margin-top: 1.6em; break-after: avoid; }}
figure {{ margin: 1em 0; break-inside: avoid; }}
figure svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left;
  vertical-align: top; }}
th {{ background: #f3f3f3; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
tr.fail td {{ background: #fde2e2; }}
.status-fail {{ color: #a40000; font-weight: bold; }}
.status-pass {{ color: #1a6b1a; }}
.caption, .source {{ font-size: 0.85em; color: #555; }}
.keyfigures {{ display: flex; flex-wrap: wrap; gap: 0.6em; }}
.figure-card {{ border: 1px solid #ccc; border-radius: 4px; padding: 0.5em 0.8em;
  min-width: 11em; break-inside: avoid; }}
.figure-card .value {{ font-size: 1.4em; font-weight: bold; }}
.figure-card .label, .figure-card .note {{ font-size: 0.8em; color: #555; }}
.banner {{ padding: 0.5em 0.8em; border-radius: 4px; margin: 0.5em 0; }}
.banner.fail {{ background: #fde2e2; border: 1px solid #a40000; }}
.banner.ok {{ background: #e5f4e5; border: 1px solid #1a6b1a; }}
@page {{ size: A4; margin: 15mm; }}
@media print {{ body {{ margin: 0; max-width: none; font-size: 10pt; }}
  h2 {{ break-before: auto; }} tr {{ break-inside: avoid; }} }}
"""


def inline_svg(svg: str) -> str:
    """An SVG document as markup to put inside HTML (without its XML prolog and doctype)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def chart_html(fig: Figure, title: str, caption: str) -> str:
    """A page with the chart inline and its caption."""
    body = (
        f"<h1>{html.escape(title)}</h1>\n<figure>\n{inline_svg(svg_text(fig))}\n"
        f'<figcaption class="caption">{html.escape(caption)}</figcaption>\n</figure>'
    )
    return html_page(title, body)


def save(
    fig: Figure,
    path: Path,
    *,
    title: str,
    caption: str,
    font: Path | None = None,
    inputs: Sequence[Path | None] = (),
) -> None:
    """Write the figure to ``path`` (format from the extension) atomically: rendered in
    memory first, so a failure (no font for a PNG) leaves nothing behind."""
    from jdcli.files import write_atomically

    check_chart_path(path)
    kind = path.suffix.lower()
    renderers: dict[str, Callable[[], bytes]] = {
        ".svg": lambda: svg_text(fig).encode("utf-8"),
        ".png": lambda: png_bytes(fig, font),
        ".html": lambda: chart_html(fig, title, caption).encode("utf-8"),
    }
    data = renderers[kind]()  # rendered before anything is written
    write_atomically(
        path, lambda stream: stream.buffer.write(data), inputs=inputs, option="--chart"
    )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # Laying out CJK text with a Latin font warns of missing glyphs; an SVG keeps the text as
    # text (the viewer's font draws it) and a PNG has been given a font that has them.
    import logging

    logger = logging.getLogger("matplotlib")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
