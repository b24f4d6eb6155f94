"""``python -m gdsim`` and the ``gdsim`` console script."""

import sys


def main(argv: list[str] | None = None) -> int:
    from gdsim.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
