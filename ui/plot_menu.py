"""A PlotItem whose "Plot Options" context menu is built on first use (issue 12 §2).

pyqtgraph's PlotItem builds that menu in its constructor: a Qt Designer form of some forty
widgets (``ctrl``) in seven QMenus (``ctrlMenu``), with a WidgetGroup over them
(``stateGroup``). With the window's five plots that is half of all the widgets made before
the first paint, and each is polished against the app's stylesheet in the first event
loop pass, though our plots open no context menu (``enableMenu=False``).

:class:`LazyMenuPlotItem` keeps the form's *state* instead: ``ctrl`` starts as a
:class:`FormState`, the same attribute names with the getters, setters and signals
PlotItem's own methods use (``showGrid`` ticks ``xGridCheck``, whose ``toggled`` calls
``updateGrid``; ``addItem`` reads ``logXCheck``...), so the plot behaves as it would with
the real form. The first access to ``ctrlMenu``, ``stateGroup`` (``saveState``,
``restoreState``) or a context menu (``getContextMenus``, e.g. on right-click with the menu
enabled) builds the real form and menu, carries the state over, and from then on ``ctrl``
is the real form. ``build_menu()`` does it explicitly (for code wanting ``ctrl``'s widgets).

The constructor repeats pyqtgraph 0.13.7-0.14's ``PlotItem.__init__`` without the menu block
(tests/test_ui_startup.py compares the two, attribute by attribute).
"""

from __future__ import annotations

import inspect
import sys
import weakref

import pyqtgraph as pg
from pyqtgraph import functions as fn
from pyqtgraph import icons
from pyqtgraph.graphicsItems.ButtonItem import ButtonItem
from pyqtgraph.graphicsItems.LabelItem import LabelItem
from pyqtgraph.WidgetGroup import WidgetGroup
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGraphicsGridLayout, QMenu, QSizePolicy, QWidget, QWidgetAction

_PLOT_ITEM_MODULE = sys.modules[pg.PlotItem.__module__]
# (title, ctrl attribute) of the menu's submenus, in pyqtgraph's order
MENU_GROUPS = (("Transforms", "transformGroup"), ("Downsample", "decimateGroup"),
               ("Average", "averageGroup"), ("Alpha", "alphaGroup"), ("Grid", "gridGroup"),
               ("Points", "pointsGroup"))


def _n_args(slot) -> int | None:
    """How many of a signal's arguments ``slot`` takes, as Qt passes them (None: all)."""
    n = 0
    for p in inspect.signature(slot).parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            return None
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            n += 1
    return n


class _Signal:
    """A plain-Python signal: ``connect``/``disconnect`` slots, ``emit`` calls them with as
    many of its arguments as each takes (as a Qt signal does)."""

    def __init__(self) -> None:
        self.slots: list = []

    def connect(self, slot) -> None:
        self.slots.append(slot)

    def disconnect(self, slot=None) -> None:
        self.slots = [] if slot is None else [s for s in self.slots if s != slot]

    def emit(self, *args) -> None:
        for slot in list(self.slots):
            slot(*args[:_n_args(slot)])


class _Check:
    """A check box or checkable group box: ``isChecked``/``setChecked``, ``toggled`` on a
    change. Radio buttons share ``exclusive`` (a list): checking one unchecks the others."""

    def __init__(self, checked: bool = False, exclusive: list | None = None) -> None:
        self.checked = checked
        self.exclusive = exclusive
        self.toggled = _Signal()
        if exclusive is not None:
            exclusive.append(self)

    def isChecked(self) -> bool:  # noqa: N802 (Qt's name)
        return self.checked

    def setChecked(self, on) -> None:  # noqa: N802 (Qt's name)
        on = bool(on)
        if on == self.checked or (self.exclusive is not None and not on):
            return  # as Qt: the checked radio button of a group cannot be unchecked
        if on and self.exclusive is not None:
            for other in self.exclusive:
                if other is not self and other.checked:
                    other.checked = False
                    other.toggled.emit(False)
        self.checked = on
        self.toggled.emit(on)

    def apply(self, widget) -> None:
        widget.setChecked(self.checked)


