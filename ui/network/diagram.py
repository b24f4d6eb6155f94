"""The network drawn as a graph (as TensorFlow Playground draws it): inputs, hidden neurons
and outputs as nodes, each a small map of its value over the input plane; links as lines
whose width grows with |w| and whose colour is its sign. Hover a node or a link for its value
and gradient; click a link to edit its weight (the run continues from there). With "one
sample", the nodes and links show that sample's forward values and backward gradients.

Every number comes from the engine (``gdsim.nn.trace``); this module only places and paints.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsLineItem,
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
from ui.plots import PanelView

GRID = 20  # node maps: GRID × GRID points of the input plane
POSITIVE, NEGATIVE = "#0072b2", "#d55e00"  # link colours by sign (Okabe–Ito blue, vermilion)
NODE = 1.0  # node size in scene units; layers 3 apart, nodes 1.5 apart
MAX_NODES_SHOWN = 16  # wider layers (64 digit pixels) show their first nodes and "+ k more"


def _fmt(v: float) -> str:
    return f"{v:.4g}"


class _Link(QGraphicsLineItem):
    """One weight's line; a click selects it for editing."""

    def __init__(self, window: DiagramWindow, layer: int, i: int, j: int, k: int):
        super().__init__()
        self.window, self.layer, self.i, self.j, self.k = window, layer, i, j, k
        self.setAcceptHoverEvents(True)

    def mousePressEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        self.window.select_link(self)
        ev.accept()

    def hoverEnterEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        self.setToolTip(self.window.link_tip(self))  # made on demand: free during Play
        super().hoverEnterEvent(ev)


class _Node(pg.ImageItem):
    """One node's map; its tooltip (value, gradient) is made when hovered."""

    def __init__(self, window: DiagramWindow, layer: int, n: int):
        super().__init__()
        self.window, self.layer, self.n = window, layer, n
        self.setAcceptHoverEvents(True)

    def hoverEnterEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        self.setToolTip(self.window.node_tip(self.layer, self.n))
        super().hoverEnterEvent(ev)


