"""``python -m gdsim`` and the ``gdsim`` console script."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """The command line (:func:`gdsim.cli.main`) with single-threaded BLAS."""
    # Small matrix products (networks, grids) are fastest single-threaded; must precede numpy.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from gdsim.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
