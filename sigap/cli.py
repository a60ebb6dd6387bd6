"""The ``sigap`` command: gathers each package's subcommands.

Packages register their subcommands through a ``register(subparsers)``
function; handlers return an exit code. Library errors are turned into
one-line messages here, never deeper.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# (module, attribute) pairs, imported lazily so `sigap kb validate` does not
# pay for loading torch or the encoder.
COMMAND_MODULES = (
    "kb.cli",
    "indexer.cli",
    "suggest.cli",
    "evaluation.cli",
    "desk.cli",
    "ui.cli",
)


class CLIError(Exception):
    """A problem to show as one line on stderr, with an exit code."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sigap",
        description="SIGAP: saran jawaban basis pengetahuan untuk agen Kring Pajak dan Samsat.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that package has no CLI yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CLIError as exc:
        print(f"sigap: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
