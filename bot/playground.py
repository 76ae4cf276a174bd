"""The local playground: what ``mixlingo serve`` runs when no Slack credentials are set.

A page on localhost where you type a message, pick a target, and see the Block
Kit the bot would post, with every token coloured by its language. It needs no
models: tagging always works (lexicon tagger), and when translation models are
missing the page shows the tags, the plan and why there is no translation.
Every answer is JSON with plain words; nothing here answers with a 500.

It has no login, so it keeps to the machine it runs on: it listens on loopback
unless ``--public-playground`` says otherwise, answers only requests whose
``Host`` is a loopback name (a DNS-rebinding page cannot reach it), takes JSON
only (a cross-origin form cannot post to it), and forbids framing and any
script but its own.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ipaddress
import logging
import re
from collections.abc import Awaitable, Callable
from importlib.resources import files
from typing import Any

from aiohttp import web

from mixlingo.bot.blocks import notice, nothing_to_do, problem, translation_blocks, source_ref
from mixlingo.bot.languages import label, listing
from mixlingo.bot.service import Outcome, TranslationService
from mixlingo.bot.web import healthz
from mixlingo.nlp.model import Message
from mixlingo.nlp.pair import OutsidePair
from mixlingo.nlp.serialize import message_to_dict

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def content_security_policy(page: str) -> str:
    """Only the page's own inline script and style run (by hash); it talks to its own origin; nobody frames it."""
    def hashes(tag: str) -> str:
        bodies = re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.S)
        return " ".join("'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'" for b in bodies)

    return (f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; connect-src 'self'; "
            "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def playground_app(service: TranslationService, *, public: bool = False) -> web.Application:
    """The page and its API; ``public`` drops the loopback ``Host`` check (``--public-playground``)."""
    page = files("mixlingo.bot").joinpath("static/playground.html").read_text(encoding="utf-8")
    policy = content_security_policy(page)

    @web.middleware
    async def local_only(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if not public and not is_loopback(_host_name(request.headers.get("Host", ""))):
            response: web.StreamResponse = web.json_response(
                {"error": "The playground answers on localhost only; open it as http://127.0.0.1:PORT/."}, status=421)
        elif request.method == "POST" and request.content_type != "application/json":
            response = web.json_response({"error": "Send the request as JSON (Content-Type: application/json)."},
                                         status=415)
        else:
            response = await handler(request)
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def index(_: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def languages(_: web.Request) -> web.Response:
        return web.json_response({
            "languages": [{"code": c, "label": label(c)} for c in service.languages()],
            "default": service.settings.target_language,
            "notes": service.notes,
        })

    async def translate(request: web.Request) -> web.Response:
        try:
            data = await request.json()
        except Exception:
            return _bad("Send JSON like {\"text\": \"hola, I'll send el reporte\", \"target\": \"en\"}.")
        if not isinstance(data, dict):
            return _bad("Send a JSON object with \"text\" and \"target\".")
        text, target = data.get("text"), str(data.get("target") or service.settings.target_language).lower()
        if text is not None and not isinstance(text, str):
            return _bad(f"\"text\" must be a string (got {_json_type(text)}), like {{\"text\": \"hola, I'll send el reporte\"}}.")
        if not text or not text.strip():
            return _bad("Type a message first: the text is empty.")
        if target not in service.languages():
            return _bad(f"{target!r} is not a language mixlingo can translate into here. Supported: {listing(service.languages())}.")
        try:
            outcome = await service.translate(text, target)
        except Exception as error:  # never a 500: say what happened
            log.exception("playground translation failed")
            return web.json_response({"error": f"Something went wrong: {type(error).__name__}: {error}"}, status=200)
        return web.json_response(await asyncio.to_thread(result, outcome))  # langid runs off the event loop

    async def warm_langid(_: web.Application) -> None:
        """Load langid's model (seconds) while the playground starts, so the first answer does not wait for it."""
        await asyncio.to_thread(_outside_pair.language, _WARM_UP)

    app = web.Application(client_max_size=MAX_BODY, middlewares=[local_only])
    app.on_startup.append(warm_langid)
    app.router.add_get("/", index)
    app.router.add_get("/api/languages", languages)
    app.router.add_post("/api/translate", translate)
    app.router.add_get("/healthz", healthz)
    return app


def result(outcome: Outcome) -> dict[str, Any]:
    """The JSON the page renders: tags, plan, the blocks Slack would get, and any plain-words problem."""
    if outcome.has_translation:
        blocks = translation_blocks(outcome, requested_by=None, ref=source_ref(text=outcome.text))
    elif outcome.error:
        blocks = notice(problem(outcome).split("\n")[0])
    else:
        blocks = notice(nothing_to_do(outcome))
    data: dict[str, Any] = message_to_dict(outcome.message) if outcome.message else {"text": outcome.text, "tokens": []}
    data.update(
        target=outcome.target,
        strategy=outcome.strategy,
        reason=outcome.reason,
        translation=outcome.translated if outcome.has_translation else None,
        error=(f"No translation: {outcome.error} The tags and the planned strategy below still work offline."
               if outcome.models_missing else outcome.error),
        models_missing=outcome.models_missing,
        notes=outcome.notes,
        warning=pair_warning(outcome),
        source_languages=list(outcome.source_languages),
        transliterated=[f"{u.written} → {u.source}" for u in outcome.units if u.written is not None],
        blocks=blocks,
    )
    return data


def _json_type(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


_outside_pair = OutsidePair()
_WARM_UP = Message("hello there my friend", tokens=[], pair=("en", "es"))


def pair_warning(outcome: Outcome) -> str | None:
    """A plain-words hint when langid says the message is in neither language of its pair."""
    message = outcome.message
    found = _outside_pair.language(message) if message is not None else None
    if found is None or message is None or message.pair is None:
        return None
    pair = "-".join(message.pair)
    return (f"This looks like {label(found)}, which is neither language of the pair {pair}, so the tags are guesses; "
            f"add a pair with {found} to MIXLINGO_PAIRS.")


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)
