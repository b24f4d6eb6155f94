"""Animation export figures (offscreen): 300 frames of the default race at 1280×720.

    python bench/bench_animate.py [--frames 300] [--size 1280x720] [--repeats 1]

Prints, per format, the whole export's wall time (render + encode + write), and the median
time per frame of rendering alone (the app's panels into an image) as the same-run
baseline, so the encoder's share is the difference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    from ui import animate
    from ui.app import make_application
    from ui.controller import default_experiment

    make_application()
    size = animate.parse_size(args.size)
    exp = default_experiment()
    last = 2 * args.frames - 2  # every other step: 300 distinct frames over steps 0..598

    stage = animate.make_stage(exp, size, True)
    stage.prepare(last)
    steps = animate.frame_steps(0, last, args.frames)
    render = []
    for s in steps[: min(60, len(steps))]:
        t0 = time.perf_counter()
        stage.render_frame(int(s))
        render.append(time.perf_counter() - t0)
    stage.close()
    print(f"render only: median {statistics.median(render) * 1000:.1f} ms/frame "
          f"({size[0]}x{size[1]}, {len(render)} frames)")

    with tempfile.TemporaryDirectory() as d:
        for fmt in (".gif", ".mp4"):
            times = []
            for _ in range(args.repeats):
                out = Path(d) / f"race{fmt}"
                opts = animate.AnimationOptions(out, size, 30, 0, last, args.frames)
                t0 = time.perf_counter()
                summary = animate.export_animation(exp, opts, "bench")
                times.append(time.perf_counter() - t0)
            mb = out.stat().st_size / 1e6
            med = statistics.median(times)
            print(f"{fmt[1:].upper()}: {summary['frames']} frames {size[0]}x{size[1]} in "
                  f"{med:.1f} s (median of {len(times)}; {med / summary['frames'] * 1000:.0f} "
                  f"ms/frame, {med / summary['frames'] / statistics.median(render):.1f}x "
                  f"render-only), {mb:.1f} MB")


if __name__ == "__main__":
    main()
