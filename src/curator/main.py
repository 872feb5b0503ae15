"""The command line: parse arguments, call one function per command, map errors to exit codes.

Exit codes: 0 done (no error finding), 1 findings or differences, 2 a failure the user can act on
(`CuratorError`: usage, configuration, catalog, network), 3 a bug (any other exception), 130/143
interrupted. A bug prints one line naming a file that holds the traceback (`--debug`: the traceback itself).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from curator import PROJECT_URL, __version__
from curator.errors import CuratorError
from curator.report.textsafe import escape_controls

FORMATS = ("text", "json", "github", "markdown")

EXIT_INTERNAL = 3

_EXIT_TAIL = """\
  2    usage, configuration, catalog or network failure (a message says what)
  3    internal error: a bug (please report it; the message names the traceback's file)
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM)"""

_LAYOUT = "\t\n"  # the control characters an error message may keep: it may span lines

DEBUG_HELP = "on an internal error, print the traceback instead of writing it to a temporary file"


_DEBUG_NOTE = """\
--debug (accepted before or after the command name) prints the traceback of an internal error
instead of writing it to a temporary file."""


def _exit_codes(zero: str, one: str | None = None) -> str:
    """The epilog of a --help: the exit codes, the command's own meaning of 0 and 1 first."""
    lines = ["exit codes:", f"  0    {zero}"]
    if one is not None:
        lines.append(f"  1    {one}")
    lines += [_EXIT_TAIL, "", _DEBUG_NOTE]
    return "\n".join(lines)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", type=Path, help="catalog directory (default: from curator.yaml, else catalog/)")
    parser.add_argument("--readme", type=Path, help="README with table markers (default: README.md)")
    parser.add_argument("--config", type=Path, help="configuration file (default: ./curator.yaml if present)")


def _check_arguments(check: argparse.ArgumentParser) -> None:
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


def _render_arguments(render: argparse.ArgumentParser) -> None:
    _add_common(render)
    render.add_argument("--check", action="store_true", help="exit 1 with a diff if the README is out of date")
    render.add_argument("--state", type=Path, help="state database for metric columns (default: .curator/state.db)")


def _render(args: argparse.Namespace) -> int:
    from curator.commands.render import run_render

    return run_render(
        catalog=args.catalog, readme=args.readme, config_path=args.config, check=args.check, state=args.state
    )


def _fix_arguments(fix: argparse.ArgumentParser) -> None:
    _add_common(fix)
    fix.add_argument("--dry-run", action="store_true", help="print a diff of every file it would change, write nothing")
    fix.add_argument("--offline", action="store_true", help="no network: apply only the fixes certain offline")
    fix.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID",
        help="apply only this rule's fixes (malformed-url, redirected, repo-renamed); may be repeated",
    )
    fix.add_argument("--state", type=Path, help="state database (default: .curator/state.db)")
    fix.add_argument("--allow-private-hosts", action="store_true", help="allow links to loopback and private addresses")
    fix.add_argument("--no-cache", action="store_true", help="re-check links that were ok recently")


def _fix(args: argparse.Namespace) -> int:
    from curator.commands.fix import FixOptions, run_fix

    return run_fix(
        FixOptions(
            catalog=args.catalog,
            readme=args.readme,
            config=args.config,
            state=args.state,
            dry_run=args.dry_run,
            offline=args.offline,
            rules=tuple(args.rule),
            allow_private_hosts=args.allow_private_hosts,
            no_cache=args.no_cache,
        )
    )


def _pr_arguments(pr: argparse.ArgumentParser) -> None:
    pr.add_argument(
        "--repo", metavar="OWNER/NAME", help="the repository (default: $GITHUB_REPOSITORY, else github.repository)"
    )
    pr.add_argument("--base", metavar="BRANCH", help="the base branch (default: the repository's default branch)")
    pr.add_argument(
        "--dry-run", action="store_true", help="make no write request; print the action, title, body and diff"
    )
    pr.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    pr.add_argument("--config", type=Path, help="local configuration file (default: ./curator.yaml if present)")
    pr.add_argument("--state", type=Path, help="local state database (default: history.state, else .curator/state.db)")


