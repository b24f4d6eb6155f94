"""The engine never imports Qt: ``import gdsim`` and a CLI run leave PySide6, pyqtgraph, ui out."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "ui")

PROBE = """
import sys
{body}
bad = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})
print(','.join(bad))
"""


def loaded_gui_modules(body: str) -> list[str]:
    code = PROBE.format(body=body, forbidden=FORBIDDEN)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    out = res.stdout.strip().splitlines()
    return [m for m in out[-1].split(",") if m] if out else []


def test_importing_the_engine_loads_no_gui():
    body = "\n".join([
        "import gdsim",
        "import gdsim.params, gdsim.errors, gdsim.optimizers, gdsim.schedules, gdsim.surfaces",
        "import gdsim.simulation, gdsim.trajectory, gdsim.io, gdsim.cli",
    ])
    assert loaded_gui_modules(body) == []


def test_a_cli_run_loads_no_gui():
    body = "\n".join([
        "import contextlib, io",
        "from gdsim.cli import main",
        "with contextlib.redirect_stdout(io.StringIO()):",
        "    assert main(['run', '--surface', 'himmelblau', '--optimizer', 'adam',"
        " '--steps', '20']) == 0",
        "    assert main(['list', 'surfaces']) == 0",
    ])
    assert loaded_gui_modules(body) == []


def test_the_probe_does_see_gui_imports():
    # guards the test above against a probe that could never fail
    assert "pyqtgraph" in loaded_gui_modules("import pyqtgraph")
