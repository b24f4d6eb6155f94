"""Shared test setup: Qt renders offscreen unless a test asks for a real display; hypothesis
judges correctness, not speed (tests that bound time set their own deadline)."""

import os

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

settings.register_profile("gdsim", deadline=None, print_blob=True)
settings.register_profile("gdsim-ci", parent=settings.get_profile("gdsim"), derandomize=True,
                          database=None)
settings.load_profile("gdsim-ci" if os.environ.get("CI") else "gdsim")


@pytest.fixture
def isolated_app_state(tmp_path, monkeypatch):
    """The app's QSettings and autosave file live in ``tmp_path``, not the user's profile."""
    from PySide6.QtCore import QCoreApplication, QSettings

    from ui import files

    QCoreApplication.setOrganizationName("gdsim-test")
    QCoreApplication.setApplicationName("gdsim-test")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "cfg"))
    QSettings().clear()
    monkeypatch.setattr(files, "autosave_path", lambda: tmp_path / "appdata" / "autosave.json")
    return tmp_path


@pytest.fixture
def errors(monkeypatch):
    """Message boxes would block: the warnings' texts recorded instead."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    return shown


@pytest.fixture(autouse=True)
def _drain_thread_pool():
    """Work a test left on Qt's global thread pool (a basin map, sweep or landscape still
    computing) finishes before the next test, so it cannot starve that test's own jobs."""
    yield
    import sys

    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(60_000)
