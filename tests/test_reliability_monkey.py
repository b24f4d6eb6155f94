"""Reliability harness, part 1: a seeded monkey walks the main window (issue 12 §3, 13 #4).

Thousands of random user actions -- buttons, menus (all but Quit), combo boxes, hostile text
in every line edit and spin box, sliders, tabs, timeline scrubbing, clicks on the surface,
dragging the start marker, the Network tab, the runs tables -- with every dialog answered by
a scripted stand-in. Counted and required to be zero:

- unhandled exceptions (a ``sys.excepthook`` counts them; pytest-qt's capture is off here so
  that ours sees every one), and exceptions escaping an action;
- nested event loops: a timer that fires while an action is still running proves the action
  entered a modal ``exec()`` (a dialog or menu not reached through the patched helpers) --
  the walk closes it, names the action and goes on, where a real walk would block forever.

``GDSIM_MONKEY_ACTIONS`` and ``GDSIM_MONKEY_SEED`` run longer or other walks locally.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
import traceback

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QColorDialog,
    QComboBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from ui.main_window import MainWindow

ACTIONS = int(os.environ.get("GDSIM_MONKEY_ACTIONS", "2000"))
SEED = int(os.environ.get("GDSIM_MONKEY_SEED", "20261204"))
LEAVE_NETWORK = 0.4  # chance per action of going back to the Surfaces tab
HANG_GUARD_S = 20.0  # one action taking longer than this is a hang, whatever the machine
# Work the walk asks of dialogs is bounded (their fields still get hostile text): an animation
# of a few small frames exercises the same export path as 300 full-size ones.
BASIN_SIDE = 48  # starts per axis of the basin maps the walk turns on (the app: 128)
BOUNDED_SPINS = {"animationWidthSpin": 320, "animationHeightSpin": 240,
                 "animationFramesSpin": 6, "animationLastStepSpin": 60,
                 "animationFirstStepSpin": 60}

HOSTILE_TEXT = [
    "", " ", "0", "-0", "1", "-1", "0.5", "1e-320", "5e-324", "1e308", "-1e308", "1e309",
    "inf", "-inf", "nan", "NaN", "Infinity", "1e999", "2147483648", "9" * 400, "-" * 50,
    "abc", "true", "false", "None", "1,5", "0x10", "1_000", "١٢٣", "∞", "½", "💥", "\x00",
    "\t1\n", "  3  ", "%s%n%x", "${HOME}", "../../etc/passwd", "'; DROP TABLE runs; --",
    "__import__('os').system('echo pwned')", "lambda: 0", "x" * 5000, "((((((((((", "))",
    "x^x^x^x^x^x", "exp(exp(exp(x)))", "x**2 + y**2", "sin(x)*cos(y)", "1/0", "x/0",
    "log(-1)", "sqrt(x)", "x +", "1e308*x*y", "Abs(x) + Abs(y)", "x^2+y^2", "0.001", "1e-8",
    "100000", "-1e-9", "10000000", "10000001", "1e7", "3/2", "2,2", "16,16", "1,2,3,4,5",
    "0,16", "1000,1000,1000", "adam", "sgd:lr=1", "   ", "\u202e1", "1e-400",
]


def hostile(rng: random.Random) -> str:
    if rng.random() < 0.15:  # random printable and unicode junk
        alphabet = "xy0123456789+-*/^().,e ∑πé\n\t\\\"'"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
    return rng.choice(HOSTILE_TEXT)


class Walk:
    """The monkey: random actions over a window, with dialogs scripted and failures recorded."""

    def __init__(self, win: MainWindow, rng: random.Random, tmp, qtbot):
        self.win, self.rng, self.tmp, self.qtbot = win, rng, tmp, qtbot
        self.exceptions: list[str] = []
        self.nested: list[str] = []
        self.slow: list[tuple[str, float]] = []
        self.dialogs: dict[str, int] = {}
        self.kinds: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.longest: list[tuple[float, str]] = []
        self.current = ""
        self.busy = False
        self.files = self._make_files()
        self.guard = QTimer()
        self.guard.setInterval(50)
        self.guard.timeout.connect(self._check_nested)
        self.guard.start()

    # ---------------------------------------------------------------- files to offer
    def _make_files(self) -> list[str]:
        import json

        from gdsim.io import experiment_json
        from gdsim.nn.io import experiment_to_dict
        from gdsim.nn.training import NNExperiment
        from gdsim.simulation import Experiment, RunSpec

        d = self.tmp / "walk"
        d.mkdir()
        out = {}
        out["exp.json"] = experiment_json(Experiment(surface="himmelblau",
                                                     runs=[RunSpec("adam", {"lr": 0.1})]))
        net = experiment_to_dict(NNExperiment(dataset="xor", samples=40, hidden=(3,),
                                              runs=[RunSpec("adam", {"lr": 0.05})], epochs=5))
        out["net.json"] = json.dumps(net)
        out["bad.json"] = '{"format": "gdsim-experiment", "version": 99}'
        out["junk.json"] = "\x00\xff{{{"
        out["deep.json"] = "[" * 100_000 + "]" * 100_000
        out["data.csv"] = "x,y\n" + "".join(f"{i / 10},{(i % 3) - 1}\n" for i in range(30))
        out["data2.csv"] = "a,b,t\n" + "".join(f"{i},{-i},{i % 2}\n" for i in range(30))
        out["bad.csv"] = "x,y\n1,nan\n2,\n"
        out["empty.csv"] = ""
        out["weights.npz"] = "not a zip"
        paths = []
        for name, text in out.items():
            p = d / name
            p.write_text(text, encoding="utf-8", errors="surrogatepass")
            paths.append(str(p))
        return paths + [str(d), str(d / "missing.json"), "", "/dev/null"]

    def save_target(self) -> str:
        r = self.rng.random()
        if r < 0.15:
            return ""  # cancelled
        if r < 0.25:
            return str(self.tmp)  # a folder
        if r < 0.3:
            return str(self.tmp / "no such folder" / "f.json")
        ext = self.rng.choice([".json", ".csv", ".png", ".svg", ".npz", "", ".txt"])
        return str(self.tmp / "walk" / f"out{self.rng.randint(0, 3)}{ext}")

    # ---------------------------------------------------------------- dialog stand-ins
    def _seen(self, what: str) -> None:
        self.dialogs[what] = self.dialogs.get(what, 0) + 1

    def patch(self, monkeypatch) -> None:
        walk = self

        def get_open(*_a, **_k):
            walk._seen("QFileDialog.getOpenFileName")
            return walk.rng.choice(walk.files), ""

        def get_save(*_a, **_k):
            walk._seen("QFileDialog.getSaveFileName")
            return walk.save_target(), ""

        def box(kind):
            def show(*_a, **_k):
                walk._seen(f"QMessageBox.{kind}")
                return QMessageBox.StandardButton.Ok
            return show

        def get_color(*_a, **_k):
            walk._seen("QColorDialog.getColor")
            if walk.rng.random() < 0.3:
                return QColor()  # cancelled: invalid
            return QColor(walk.rng.randrange(256), walk.rng.randrange(256),
                          walk.rng.randrange(256))

        def get_input(*_a, **_k):
            walk._seen("QInputDialog")
            return "", False

        def dialog_exec(dlg, *_a, **_k):
            """Modal dialogs reached through exec(): type hostile text, then OK or Cancel."""
            walk._seen(f"{type(dlg).__name__}.exec")
            busy, walk.busy = walk.busy, False  # answered here: its event loop is ours
            for edit in dlg.findChildren(QLineEdit):
                if edit.isEnabled() and not edit.isReadOnly() and walk.rng.random() < 0.6:
                    edit.setText(hostile(walk.rng))
                    edit.textEdited.emit(edit.text())
            for spin in dlg.findChildren(QAbstractSpinBox):
                bound = BOUNDED_SPINS.get(spin.objectName())
                if bound is not None:
                    spin.interpretText()  # what was typed, then held within the bound
                    spin.setValue(min(spin.value(), bound))
            QApplication.processEvents()
            if walk.rng.random() < 0.7:
                dlg.accept()  # OK (the dialog's own accept decides whether it closes)
            if dlg.result() != QDialog.DialogCode.Accepted:
                dlg.reject()
            walk.busy = busy
            return dlg.result()

        monkeypatch.setattr(QFileDialog, "getOpenFileName", get_open)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                            lambda *_a, **_k: walk.save_target())
        for kind in ("warning", "critical", "information", "question", "about"):
            monkeypatch.setattr(QMessageBox, kind, box(kind))
        monkeypatch.setattr(QColorDialog, "getColor", get_color)
        for name in ("getText", "getInt", "getDouble", "getItem", "getMultiLineText"):
            monkeypatch.setattr(QInputDialog, name, get_input)
        monkeypatch.setattr(QDialog, "exec", dialog_exec)

    # ---------------------------------------------------------------- failure recording
    def hook(self, exc_type, exc, tb) -> None:
        self.exceptions.append(
            f"during {self.current!r}:\n" + "".join(traceback.format_exception(exc_type, exc, tb)))

    def _check_nested(self) -> None:
        """A timer firing while an action runs: the action is inside a nested event loop."""
        if not self.busy:
            return
        self.nested.append(self.current)
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QMenu | QDialog) and w.isVisible():
                w.close()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()

    # ---------------------------------------------------------------- widgets a user can reach
    def reachable(self, kind) -> list:
        return [w for w in self.win.findChildren(kind)
                if w.isVisibleTo(self.win) and w.isEnabled() and w.window() is self.win]

    def menu_actions(self) -> list:
        acts = []

        def walk(menu: QMenu) -> None:
            menu.aboutToShow.emit()  # e.g. Open Recent fills itself here
            for a in menu.actions():
                if a.menu() is not None:
                    walk(a.menu())
                elif (a.isEnabled() and a.isVisible() and not a.isSeparator()
                      and a.objectName() != "actionQuit"):
                    acts.append(a)

        for top in self.win.menuBar().actions():
            if top.menu() is not None:
                walk(top.menu())
        for menu in self.win.findChildren(QMenu):  # e.g. a tool button's pop-up menu
            parent = menu.parentWidget()
            if (isinstance(parent, QAbstractButton) and parent.isVisibleTo(self.win)
                    and parent.isEnabled()):
                walk(menu)
        return acts

    # ---------------------------------------------------------------- the actions
    def act_button(self) -> str:
        buttons = [b for b in self.reachable(QAbstractButton)
                   if b.objectName() not in ("qt_toolbar_ext_button",)]
        b = self.rng.choice(buttons)
        self.current = f"click {self._name(b)}"
        b.click()
        return self.current

    def act_menu(self) -> str:
        a = self.rng.choice(self.menu_actions())
        self.current = f"menu {a.objectName() or a.text()!r}"
        a.trigger()
        return self.current

    def act_combo(self) -> str:
        c = self.rng.choice(self.reachable(QComboBox))
        if c.count() == 0:
            return f"combo {self._name(c)} (empty)"
        i = self.rng.randrange(c.count())
        self.current = f"combo {self._name(c)} -> {c.itemText(i)!r}"
        c.setCurrentIndex(i)
        c.activated.emit(i)
        return self.current

    def act_text(self) -> str:
        edits = [e for e in self.reachable(QLineEdit)
                 if not e.isReadOnly() and not isinstance(e.parent(), QAbstractSpinBox | QComboBox)]
        e = self.rng.choice(edits)
        text = hostile(self.rng)
        self.current = f"type {text[:30]!r} into {self._name(e)}"
        e.setFocus()
        e.selectAll()
        e.insert(text)  # textEdited, as typing
        QTest.keyClick(e, Qt.Key.Key_Return)  # editingFinished where the text is acceptable
        e.editingFinished.emit()  # leaving the field (focus out) even when it is not
        return f"type {text[:30]!r} into {self._name(e)}"

    def act_spin(self) -> str:
        s = self.rng.choice(self.reachable(QAbstractSpinBox))
        le = s.lineEdit()
        text = hostile(self.rng) if self.rng.random() < 0.5 else str(self.rng.randint(-5, 10**7))
        self.current = f"spin {self._name(s)} <- {text[:30]!r}"
        le.selectAll()
        le.insert(text)
        QTest.keyClick(s, Qt.Key.Key_Return)
        s.editingFinished.emit()
        return f"spin {self._name(s)} <- {text[:30]!r}"

    def act_slider(self) -> str:
        s = self.rng.choice(self.reachable(QAbstractSlider))
        v = self.rng.randint(s.minimum(), s.maximum()) if s.maximum() > s.minimum() else 0
        self.current = f"slider {self._name(s)} = {v}"
        s.setValue(v)
        return f"slider {self._name(s)} = {v}"

    def act_scrub(self) -> str:
        tl = self.win.network.timeline if self.win.network_active() else self.win.timeline
        s = tl.slider
        for _ in range(self.rng.randint(1, 8)):  # a drag: several positions in a row
            s.setValue(self.rng.randint(s.minimum(), max(s.minimum(), s.maximum())))
        return "scrub timeline"

    def act_tab(self) -> str:
        t = self.rng.choice(self.reachable(QTabWidget))
        i = self.rng.randrange(t.count())
        self.current = f"tab {self._name(t)} -> {t.tabText(i)!r}"
        t.setCurrentIndex(i)
        return f"tab {self._name(t)} -> {t.tabText(i)!r}"

    def act_table(self) -> str:
        tables = self.reachable(QTableWidget)
        if not tables:
            return "table (none shown)"
        t = self.rng.choice(tables)
        if t.rowCount() == 0:
            return f"table {self._name(t)} (empty)"
        r, c = self.rng.randrange(t.rowCount()), self.rng.randrange(t.columnCount())
        self.current = f"table {self._name(t)} cell ({r}, {c})"
        t.setCurrentCell(r, c)
        t.cellClicked.emit(r, c)
        item = t.item(r, c)
        if item is not None and self.rng.random() < 0.4:
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Unchecked if item.checkState()
                                   == Qt.CheckState.Checked else Qt.CheckState.Checked)
            elif item.flags() & Qt.ItemFlag.ItemIsEditable:
                item.setText(hostile(self.rng))
        return f"table {self._name(t)} cell ({r}, {c})"

    def _view_point(self) -> tuple[float, float]:
        x0, x1, y0, y1 = self.win.surface_view.view_box()
        if self.rng.random() < 0.1:
            return self.rng.choice([(1e300, -1e300), (math.nan, 0.0), (math.inf, 1.0),
                                    (1e6, 1e6), (-1e-300, 5e-324)])
        return (self.rng.uniform(x0 - (x1 - x0), x1 + (x1 - x0)),
                self.rng.uniform(y0 - (y1 - y0), y1 + (y1 - y0)))

    def act_drag_start(self) -> str:
        sv = self.win.surface_view
        if not sv.isVisibleTo(self.win):
            return "drag start (surface hidden)"
        x, y = self._view_point()
        self.current = f"drag start to ({x:.3g}, {y:.3g})"
        sv.start_marker.setPos(x, y)
        sv.start_marker.sigPositionChangeFinished.emit(sv.start_marker)
        return f"drag start to ({x:.3g}, {y:.3g})"

    def act_click_plot(self) -> str:
        plots = [w for w in self.reachable(QWidget) if w.metaObject().className() == "PlotWidget"]
        if not plots:
            return "click plot (none shown)"
        p = self.rng.choice(plots)
        pos = QPoint(self.rng.randrange(max(1, p.width())), self.rng.randrange(max(1, p.height())))
        button = self.rng.choice([Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton])
        self.current = f"click {self._name(p)} at {pos.toTuple()} ({button.name})"
        QTest.mouseClick(p.viewport(), button, Qt.KeyboardModifier.NoModifier, pos)
        if self.rng.random() < 0.3:  # a wheel zoom or a small drag (pan)
            vb = p.getPlotItem().getViewBox()
            vb.scaleBy(s=(self.rng.uniform(0.2, 5),) * 2, center=QPointF(*vb.viewRect().center()
                                                                        .toTuple()))
        return f"click {self._name(p)} at {pos.toTuple()} ({button.name})"

    def act_key(self) -> str:
        key = self.rng.choice([Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_R,
                               Qt.Key.Key_Escape, Qt.Key.Key_Tab])
        self.current = f"key {key.name}"
        QTest.keyClick(self.win, key)
        return f"key {key.name}"

    def act_wait(self) -> str:
        ms = self.rng.choice([0, 1, 5, 20, 60])
        self.busy = False  # the event loop runs here on purpose (Play ticks, autosave)
        self.qtbot.wait(ms)
        return f"wait {ms} ms"

    WEIGHTS = {"act_button": 18, "act_menu": 10, "act_combo": 10, "act_text": 16,
               "act_spin": 5, "act_slider": 6, "act_scrub": 5, "act_tab": 6, "act_table": 7,
               "act_drag_start": 4, "act_click_plot": 4, "act_key": 4, "act_wait": 5}

    def step(self) -> None:
        if self.win.network_active() and self.rng.random() < LEAVE_NETWORK:
            self.win.show_mode(network=False)  # a Network-tab edit costs ~10 surface ones
        names = list(self.WEIGHTS)
        name = self.rng.choices(names, weights=[self.WEIGHTS[n] for n in names])[0]
        self.kinds[name] = self.kinds.get(name, 0) + 1
        self.current = name
        self.busy = True
        t0 = time.perf_counter()
        try:
            self.current = getattr(self, name)() or name
        except IndexError:  # rng.choice of an empty list: nothing of that kind is shown
            pass
        except Exception:  # noqa: BLE001 -- an exception escaping an action is a failure
            self.exceptions.append(f"escaping {self.current!r}:\n{traceback.format_exc()}")
        finally:
            self.busy = False
        took = time.perf_counter() - t0
        mode = "net" if self.win.network_active() else "surf"
        self.seconds[name] = self.seconds.get(name, 0.0) + took
        self.seconds[mode] = self.seconds.get(mode, 0.0) + took
        self.kinds[mode] = self.kinds.get(mode, 0) + 1
        if took > 0.5:
            self.longest.append((round(took, 2), self.current))
        if took > HANG_GUARD_S:
            self.slow.append((self.current, took))
        if self.rng.random() < 0.1:  # events and paints between some actions, as a user's
            QApplication.processEvents()

    @staticmethod
    def _name(w) -> str:
        return w.objectName() or (w.text() if hasattr(w, "text") else "") or type(w).__name__


@pytest.mark.qt_no_exception_capture
def test_monkey_walk_no_exception_no_nested_loop(qtbot, isolated_app_state, monkeypatch):
    rng = random.Random(SEED)
    # relative paths typed into dialogs (an animation to "1,5") land here, not in the checkout
    monkeypatch.chdir(isolated_app_state)
    win = MainWindow(autosave=True)
    qtbot.addWidget(win)
    win.resize(1280, 820)
    win.show()
    qtbot.waitExposed(win)
    walk = Walk(win, rng, isolated_app_state, qtbot)
    walk.patch(monkeypatch)
    monkeypatch.setattr(sys, "excepthook", walk.hook)
    from ui import basin

    # a basin map recomputes on every change while it is on: smaller maps, the same wiring
    monkeypatch.setattr(basin, "SIDE", BASIN_SIDE)
    np_err = np.geterr()
    started = time.perf_counter()
    cpu, ui_cpu = time.process_time(), time.thread_time()
    try:
        for _ in range(ACTIONS):
            walk.step()
        walk.busy = False
        qtbot.wait(50)
        # still alive and answering after the walk
        win.show_mode(network=False)
        win.controller.reset()
        win.controller.step(3)
    finally:
        walk.guard.stop()
        win.controller.pause()
        if win.has_network():
            win.network.controller.pause()
    # the user quits: work started in the background stops with the window (counted in time)
    win.close()
    from PySide6.QtCore import QThreadPool

    drained = QThreadPool.globalInstance().waitForDone(30_000)
    took = time.perf_counter() - started
    cpu, ui_cpu = time.process_time() - cpu, time.thread_time() - ui_cpu
    print(f"\nmonkey: {ACTIONS} actions (seed {SEED}) in {took:.1f} s (CPU {cpu:.1f} s, "
          f"{ui_cpu:.1f} s of it on the UI thread); kinds {walk.kinds}; "
          f"dialogs {walk.dialogs}; exceptions {len(walk.exceptions)}; "
          f"nested loops {len(walk.nested)}; slow {walk.slow}\n"
          f"seconds by kind {({k: round(v, 1) for k, v in walk.seconds.items()})}\n"
          f"longest {sorted(walk.longest)[-15:]}")
    assert drained, "background work still running 30 s after the window closed"
    assert np.geterr() == np_err
    assert not walk.exceptions, "\n".join(walk.exceptions[:5])
    assert not walk.nested, f"actions that entered a nested event loop: {walk.nested[:10]}"
    assert not walk.slow, walk.slow
    assert walk.kinds['net'] + walk.kinds['surf'] == ACTIONS


def test_network_image_button_pops_its_menu_without_blocking(qtbot):
    """Issue 13 #4: the Network tab's "Export image" button ran its menu in QMenu.exec inside
    click(), a nested event loop that never returned to the caller."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    if not win.has_network():
        pytest.skip("no Network tab in this build")
    win.show_mode(network=True)
    button = win.findChild(QAbstractButton, "networkImageButton")
    inside_click = [False]
    fired: list[bool] = []

    def probe() -> None:  # runs in whatever event loop is spinning
        fired.append(inside_click[0])
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QMenu) and w.isVisible() and inside_click[0]:
                w.close()  # unblock a nested loop so that the test can fail instead of hang

    QTimer.singleShot(0, probe)
    inside_click[0] = True
    button.click()
    inside_click[0] = False
    qtbot.waitUntil(lambda: bool(fired), timeout=60_000)
    assert fired == [False]  # the click returned before any event was processed
    menu = win.network.image_menu
    assert menu.isVisible()
    assert [a.text() for a in menu.actions()][:2] == ["Decision boundary / fit…",
                                                     "Weight-space slice…"]
    menu.close()


def test_focused_surface_parameter_survives_a_surface_change(qtbot):
    """Found by the walk: a focused parameter field lost its focus while the toolbar rebuilt
    its fields for another surface and reported editingFinished from inside the rebuild
    (KeyError in SurfaceBar.sync)."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    c = win.controller
    assert c.set_surface("ravine")
    edit = win.surface_bar.edits["condition"]
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=60_000)
    edit.setFocus()
    assert edit.hasFocus()
    edit.selectAll()
    edit.insert("35")  # typed, not yet committed
    win.act_new.trigger()  # a menu shortcut: the field keeps the focus until it is removed
    assert c.experiment.surface == "rosenbrock"
    assert set(win.surface_bar.edits) == {p.name for p in win.surface_bar.params}
    assert win.surface_bar.edits["b"].text() == "100"
