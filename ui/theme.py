"""One look for the whole app: run palette (colour-blind safe), heatmap colormap, fonts.

Runs use the Okabe–Ito palette (Okabe & Ito 2008), distinguishable under the common
colour-vision deficiencies, then Paul Tol's "muted" colours (also designed for them), 16 in
all; runs beyond those get generated colours, each still distinct. The heatmap is a light,
low-saturation ramp so that the saturated run colours and dark isolines stay readable on top.
"""

from __future__ import annotations

import colorsys

# Okabe–Ito, reordered so the first four (the default race) contrast most on a light map.
RUN_COLORS: tuple[str, ...] = (
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#009e73",  # bluish green
    "#cc79a7",  # reddish purple
    "#e69f00",  # orange
    "#56b4e9",  # sky blue
    "#000000",  # black
    "#f0e442",  # yellow (weak on a light background)
    # Paul Tol's muted scheme, less the colours too close to the ones above
    "#882255",  # wine
    "#999933",  # olive
    "#44aa99",  # teal
    "#332288",  # indigo
    "#cc6677",  # rose
    "#888888",  # grey
    "#117733",  # green
    "#aa4499",  # purple
)
GOLDEN_ANGLE = 0.381966  # hue step (turns) between generated colours beyond the palette

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
    """The colour of the ``index``-th run: the palette, then generated colours (a golden-angle
    walk round the hue circle at two lightnesses), all different from each other."""
    if index < len(RUN_COLORS):
        return RUN_COLORS[index]
    k = index - len(RUN_COLORS)
    hue = (0.07 + k * GOLDEN_ANGLE) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.38 if k % 2 else 0.5, 0.75)
    return "#{:02x}{:02x}{:02x}".format(*(round(255 * v) for v in (r, g, b)))


def next_free_color(used: list[str | None]) -> str:
    """The first run colour (palette first, see :func:`run_color`) no run uses yet."""
    taken = {c.lower() for c in used if c}
    k = 0
    while run_color(k) in taken:
        k += 1
    return run_color(k)


def heatmap_colormap():
    """The heatmap's pyqtgraph ColorMap (imported lazily so this module stays Qt-light)."""
    import pyqtgraph as pg

    pos = [p for p, _ in HEATMAP_STOPS]
    cols = [c for _, c in HEATMAP_STOPS]
    return pg.ColorMap(pos, cols, name="gdsim-light")