class DiagramWindow(PanelView):
    """Tool window with the diagram of the selected run at the shown step."""

    def __init__(self, controller, parent: QWidget | None = None):
        super().__init__(controller, parent)
        self.setObjectName("diagramWindow")
        self.setWindowTitle(tr("Network diagram"))
        self.selected_link: _Link | None = None
        self.one = QCheckBox(tr("one sample:"), objectName="diagramOneSample")
        self.sample = QSpinBox(objectName="diagramSample", minimum=0)
        self.sample.setToolTip("Index of the training point whose forward and backward pass "
                               "the diagram shows")
        self.edit = QLineEdit(objectName="diagramWeightEdit", enabled=False)
        self.edit.setPlaceholderText(tr("click a link to edit its weight"))
        self.edit.returnPressed.connect(self.apply_edit)
        self.message = QLabel(objectName="diagramMessage")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.one)
        row.addWidget(self.sample)
        row.addStretch(1)
        row.addWidget(QLabel(tr("weight:")))
        row.addWidget(self.edit)
        self.plot = pg.PlotWidget(background="w")
        pi = self.plot.getPlotItem()
        pi.hideAxis("left")
        pi.hideAxis("bottom")
        pi.setAspectLocked(True)
        pi.setMouseEnabled(False, False)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addWidget(self.plot, 1)
        self.nodes: list[list[pg.ImageItem]] = []
        self._lut = pg.colormap.get("CET-D1").getLookupTable(nPts=256)
        self.links: list[_Link] = []
        self._shape = None
        self.one.toggled.connect(self.refresh)
        self.sample.valueChanged.connect(self.refresh)
        self.follow(self.refresh, controller.experiment_changed)
        self.resize(900, 600)
        self.refresh()

    # -- structure ---------------------------------------------------------------------------
    def _positions(self, widths: tuple[int, ...]) -> list[list[tuple[float, float]]]:
        out = []
        for layer, w in enumerate(widths):
            shown = min(w, MAX_NODES_SHOWN)
            top = (shown - 1) * 1.5 / 2
            out.append([(layer * 3.0, top - n * 1.5) for n in range(shown)])
        return out

    def _build(self, widths: tuple[int, ...]) -> None:
        pi = self.plot.getPlotItem()
        for img in [it for col in self.nodes for it in col]:
            pi.removeItem(img)
        for link in self.links:
            pi.vb.removeItem(link)
        self.nodes, self.links, self.selected_link = [], [], None
        pos = self._positions(widths)
        net = self.controller.sim.net
        for layer in range(1, len(widths)):
            s = net.layers[layer - 1]
            for i, (x0, y0) in enumerate(pos[layer - 1]):
                for j, (x1, y1) in enumerate(pos[layer]):
                    link = _Link(self, layer, i, j, s.w.start + i * s.fan_out + j)
                    link.setLine(x0 + NODE / 2, y0, x1 - NODE / 2, y1)
                    link.setZValue(-5)
                    pi.vb.addItem(link)
                    self.links.append(link)
        for layer, col in enumerate(pos):
            items = []
            for n, (x, y) in enumerate(col):
                img = _Node(self, layer, n)
                img.node_rect = pg.QtCore.QRectF(x - NODE / 2, y - NODE / 2, NODE, NODE)
                img.setImage(np.zeros((1, 1)), levels=(-1.0, 1.0), rect=img.node_rect,
                             lut=self._lut)
                img.setZValue(5)
                pi.addItem(img)
                items.append(img)
            self.nodes.append(items)
        pi.vb.autoRange(padding=0.05)
        self._shape = widths
        self._link_k = np.array([lk.k for lk in self.links], dtype=np.int64)

    # -- drawing -----------------------------------------------------------------------------
    def refresh(self, *_args) -> None:
        """Node maps, link widths/colours and tooltips for the selected run at the shown step."""
        if self._deferred():
            return
        ctl = self.controller
        sim = ctl.sim
        widths = sim.net.arch.widths
        if widths != self._shape or len(self.links) == 0 and len(widths) > 1:
            self._build(widths)
        i = ctl.selected
        p, bn = sim.weights(i, ctl.shown_step)
        n_train = len(sim.x_train)
        self.sample.setMaximum(max(0, n_train - 1))
        values = self._node_maps(p, bn)
        trace = None
        if self.one.isChecked():
            try:
                trace = sample_trace(sim.net, p, sim.x_train[self.sample.value()],
                                     sim.t_train[self.sample.value()])
                self.message.setText(f"Sample {self.sample.value()}: loss {_fmt(trace.loss)}. "
                                     "Nodes: z (pre-activation) → a; ∂L/∂z. Links: ∂L/∂W.")
            except GdsimError as e:
                self.message.setText(str(e))
        else:
            self.message.setText(f"{sim.runs[i].label} at step {ctl.shown_step}: each node "
                                 "maps its value over the input plane; hover for numbers.")
        grads = getattr(sim, "grads", None)
        self._p, self._trace = p, trace
        self._g = grads[i] if grads is not None and ctl.shown_step == sim.t else None
        ws = p[self._link_k] if self.links else np.zeros(0)
        wmax = max(1e-12, float(np.abs(ws).max()) if ws.size else 1.0)
        for lk, w in zip(self.links, ws.tolist(), strict=True):
            pen = QPen(QColor(POSITIVE if w >= 0 else NEGATIVE))
            pen.setCosmetic(True)
            pen.setWidthF(0.5 + 5.0 * abs(w) / wmax)
            if lk is self.selected_link:
                pen.setColor(QColor("#000000"))
            lk.setPen(pen)
        for layer, col in enumerate(self.nodes):
            levels = self._levels(layer, values[layer]) if values is not None else None
            for n, img in enumerate(col):
                if levels is not None:
                    img.setImage(values[layer][..., n].T, levels=levels[n], rect=img.node_rect)
                elif trace is not None:  # no input plane to map: the sample's value
                    val = trace.a[layer][n] if n < len(trace.a[layer]) else 0.0
                    img.setImage(np.full((1, 1), float(val)), levels=(-1.0, 1.0), lut=self._lut,
                                 rect=img.node_rect)

    def link_tip(self, lk: _Link) -> str:
        """A link's weight, its last batch gradient and (one sample) the sample's ∂L/∂W."""
        tip = f"W{lk.layer}[{lk.i},{lk.j}] = {_fmt(float(self._p[lk.k]))}"
        if self._g is not None:
            tip += f"\n∂L/∂W (last step, batch) = {_fmt(float(self._g[lk.k]))}"
        if self._trace is not None:
            tip += (f"\n∂L/∂W (sample {self.sample.value()}) = "
                    f"{_fmt(float(self._trace.dW[lk.layer][lk.i, lk.j]))}")
        return tip

    def node_tip(self, layer: int, n: int) -> str:
        """A node's place and (one sample) its z → a and ∂L/∂z."""
        tip = f"layer {layer}, node {n}"
        tr = self._trace
        if tr is not None:
            if layer == 0:
                tip += f"\ninput = {_fmt(float(tr.a[0][n]))}"
            else:
                tip += (f"\nz = {_fmt(float(tr.z[layer][n]))} → a = "
                        f"{_fmt(float(tr.a[layer][n]))}\n∂L/∂z = {_fmt(float(tr.dz[layer][n]))}")
        return tip

    def _node_maps(self, p: np.ndarray, bn: np.ndarray) -> list[np.ndarray] | None:
        """(GRID, GRID) value maps per node when the input is the 2-D plane, else None."""
        sim = self.controller.sim
        if sim.net.arch.n_in != 2 or getattr(sim, "features", None):
            return None
        x0, x1, y0, y1 = sim.data.domain[:4]
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        gx, gy = np.meshgrid(xs, ys)
        pts = np.stack([gx.ravel(), gy.ravel()], axis=1)
        vals = node_values(sim.net, p, bn, pts)
        return [v.reshape(GRID, GRID, -1) for v in vals]

    def _levels(self, layer: int, v: np.ndarray) -> list[tuple[float, float]]:
        """Colour range per node of a layer's (GRID, GRID, width) maps: symmetric about 0,
        probabilities 0…1 (½ white) for the outputs of bce/ce."""
        if layer == len(self.nodes) - 1 and self.controller.sim.net.arch.loss in ("bce", "ce"):
            return [(0.0, 1.0)] * v.shape[-1]
        with np.errstate(all="ignore"):
            m = np.max(np.where(np.isfinite(v), np.abs(v), 0.0), axis=(0, 1))
        return [(-x, x) if x > 0 else (-1.0, 1.0) for x in m.tolist()]

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
            self.message.setText(f"'{self.edit.text()}' is not a number")
            return
        except GdsimError as e:
            self.message.setText(str(e))
            return
        self.controller.stepped.emit()
        self.message.setText(f"W{link.layer}[{link.i},{link.j}] set to {_fmt(value)}: the run "
                             "continues from there.")

    def link_at(self, layer: int, i: int, j: int) -> _Link:
        """The link from node i of layer − 1 to node j of ``layer`` (for tests and tools)."""
        return next(lk for lk in self.links if (lk.layer, lk.i, lk.j) == (layer, i, j))

    def center_of(self, link: _Link) -> QPointF:
        line = link.line()
        return QPointF((line.x1() + line.x2()) / 2, (line.y1() + line.y2()) / 2)
