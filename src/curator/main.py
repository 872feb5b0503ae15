"""The command line: parse arguments, call one function per command, map errors to exit codes."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

from curator import __version__
from curator.errors import CuratorError

FORMATS = ("text", "json", "github", "markdown")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", type=Path, help="catalog directory (default: from curator.yaml, else catalog/)")
    parser.add_argument("--readme", type=Path, help="README with table markers (default: README.md)")
    parser.add_argument("--config", type=Path, help="configuration file (default: ./curator.yaml if present)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="curator",
        description="Keep a curated resource list healthy: a validated YAML catalog, README tables "
        "rendered from it, and checks of every link and repository.",
    )
    parser.add_argument("--version", action="version", version=f"curator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = sub.add_parser(
        "check",
        help="validate the catalog and check every link",
        description="Load and validate the catalog, run every rule and report the findings. "
        "Exit 0 when no finding has error severity, 1 when some do, 2 when the catalog or configuration "
        "cannot be loaded.",
    )
    _add_common(check)
    check.add_argument("--offline", action="store_true", help="run only the rules that need no network")
    check.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    check.add_argument("--output", type=Path, help="write the report to this file instead of standard output")
    check.add_argument("--no-cache", action="store_true", help="re-check links that were ok recently")
    check.add_argument("--changed-since", metavar="REF", help="check links only of entries changed since a git ref")
    check.add_argument(
        "--allow-private-hosts", action="store_true", help="allow links to loopback and private addresses"
    )
    check.add_argument("--state", type=Path, help="state database (default: .curator/state.db)")

    render = sub.add_parser(
        "render",
        help="regenerate the README tables from the catalog",
        description="Rewrite what is between the curator markers in the README from the catalog. "
        "With --check, change nothing: exit 1 and print a diff when the README is out of date.",
    )
    _add_common(render)
    render.add_argument("--check", action="store_true", help="exit 1 with a diff if the README is out of date")
    render.add_argument("--state", type=Path, help="state database for metric columns (default: .curator/state.db)")

    imp = sub.add_parser(
        "import",
        help="turn the resource tables of a markdown file into catalog files",
        description="Read every resource table of a markdown file, write one catalog file per table and "
        "put curator markers around each table in the markdown file.",
    )
    imp.add_argument("markdown", type=Path, help="the markdown file to import (it gets markers added)")
    imp.add_argument("--catalog", type=Path, default=Path("catalog"), help="where to write the catalog files")
    imp.add_argument("--force", action="store_true", help="overwrite existing catalog files")
    imp.add_argument("--dry-run", action="store_true", help="report what would be imported, write nothing")

    sub.add_parser("schema", help="print the catalog's JSON Schema", description="Print the catalog JSON Schema.")

    rules = sub.add_parser("rules", help="list the rules and what they check", description="List every rule.")
    rules.add_argument("rule", nargs="?", help="show one rule's full documentation")
    rules.add_argument("--markdown", action="store_true", help="print the reference of every rule as markdown")

    config = sub.add_parser("config", help="show the effective configuration", description="Show the configuration.")
    config.add_argument("--config", type=Path, help="configuration file (default: ./curator.yaml if present)")
    config.add_argument("--show", action="store_true", help="print every setting with its value (the default)")
    return parser


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that `with` blocks (the state database's run) unwind."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _dispatch(args)
    except CuratorError as exc:
        print(f"curator: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("curator: interrupted; this run was not recorded", file=sys.stderr)
        return 130
    except Terminated:
        print("curator: terminated; this run was not recorded", file=sys.stderr)
        return 143
    except BrokenPipeError:
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _check(args: argparse.Namespace) -> int:
    from curator.commands.check import CheckOptions, run_check

    return run_check(
        CheckOptions(
            catalog=args.catalog,
            readme=args.readme,
            config=args.config,
            offline=args.offline,
            format=args.format,
            output=args.output,
            no_cache=args.no_cache,
            changed_since=args.changed_since,
            allow_private_hosts=args.allow_private_hosts,
            state=args.state,
        )
    )


def _render(args: argparse.Namespace) -> int:
    from curator.commands.render import run_render

    return run_render(
        catalog=args.catalog, readme=args.readme, config_path=args.config, check=args.check, state=args.state
    )


def _import(args: argparse.Namespace) -> int:
    from curator.commands.import_ import run_import

    return run_import(markdown=args.markdown, catalog=args.catalog, force=args.force, dry_run=args.dry_run)


def _schema(args: argparse.Namespace) -> int:
    from curator.commands.schema import run_schema

    return run_schema()


def _rules(args: argparse.Namespace) -> int:
    from curator.commands.rules import run_rules_command

    return run_rules_command(args.rule, markdown=args.markdown)


def _config(args: argparse.Namespace) -> int:
    from curator.commands.config import run_config

    return run_config(args.config)


# Commands import their modules on use so that `curator --help` stays fast.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _check,
    "render": _render,
    "import": _import,
    "schema": _schema,
    "rules": _rules,
    "config": _config,
}


def _dispatch(args: argparse.Namespace) -> int:
    return COMMANDS[args.command](args)
