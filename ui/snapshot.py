"""``gdsim snapshot``: render the main window offscreen after N steps to a PNG.

Used for README and documentation pictures. A network experiment file
(``"format": "gdsim-network"``) is shown in the Network tab, trained for N steps.
Validation happens before anything is rendered or written; the PNG is written atomically.
Exit status 2 with a message on bad input, 0 on success.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

DEFAULT_SIZE = (1440, 900)
SETTLE_S = 0.4  # event processing before the grab, for redraws that wait on a timer


def parse_size(text: str | None) -> tuple[int, int]:
    """``"WxH"`` -> (W, H), each in 200..8000."""
    from gdsim.errors import GdsimError

    if text is None:
        return DEFAULT_SIZE
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", str(text))
    if not m:
        raise GdsimError(f"--size must be WIDTHxHEIGHT, e.g. 1440x900, got {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise GdsimError(f"--size {w}x{h} is out of range: need 200 ≤ width, height ≤ 8000")
    return w, h


def render(experiment, steps: int, size: tuple[int, int], network_path: str | None = None):
    """The main window with ``experiment`` after ``steps`` steps, grabbed as a QPixmap; with
    ``network_path``, the Network tab with that network experiment trained ``steps`` steps."""
    from PySide6.QtWidgets import QApplication

    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application()
    win = MainWindow(experiment)
    win.resize(*size)
    win.show()
    app.processEvents()
    if network_path is not None:
        if not win.open_path(network_path):
            raise RuntimeError(f"could not open {network_path!r}")  # validated before
        app.processEvents()
    if steps > 0:
        win.active_controller().step(steps)
    # let deferred redraws land (the network's weight slice follows 250 ms after a step)
    end = time.perf_counter() + SETTLE_S
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.01)
    pix = win.grab()
    if (pix.width(), pix.height()) != tuple(size):
        # the window cannot shrink below its minimum size: render there, then scale
        from PySide6.QtCore import Qt

        pix = pix.scaled(size[0], size[1], Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    win.close()
    win.deleteLater()
    return pix


def snapshot_main(args) -> int:
    """Entry point for ``gdsim snapshot`` (``args``: experiment, steps, out, size)."""
    from gdsim.errors import GdsimError

    try:
        size = parse_size(getattr(args, "size", None))
        steps = args.steps
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise GdsimError(f"--steps must be an integer ≥ 0, got {steps!r}")
        out = Path(args.out)
        if out.suffix.lower() != ".png":
            raise GdsimError(f"--out must be a .png file, got {str(out)!r}")
        if not out.parent.is_dir():
            raise GdsimError(f"cannot write {str(out)!r}: folder does not exist")
        if not os.access(out.parent, os.W_OK):
            raise GdsimError(f"cannot write {str(out)!r}: folder is not writable")
        from ui import files

        network_path = None
        if args.experiment and files.is_network_file(args.experiment):
            from gdsim.nn.training import Trainer
            from ui.network.mode import read_experiment

            network_path = str(args.experiment)
            Trainer(read_experiment(network_path)[0])  # validate before opening a window
            experiment = None
        else:
            experiment = files.load(args.experiment) if args.experiment else None
        if experiment is None:
            from ui.controller import default_experiment

            experiment = default_experiment()
        from gdsim.simulation import Simulation

        Simulation(experiment)  # validate before opening a window
    except GdsimError as e:
        print(f"gdsim snapshot: error: {e}", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    pix = render(experiment, steps, size, network_path)
    from gdsim.io import atomic_write_bytes
    from ui.files import png_bytes

    data = png_bytes(pix)
    try:
        if not data:
            raise GdsimError(f"could not encode the picture for {str(out)!r}")
        atomic_write_bytes(out, data)
    except GdsimError as e:
        print(f"gdsim snapshot: error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({pix.width()}x{pix.height()}, step {steps})")
    return 0
