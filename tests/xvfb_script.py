"""Running a test's script in a real X window (Xvfb) and reading the JSON line it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_gl_script(tmp_path: Path, source: str, name: str, screen: str = "1024x768x24",
                  timeout: int = 180) -> dict:
    """Run ``source`` under ``xvfb-run`` with the PNG path ``tmp_path/name.png`` as its
    argument; its last stdout line (JSON) as a dict. Skips when Xvfb has no OpenGL (the
    script reports ``"gl": false``)."""
    script = tmp_path / f"{name}.py"
    script.write_text(source)
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", f"-screen 0 {screen}", sys.executable, str(script),
         str(tmp_path / f"{name}.png")],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if not out["gl"]:
        pytest.skip("no OpenGL under this Xvfb")
    return out
