"""Launching with no display gives a one-line error and exit 2 instead of Qt's abort."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_display_exits_2_with_message():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    for cmd in ([sys.executable, "main.py"], [sys.executable, "-m", "gdsim", "gui"]):
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert "no display" in proc.stderr and "xvfb-run" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_missing_display_respects_explicit_platform(monkeypatch):
    from ui.app import missing_display

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert missing_display() == ""
    monkeypatch.delenv("QT_QPA_PLATFORM")
    assert "DISPLAY" in missing_display()
    monkeypatch.setenv("DISPLAY", ":99")
    assert missing_display() == ""
