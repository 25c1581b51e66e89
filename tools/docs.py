"""``python -m tools.docs [--check]`` (``make generate``): rewrite the documentation's generated
parts and the generated files (reference, the component package's args and components); with
``--check``, only report what is stale (exit 1)."""

from __future__ import annotations

import argparse
import sys

from tools import docgen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.docs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale parts and files; exit 1 if any")
    args = parser.parse_args(argv)
    return docgen.main(check=args.check)


if __name__ == "__main__":
    sys.exit(main())
