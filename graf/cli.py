"""graf's command line: thin click commands that parse, call the library once, print and exit.

Only click and the standard library are imported here; each command module imports what it
needs when it runs, so `graf --help` stays fast. Exit codes, the same for every command:
0 done, 1 error, 2 bad usage or config, 3 `plan`/`diff` found changes, 4 `sync` left conflicts.
"""

from __future__ import annotations

import importlib
import os
import sys
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from graf.config import Project

# command name -> module in graf.commands defining a click command of the same name
COMMANDS: dict[str, str] = {
    "build": "graf.commands.build",
    "check": "graf.commands.check",
    "diff": "graf.commands.diff",
    "export": "graf.commands.export",
    "plan": "graf.commands.plan",
    "preview": "graf.commands.preview",
    "stack": "graf.commands.stack",
    "sync": "graf.commands.sync",
    "test": "graf.commands.test",
    "validate": "graf.commands.validate",
}


class Invocation:
    """One run of graf, what every command gets through `pass_obj`: the global options and the project,
    loaded on first use. (`graf.config.App` is a Spring Boot app of graf.yaml, a different thing.)
    A plain class: `dataclasses` (with `inspect`) would cost `graf --help` a tenth of its time."""

    def __init__(self, config: Path | None = None, verbose: int = 0) -> None:
        self.config = config
        self.verbose = verbose

    def __repr__(self) -> str:
        return f"Invocation(config={self.config!r}, verbose={self.verbose!r})"

    @cached_property
    def project(self) -> Project:
        from graf.project import load_project

        return load_project(self.config)


class LazyGroup(click.Group):
    """A group whose commands are imported only when they run (or when help lists them)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        command = getattr(importlib.import_module(module_name), cmd_name.replace("-", "_"))
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}.{cmd_name} is not a click command")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "-c", type=click.Path(dir_okay=False, path_type=Path), envvar="GRAF_CONFIG",
              help="graf.yaml to use (default: found from the current folder upwards) [env var: GRAF_CONFIG]")
@click.option("-v", "--verbose", count=True, help="More detail on stderr.")
@click.version_option(version=None, package_name="graf", message="graf %(version)s",
                      prog_name="graf")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, verbose: int) -> None:
    """Keep a whole Grafana monitoring setup in code: stack, datasources, dashboards, alert rules.

    Shell completion: eval "$(_GRAF_COMPLETE=bash_source graf)" (zsh_source, fish_source).
    """
    from graf import _codecache

    _codecache.install()  # a command is about to run: its modules' dataclasses come through the code cache
    ctx.obj = Invocation(config=config, verbose=verbose)


def env_option(multiple: bool = False, required: bool = False) -> Any:
    """`--env NAME`: an environment of graf.yaml [env var: GRAF_ENV]."""
    from graf.completion import environments

    return click.option(
        "--env", "-e", "envs" if multiple else "env", multiple=multiple, required=required,
        envvar="GRAF_ENV", metavar="NAME", shell_complete=environments,
        help=("Environment(s) of graf.yaml; repeat for several (default: all)" if multiple
              else "Environment of graf.yaml") + " [env var: GRAF_ENV]",
    )


def format_option(function: Any) -> Any:
    """`--format text|json`: lines for people, or one JSON document on stdout for CI and other tools."""
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                        help="text lines, or one JSON document (shape: README, Machine-readable output)")(function)


def use_colour() -> bool:
    """Colour when stdout is a terminal and NO_COLOR is unset (https://no-color.org)."""
    import os

    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def echo_json(document: Any) -> None:
    import json

    click.echo(json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False))


def main(argv: list[str] | None = None) -> None:
    """Entry point: the only place that turns errors into a message and an exit code."""
    from graf import _codecache
    from graf.errors import GrafError

    _codecache.enable()
    try:
        result = cli.main(args=argv, prog_name="graf", standalone_mode=False)
    except GrafError as exc:
        click.echo(f"error: {exc.one_line()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted: what is listed above as applied is in Grafana; run the command again to finish",
                   err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        # Worker threads may still wait on a request; exit now instead of joining them at shutdown.
        os._exit(130)
    except BrokenPipeError:
        sys.exit(1)
    finally:
        _codecache.finish()
    sys.exit(result if isinstance(result, int) else 0)

