"""The network drawn as a graph (as TensorFlow Playground draws it): inputs, hidden neurons
and outputs as nodes, each a small map of its value over the input plane; links as lines
whose width grows with |w| and whose colour is its sign. Hover a node or a link for its value
and gradient; click a link to edit its weight (the run continues from there). With one
sample inspected (a training point clicked on the decision map, or chosen by number), the
nodes and links show that sample's forward values and backward gradients.

A panel of the Network tab, beside the decision map. One frame is cheap at any size: every
node map comes from one batched forward pass over the grid and is painted into one RGBA
image (an atlas, one ``setImage``); a link gets a new pen only when its colour or width
bucket changed; while playing, refreshes come at most DIAGRAM_FPS times a second, and not at
all while the panel is hidden.

Every number comes from the engine (``gdsim.nn.trace``); this module only places and paints.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gdsim.errors import GdsimError
from gdsim.nn.trace import node_values, sample_trace
from ui.i18n import tr
from ui.plots import PanelView, Throttle

GRID = 20  # node maps: GRID × GRID points of the input plane (= atlas pixels per unit)
POSITIVE, NEGATIVE = "#0072b2", "#d55e00"  # link colours by sign (Okabe–Ito blue, vermilion)
SELECTED = "#000000"  # the link being edited
NODE = 1.0  # node size in scene units; layers LAYER_DX apart, nodes NODE_DY apart
LAYER_DX, NODE_DY = 3.0, 1.5
MAX_NODES_SHOWN = 16  # wider layers (64 digit pixels) show their first nodes
WIDTH_STEP = 0.25  # link widths are drawn in buckets this many pixels apart
PLAIN = (221, 221, 221, 255)  # a node without a map (input not the 2-D plane, no sample)
DIAGRAM_FPS = 30  # most refreshes per second while playing


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def link_width(w: np.ndarray, wmax: float) -> np.ndarray:
    """Pen widths (pixels) of links with weights ``w``: 0.5 + 5|w|/max|w|, to WIDTH_STEP."""
    return np.round((0.5 + 5.0 * np.abs(w) / wmax) / WIDTH_STEP) * WIDTH_STEP


class _Link(QGraphicsLineItem):
    """One weight's line; a click selects it for editing."""

    def __init__(self, panel: DiagramPanel, layer: int, i: int, j: int, k: int):
        super().__init__()
        self.panel, self.layer, self.i, self.j, self.k = panel, layer, i, j, k
        self.setAcceptHoverEvents(True)

    def mousePressEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        self.panel.select_link(self)
        ev.accept()

    def hoverEnterEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        self.setToolTip(self.panel.link_tip(self))  # made on demand: free during Play
        super().hoverEnterEvent(ev)


class _Node(QGraphicsRectItem):
    """One node's frame (its map is a tile of the atlas); its tooltip is made when hovered."""

    def __init__(self, panel: DiagramPanel, layer: int, n: int, rect: QRectF):
        super().__init__(rect)
        self.panel, self.layer, self.n = panel, layer, n
        self.node_rect = rect
        pen = QPen(QColor("#777777"))
        pen.setCosmetic(True)
        pen.setWidthF(0.8)
        self.setPen(pen)
        self.setAcceptHoverEvents(True)

    def hoverEnterEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        self.setToolTip(self.panel.node_tip(self.layer, self.n))
        super().hoverEnterEvent(ev)


