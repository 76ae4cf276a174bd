"""``mixlingo config show``: every setting as a person types it, ``MIXLINGO_NAME=value``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.text import Text

from mixlingo.config import load_settings
from mixlingo.cli.app import config_app
from mixlingo.cli.support import console


@config_app.command("show")
def config_show(
    as_json: Annotated[bool, typer.Option("--json", help="Print {env var: value} as JSON.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also say what each setting does.")] = False,
) -> None:
    """Print every setting as MIXLINGO_NAME=value, one line each, in the form you would type it."""
    from mixlingo.config.settings import env_format, setting_fields

    settings = load_settings()
    if as_json:
        values = settings.model_dump(mode="json")  # secrets come out as '**********'
        typer.echo(json.dumps({f"MIXLINGO_{name.upper()}": values[f.group][f.key] if f.group else values[name]
                               for name, f in setting_fields().items()}, indent=2))
        return
    for name, field in setting_fields().items():
        line = Text(f"MIXLINGO_{name.upper()}", style="bold") + Text(f"={env_format(settings.value(name))}")
        console.print(line, soft_wrap=True, highlight=False)
        if verbose and field.info.description:
            console.print(Text(f"    {field.info.description}", style="dim"), soft_wrap=True, highlight=False)
