"""``sigap kb ...``: validate, import, export, list, show, history."""

from __future__ import annotations

import argparse
import sys

from kb.validate import validate_paths


def _validate(args: argparse.Namespace) -> int:
    report = validate_paths(args.path)
    for problem in report.problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    n_err, n_warn = len(report.errors), len(report.problems) - len(report.errors)
    status = "OK" if report.ok else "FAILED"
    print(f"{status}: {len(report.articles)} valid articles, {n_err} errors, {n_warn} warnings")
    return 0 if report.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    kb = sub.add_parser("kb", help="knowledge base: validate, import, export, browse")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="ACTION")
    kb_sub.required = True

    p = kb_sub.add_parser("validate", help="check article files; writes nothing")
    p.add_argument("path", nargs="?", default=None, help="file or folder (default: kb/data)")
    p.set_defaults(handler=_validate)
