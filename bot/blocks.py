"""Block Kit for everything mixlingo shows: translations, tags, originals, notices, App Home.

Slack and the playground render the same blocks, so what a person tries locally
is what the channel will see.
"""

from __future__ import annotations

import json
from typing import Any

from mixlingo.bot.languages import label, name
from mixlingo.bot.mrkdwn import escape_mrkdwn
from mixlingo.bot.service import Outcome, words_by_language
from mixlingo.nlp.markup import find_protected

SECTION_LIMIT = 3000  # Slack's limit for one section's text
VALUE_LIMIT = 2000  # Slack's limit for a button value
FALLBACK_LIMIT = 3000

SHOW_TAGS = "mixlingo_show_tags"
SHOW_ORIGINAL = "mixlingo_show_original"
HOME_LANGUAGE = "mixlingo_home_language"
HOME_PRIVACY = "mixlingo_home_privacy"


def sections(text: str, *, verbatim: bool = False) -> list[dict[str, Any]]:
    """mrkdwn sections, none past Slack's 3,000-character limit, cut only between pieces and words.

    ``verbatim``: Slack links nothing the text does not spell out itself (no auto-linked
    URLs, channel names or ``@here``), what a translation needs: only the author's own
    ``<@…>``/``<http…>`` pieces stay live.
    """
    out = []
    for chunk in split_mrkdwn(text, SECTION_LIMIT):
        section: dict[str, Any] = {"type": "mrkdwn", "text": chunk or " "}
        if verbatim:
            section["verbatim"] = True
        out.append({"type": "section", "text": section})
    return out


def split_mrkdwn(text: str, limit: int) -> list[str]:
    """Chunks of at most ``limit`` characters, cut at a line break, else a space, else between two
    pieces of markup or words, and never inside a mention, link, emoji, entity or code span that fits
    in one chunk. The line break or space at a cut is dropped (each chunk is its own paragraph)."""
    blocked = bytearray(len(text) + 1)
    for piece in find_protected(text, merge=False):
        if piece.end - piece.start <= limit:
            blocked[piece.start + 1 : piece.end] = b"\x01" * (piece.end - piece.start - 1)
    chunks: list[str] = []
    start = 0
    while len(text) - start > limit:
        cut = _cut(text, blocked, start, start + limit)
        chunks.append(text[start:cut])
        start = cut + 1 if text[cut].isspace() else cut
    chunks.append(text[start:])
    return chunks


def _cut(text: str, blocked: bytearray, start: int, end: int) -> int:
    """The best place in ``(start, end]`` to end a chunk (a break at ``end`` keeps ``text[start:end]``)."""
    allowed = [p for p in range(end, start, -1) if not blocked[p]]
    for good in (lambda p: text[p] == "\n", lambda p: text[p].isspace(),
                 lambda p: not (text[p - 1].isalnum() and text[p].isalnum())):
        found = next((p for p in allowed if good(p)), None)
        if found is not None:
            return found
    return allowed[0] if allowed else end


def context_line(outcome: Outcome, requested_by: str | None) -> str:
    sources = " + ".join(name(x) for x in outcome.source_languages) or "another language"
    what = f"the {sources} parts" if outcome.strategy == "spans" else f"from {sources}"
    line = f"🌐 Translated {what} → {name(outcome.target)} · by mixlingo"
    if requested_by:
        line += f" · requested by <@{requested_by}>"
    return line


def source_ref(*, channel: str | None = None, ts: str | None = None, text: str | None = None) -> str:
    """A button value that leads back to the original: its channel and ts, or the text itself."""
    if channel and ts:
        return json.dumps({"ch": channel, "ts": ts})
    kept = text or ""
    value: dict[str, str | bool] = {"t": kept}
    while len(json.dumps(value)) > VALUE_LIMIT:
        kept = kept[: len(kept) * 3 // 4]
        value = {"t": kept, "cut": True}
    return json.dumps(value)


def translation_blocks(outcome: Outcome, *, requested_by: str | None, ref: str) -> list[dict[str, Any]]:
    blocks = sections(outcome.translated or "", verbatim=True)
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context_line(outcome, requested_by)}]})
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {"type": "button", "action_id": SHOW_TAGS, "text": {"type": "plain_text", "text": "Show tags"}, "value": ref},
                {"type": "button", "action_id": SHOW_ORIGINAL, "text": {"type": "plain_text", "text": "Show original"}, "value": ref},
            ],
        }
    )
    return blocks