class DiagramPanel(PanelView):
    """The diagram of the selected run at the shown step (a panel of the Network tab)."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self.setObjectName("diagramPanel")
        self.selected_link: _Link | None = None
        self.frames = 0  # refreshes drawn (tests and benchmarks count them)
        self.one = QCheckBox(tr("one sample:"), objectName="diagramOneSample")
        self.one.setToolTip(tr("Show one training point's forward and backward pass. "
                               "Ctrl-click a point on the decision map (or turn on "
                               "Inspect there) to choose it"))
        self.sample = QSpinBox(objectName="diagramSample", minimum=0)
        self.sample.setToolTip(tr("Index of the training point whose forward and backward "
                                  "pass the diagram shows"))
        self.edit = QLineEdit(objectName="diagramWeightEdit", enabled=False)
        self.edit.setPlaceholderText(tr("click a link to edit its weight"))
        self.edit.returnPressed.connect(self.apply_edit)
        self.message = QLabel(objectName="diagramMessage")
        self.message.setWordWrap(True)
        row = QHBoxLayout()  # two short rows: the panel shares its width with the map
        row.addWidget(self.one)
        row.addWidget(self.sample)
        row.addStretch(1)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel(tr("weight:")))
        row2.addWidget(self.edit, 1)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("diagramPlot")
        pi = self.plot.getPlotItem()
        pi.hideAxis("left")
        pi.hideAxis("bottom")
        pi.setAspectLocked(True)
        pi.setMouseEnabled(False, False)
        pi.hideButtons()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(row)
        lay.addLayout(row2)
        lay.addWidget(self.message)
        lay.addWidget(self.plot, 1)
        self.atlas = pg.ImageItem(axisOrder="row-major")  # (y, x, RGBA): no copy to paint
        self.atlas.setZValue(5)
        pi.addItem(self.atlas)
        # the inspected sample's place in every node's map (one item, one dot per node)
        self.sample_dots = pg.ScatterPlotItem(size=6, pen=pg.mkPen("#000000", width=1.2),
                                              brush=pg.mkBrush("#ffffff"))
        self.sample_dots.setZValue(7)
        pi.addItem(self.sample_dots)
        lut = pg.colormap.get("CET-D1").getLookupTable(nPts=256)
        self._lut = np.concatenate([lut, np.full((256, 1), 255, np.uint8)], axis=1)
        self.nodes: list[list[_Node]] = []
        self.links: list[_Link] = []
        self.maps: list[np.ndarray] | None = None  # per layer (GRID, GRID, shown) values
        self._shape = None
        self._codes = np.zeros(0, np.int64)  # each link's pen bucket (-1: none yet)
        self._pens: dict[int, QPen] = {}
        self._p = np.zeros(0)
        self._trace = None
        self._g = None
        self.throttle = Throttle(self.refresh, 1000.0 / DIAGRAM_FPS, self)
        self.one.toggled.connect(self._one_toggled)
        self.sample.valueChanged.connect(self._sample_chosen)
        controller.inspected_changed.connect(self._inspected)
        self.follow(self._changed, controller.experiment_changed,
                    controller.selection_changed, controller.playing_changed)
        self._inspected(-1 if controller.inspected is None else controller.inspected)

    # -- the inspected sample (the controller's state; these widgets only show it) -----------
    def _one_toggled(self, on: bool) -> None:
        self.controller.inspect(self.sample.value() if on else None)

    def _sample_chosen(self, value: int) -> None:
        if self.one.isChecked():
            self.controller.inspect(value)

    def _inspected(self, i: int) -> None:
        for w in (self.one, self.sample):
            w.blockSignals(True)
        self.sample.setMaximum(max(0, len(self.controller.sim.x_train) - 1))
        self.one.setChecked(i >= 0)
        if i >= 0:
            self.sample.setValue(i)
        for w in (self.one, self.sample):
            w.blockSignals(False)
        self.throttle.flush()

    # -- structure ---------------------------------------------------------------------------
    @staticmethod
    def positions(widths: tuple[int, ...]) -> list[list[tuple[float, float]]]:
        """Node centres per layer (scene units): layers left to right, each column centred."""
        out = []
        for layer, w in enumerate(widths):
            shown = min(w, MAX_NODES_SHOWN)
            top = (shown - 1) * NODE_DY / 2
            out.append([(layer * LAYER_DX, top - n * NODE_DY) for n in range(shown)])
        return out

    def _build(self, widths: tuple[int, ...]) -> None:
        vb = self.plot.getPlotItem().vb
        for item in [*self.links, *(nd for col in self.nodes for nd in col)]:
            vb.removeItem(item)
        self.nodes, self.links, self.selected_link = [], [], None
        pos = self.positions(widths)
        net = self.controller.sim.net
        h = NODE / 2
        for layer in range(1, len(widths)):
            s = net.layers[layer - 1]
            for i, (x0, y0) in enumerate(pos[layer - 1]):
                for j, (x1, y1) in enumerate(pos[layer]):
                    link = _Link(self, layer, i, j, s.w.start + i * s.fan_out + j)
                    link.setLine(x0 + h, y0, x1 - h, y1)
                    link.setZValue(-5)
                    vb.addItem(link)
                    self.links.append(link)
        for layer, col in enumerate(pos):
            items = []
            for n, (x, y) in enumerate(col):
                node = _Node(self, layer, n, QRectF(x - h, y - h, NODE, NODE))
                node.setZValue(6)
                vb.addItem(node)
                items.append(node)
            self.nodes.append(items)
        # the atlas: one pixel per grid point, transparent between the nodes
        shown = max(len(c) for c in pos)
        self._x0, self._y0 = -h, -(shown - 1) * NODE_DY / 2 - h
        wpx = int(round(((len(widths) - 1) * LAYER_DX + NODE) * GRID))
        hpx = int(round(((shown - 1) * NODE_DY + NODE) * GRID))
        self._rgba = np.zeros((hpx, wpx, 4), np.uint8)
        g = np.arange(GRID)
        tiles = []  # per shown node: flat atlas indices of its GRID × GRID map (row = grid y)
        for col in pos:
            for x, y in col:
                ix = int(round((x - h - self._x0) * GRID)) + g
                iy = int(round((y - h - self._y0) * GRID)) + g
                tiles.append((iy[:, None] * wpx + ix[None, :]).ravel())
        self._tiles = np.array(tiles, np.int64)  # (nodes shown, GRID²)
        self._rgba.reshape(-1, 4)[self._tiles] = PLAIN
        self.atlas.setImage(self._rgba, autoLevels=False)
        self.atlas.setRect(QRectF(self._x0, self._y0, wpx / GRID, hpx / GRID))
        vb.autoRange(padding=0.05)
        self._shape = widths
        self._link_k = np.array([lk.k for lk in self.links], dtype=np.int64)
        self._codes = np.full(len(self.links), -1, np.int64)
        self._shown = [len(c) for c in pos]

    # -- drawing -----------------------------------------------------------------------------
    def _changed(self, *_args) -> None:
        """The shown state changed: draw now, or while playing at most DIAGRAM_FPS a second."""
        if self.controller.playing:
            self.throttle()
        else:
            self.throttle.flush()

    def _deferred(self) -> bool:
        """A hidden panel draws nothing (it draws the latest state when shown again)."""
        if not self.isVisible():
            self._dirty = True
            self.throttle.cancel()
            return True
        self._dirty = False
        return False

    def refresh(self, *_args) -> None:
        """Node maps, link widths/colours and tooltips for the selected run at the shown step."""
        if self._deferred():
            return
        self.frames += 1
        ctl = self.controller
        sim = ctl.sim
        widths = sim.net.arch.widths
        if widths != self._shape:
            self._build(widths)
        i = ctl.selected
        p, bn = sim.weights(i, ctl.shown_step)
        self.sample.setMaximum(max(0, len(sim.x_train) - 1))
        trace = None
        k = ctl.inspected
        if k is not None:
            try:
                trace = sample_trace(sim.net, p, sim.x_train[k], sim.t_train[k])
                self.message.setText(tr("Sample {0}: loss {1}. Nodes: z (pre-activation) → a; "
                                        "∂L/∂z. Links: ∂L/∂W.").format(k, _fmt(trace.loss)))
            except GdsimError as e:
                self.message.setText(str(e))
        else:
            self.message.setText(tr("{0} at step {1}: each node maps its value over the input "
                                    "plane; hover for numbers. Ctrl-click a training point on "
                                    "the decision map to follow it through the network.")
                                 .format(sim.runs[i].label, ctl.shown_step))
        grads = getattr(sim, "grads", None)
        self._p, self._trace = p, trace
        self._g = grads[i] if grads is not None and ctl.shown_step == sim.t else None
        self._draw_links(p)
        self.maps = self._node_maps(p, bn)
        self._draw_nodes(trace)
        self._draw_sample_dots(k if trace is not None and self.maps is not None else None)

    def _draw_sample_dots(self, k: int | None) -> None:
        """Training point ``k`` marked where it lies on every node's map (or no marks)."""
        if k is None:
            self.sample_dots.setData([], [])
            return
        sim = self.controller.sim
        x0, x1, y0, y1 = sim.data.domain[:4]
        px, py = sim.data.x_train[k, :2]
        # grid point j of GRID is drawn at the centre of the tile's pixel j
        fx = ((px - x0) / (x1 - x0) * (GRID - 1) + 0.5) / GRID * NODE - NODE / 2
        fy = ((py - y0) / (y1 - y0) * (GRID - 1) + 0.5) / GRID * NODE - NODE / 2
        c = np.array([nd.node_rect.center().toTuple() for col in self.nodes for nd in col])
        inside = abs(fx) <= NODE / 2 and abs(fy) <= NODE / 2
        if not inside:
            self.sample_dots.setData([], [])
            return
        self.sample_dots.setData(c[:, 0] + fx, c[:, 1] + fy)

    def _draw_links(self, p: np.ndarray) -> None:
        """New pens only for links whose sign or width bucket (or selection) changed."""
        if not self.links:
            return
        ws = p[self._link_k]
        with np.errstate(all="ignore"):
            wmax = float(np.nanmax(np.abs(ws))) if np.isfinite(ws).any() else 1.0
        wmax = max(wmax, 1e-12)
        buckets = np.nan_to_num(link_width(ws, wmax) / WIDTH_STEP, nan=2.0).astype(np.int64)
        codes = buckets * 4 + (ws < 0)
        if self.selected_link is not None:
            codes[self.links.index(self.selected_link)] |= 2
        changed = np.flatnonzero(codes != self._codes)
        self._codes = codes
        for n, code in zip(changed.tolist(), codes[changed].tolist(), strict=True):
            pen = self._pens.get(code)
            if pen is None:
                colour = SELECTED if code & 2 else NEGATIVE if code & 1 else POSITIVE
                pen = QPen(QColor(colour))
                pen.setCosmetic(True)
                pen.setWidthF((code >> 2) * WIDTH_STEP)
                self._pens[code] = pen
            self.links[n].setPen(pen)

    def _draw_nodes(self, trace) -> None:
        """Every node's tile of the atlas at once, then one setImage."""
        flat = self._rgba.reshape(-1, 4)
        if self.maps is not None:
            vals = np.concatenate([m.reshape(GRID * GRID, -1) for m in self.maps], axis=1)
            lo, hi = np.concatenate([self._levels(layer, m) for layer, m in
                                     enumerate(self.maps)], axis=1)
            with np.errstate(all="ignore"):
                u = np.nan_to_num((vals - lo) / (hi - lo), nan=0.5)
            idx = np.clip(u * 255 + 0.5, 0, 255).astype(np.intp)  # (GRID², nodes)
            flat[self._tiles] = self._lut[idx.T]
        elif trace is not None:  # no input plane to map: each node the sample's value
            a = np.concatenate([np.asarray(trace.a[layer][:n], np.float64)
                                for layer, n in enumerate(self._shown)])
            u = np.nan_to_num((np.clip(a, -1.0, 1.0) + 1.0) / 2.0, nan=0.5)
            flat[self._tiles] = self._lut[(u * 255 + 0.5).astype(np.intp)][:, None, :]
        else:
            flat[self._tiles] = PLAIN
        self.atlas.updateImage(self._rgba)

    def _node_maps(self, p: np.ndarray, bn: np.ndarray) -> list[np.ndarray] | None:
        """(GRID, GRID, shown) value maps per layer when the input is the 2-D plane, else
        None. One forward pass of the whole grid (``node_values``)."""
        sim = self.controller.sim
        if sim.net.arch.n_in != 2 or getattr(sim, "features", None):
            return None
        x0, x1, y0, y1 = sim.data.domain[:4]
        gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
        vals = node_values(sim.net, p, bn, np.stack([gx.ravel(), gy.ravel()], axis=1))
        return [v[:, :n].reshape(GRID, GRID, n) for v, n in zip(vals, self._shown, strict=True)]

    def _levels(self, layer: int, v: np.ndarray) -> np.ndarray:
        """Colour range (2, shown) of a layer's (GRID, GRID, shown) maps: symmetric about 0
        per node, probabilities 0…1 (½ white) for the outputs of bce/ce."""
        n = v.shape[-1]
        if layer == len(self.nodes) - 1 and self.controller.sim.net.arch.loss in ("bce", "ce"):
            return np.array([[0.0] * n, [1.0] * n])
        with np.errstate(all="ignore"):
            m = np.max(np.where(np.isfinite(v), np.abs(v), 0.0), axis=(0, 1))
        m = np.where(m > 0, m, 1.0)
        return np.stack([-m, m])

    def node_map(self, layer: int, n: int) -> np.ndarray | None:
        """Node n of ``layer``: its (GRID, GRID) values (row = grid y), or None without maps."""
        return None if self.maps is None else self.maps[layer][:, :, n]

    def node_pixels(self, layer: int, n: int) -> np.ndarray:
        """The node's tile of the atlas as painted: (GRID, GRID, 4) RGBA, row = grid y."""
        k = sum(self._shown[:layer]) + n
        return self._rgba.reshape(-1, 4)[self._tiles[k]].reshape(GRID, GRID, 4)

    def link_tip(self, lk: _Link) -> str:
        """A link's weight, its last batch gradient and (one sample) the sample's ∂L/∂W."""
        tip = f"W{lk.layer}[{lk.i},{lk.j}] = {_fmt(float(self._p[lk.k]))}"
        if self._g is not None:
            tip += "\n" + tr("∂L/∂W (last step, batch) = {0}").format(_fmt(float(self._g[lk.k])))
        if self._trace is not None:
            tip += "\n" + tr("∂L/∂W (sample {0}) = {1}").format(
                self.controller.inspected, _fmt(float(self._trace.dW[lk.layer][lk.i, lk.j])))
        return tip

    def node_tip(self, layer: int, n: int) -> str:
        """A node's place and (one sample) its z → a and ∂L/∂z."""
        tip = tr("layer {0}, node {1}").format(layer, n)
        t = self._trace
        if t is not None:
            if layer == 0:
                tip += "\n" + tr("input = {0}").format(_fmt(float(t.a[0][n])))
            else:
                tip += (f"\nz = {_fmt(float(t.z[layer][n]))} → a = "
                        f"{_fmt(float(t.a[layer][n]))}\n∂L/∂z = {_fmt(float(t.dz[layer][n]))}")
        return tip

    # -- editing -----------------------------------------------------------------------------
    def select_link(self, link: _Link) -> None:
        """Select a link: its weight goes into the edit field."""
        self.selected_link = link
        p, _ = self.controller.sim.weights(self.controller.selected, self.controller.shown_step)
        self.edit.setEnabled(True)
        self.edit.setText(repr(float(p[link.k])))
        self.edit.setFocus()
        self.refresh()

    def apply_edit(self) -> None:
        """Write the edited weight into the selected run (at the latest step; it continues)."""
        link = self.selected_link
        if link is None:
            return
        try:
            value = float(self.edit.text())
            self.controller.sim.set_weight(self.controller.selected, link.k, value)
        except ValueError:
            self.message.setText(tr("'{0}' is not a number").format(self.edit.text()))
            return
        except GdsimError as e:
            self.message.setText(str(e))
            return
        self.controller.stepped.emit()
        self.message.setText(tr("W{0}[{1},{2}] set to {3}: the run continues from there.")
                             .format(link.layer, link.i, link.j, _fmt(value)))

    def link_at(self, layer: int, i: int, j: int) -> _Link:
        """The link from node i of layer − 1 to node j of ``layer`` (for tests and tools)."""
        return next(lk for lk in self.links if (lk.layer, lk.i, lk.j) == (layer, i, j))

    def center_of(self, link: _Link) -> QPointF:
        line = link.line()
        return QPointF((line.x1() + line.x2()) / 2, (line.y1() + line.y2()) / 2)

