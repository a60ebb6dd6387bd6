"""``sigap user add|list``: local accounts for the console."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from desk.auth import WeakPassword
from desk.roles import ROLE_LABELS, ROLES
from desk.users import UserDirectory, UserError
from sigap.cli import CLIError
from sigap.db import make_engine, upgrade_database
from sigap.settings import get_settings


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name, e.g. an arbitrary uid in a container
        return "cli"


def _with_users(handler: Callable[[argparse.Namespace, UserDirectory], int]):
    def run(args: argparse.Namespace) -> int:
        engine = make_engine(get_settings().database_url)
        try:
            upgrade_database(engine)
            return handler(args, UserDirectory(engine))
        except (UserError, WeakPassword, ValueError) as exc:
            raise CLIError(str(exc), code=1) from exc
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise CLIError(f"database: {reason}", code=1) from exc
        finally:
            engine.dispose()

    return run


def _read_password_stdin() -> str:
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise CLIError("--password-stdin: no password on standard input")
    return password


@_with_users
def _add(args: argparse.Namespace, users: UserDirectory) -> int:
    password = _read_password_stdin() if args.password_stdin else None
    user, generated = users.add(
        args.username,
        role=args.role,
        password=password,
        display_name=args.name,
        actor=_actor(),
    )
    print(f"created {user.username} ({user.role})")
    if generated is not None:
        # Shown once: only the bcrypt hash is stored.
        print(f"password: {generated}")
        print("(shown once; it is not stored in clear)", file=sys.stderr)
    return 0


@_with_users
def _list(args: argparse.Namespace, users: UserDirectory) -> int:
    for user in users.list_users():
        state = "" if user.active else "  (inactive)"
        print(f"{user.username:<24} {user.role:<12} {user.display_name}{state}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="local accounts of the console")
    usub = p.add_subparsers(dest="user_command", metavar="ACTION")
    usub.required = True

    a = usub.add_parser("add", help="create an account (a random password unless given)")
    a.add_argument("username", help="login name: 3-32 of a-z 0-9 . _ -, starting with a letter")
    roles = ", ".join(f"{r} ({ROLE_LABELS[r]})" for r in ROLES)
    a.add_argument("--role", required=True, choices=ROLES, metavar="ROLE", help=roles)
    a.add_argument("--name", default=None, help="display name (default: the username)")
    a.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    a.set_defaults(handler=_add)

    ls = usub.add_parser("list", help="every account and its role")
    ls.set_defaults(handler=_list)
