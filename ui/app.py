"""Start the desktop app: QApplication, theme, MainWindow, autosave restore, event loop."""

from __future__ import annotations

import os
import sys
import traceback

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ui.i18n import tr

APP_NAME = "gdsim"


def make_application(argv: list[str] | None = None) -> QApplication:
    """The (single) QApplication with gdsim's names, font and stylesheet."""
    import pyqtgraph as pg

    from ui import theme
    from ui.resources import stylesheet

    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    pg.setConfigOptions(antialias=True, foreground=theme.FOREGROUND, background=theme.BACKGROUND)
    font = QFont(app.font())
    font.setPointSize(theme.FONT_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(stylesheet())
    return app


def install_excepthook(parent=None) -> None:
    """Show unexpected exceptions in a message box instead of crashing the app."""

    def hook(exc_type, exc, tb):
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(text)
        try:
            QMessageBox.critical(parent, tr("Unexpected error"),
                                 tr('{0}: {1}\n\nThe app keeps running; details were written to '
                                    'the terminal.').format(exc_type.__name__, exc))
        except Exception:  # noqa: BLE001 -- the hook itself must never raise
            pass

    sys.excepthook = hook


class _FirstPaint(QObject):
    """Prints ``gdsim: first paint`` once the window's first paint has been handled (for
    ``bench/bench_startup.py``: process start to first painted window)."""

    def __init__(self, win) -> None:
        super().__init__(win)
        self.win = win

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if (event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and obj.window() is self.win):
            QApplication.instance().removeEventFilter(self)
            QTimer.singleShot(0, lambda: print("gdsim: first paint", flush=True))
        return False


def report_first_paint(win) -> None:
    win._first_paint = _FirstPaint(win)  # the Python object must live for its override
    QApplication.instance().installEventFilter(win._first_paint)


def initial_experiment(experiment_path: str | None):
    """(experiment, path, message): the given file, else the autosave, else the default.

    A network experiment file is checked here and opened by the window in its Network tab:
    the surface experiment is then the autosave (or the default) and ``path`` is None.
    """
    from gdsim.errors import GdsimError
    from ui import files
    from ui.controller import default_experiment

    if experiment_path and not files.is_network_file(experiment_path):
        return files.load(experiment_path), experiment_path, ""
    if experiment_path:
        from gdsim.nn.training import Trainer
        from ui.network.mode import read_experiment

        Trainer(read_experiment(experiment_path)[0])  # GdsimError on a bad file
    try:
        exp = files.read_autosave(strict=True)
    except GdsimError as e:  # a corrupt autosave: say so, start fresh
        return default_experiment(), None, (tr("Could not restore the last session") +
                                            f" ({e}); " + tr("started a new one"))
    if exp is not None:
        return exp, None, tr("Restored the last session")
    return default_experiment(), None, ""


def relaunch(win, lang: str | None):
    """Switch the UI language: install its translators, then replace ``win`` by a new window
    on the same experiments (surfaces and network), file, geometry and docks."""
    from ui import i18n
    from ui.main_window import MainWindow

    i18n.save_language(lang)
    i18n.install(lang)
    new = MainWindow(win.controller.experiment, autosave=win.autosave_enabled)
    new.current_path = win.current_path
    if win.has_network() and new.has_network():
        new.network.controller.set_experiment(win.network.controller.experiment)
        new.network.current_path = win.network.current_path
        new.show_mode(win.network_active())
    new.restoreGeometry(win.saveGeometry())
    new.restoreState(win.saveState())
    new._update_title()
    new.language_requested.connect(lambda code: relaunch(new, code))
    win.autosave_enabled = False  # the new window saves from now on
    win.close()
    win.deleteLater()
    new.show()
    QCoreApplication.instance().setProperty("gdsimWindow", new)  # keep it alive
    return new


def missing_display() -> str:
    """Why no window can open here ("" when one can): Qt aborts the process otherwise."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return ""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    return ("no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); "
            "run it in a desktop session or under `xvfb-run -a`, or use `gdsim run` / "
            "`gdsim snapshot`, which need no display")


def run_app(experiment_path: str | None = None) -> int:
    """Open the main window (with ``experiment_path`` or the last session) and run it."""
    from gdsim.errors import GdsimError

    why = missing_display()
    if why:
        sys.stderr.write(f"gdsim: {why}\n")
        return 2
    from ui.main_window import MainWindow

    app = make_application()
    from ui import i18n

    i18n.install()
    try:
        exp, path, message = initial_experiment(experiment_path)
    except GdsimError as e:
        sys.stderr.write(f"gdsim: {e}\n")
        return 2
    try:
        win = MainWindow(exp, autosave=True)
    except GdsimError as e:  # an autosave that no longer validates: start fresh
        if path:  # the file asked for cannot be shown (e.g. a surface beyond float64)
            sys.stderr.write(f"gdsim: {path}: {e}\n")
            return 2
        from ui.controller import default_experiment

        win = MainWindow(default_experiment(), autosave=True)
        message = f"Could not restore the last session ({e}); started a new one"
    if path:
        from pathlib import Path

        from ui import files

        win.current_path = Path(path)
        files.add_recent(path)
        win._update_title()
    elif experiment_path:  # a network experiment (checked above): the Network tab opens it
        win.open_path(experiment_path)
    win.restore_window_state()
    install_excepthook(win)
    win.language_requested.connect(lambda lang: relaunch(win, lang))
    win.show()
    from ui import warmup

    warmup.schedule()  # numba on a worker thread, before a map or network asks for it
    if os.environ.get("GDSIM_REPORT_SHOWN"):
        def report() -> None:
            print(f"gdsim: window shown ({app.platformName()})", flush=True)
            menus = [a.text() for a in win.menuBar().actions()]
            print(f"gdsim: menus: {' | '.join(menus)}", flush=True)

        QTimer.singleShot(0, report)
        report_first_paint(win)
    from ui import files

    problem = files.autosave_problem()
    if problem:  # e.g. a read-only profile: the app works, the session is not kept
        message = (message + "; " if message else "") + tr("Autosave is off") + f": {problem}"
    if message:
        win.statusBar().showMessage(message, 15000)
        if os.environ.get("GDSIM_REPORT_SHOWN"):
            print(f"gdsim: notice: {message}", flush=True)
    quit_after = os.environ.get("GDSIM_QUIT_AFTER_MS", "").strip()
    if quit_after.isdigit():
        QTimer.singleShot(int(quit_after), win.close)
        QTimer.singleShot(int(quit_after) + 50, app.quit)
    return app.exec()
