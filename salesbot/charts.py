"""PNG charts for the digests: the funnel of open deals and the aging of receivables.

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
    with _lock, _rc():
        from matplotlib.figure import Figure

        figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        figure.suptitle(title, fontsize=14)
        axes = figure.subplots(1, max(len(panels), 1), squeeze=False)[0]
        for ax, panel in zip(axes, panels, strict=False):
            _panel(ax, panel, late_from)
        for ax in axes[len(panels) :]:
            ax.set_axis_off()
        figure.tight_layout(rect=(0, 0, 1, 0.94))
        return _png(figure)


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


def _panel(ax: Any, panel: Panel, late_from: int | None) -> None:
    labels = [b.label for b in panel.bars]
    values = [b.value for b in panel.bars]
    colours = [_LATE if late_from is not None and n >= late_from else _BAR for n in range(len(values))]
    positions = list(range(len(values)))
    ax.barh(positions, values, color=colours)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()  # the first stage (or the current bucket) on top
    if panel.title:
        ax.set_title(panel.title, fontsize=12)
    top = max(values, default=0) or 1
    ax.set_xlim(0, top * 1.35)  # room for the figure written after the longest bar
    for position, bar in zip(positions, panel.bars, strict=True):
        ax.text(bar.value + top * 0.02, position, bar.text, va="center", fontsize=10)
    ax.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)


def _png(figure: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


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