def _pr(args: argparse.Namespace) -> int:
    from curator.commands.pr import PrOptions, run_pr

    return run_pr(
        PrOptions(
            repo=args.repo,
            base=args.base,
            dry_run=args.dry_run,
            format=args.format,
            config=args.config,
            state=args.state,
        )
    )


def _serve_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--config", type=Path, help="local configuration file (default: ./curator.yaml if present)")
    serve.add_argument(
        "--state", type=Path, help="local state database (default: history.state, else .curator/state.db)"
    )
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print each job's next three run times (UTC) and exit")
    mode.add_argument("--once", action="store_true", help="run every job now, in order (check, then pr), and exit")
    serve.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="serve GET /healthz and /metrics there (PORT alone: 127.0.0.1; another address only if written out)",
    )
    serve.add_argument(
        "--log-format", choices=("text", "json"), default="text", help="standard error's event lines (default: text)"
    )


def _serve(args: argparse.Namespace) -> int:
    from curator.commands.serve import ServeOptions, run_serve

    # The list-health issue updater is wired here, as run_serve's on_check_done hook.
    return run_serve(
        ServeOptions(
            config=args.config,
            state=args.state,
            dry_run=args.dry_run,
            once=args.once,
            listen=args.listen,
            log_format=args.log_format,
        )
    )


def _import_arguments(imp: argparse.ArgumentParser) -> None:
    imp.add_argument("markdown", type=Path, help="the markdown file to import (it gets markers added)")
    imp.add_argument("--catalog", type=Path, default=Path("catalog"), help="where to write the catalog files")
    imp.add_argument("--force", action="store_true", help="overwrite existing catalog files")
    imp.add_argument("--dry-run", action="store_true", help="report what would be imported, write nothing")
    imp.add_argument(
        "--name-column",
        metavar="HEADER",
        help="the column holding the entries' names, in every table that has this header (default: guessed)",
    )
    imp.add_argument(
        "--only",
        metavar="HEADING",
        action="append",
        default=[],
        help="import only the tables under this heading, prose or not (repeatable)",
    )
    imp.add_argument(
        "--skip", metavar="HEADING", action="append", default=[], help="leave the tables under this heading alone"
    )
    imp.add_argument(
        "--verify",
        action="store_true",
        help="after importing, compare the rendered file with the original: links, URLs, HTML tags, emoji, "
        "words; exit 1 if anything was lost",
    )


def _import(args: argparse.Namespace) -> int:
    from curator.commands.import_ import ImportOptions, run_import

    return run_import(
        markdown=args.markdown,
        catalog=args.catalog,
        force=args.force,
        dry_run=args.dry_run,
        options=ImportOptions(name_column=args.name_column, only=args.only, skip=args.skip, verify=args.verify),
    )


def _init_arguments(init: argparse.ArgumentParser) -> None:
    init.add_argument("--readme", type=Path, default=Path("README.md"), help="the list's README (default: README.md)")
    init.add_argument(
        "--catalog", type=Path, default=Path("catalog"), help="where to write the catalog files (default: catalog)"
    )
    init.add_argument(
        "--action-repo",
        metavar="OWNER/NAME",
        # The default is computed where it is used (commands.init): importing it here would slow every command.
        help=f"the repository of curator's action the workflows use (default: {'/'.join(PROJECT_URL.split('/')[-2:])})",
    )
    init.add_argument(
        "--action-ref",
        metavar="REF",
        help=f"the action's tag, branch or commit SHA (default: v{__version__}, this curator's version)",
    )
    init.add_argument("--force", action="store_true", help="overwrite the files a previous init wrote")


def _init(args: argparse.Namespace) -> int:
    from curator.commands.init import default_action_ref, default_action_repo, run_init

    return run_init(
        readme=args.readme,
        catalog=args.catalog,
        action_repo=args.action_repo or default_action_repo(),
        action_ref=args.action_ref or default_action_ref(),
        force=args.force,
    )


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _schema(args: argparse.Namespace) -> int:
    from curator.commands.schema import run_schema

    return run_schema()