class _Range:
    """A slider or spin box: ``value`` in [``minimum``, ``maximum``], ``valueChanged``."""

    def __init__(self, value: int, minimum: int, maximum: int) -> None:
        self._value, self._min, self._max = value, minimum, maximum
        self.valueChanged = _Signal()

    def value(self) -> int:
        return self._value

    def minimum(self) -> int:
        return self._min

    def maximum(self) -> int:
        return self._max

    def setValue(self, v) -> None:  # noqa: N802 (Qt's name)
        v = min(max(int(v), self._min), self._max)
        if v != self._value:
            self._value = v
            self.valueChanged.emit(v)

    def apply(self, widget) -> None:
        widget.setRange(self._min, self._max)
        widget.setValue(self._value)


class _List:
    """The averaging parameter list: QListWidgetItems kept until the real list exists."""

    def __init__(self) -> None:
        self.items: list = []
        self.itemClicked = _Signal()

    def clear(self) -> None:
        self.items = []

    def count(self) -> int:
        return len(self.items)

    def item(self, i: int):
        return self.items[i] if 0 <= i < len(self.items) else None

    def addItem(self, item) -> None:  # noqa: N802 (Qt's name)
        self.items.append(item)

    def findItems(self, text: str, _flags=None) -> list:  # noqa: N802 (Qt's name)
        return [i for i in self.items if i.text() == text]  # MatchExactly, all PlotItem asks

    def apply(self, widget) -> None:
        widget.clear()
        for item in self.items:
            widget.addItem(item)


class FormState:
    """The state of pyqtgraph's plot options form (``plotConfigTemplate``), at its defaults:
    every control PlotItem reads or sets, by the form's attribute names."""

    CHECKS = ("clipToViewCheck", "maxTracesCheck", "downsampleCheck", "forgetTracesCheck",
              "logXCheck", "derivativeCheck", "phasemapCheck", "fftCheck", "logYCheck",
              "subtractMeanCheck", "xGridCheck", "yGridCheck", "averageGroup", "autoAlphaCheck")
    CHECKED = ("autoDownsampleCheck", "alphaGroup", "pointsGroup", "autoPointsCheck")
    RADIOS = ("peakRadio", "meanRadio", "subsampleRadio")  # peak checked
    RANGES = {"maxTracesSpin": (0, 0, 99), "downsampleSpin": (1, 1, 100000),
              "gridAlphaSlider": (128, 0, 255), "alphaSlider": (1000, 0, 1000)}

    def __init__(self) -> None:
        for name in self.CHECKS:
            setattr(self, name, _Check(False))
        for name in self.CHECKED:
            setattr(self, name, _Check(True))
        radios: list = []
        for name in self.RADIOS:
            setattr(self, name, _Check(name == "peakRadio", radios))
        for name, (value, lo, hi) in self.RANGES.items():
            setattr(self, name, _Range(value, lo, hi))
        self.avgParamList = _List()

    def controls(self) -> list[str]:
        """The names this state holds (the form's controls PlotItem uses)."""
        return [*self.CHECKS, *self.CHECKED, *self.RADIOS, *self.RANGES, "avgParamList"]

    def apply(self, form) -> None:
        """Give the real form's widgets this state, without their signals (the plot already
        follows it)."""
        for name in self.controls():
            widget = getattr(form, name)
            blocked = widget.blockSignals(True)
            try:
                getattr(self, name).apply(widget)
            finally:
                widget.blockSignals(blocked)


