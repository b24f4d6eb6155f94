"""Launch the gdsim desktop app: ``python main.py [--experiment FILE.json]``."""

import argparse
import os
import sys

# Small matrix products (networks, grids) are fastest single-threaded; must precede numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="main.py", description="gdsim desktop app")
    parser.add_argument("--experiment", metavar="FILE.json", help="experiment to open")
    args = parser.parse_args(argv)
    # NumPy and the engine before Qt: once PySide6 is imported it reads the source of every
    # module imported after it (its ``__feature__`` check), ~0.2 ms a module
    import gdsim.io  # noqa: F401
    import gdsim.simulation  # noqa: F401
    from ui.app import run_app

    return run_app(args.experiment)


if __name__ == "__main__":
    sys.exit(main())