def _rules_arguments(rules: argparse.ArgumentParser) -> None:
    rules.add_argument("rule", nargs="?", help="show one rule's full documentation")
    rules.add_argument("--markdown", action="store_true", help="print the reference of every rule as markdown")


def _rules(args: argparse.Namespace) -> int:
    from curator.commands.rules import run_rules_command

    return run_rules_command(args.rule, markdown=args.markdown)


def _config_arguments(config: argparse.ArgumentParser) -> None:
    config.add_argument("--config", type=Path, help="configuration file (default: ./curator.yaml if present)")
    config.add_argument("--show", action="store_true", help="print every setting with its value (the default)")


def _config(args: argparse.Namespace) -> int:
    from curator.commands.config import run_config

    return run_config(args.config)


@dataclass(frozen=True)
class Command:
    """One subcommand: its help, its arguments and the function that runs it (returning the exit code)."""

    help: str
    description: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    exit_zero: str = "done"
    exit_one: str | None = None


# The command line is built from this table and dispatches through it; a command is one entry. The run
# functions import their modules on use so that `curator --help` stays fast.
COMMANDS: dict[str, Command] = {
    "check": Command(
        help="validate the catalog and check every link",
        description="Load and validate the catalog, run every rule and report the findings.",
        arguments=_check_arguments,
        run=_check,
        exit_zero="no finding has error severity",
        exit_one="some finding has error severity (the report lists them)",
    ),
    "render": Command(
        help="regenerate the README tables from the catalog",
        description="Rewrite what is between the curator markers in the README from the catalog. "
        "With --check, change nothing: exit 1 and print a diff when the README is out of date.",
        arguments=_render_arguments,
        run=_render,
        exit_zero="the README was written, or (--check) is up to date",
        exit_one="--check: the README is out of date (the diff is printed)",
    ),
    "fix": Command(
        help="apply the safe fixes to the catalog and regenerate the README",
        description="Run the checks, then apply the fixes that have evidence — scheme typos, permanent "
        "redirects to a real page, repositories GitHub confirms renamed — as minimal edits of the catalog "
        "files, and regenerate the README tables. With --dry-run, print a diff and write nothing.",
        arguments=_fix_arguments,
        run=_fix,
        exit_zero="the run completed: the fixes were applied (or, with --dry-run, shown), or there were none",
    ),
    "pr": Command(
        help="open or update one pull request with the safe fixes and the regenerated README",
        description="Run the checks on the base branch as it is now, apply the safe fixes, regenerate the "
        "README and make the result one branch with one open pull request, whose description is the "
        "reviewer's report. An unchanged run writes nothing; a person's commit on the branch is never "
        "overwritten. Needs GITHUB_TOKEN (or GH_TOKEN).",
        arguments=_pr_arguments,
        run=_pr,
        exit_zero="the run completed (the pull request was opened, updated, closed, handed off, or left as it was)",
    ),
    "serve": Command(
        help="run check and pr on their schedules (curator.yaml's schedule, UTC), with /healthz and /metrics",
        description="Run the check daily and the rolling pull request weekly (schedule.check and schedule.pr in "
        "curator.yaml, crontab expressions in UTC) until stopped; SIGTERM or Ctrl-C stops it safely (exit 0). "
        "With a repository (GITHUB_REPOSITORY or github.repository) both jobs read its default branch through "
        "the API; without one only the check runs, on the working directory. --dry-run prints the next run "
        "times, --once runs every job now and exits.",
        arguments=_serve_arguments,
        run=_serve,
        exit_zero="stopped by SIGTERM or Ctrl-C (a normal end); --dry-run: printed; --once: every job "
        "completed (findings do not fail a job; 2: one could not complete)",
    ),
    "import": Command(
        help="turn the resource tables of a markdown file into catalog files",
        description="Read every resource table of a markdown file, write one catalog file per table and "
        "put curator markers around each table in the markdown file.",
        arguments=_import_arguments,
        run=_import,
        exit_zero="imported (or, with --dry-run, reported)",
        exit_one="--verify: the rendered file would lose something of the original (the report lists it)",
    ),
    "init": Command(
        help="adopt curator in a repository: import its README's tables, write curator.yaml and the workflows",
        description="Import the README's tables into a catalog (as `curator import` does), write curator.yaml "
        "with every default commented out, .github/workflows/curator.yml (the scheduled bot) and "
        ".github/workflows/contributor.yml (the check of contributors' pull requests), both using curator's "
        "published action, and print the steps left to do by hand. Overwrites nothing without --force.",
        arguments=_init_arguments,
        run=_init,
        exit_zero="the files were written",
    ),
    "schema": Command(
        help="print the catalog's JSON Schema",
        description="Print the catalog JSON Schema.",
        arguments=_no_arguments,
        run=_schema,
    ),
    "rules": Command(
        help="list the rules and what they check",
        description="List every rule.",
        arguments=_rules_arguments,
        run=_rules,
    ),
    "config": Command(
        help="show the effective configuration",
        description="Show the configuration.",
        arguments=_config_arguments,
        run=_config,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="curator",
        description="Keep a curated resource list healthy: a validated YAML catalog, README tables "
        "rendered from it, and checks of every link and repository.",
        epilog=_exit_codes(
            "done: no finding has error severity (check), the README is current (render --check)",
            "check: error findings; render --check: the README differs; any: standard output closed early",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"curator {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        sub_parser = sub.add_parser(
            name,
            help=command.help,
            description=command.description,
            epilog=_exit_codes(command.exit_zero, command.exit_one),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.arguments(sub_parser)
    return parser


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line; `--debug` is global but accepted after the command name too.

    After the command name argparse hands the rest to the command's parser, which does not know the global
    option: it comes back unrecognised and is taken here. Anything else unrecognised is a usage error
    (exit 2), as with `parse_args`."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if "--debug" in extra:
        args.debug = True
        extra = [arg for arg in extra if arg != "--debug"]
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that `with` blocks (the state database's run) unwind."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return COMMANDS[args.command].run(args)
    except CuratorError as exc:
        # Messages quote outside text (paths, URLs, server replies): no control character reaches the
        # terminal. A message may span lines (one problem a line), so newlines stay.
        print(f"curator: {escape_controls(str(exc), keep=_LAYOUT)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("curator: interrupted; this run was not recorded", file=sys.stderr)
        return 130
    except Terminated:
        print("curator: terminated; this run was not recorded", file=sys.stderr)
        return 143
    except BrokenPipeError:
        return 1
    except Exception as exc:  # anything else is a bug: say so, keep the traceback, and exit 3, not 1
        return internal_error(exc, argv=sys.argv if argv is None else ["curator", *argv], debug=args.debug)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def internal_error(exc: BaseException, *, argv: Sequence[str], debug: bool) -> int:
    """Report a bug: one line on stderr naming a file with the full traceback (with `debug`, the traceback
    on stderr instead). Exit 3, so that a workflow tells a crash from findings (exit 1)."""
    summary = escape_controls(f"{type(exc).__name__}: {exc}", keep="")
    trace = "".join(traceback.format_exception(exc))
    where = f"please report it at {PROJECT_URL}/issues"
    if debug:
        sys.stderr.write(trace)
        print(f"curator: internal error: {summary} — {where} (traceback above)", file=sys.stderr)
        return EXIT_INTERNAL
    try:
        path = _write_crash_file(trace, argv)
    except OSError:  # no writable temp dir: the traceback goes to stderr rather than nowhere
        sys.stderr.write(trace)
        print(f"curator: internal error: {summary} — {where} (traceback above)", file=sys.stderr)
        return EXIT_INTERNAL
    print(
        f"curator: internal error: {summary} — {where} (traceback in {escape_controls(path, keep='')})",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _write_crash_file(trace: str, argv: Sequence[str]) -> str:
    fd, path = tempfile.mkstemp(prefix="curator-crash-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as out:
        # What a bug report needs besides the traceback. The arguments are paths and flags, no secrets
        # (the GitHub token comes from the environment, which is not written).
        out.write(f"curator {__version__}, Python {sys.version.split()[0]} on {sys.platform}\n")
        out.write(f"command line: {' '.join(argv)}\n\n")
        out.write(trace)
    return path
