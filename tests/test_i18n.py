"""UI languages through Qt's translation system: .ts sources complete, the chosen language
installed, every visible text of the main window translated, Traditional text under zh_TW."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDockWidget

from ui import i18n

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


# ----------------------------------------------------------------------------- files
@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_ts_sources_are_complete_and_compiled(lang):
    ts = i18n.i18n_dir() / f"gdsim_{lang}.ts"
    root = ET.parse(ts).getroot()
    assert root.get("language") == lang
    messages = root.findall("./context/message")
    assert len(messages) > 250
    for m in messages:
        t = m.find("translation")
        src = m.findtext("source")
        assert t is not None and t.get("type") not in ("unfinished", "vanished", "obsolete"), src
        assert (t.text or "").strip() or not src.strip(), src
        for ph in re.findall(r"\{[^}]*\}", src):  # str.format placeholders survive
            assert ph in t.text, (src, t.text)
        if "&" in src.replace("&&", "") and re.search(r"&\w", src):
            assert re.search(r"&\w", t.text), (src, t.text)  # keyboard accelerator kept
    qm = ts.with_suffix(".qm")
    assert qm.is_file() and qm.stat().st_size > 1000


def test_texts_module_lists_the_current_registries():
    """ui/i18n_texts.py (what lupdate reads for data texts) matches the registries."""
    assert (ROOT / "ui" / "i18n_texts.py").read_text(encoding="utf-8") == i18n.texts_module(), (
        "registries or presets changed: run `python -m ui.i18n`, translate the new entries of "
        "resources/i18n/*.ts, and run it again")


def test_simplified_and_traditional_differ():
    def table(lang):
        root = ET.parse(i18n.i18n_dir() / f"gdsim_{lang}.ts").getroot()
        return {m.findtext("source"): m.find("translation").text
                for m in root.findall("./context/message")}

    cn, tw = table("zh_CN"), table("zh_TW")
    assert cn["&File"] != tw["&File"] or cn["Reset zoom"] != tw["Reset zoom"]
    assert "设置" in cn["Se&ttings"] and "設定" in tw["Se&ttings"]


@pytest.mark.parametrize("name, lang", [("zh_CN", "zh_CN"), ("zh_TW", "zh_TW"),
                                        ("zh_HK", "zh_TW"), ("zh-Hant-TW", "zh_TW"),
                                        ("zh_SG", "zh_CN"), ("en_US", "en"), ("de_DE", "en"),
                                        ("C", "en")])
def test_language_for_locale(name, lang):
    assert i18n.language_for_locale(name) == lang


def test_saved_language_wins_over_the_system(isolated_app_state):
    i18n.save_language("zh_TW")
    assert i18n.saved_language() == "zh_TW" and i18n.chosen_language() == "zh_TW"
    i18n.save_language(None)
    assert i18n.saved_language() is None
    assert i18n.chosen_language() == i18n.system_language()


# ----------------------------------------------------------------------------- the walk
def _menu_texts(menu, where):
    out = []
    for act in menu.actions():
        if act.isSeparator() or not act.isVisible():
            continue
        out.append((where, act.text()))
        if act.menu() is not None:
            out += _menu_texts(act.menu(), f"{where}/{act.text()}")
    return out


def visible_texts(win) -> list[tuple[str, str]]:
    """(where, text) of every visible text of the window: title, menus, labels, buttons,
    group boxes, docks, tabs, combo items, placeholders, table headers and cells, lists,
    text browsers, plot titles and axis labels."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QDockWidget,
        QGroupBox,
        QLabel,
        QLineEdit,
        QListWidget,
        QTableWidget,
        QTabWidget,
        QTextBrowser,
        QWidget,
    )

    out = [("windowTitle", win.windowTitle())]
    out += _menu_texts(win.menuBar(), "menu")
    for w in win.findChildren(QWidget):
        if not w.isVisibleTo(win):
            continue
        name = f"{type(w).__name__}#{w.objectName()}"
        if isinstance(w, QLabel | QAbstractButton):
            out.append((name, w.text()))
        elif isinstance(w, QGroupBox):
            out.append((name, w.title()))
        elif isinstance(w, QDockWidget):
            out.append((name, w.windowTitle()))
        elif isinstance(w, QTabWidget):
            out += [(name, w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QComboBox):
            out += [(name, w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QLineEdit):
            out.append((name, w.placeholderText()))
        elif isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                if w.isColumnHidden(c):
                    continue
                h = w.horizontalHeaderItem(c)
                out.append((f"{name}:header", h.text() if h is not None else ""))
                for r in range(w.rowCount()):
                    it = w.item(r, c)
                    out.append((f"{name}:cell", it.text() if it is not None else ""))
        elif isinstance(w, QListWidget):
            out += [(name, w.item(i).text()) for i in range(w.count())]
        elif isinstance(w, QTextBrowser):
            out.append((name, w.toPlainText()))
        if isinstance(w, pg.PlotWidget):
            pi = w.getPlotItem()
            out.append((f"{name}:title", pi.titleLabel.text or ""))
            for side in ("left", "bottom"):
                out.append((f"{name}:{side}", pi.getAxis(side).labelText or ""))
    return [(k, v) for k, v in out if v and v.strip()]


def allowed_words() -> set[str]:
    """Names that stay as they are in every language: optimizers, surfaces, schedules'
    registry names, data sets, activations, losses, parameter names (the same identifiers
    as in experiment files and the CLI), units, file formats and the app's name."""
    from gdsim.nn.activations import ACTIVATIONS
    from gdsim.nn.datasets import DATASETS
    from gdsim.nn.losses import LOSSES
    from gdsim.nn.network import INITS
    from gdsim.optimizers import OPTIMIZERS
    from gdsim.schedules import SCHEDULES
    from gdsim.surfaces import SURFACES

    words: set[str] = set()

    def add(text: str) -> None:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]+", text))

    for reg in (OPTIMIZERS, SURFACES):
        for name, info in reg.items():
            add(name)
            add(info.title)
            for p in info.params:
                add(p.name)
    for name, info in SCHEDULES.items():
        add(name)
        for p in info.params:
            add(p.name)
    for reg in (DATASETS, ACTIVATIONS, LOSSES):
        for name in reg:
            add(name)
    for name in INITS:
        add(name)
    for p in (p for mod in ("ui.runs_panel", "ui.network.editors")
              for p in vars(__import__(mod, fromlist=["x"])).values()
              if type(p).__name__ == "Param"):
        add(p.name)
    from gdsim import learn

    for name in learn.registry_names("optimizers"):  # SPEC §10 names before the registry
        add(name)
        add(learn.texts("en")["optimizers"][name]["title"])
    add("gdsim English px fps ms CSV PNG SVG GIF MP4 JSON npz XOR ReLU GD SGD Nesterov CLR "
        "sigmoid tanh lr Wk W b sin cos tan exp log sqrt abs pi min max Hessian")
    return words


def english_leftovers(text: str, allowed: set[str]) -> list[str]:
    """Words of ≥ 2 Latin letters in ``text`` that are not allowed names (HTML, key=value
    pairs, formulas' identifiers and numbers removed first)."""
    t = re.sub(r"<[^>]+>", " ", text)
    t = html.unescape(t)
    t = re.sub(r"\b\w+=\S+", " ", t)            # lr=0.05, momentum=0.9
    t = re.sub(r"\b[A-Za-z]\w*_\w+\b", " ", t)   # identifiers: weight_decay, test_fraction
    t = re.sub(r"\btorch(\.\w+)*|\bBatchNorm1d\b", " ", t)  # torch's names
    t = re.sub(r"\b[A-Za-z]\w*\[[^\]]*\]", " ", t)  # W1[0,2], b2[3]
    t = re.sub(r"&(?=\w)", "", t)                # accelerators
    return [w for w in re.findall(r"[A-Za-z]{2,}", t) if w.lower() not in allowed]


@pytest.fixture
def chinese_ui(qapp, isolated_app_state):
    i18n.install("zh_CN")
    yield
    i18n.install("en")


def test_main_window_in_zh_cn_has_no_untranslated_english(qtbot, chinese_ui):
    from ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    win.learn_dock.show()
    texts = visible_texts(win)
    win.show_mode(network=True)
    texts += visible_texts(win)
    allowed = allowed_words()
    bad = sorted({(where, text) for where, text in texts if english_leftovers(text, allowed)})
    assert not bad, "\n".join(f"{w}: {t!r}" for w, t in bad)
    chinese = [t for _w, t in texts if CJK.search(t)]
    assert len(chinese) > 100
    assert win.menuBar().actions()[0].text() == "文件(&F)"


def test_view_menu_in_zh_cn_has_the_why_and_stability_toggles(qtbot, chinese_ui):
    """The see-why views add their toggles to the View menu whatever its language (it was
    looked up by its English text, so a Chinese window had none)."""
    from ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    view = next(a.menu() for a in win.menuBar().actions()
                if a.menu() is not None and a.menu().objectName() == "menuView")
    assert view.title() != "&View"  # translated
    names = {a.objectName() for a in view.actions()}
    assert {"actionWhyDock", "actionStabilityMap", "actionCurvatureAxes"} <= names
    next(a for a in view.actions() if a.objectName() == "actionStabilityMap").trigger()
    assert win.findChild(QDockWidget, "stabilityDock").isVisible()


def test_english_ui_is_untouched(qtbot, qapp, isolated_app_state):
    from ui.main_window import MainWindow

    i18n.install("en")
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.menuBar().actions()[0].text() == "&File"
    assert not any(CJK.search(t) for _w, t in visible_texts(win)
                   if not _w.startswith("menu/Se&ttings"))


def test_walk_would_catch_english():
    allowed = allowed_words()
    assert english_leftovers("Export image", allowed) == ["Export", "image"]
    assert english_leftovers("<b>Adam</b> lr=0.05 · 导出", allowed) == []


def test_app_starts_in_traditional_chinese_from_lang(tmp_path):
    """``LANG=zh_TW.UTF-8`` with no saved choice: the real entry point shows Traditional
    text (menus), then quits by itself."""
    env = dict(os.environ, LANG="zh_TW.UTF-8", LC_ALL="zh_TW.UTF-8", LANGUAGE="zh_TW",
               QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               XDG_DATA_HOME=str(tmp_path / "data"), GDSIM_REPORT_SHOWN="1",
               GDSIM_QUIT_AFTER_MS="1500", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, str(ROOT / "main.py")], env=env, capture_output=True,
                       text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("gdsim: menus:"))
    assert "檔案" in line and "設定" in line, line      # Traditional
    assert "文件" not in line and "设置" not in line, line  # not Simplified


