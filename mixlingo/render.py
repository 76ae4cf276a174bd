"""Turning a tagged message into something to show in a terminal: Rich tables, coloured text, the explain view."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text

from mixlingo.nlp.labels import is_language
from mixlingo.nlp.model import Message
from mixlingo.nlp.summary import summarize

_LANGUAGE_STYLES = ["bold cyan", "bold magenta", "bold green", "bold yellow", "bold blue"]
_LABEL_STYLES = {"other": "dim", "entity": "bold red", "mixed": "yellow", "ambiguous": "yellow", "unknown": "red"}


def style_for(tag: str | None, pair: tuple[str, str] | None) -> str:
    if is_language(tag):
        order = list(pair or ()) 
        index = order.index(tag) if tag in order else len(order)
        return _LANGUAGE_STYLES[index % len(_LANGUAGE_STYLES)]
    return _LABEL_STYLES.get(tag or "", "")


def summary_line(message: Message) -> Text:
    """One line under the tag table; printed with soft wrap so a pipe gets it whole, not wrapped to the table."""
    summary = summarize(message)
    return Text(
        f"tagger: {message.tagger} · pair: {'-'.join(message.pair or ('?', '?'))} · "
        f"dominant: {summary.dominant or '—'} · languages: {', '.join(summary.languages) or '—'} · "
        f"code-switched: {'yes' if summary.code_switched else 'no'}",
        style="dim",
    )


def tag_table(message: Message) -> Table:
    table = Table(show_lines=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("token")
    table.add_column("tag")
    table.add_column("confidence", justify="right")
    for i, token in enumerate(message.tokens):
        style = style_for(token.lang, message.pair)
        shown = token.text.replace("\n", "⏎")
        table.add_row(
            str(i),
            Text(shown, style="italic dim" if token.protected else style),
            Text(("🔒 " if token.protected else "") + (token.lang or ""), style=style),
            "" if token.confidence is None else f"{token.confidence:.2f}",
        )
    return table


def coloured_text(message: Message) -> Text:
    """The original message with each token coloured by its tag."""
    out, cursor = Text(), 0
    for token in message.tokens:
        out.append(message.text[cursor : token.start])
        out.append(token.text, style=style_for(token.lang, message.pair))
        cursor = token.end
    out.append(message.text[cursor:])
    return out


def explain(message: Message) -> list[Any]:
    """Renderables for ``translate --explain``: tags, strategy, candidates, winner."""
    t = message.translation
    out: list[Any] = [coloured_text(message), tag_table(message), summary_line(message)]
    if message.pair_reason:
        out.append(Text.assemble(("pair: ", "bold"), message.pair_reason))
    if t is None:
        return out
    out.append(Text.assemble(("strategy: ", "bold"), (t.strategy, "bold green"), f" — {t.reason}"))
    for number, unit in enumerate(t.units, 1):
        written = f"  (written “{unit.written}”)" if unit.written is not None else ""
        if not unit.scored:  # planned, not translated (no model)
            out.append(Text(f"unit {number}: {unit.lang}→{t.target}  “{unit.source}”{written}"))
            continue
        table = Table(title=f"unit {number}: {unit.lang}→{t.target}  “{unit.source}”{written}", title_justify="left")
        for column in ("", "candidate", "model score", "similarity", "penalties", "final"):
            table.add_column(column, justify="right" if column in ("model score", "similarity", "final") else "left")
        for i, s in enumerate(unit.scored):
            won = i == unit.chosen
            table.add_row(
                "★" if won else "",
                Text(s.candidate.text, style="bold green" if won else ""),
                f"{s.candidate.score:.3f}",
                "—" if s.similarity is None else f"{s.similarity:.3f}",
                ", ".join(f"{k} −{v:.2f}" for k, v in s.penalties.items()) or "",
                f"{s.final:.3f}",
            )
        out.append(table)
    return out


def stage_times(timings: Iterable[tuple[str, float]]) -> str:
    """``markup 0.1 ms · tokenize 0.2 ms · ...``: where a message's time went, stage by stage."""
    return " · ".join(f"{name} {seconds * 1000:,.1f} ms" for name, seconds in timings)