def fallback_text(outcome: Outcome) -> str:
    """The notification/plain text Slack shows where blocks cannot be."""
    text = outcome.translated or ""
    return text if len(text) <= FALLBACK_LIMIT else split_mrkdwn(text, FALLBACK_LIMIT - 1)[0] + "…"


def notice(text: str) -> list[dict[str, Any]]:
    """Sections for mixlingo's own words (errors, notes, help): escaped, so Slack shows them as written."""
    return sections(escape_mrkdwn(text))


def nothing_to_do(outcome: Outcome) -> str:
    reason = (outcome.reason or "no words").removeprefix("nothing to translate: ")
    return escape_mrkdwn(f"Nothing to translate into {label(outcome.target)}: {reason}.")


def problem(outcome: Outcome) -> str:
    """The error as mrkdwn-safe text (it is posted as ``text`` too, which Slack also formats)."""
    text = f"⚠️ Could not translate into {label(outcome.target)}: {outcome.error}"
    if outcome.models_missing:
        text += "\nAsk whoever runs mixlingo to install the models (`mixlingo models pull`)."
    return escape_mrkdwn(text)


def tags_blocks(outcome: Outcome) -> list[dict[str, Any]]:
    """The language of each run of words, plus the tagger and plan, as readable mrkdwn."""
    message = outcome.message
    if message is None:
        return notice(outcome.error or "No text.")
    runs = words_by_language(message)
    lines = [f"*{lang}* · {text}" for lang, text in runs] or ["No words to tag: only markup, emoji, numbers or punctuation."]
    pair = "-".join(message.pair) if message.pair else "?"
    blocks = sections("\n".join(lines))
    footer = f"tagger: {message.tagger} · pair: {pair} · tags by mixlingo"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    return blocks


def original_blocks(text: str, *, cut: bool = False) -> list[dict[str, Any]]:
    quoted = "\n".join(f">{line}" for line in text.split("\n"))
    blocks = sections(quoted)
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "Original message" + (" (shortened)" if cut else "")}]})
    return blocks


def home_view(*, language: str | None, default: str, languages: tuple[str, ...], auto_mine: bool, show_requester: bool) -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": label(code)}, "value": code} for code in languages]
    current = language or default
    select: dict[str, Any] = {"type": "static_select", "action_id": HOME_LANGUAGE, "options": options,
                              "placeholder": {"type": "plain_text", "text": "Pick a language"}}
    selected = [o for o in options if o["value"] == current]
    if selected:
        select["initial_option"] = selected[0]
    privacy_options = [
        {"text": {"type": "mrkdwn", "text": "*Translate my messages* in auto-translate channels"}, "value": "auto_translate_mine"},
        {"text": {"type": "mrkdwn", "text": "*Show my name* on translations I ask for"}, "value": "show_requester"},
    ]
    chosen = [o for o, on in zip(privacy_options, (auto_mine, show_requester)) if on]
    checkboxes: dict[str, Any] = {"type": "checkboxes", "action_id": HOME_PRIVACY, "options": privacy_options}
    if chosen:
        checkboxes["initial_options"] = chosen
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "mixlingo"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "Translations of mixed-language messages, into *your* language. "
             "`/translate` and the *Translate* message shortcut use the language below."},},
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*Your language* (now: {label(current)})"}, "accessory": select},
            {"type": "divider"},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Privacy*"}, "accessory": checkboxes},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Flag reactions (🇪🇸, 🇺🇸…) post a translation in the thread. "
             "`/mixlingo autotranslate on es,en` translates a whole channel."}]},
        ],
    }
