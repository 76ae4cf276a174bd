"""The ``mixlingo`` command line: the app and its sub-apps (:mod:`.app`), and one module per command group.

Each command module registers its commands on the app when it is imported, so the imports below are in the
order ``mixlingo --help`` lists the commands (docs/architecture.md, "Adding a command")."""

from mixlingo.cli.app import app
from mixlingo.cli import translate, models, config, serve
from mixlingo.bench import cli as bench_cli
from mixlingo.cli import jobs, transliterate, tagger

COMMAND_MODULES = (translate, models, config, serve, bench_cli, jobs, transliterate, tagger)
"""In registration order (bench_cli: bench and models convert; jobs: worker, jobs, db)."""

__all__ = ["app", "main"]


def main() -> None:
    app()