def test_settings_language_switches_the_window_and_is_remembered(qtbot, qapp,
                                                                  isolated_app_state):
    """Settings → Language → 繁體中文: remembered, and the window is rebuilt in that
    language on the same experiment; back to English the same way."""
    from ui.app import relaunch
    from ui.main_window import MainWindow

    i18n.install("en")
    win = MainWindow()
    qtbot.addWidget(win)
    win.controller.set_start(0.5, 0.5)
    created = []
    win.language_requested.connect(lambda code: created.append(relaunch(win, code)))
    win.language_actions["zh_TW"].trigger()
    assert i18n.saved_language() == "zh_TW" and i18n.current_language() == "zh_TW"
    new = created[-1]
    qtbot.addWidget(new)
    assert new.menuBar().actions()[0].text() == "檔案(&F)"
    assert new.controller.experiment.start == (0.5, 0.5)
    assert new.language_actions["zh_TW"].isChecked()
    assert new.learn_panel.language == "zh_TW"
    back = relaunch(new, None)  # System default
    qtbot.addWidget(back)
    assert i18n.saved_language() is None
    i18n.install("en")


def test_choosing_a_language_without_an_app_listening_waits_for_a_restart(
        qtbot, qapp, isolated_app_state):
    from ui.main_window import MainWindow

    i18n.install("en")
    win = MainWindow()
    qtbot.addWidget(win)
    win.language_actions["zh_CN"].trigger()
    assert i18n.saved_language() == "zh_CN"
    assert "restart" in win.statusBar().currentMessage()
    assert win.menuBar().actions()[0].text() == "&File"
