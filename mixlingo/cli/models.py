"""``mixlingo models pull|list|tiny``: fetch the configured models with their checks, list what is there, build demo ones."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from mixlingo.config import Settings, load_settings
from mixlingo.cli.app import models_app
from mixlingo.cli.support import console, errors, note
from mixlingo.core.errors import InputError


@models_app.command("pull")
def models_pull(
    pair: Annotated[
        Optional[list[str]], typer.Option("--pair", help="Only translation models for these pairs, e.g. es-en.")
    ] = None,
) -> None:
    """Download the configured models (tagger, reranker, translation) into the model cache, with progress."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from mixlingo.adapters.hub import hub_reachable, looks_like_path
    from mixlingo.adapters.model_store import fetch, plan
    from mixlingo.core.errors import ConfigError

    settings = load_settings()
    if settings.models.offline:
        raise ConfigError("MIXLINGO_OFFLINE is on, so nothing is downloaded; unset it to pull models")
    _prepare_word_lists(settings)
    configured = _models_to_pull(settings, pair)
    for model_id in configured:
        if looks_like_path(model_id):  # nothing to fetch, but checked like a download
            console.print(f"[green]local[/] {escape(model_id)}", highlight=False)
            _print_check(console, Path(model_id).expanduser(), settings)
    wanted = [m for m in configured if not looks_like_path(m)]
    if not wanted:
        console.print("Every configured model is a local directory: nothing to download.")
        return
    if not hub_reachable():
        _say_hub_unreachable(settings)
        raise typer.Exit(2)
    plans = [plan(model_id, settings.models.cache_dir) for model_id in wanted]
    total = sum(p.bytes_to_fetch for p in plans)
    console.print(f"{len(plans)} models, {_size(total)} to download "
                  f"({_size(sum(p.cached_bytes for p in plans))} already cached) into {settings.models.cache_dir}",
                  highlight=False, soft_wrap=True)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=console) as progress:
        for download in plans:
            task = progress.add_task(download.model_id, total=download.bytes_to_fetch or 1)
            path = fetch(download, settings.models.cache_dir, partial(progress.advance, task))
            progress.update(task, completed=download.bytes_to_fetch or 1)
            progress.console.print(f"[green]ok[/] {escape(download.model_id)} → {escape(str(path))}", highlight=False)
            _print_check(progress.console, path, settings)


def _say_hub_unreachable(settings: Settings) -> None:
    """What works without the hub, in one note, and the one next step (not an error: the shipped tagger still runs)."""
    from mixlingo.adapters.hub import hub_endpoint

    note(f"the model hub ({hub_endpoint()}) is not reachable, so no model was downloaded")
    errors.print("offline, tagging works with the shipped es/en tagger and the playground shows tags and plans, "
                 "but nothing is translated", highlight=False, soft_wrap=True)
    errors.print(f"next: `mixlingo models tiny DIR` builds small demo models to try translation with, or copy a "
                 f"model cache from where the hub is reachable into {escape(str(settings.models.cache_dir))}",
                 highlight=False, soft_wrap=True)


def _prepare_word_lists(settings: Settings) -> None:
    """Index the pairs' word-frequency lists now (a few seconds, once), so the first tag is as fast as the rest."""
    from mixlingo.nlp.word_frequency import frequencies, wordfreq_languages

    languages = sorted({lang for pair in settings.language_pairs for lang in pair} & wordfreq_languages())
    for lang in languages:
        frequencies(lang)
    if languages:
        console.print(f"[green]ok[/] word-frequency index for {', '.join(languages)}", highlight=False)


def _size(size: int) -> str:
    from rich.filesize import decimal

    return decimal(size)  # the unit the progress bars use