def connect_form(plot: pg.PlotItem, c) -> None:
    """Connect the form's (or a :class:`FormState`'s) signals to the plot, as PlotItem's
    constructor does."""
    c.alphaGroup.toggled.connect(plot.updateAlpha)
    c.alphaSlider.valueChanged.connect(plot.updateAlpha)
    c.autoAlphaCheck.toggled.connect(plot.updateAlpha)
    c.xGridCheck.toggled.connect(plot.updateGrid)
    c.yGridCheck.toggled.connect(plot.updateGrid)
    c.gridAlphaSlider.valueChanged.connect(plot.updateGrid)
    c.fftCheck.toggled.connect(plot.updateSpectrumMode)
    c.subtractMeanCheck.toggled.connect(plot.updateSubtractMeanMode)
    c.logXCheck.toggled.connect(plot.updateLogMode)
    c.logYCheck.toggled.connect(plot.updateLogMode)
    c.derivativeCheck.toggled.connect(plot.updateDerivativeMode)
    c.phasemapCheck.toggled.connect(plot.updatePhasemapMode)
    c.downsampleSpin.valueChanged.connect(plot.updateDownsampling)
    c.downsampleCheck.toggled.connect(plot.updateDownsampling)
    c.autoDownsampleCheck.toggled.connect(plot.updateDownsampling)
    c.subsampleRadio.toggled.connect(plot.updateDownsampling)
    c.meanRadio.toggled.connect(plot.updateDownsampling)
    c.clipToViewCheck.toggled.connect(plot.updateDownsampling)
    c.avgParamList.itemClicked.connect(plot.avgParamListClicked)
    c.averageGroup.toggled.connect(plot.avgToggled)
    c.maxTracesCheck.toggled.connect(plot._handle_max_traces_toggle)
    c.forgetTracesCheck.toggled.connect(plot.updateDecimation)
    c.maxTracesSpin.valueChanged.connect(plot.updateDecimation)


