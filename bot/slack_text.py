"""The text of a Slack message as people see it: text, or blocks, plus attachments.

Bot messages often put everything in attachments or blocks and leave ``text``
empty or as a short fallback; the shortcut must translate what is shown.
"""

from __future__ import annotations

from typing import Any


def message_text(message: dict[str, Any]) -> str:
    parts: list[str] = []
    text = (message.get("text") or "").strip()
    if text:
        parts.append(text)
    else:
        parts += _blocks_text(message.get("blocks") or [])
    for attachment in message.get("attachments") or []:
        for key in ("pretext", "title", "text"):
            if attachment.get(key):
                parts.append(str(attachment[key]).strip())
        for item in attachment.get("fields") or []:
            parts += [str(item[k]).strip() for k in ("title", "value") if item.get(k)]
        if not any(attachment.get(k) for k in ("pretext", "title", "text", "fields")) and attachment.get("fallback"):
            parts.append(str(attachment["fallback"]).strip())
        parts += _blocks_text(attachment.get("blocks") or [])
    return "\n".join(p for p in parts if p)


def _blocks_text(blocks: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header") and isinstance(block.get("text"), dict):
            out.append(block["text"].get("text", ""))
        if kind == "section":
            out += [f.get("text", "") for f in block.get("fields") or [] if isinstance(f, dict)]
        elif kind == "context":
            out += [e.get("text", "") for e in block.get("elements") or [] if e.get("type") in ("mrkdwn", "plain_text")]
        elif kind == "rich_text":
            out.append(_rich_text(block.get("elements") or []))
    return [x.strip() for x in out if x and x.strip()]


def _rich_text(elements: list[dict[str, Any]]) -> str:
    """rich_text → mrkdwn-ish text: words, links, mentions and emoji in Slack's own syntax."""
    lines: list[str] = []
    for element in elements:
        kind = element.get("type")
        if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            lines.append("".join(_inline(e) for e in element.get("elements") or []))
        elif kind == "rich_text_list":
            lines += ["• " + "".join(_inline(e) for e in item.get("elements") or []) for item in element.get("elements") or []]
    return "\n".join(lines)


def _inline(element: dict[str, Any]) -> str:
    kind = element.get("type")
    if kind == "text":
        return element.get("text", "")
    if kind == "link":
        return f"<{element.get('url')}|{element['text']}>" if element.get("text") else f"<{element.get('url')}>"
    if kind == "user":
        return f"<@{element.get('user_id')}>"
    if kind == "channel":
        return f"<#{element.get('channel_id')}>"
    if kind == "emoji":
        return f":{element.get('name')}:"
    return ""
