"""Real-window smoke test: ``python main.py`` on a real X display (Xvfb in CI).

Skipped unless DISPLAY is set and Qt can use the xcb platform. The app quits itself after
GDSIM_QUIT_AFTER_MS; it must show its window and exit 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def xcb_available() -> bool:
    if not os.environ.get("DISPLAY"):
        return False
    probe = ("from PySide6.QtWidgets import QApplication; import sys; "
             "app = QApplication(sys.argv[:1]); print(app.platformName())")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    try:
        out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                             text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return False
    return out.returncode == 0 and out.stdout.strip() == "xcb"


@pytest.mark.xvfb
@pytest.mark.skipif(not xcb_available(), reason="needs DISPLAY and Qt's xcb platform (Xvfb)")
def test_main_py_shows_window_and_exits_cleanly(tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "GDSIM_QUIT_AFTER_MS": "1500",
        "GDSIM_REPORT_SHOWN": "1",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # QSettings
        "XDG_DATA_HOME": str(tmp_path / "data"),  # autosave
    }
    out = subprocess.run([sys.executable, str(ROOT / "main.py")], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "gdsim: window shown" in out.stdout
    assert (tmp_path / "data").exists()  # the session was autosaved on quit
