"""PNG charts for the digests and the answers: the funnel of open deals, the aging of receivables, a period's trend.

A leaf module, like sheets.py. matplotlib (with numpy and Pillow under it, some 40 MB resident) is imported only
when a chart is made, so a worker that never draws stays small. Charts are drawn with the object API on the Agg
canvas, never pyplot: no global figure state, so two threads may draw at once.

Labels come in already worded (the caller knows the reader's language); this module knows no catalogue. Chinese
needs a CJK font: Noto Sans CJK SC, shipped by the `mpl-font` package, is registered with matplotlib on first use.
We only locate its file: importing `mpl_font` itself would import pyplot and change global settings.
"""

from __future__ import annotations

import importlib.util
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

PNG_MIME = "image/png"
WIDTH, HEIGHT, DPI = 800, 500, 100  # pixels: wide enough for a phone to show without zooming
CJK_FAMILY = "Noto Sans CJK SC"
_FONT_FILE = ("fonts", "noto", "NotoSansCJKsc-Regular.otf")
_BAR = "#3b7dd8"
_LATE = "#d8553b"
# The layout, in pixels: margins at the edges, the title's band, the band of the panels' titles (when they have
# one), the gaps between a label and the axis line and between a bar and the figure after it.
_MARGIN, _PLOT_TOP, _PANEL_TITLE, _TICK_GAP, _TEXT_GAP = 10, 50, 35, 6, 5
_LABELS_AT_MOST = 0.45  # of a panel's width; a longer label is cut at the image's edge rather than squeeze the bars
# zlib level 1, not the default 6: a chart of a few flat colours and text comes out between 6% smaller and 25%
# bigger (20-50 kB either way), written in 5.5 ms instead of 8-9.
_PNG_COMPRESSION = 1
_lock = threading.Lock()  # matplotlib's font cache and rc settings are process-wide


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # what is written at the end of the bar: a count, or money as the reader writes it


@dataclass(frozen=True)
class Panel:
    title: str
    bars: Sequence[Bar]


def cjk_font_path() -> Path:
    """The CJK font file, found without importing its package."""
    spec = importlib.util.find_spec("mpl_font")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the CJK font is missing: install salesbot's dependencies (mpl-font)")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*_FONT_FILE)
    if not path.exists():
        raise RuntimeError(f"the CJK font is missing: {path}")
    return path


def funnel(title: str, stages: Sequence[Bar]) -> bytes:
    """Open deals per stage, first stage on top, as a PNG of WIDTH × HEIGHT pixels."""
    return bars(title, [Panel("", stages)])


def aging(title: str, currencies: Sequence[Panel]) -> bytes:
    """One panel per currency (amounts in two currencies never share an axis), a bar per bucket; the buckets
    past due are drawn in the warning colour."""
    return bars(title, currencies, late_from=1)


def bars(title: str, panels: Sequence[Panel], *, late_from: int | None = None) -> bytes:
    """Panels side by side under one title, each a bar per row (the first on top), as a PNG of WIDTH × HEIGHT.

    Bars, labels and the axis line are drawn straight on the figure at positions worked out here, not on matplotlib
    Axes with tight_layout: the Axes' ticks and spines and the layout pass (which draws the figure once to measure
    it, then again to save it) cost several times the drawing itself. Only the texts are measured, once, to place
    the labels and keep each figure inside its panel; the measure is cached for the drawing."""
    with _lock, _rc():
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        canvas = FigureCanvasAgg(figure)
        figure.text(0.5, _y(_MARGIN), title, fontsize=14, ha="center", va="top")
        top = _PLOT_TOP + (_PANEL_TITLE if any(panel.title for panel in panels) else 0)
        width = WIDTH / max(len(panels), 1)
        for n, panel in enumerate(panels):
            _panel(figure, canvas.get_renderer(), panel, left=n * width, width=width, top=top, late_from=late_from)
        out = io.BytesIO()
        canvas.print_png(out, pil_kwargs={"compress_level": _PNG_COMPRESSION})
        return out.getvalue()


def glyph_pixels(text: str, *, size: int = 48) -> bytes:
    """The raw RGBA pixels of `text` drawn alone in the charts' fonts: tests compare a Chinese character with one
    no font has, to prove that glyphs are drawn and not the missing-glyph box."""
    with _lock, _rc():
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(1, 1), dpi=100)
        figure.text(0.5, 0.5, text, fontsize=size, ha="center", va="center")
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        return bytes(canvas.buffer_rgba())


def as_float(amount: Decimal | str) -> float:
    # Only the bar's length is a float; the figure written beside it is the exact amount, worded by the caller.
    return float(Decimal(amount))


