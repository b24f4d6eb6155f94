"""One look for the whole app: run palette (colour-blind safe), heatmap colormap, fonts.

Runs use the Okabe–Ito palette (Okabe & Ito 2008), distinguishable under the common
colour-vision deficiencies; the heatmap is a light, low-saturation ramp so that the
saturated run colours and dark isolines stay readable on top of it.
"""

from __future__ import annotations

# Okabe–Ito, reordered so the first four (the default race) contrast most on a light map.
RUN_COLORS: tuple[str, ...] = (
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#009e73",  # bluish green
    "#cc79a7",  # reddish purple
    "#e69f00",  # orange
    "#56b4e9",  # sky blue
    "#000000",  # black
    "#f0e442",  # yellow (last: weak on a light background)
)

# Heatmap: low values light, high values darker (position, (r, g, b)).
HEATMAP_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (255, 255, 247)),
    (0.25, (236, 240, 222)),
    (0.5, (205, 219, 207)),
    (0.75, (160, 183, 187)),
    (1.0, (122, 142, 160)),
)
ISOLINE_COLOR = (60, 60, 70, 150)
MINIMUM_COLOR = "#222222"
# Basin-map overlay: one Okabe–Ito colour per known minimum (semi-transparent over the
# heatmap), grey for starts that have not settled, dark for diverged ones (RGBA).
BASIN_COLORS: tuple[str, ...] = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00",
                                 "#56b4e9", "#f0e442")
BASIN_ALPHA = 120
BASIN_NOT_SETTLED = (150, 150, 150, 120)
BASIN_DIVERGED = (40, 40, 40, 170)
BACKGROUND = "#ffffff"
FOREGROUND = "#333333"
FONT_POINT_SIZE = 10


def run_color(index: int) -> str:
    """The palette colour for the ``index``-th run (cycling)."""
    return RUN_COLORS[index % len(RUN_COLORS)]


def next_free_color(used: list[str | None]) -> str:
    """The first palette colour no run uses yet (or cycle by count when all are taken)."""
    taken = {c.lower() for c in used if c}
    for c in RUN_COLORS:
        if c not in taken:
            return c
    return run_color(len(used))


def heatmap_colormap():
    """The heatmap's pyqtgraph ColorMap (imported lazily so this module stays Qt-light)."""
    import pyqtgraph as pg

    pos = [p for p, _ in HEATMAP_STOPS]
    cols = [c for _, c in HEATMAP_STOPS]
    return pg.ColorMap(pos, cols, name="gdsim-light")
