"""The ``mixlingo`` command line: the app and its sub-apps (:mod:`.app`), and one module per command group,
imported here in the order ``mixlingo --help`` lists them (docs/architecture.md, "Adding a command")."""

from mixlingo.cli.app import app
from mixlingo.cli import translate, models, config, serve  # noqa: F401 - each registers its commands on the app
from mixlingo.bench import cli as bench_cli  # noqa: F401 - bench, models convert
from mixlingo.cli import jobs, transliterate, tagger  # noqa: F401 - worker, jobs, db; transliterate, transliterator; tagger

__all__ = ["app", "main"]


def main() -> None:
    app()