def _panel(
    figure: Any, renderer: Any, panel: Panel, *, left: float, width: float, top: float, late_from: int | None
) -> None:
    """One panel in the columns [left, left + width) and rows [top, HEIGHT - _MARGIN) of the image, in pixels."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    bottom = HEIGHT - _MARGIN
    pitch = (bottom - top) / max(len(panel.bars), 1)
    middles = [top + (n + 0.5) * pitch for n in range(len(panel.bars))]
    labels = [
        figure.text(0, _y(y), bar.label, fontsize=10, ha="right", va="center")
        for y, bar in zip(middles, panel.bars, strict=True)
    ]
    # The label column is as wide as its longest label, up to a share of the panel; what is left is the bars'.
    column = min(max((_width(label, renderer) for label in labels), default=0), width * _LABELS_AT_MOST)
    axis = left + _MARGIN + column + _TICK_GAP
    for label in labels:
        label.set_x(_x(axis - _TICK_GAP))
    room = left + width - _MARGIN - axis
    figures = [
        figure.text(0, _y(y), bar.text, fontsize=10, va="center") for y, bar in zip(middles, panel.bars, strict=True)
    ]
    values = [max(bar.value, 0.0) for bar in panel.bars]
    # Pixels per unit: the longest bar takes 1/1.35 of the room, as before; shorter if a figure written after a
    # bar would otherwise run out of the panel.
    scale = room / ((max(values, default=0.0) or 1.0) * 1.35)
    for value, text in zip(values, figures, strict=True):
        if value > 0:
            scale = min(scale, max(room - _TEXT_GAP - _width(text, renderer), 0.0) / value)
    for n, (y, value, text) in enumerate(zip(middles, values, figures, strict=True)):
        length = value * scale
        colour = _LATE if late_from is not None and n >= late_from else _BAR
        figure.add_artist(
            Rectangle((_x(axis), _y(y + pitch * 0.4)), length / WIDTH, pitch * 0.8 / HEIGHT, facecolor=colour, lw=0)
        )
        text.set_x(_x(axis + length + _TEXT_GAP))
    figure.add_artist(Line2D([_x(axis)] * 2, [_y(top), _y(bottom)], color="black", linewidth=0.8))
    if panel.title:
        figure.text(_x((axis + left + width - _MARGIN) / 2), _y(top - 6), panel.title, fontsize=12, ha="center")


def _width(text: Any, renderer: Any) -> float:
    return float(text.get_window_extent(renderer).width) if text.get_text() else 0.0


def _x(pixels: float) -> float:
    """Pixels from the left edge, as a fraction of the figure's width."""
    return pixels / WIDTH


def _y(pixels: float) -> float:
    """Pixels down from the top edge, as a fraction of the figure's height (which matplotlib counts upwards)."""
    return 1 - pixels / HEIGHT


def _rc() -> Any:
    import matplotlib

    _register_font()
    return matplotlib.rc_context(
        {
            "font.family": "sans-serif",
            # The CJK font has Latin letters and digits too; DejaVu is there for what it lacks.
            "font.sans-serif": [CJK_FAMILY, "DejaVu Sans"],
            "axes.unicode_minus": False,
        }
    )


@cache
def _register_font() -> None:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(cjk_font_path()))


@dataclass(frozen=True)
class Series:
    title: str
    values: Sequence[float]
    counts: bool = False  # whole numbers (visits): no ticks between them


def trend(title: str, labels: Sequence[str], series: Sequence[Series]) -> bytes:
    """A period's trend: one panel per series (visits, then payments per currency: amounts in two currencies never
    share an axis), stacked, a column per day or week, as a PNG of WIDTH × HEIGHT pixels. Drawn on matplotlib Axes:
    a trend is asked for now and then, not sent to every group at once, so the layout pass is worth its cost."""
    with _lock, _rc():
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        canvas = FigureCanvasAgg(figure)
        figure.suptitle(title, fontsize=14)
        xs = list(range(len(labels)))
        every = max(1, -(-len(labels) // 12))  # at most a dozen dates under the columns
        for n, one in enumerate(series):
            axes = figure.add_subplot(len(series), 1, n + 1)
            axes.bar(xs, list(one.values), color=_BAR, width=0.8)
            axes.set_title(one.title, fontsize=11, loc="left")
            axes.set_xticks(xs[::every], [labels[i] for i in xs[::every]], fontsize=8)
            axes.tick_params(axis="y", labelsize=8)
            axes.ticklabel_format(axis="y", style="plain", useOffset=False)
            if one.counts:
                from matplotlib.ticker import MaxNLocator

                axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout(rect=(0, 0, 1, 0.94))
        out = io.BytesIO()
        canvas.print_png(out, pil_kwargs={"compress_level": _PNG_COMPRESSION})
        return out.getvalue()