def _print_check(out, path: Path, settings: Settings) -> None:
    """What was fetched: kind, tokenizer, labels as they map; a warning when a tagger misses a configured pair."""
    from mixlingo.adapters.model_check import check_model_dir

    check = check_model_dir(path, label_map=settings.models.mbert_label_map, pairs=settings.language_pairs)
    for line in check.lines():
        out.print(f"   {line}", highlight=False, soft_wrap=True, markup=False)
    for warning in check.warnings:
        out.print(f"   [yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)


def _models_to_pull(settings: Settings, pairs: list[str] | None) -> list[str]:
    """The tagger, the reranker, the configured translation models and the one each direction of the pairs
    prefers (``opus-mt-dra-en`` for ta→en); with ``--pair``, only the model of each direction named."""
    from mixlingo.config.settings import parse_pair
    from mixlingo.nlp.directions import hops, model_for
    from mixlingo.translation_routes import needed_directions

    models = settings.models.translation
    if not pairs:
        needed = [route.model for source, target in needed_directions(settings)
                  for route in hops(models, source, target) or []]
        return list(dict.fromkeys([settings.models.mbert, settings.reranker.model, *models.values(), *needed]))
    wanted = []
    for text in pairs:
        source, target = parse_pair(text)
        found = model_for(models, source, target)
        if found is None:
            raise InputError(f"no translation model configured for {source}-{target}; set MIXLINGO_TRANSLATION_MODELS")
        wanted.append(found.model)
    return list(dict.fromkeys(wanted))


@models_app.command("list")
def models_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print the shipped and cached models as JSON.")] = False,
) -> None:
    """Show the models shipped with mixlingo (license, training data), then those in the cache (and configured
    local model directories), their size and how labels map."""
    from mixlingo.adapters.hub import looks_like_path
    from mixlingo.adapters.model_check import check_model_dir
    from mixlingo.adapters.model_store import list_cached
    from mixlingo.model_cards import shipped_cards
    from mixlingo.translation_routes import needed_directions, plan_direction

    settings = load_settings()
    rows = [(m.model_id, m.size_bytes, m.path) for m in list_cached(settings.models.cache_dir)]
    configured = [settings.models.mbert, settings.reranker.model, *settings.models.translation.values()]
    for model_id in dict.fromkeys(configured):
        path = Path(model_id).expanduser()
        if looks_like_path(model_id) and path.is_dir():
            rows.append((f"{model_id} (local)", sum(p.stat().st_size for p in path.iterdir() if p.is_file()), path))
    plans = [plan_direction(settings, source, target) for source, target in needed_directions(settings)]
    if as_json:
        cached = [{"model": model_id, "size_bytes": size, "path": str(path)} for model_id, size, path in rows]
        directions = [_direction_json(settings, plan) for plan in plans]
        typer.echo(json.dumps({"shipped": [card.to_dict() for card in shipped_cards()], "cached": cached,
                               "directions": directions}, indent=2))
        return
    shipped = Table(title="shipped with mixlingo (each folder's README.md is its model card)")
    for column in ("model", "license", "training data"):
        shipped.add_column(column, overflow="fold")
    for card in shipped_cards():
        shipped.add_row(card.name, card.license, card.training_data)
    console.print(shipped)
    console.print(_directions_table(settings, plans))
    _print_missing(settings)
    if not rows:
        console.print(f"No models cached in {settings.models.cache_dir}. Run `mixlingo models pull`.")
        return
    table = Table(title=f"models in {settings.models.cache_dir}")
    table.add_column("model", overflow="fold")
    table.add_column("size", justify="right")
    table.add_column("what it is · labels → tags", overflow="fold")
    for model_id, size, path in rows:
        check = check_model_dir(path, label_map=settings.models.mbert_label_map, pairs=settings.language_pairs)
        details = "\n".join([*check.lines(), *(f"warning: {w}" for w in check.warnings)])
        table.add_row(model_id, f"{size / 2**20:,.1f} MiB", Text(details))
    console.print(table)


def _directions_table(settings: Settings, plans: list) -> Table:
    """Each direction the configured pairs need, the model that serves it, and whether it is downloaded."""
    from mixlingo.translation_routes import status

    table = Table(title=f"translation models for the configured pairs ({', '.join(settings.pairs)})")
    for column in ("direction", "model", "status"):
        table.add_column(column, overflow="fold")
    for plan in plans:
        table.add_row(plan.direction, plan.models(), status(settings, plan))
    return table


def _direction_json(settings: Settings, plan) -> dict:
    from mixlingo.adapters.hub import is_cached

    def routes(found: list | None) -> list[dict]:
        return [{"model": r.model, "token": r.prefix.strip() or None, "kind": r.kind, "key": r.key,
                 "configured": r.configured, "downloaded": is_cached(r.model, settings.models.cache_dir)}
                for r in found or []]

    return {"source": plan.source, "target": plan.target, "models": routes(plan.preferred), "serving_now": routes(plan.now)}


def _print_missing(settings: Settings) -> None:
    """Which configured model is not usable offline, and the setting that names it (the detail behind notes)."""
    from mixlingo.adapters.hub import is_cached

    configured = [("MIXLINGO_MBERT_MODEL", settings.models.mbert), ("MIXLINGO_RERANKER_MODEL", settings.reranker.model)]
    configured += [(f"MIXLINGO_TRANSLATION_MODELS[{d}]", m) for d, m in settings.models.translation.items()]
    for setting, model_id in configured:
        if not is_cached(model_id, settings.models.cache_dir):
            console.print(escape(f"not downloaded: {model_id} ({setting})"), highlight=False, soft_wrap=True)


@models_app.command("tiny")
def models_tiny(
    out: Annotated[Path, typer.Argument(help="Directory to write the demo models to.")],
) -> None:
    """Build tiny demo models (a 2-layer BERT tagger, a 1-layer Marian with random weights) to try --explain offline."""
    from mixlingo.adapters.testing.tiny_models import build_demo_models

    tagger, marian = build_demo_models(out)
    console.print(f"[green]tiny models written to[/] {escape(str(out))}. Their translations are noise (random weights); "
                  "they show the machinery. Try:", highlight=False, soft_wrap=True)
    typer.echo(
        f"MIXLINGO_MBERT_MODEL={tagger} MIXLINGO_RERANKER_MODEL={tagger} "
        f"MIXLINGO_TRANSLATION_MODELS=es-en={marian},en-es={marian} MIXLINGO_MAX_NEW_TOKENS=6 "
        "mixlingo translate --explain \"Oye, I will send el reporte mañana\""
    )