class LazyMenuPlotItem(pg.PlotItem):
    """A :class:`pyqtgraph.PlotItem` that builds its "Plot Options" menu on first use (see
    the module docstring); otherwise the same."""

    def __init__(self, parent=None, name=None, labels=None, title=None, viewBox=None,
                 axisItems=None, enableMenu=True, **kwargs):
        # PlotItem.__init__ (pyqtgraph 0.14) up to its menu block, then after it
        pg.GraphicsWidget.__init__(self, parent)
        self._form = FormState()  # ``ctrl`` until the menu is built
        self._menu = None  # ctrlMenu, once built
        self._state_group = None
        self._menu_closed = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.autoBtn = ButtonItem(icons.getGraphPixmap("auto"), 14, self)
        self.autoBtn.mode = "auto"
        self.autoBtn.clicked.connect(self.autoBtnClicked)
        self.buttonsHidden = False
        self.mouseHovering = False
        self.layout = QGraphicsGridLayout()
        self.layout.setContentsMargins(1, 1, 1, 1)
        self.setLayout(self.layout)
        self.layout.setHorizontalSpacing(0)
        self.layout.setVerticalSpacing(0)
        if viewBox is None:
            viewBox = pg.ViewBox(parent=self, enableMenu=enableMenu)
        self.vb = viewBox
        self.vb.sigStateChanged.connect(self.viewStateChanged)
        self.setMenuEnabled(enableMenu, None)
        if name is not None:
            self.vb.register(name)
        self.vb.sigRangeChanged.connect(self.sigRangeChanged)
        self.vb.sigXRangeChanged.connect(self.sigXRangeChanged)
        self.vb.sigYRangeChanged.connect(self.sigYRangeChanged)
        self.vb.sigRangeChangedManually.connect(self.sigRangeChangedManually)
        self.layout.addItem(self.vb, 2, 1)
        self.alpha = 1.0
        self.autoAlpha = True
        self.spectrumMode = False
        self.legend = None
        self.axes = {}
        self.setAxisItems(axisItems)
        self.titleLabel = LabelItem("", size="11pt", parent=self)
        self.layout.addItem(self.titleLabel, 0, 1)
        self.setTitle(None)
        for i in range(4):
            self.layout.setRowPreferredHeight(i, 0)
            self.layout.setRowMinimumHeight(i, 0)
            self.layout.setRowSpacing(i, 0)
            self.layout.setRowStretchFactor(i, 1)
        for i in range(3):
            self.layout.setColumnPreferredWidth(i, 0)
            self.layout.setColumnMinimumWidth(i, 0)
            self.layout.setColumnSpacing(i, 0)
            self.layout.setColumnStretchFactor(i, 1)
        self.layout.setRowStretchFactor(2, 100)
        self.layout.setColumnStretchFactor(1, 100)
        self.items = []
        self.curves = []
        self.itemMeta = weakref.WeakKeyDictionary()
        self.dataItems = []
        self.paramList = {}
        self.avgCurves = {}
        self.avgPen = fn.mkPen((0, 200, 0))
        self.avgShadowPen = fn.mkPen((0, 0, 0), width=4)
        self.fileDialog = None
        connect_form(self, self._form)  # the menu block, minus the menu
        if labels is None:
            labels = {}
        for label in list(self.axes.keys()):
            if label in kwargs:
                labels[label] = kwargs.pop(label)
        for k in labels:
            if isinstance(labels[k], str):
                labels[k] = (labels[k],)
            self.setLabel(k, *labels[k])
        if title is not None:
            self.setTitle(title)
        if kwargs:
            self.plot(**kwargs)

    # ------------------------------------------------------------ the menu, on first use
    @property
    def menu_built(self) -> bool:
        return self._menu is not None

    def build_menu(self) -> None:
        """Build the real form, menu and state group (once), with the state so far."""
        if self._menu is not None or self._menu_closed:
            return
        translate = QCoreApplication.translate
        holder = QWidget()
        form = _PLOT_ITEM_MODULE.ui_template.Ui_Form()
        form.setupUi(holder)
        self._form.apply(form)
        menu = QMenu(translate("PlotItem", "Plot Options"))
        groups = [(translate("PlotItem", title), getattr(form, attr))
                  for title, attr in MENU_GROUPS]
        for title, group in groups:
            sub = menu.addMenu(title)
            act = QWidgetAction(self)
            act.setDefaultWidget(group)
            sub.addAction(act)
        state_group = WidgetGroup()
        for _title, group in groups:
            state_group.autoAdd(group)
        self._form, self._menu, self._state_group = form, menu, state_group
        connect_form(self, form)

    @property
    def ctrl(self):
        """The plot options form: a :class:`FormState` until the menu is built."""
        return self._form

    @ctrl.setter
    def ctrl(self, form) -> None:
        self._form = form

    @property
    def ctrlMenu(self):  # noqa: N802 (pyqtgraph's name)
        self.build_menu()
        return self._menu

    @ctrlMenu.setter
    def ctrlMenu(self, menu) -> None:  # noqa: N802 (pyqtgraph's name)
        if menu is None:
            self._menu_closed = True  # PlotItem.close(): never build it after this
        self._menu = menu

    @property
    def stateGroup(self):  # noqa: N802 (pyqtgraph's name)
        self.build_menu()
        return self._state_group

    @stateGroup.setter
    def stateGroup(self, group) -> None:  # noqa: N802 (pyqtgraph's name)
        self._state_group = group

    def close(self) -> None:
        if self._menu is None and not self._menu_closed:  # never built: nothing to undo
            self._menu_closed = True
            self.autoBtn.setParent(None)
            self.updateButtons()
            return
        super().close()


def plot_widget(background, axis_items: dict, enable_menu: bool = False) -> pg.PlotWidget:
    """A PlotWidget over a :class:`LazyMenuPlotItem`."""
    item = LazyMenuPlotItem(axisItems=axis_items, enableMenu=enable_menu)
    return pg.PlotWidget(background=background, plotItem=item)

