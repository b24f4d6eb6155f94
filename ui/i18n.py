"""The UI's language: English, 简体中文 or 繁體中文 through Qt's translation system.

Sources are ``resources/i18n/gdsim_<lang>.ts`` (made by ``pyside6-lupdate`` from the ``tr()``
and ``QCoreApplication.translate()`` calls in ``ui/``); the compiled ``.qm`` files beside them
are shipped and rebuilt by ``python -m ui.i18n`` (update + release). The language comes from
Settings → Language (remembered in QSettings) or else the system locale. CLI messages and
update formulas are never translated.

    python -m ui.i18n            # refresh the .ts sources from the code, then build the .qm
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont

from ui.resources import resource_path

LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文", "zh_TW": "繁體中文"}
SETTINGS_KEY = "ui/language"
# CJK fallbacks after the platform's UI font (fonts-noto-cjk on Debian; Windows; macOS)
CJK_FONTS = {
    "zh_CN": ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
              "Microsoft YaHei", "PingFang SC"],
    "zh_TW": ["Noto Sans CJK TC", "Source Han Sans TC", "WenQuanYi Micro Hei",
              "Microsoft JhengHei", "PingFang TC"],
}
_installed: list[QTranslator] = []


def tr(text: str) -> str:
    """``text`` in the UI's language. Every UI string goes through this one function (one
    translation context, ""), which ``pyside6-lupdate`` extracts from bare ``tr("…")`` calls;
    placeholders use ``str.format``: ``tr("Exported {0}").format(path)``."""
    return QCoreApplication.translate("", text)


def i18n_dir() -> Path:
    return resource_path("i18n")


def language_for_locale(name: str) -> str:
    """``zh_TW`` / ``zh-Hant`` / ``zh_HK`` -> zh_TW, other Chinese -> zh_CN, else en."""
    n = name.replace("-", "_")
    if not n.lower().startswith("zh"):
        return "en"
    return "zh_TW" if any(t in n for t in ("TW", "HK", "MO", "Hant")) else "zh_CN"


def system_language() -> str:
    """The language of the system locale (LANG / LC_ALL on Linux)."""
    loc = QLocale.system()
    for name in [loc.name(), *loc.uiLanguages()]:
        lang = language_for_locale(name)
        if lang != "en" or name.lower().startswith("en"):
            return lang
    return "en"


def saved_language() -> str | None:
    """The language chosen in Settings → Language, or None (follow the system)."""
    v = QSettings().value(SETTINGS_KEY, "")
    return str(v) if v in LANGUAGES else None


def save_language(lang: str | None) -> None:
    """Remember ``lang`` (None: follow the system)."""
    if lang is None:
        QSettings().remove(SETTINGS_KEY)
    elif lang in LANGUAGES:
        QSettings().setValue(SETTINGS_KEY, lang)


def chosen_language() -> str:
    return saved_language() or system_language()


def current_language() -> str:
    """The language installed in the running app ("en" when none was)."""
    app = QCoreApplication.instance()
    lang = app.property("gdsimLanguage") if app is not None else None
    return str(lang) if lang in LANGUAGES else "en"


def install(lang: str | None = None) -> str:
    """Install the translators (gdsim's and Qt's own dialogs') and the CJK font fallback for
    ``lang`` (None: the chosen one); returns the language now in use."""
    app = QCoreApplication.instance()
    lang = lang if lang in LANGUAGES else chosen_language()
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    if lang != "en":
        for folder, name in ((str(i18n_dir()), f"gdsim_{lang}"),
                             (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
                              f"qtbase_{lang}")):
            t = QTranslator(app)
            if t.load(name, folder):
                app.installTranslator(t)
                _installed.append(t)
    _set_fonts(app, lang)
    app.setProperty("gdsimLanguage", lang)
    return lang


def _set_fonts(app, lang: str) -> None:
    """Put CJK families after the UI font so Chinese text never falls back to boxes."""
    if not hasattr(app, "font"):
        return
    font = QFont(app.font())
    base = [f for f in font.families() if f not in sum(CJK_FONTS.values(), [])]
    font.setFamilies(base + (CJK_FONTS.get(lang) or CJK_FONTS["zh_CN"]))
    app.setFont(font)


STATUS_WORDS = ("running", "converged", "diverged", "max steps", "early_stopped", "max_epochs",
                "off", "classification", "regression", " (network)")


def engine_texts() -> list[str]:
    """Texts the UI shows that come from data, not from ``tr("…")`` literals: parameter help
    (engine registries and the UI's own settings), schedule titles, run statuses, preset
    titles. ``ui/i18n_texts.py`` lists them for lupdate; the UI passes them through tr()."""
    import importlib

    from gdsim.optimizers import OPTIMIZERS
    from gdsim.params import Param
    from gdsim.schedules import SCHEDULES
    from gdsim.simulation import RUN_OVERRIDES
    from gdsim.surfaces import SURFACES

    out: list[str] = []
    for reg in (OPTIMIZERS, SCHEDULES, SURFACES):
        for info in reg.values():
            out += [p.help for p in info.params]
    out += [info.title for info in SCHEDULES.values()]
    out += [p.help for p in RUN_OVERRIDES]
    for mod in ("ui.runs_panel", "ui.network.editors"):
        try:
            m = importlib.import_module(mod)
        except ImportError:
            continue
        out += [v.help for v in vars(m).values() if isinstance(v, Param)]
    out += list(STATUS_WORDS)
    from ui import curves_view, runs_panel, surface_view

    out += [title for _key, title, _obj in curves_view.CURVES]
    out += [curves_view.HOVER_HINT, surface_view.HOVER_HINT, runs_panel.RESTART_NOTE]
    out += [h for h in runs_panel.HEADERS if h]
    from ui import files

    out += [p.title for p in files.presets()]
    try:
        from ui.network.catalog import network_presets

        out += [p.title for p in network_presets()]
    except ImportError:
        pass
    seen: dict[str, None] = {}
    for t in out:
        if t and t.strip():
            seen.setdefault(t, None)
    return list(seen)


def texts_module() -> str:
    """The source of ``ui/i18n_texts.py`` for the current registries and presets."""
    lines = ['"""Generated by ``python -m ui.i18n``: texts the UI shows from the registries and',
             'the presets, listed so that pyside6-lupdate extracts them (shown through tr())."""',
             "", "from ui.i18n import tr", "", "TEXTS = ("]
    lines += [f"    tr({t!r}),  # noqa: E501" if len(t) > 88 else f"    tr({t!r}),"
              for t in engine_texts()]
    lines += [")", ""]
    return "\n".join(lines)


def ts_files() -> list[Path]:
    return [i18n_dir() / f"gdsim_{lang}.ts" for lang in LANGUAGES if lang != "en"]


def sources() -> list[Path]:
    root = Path(__file__).resolve().parent
    return sorted(p for p in root.rglob("*.py") if p.name != "i18n.py")  # i18n_texts.py too


def update_and_release() -> None:
    """pyside6-lupdate (code -> .ts, keeping existing translations), then pyside6-lrelease."""
    (Path(__file__).resolve().parent / "i18n_texts.py").write_text(texts_module(),
                                                                      encoding="utf-8")
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    src = [str(p) for p in sources()]
    for ts in ts_files():
        subprocess.run([str(lupdate), "-no-obsolete", "-locations", "none", *src, "-ts",
                        str(ts)], check=True)
    release()


def release() -> None:
    """pyside6-lrelease: .ts -> .qm (what the app loads)."""
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    for ts in ts_files():
        subprocess.run([str(lrelease), str(ts), "-qm", str(ts.with_suffix(".qm"))],
                       check=True)


if __name__ == "__main__":
    update_and_release()
