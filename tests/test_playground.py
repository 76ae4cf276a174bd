"""The local playground: `mixlingo serve` with nothing configured, its JSON API, and the page in a real browser.

The browser test drives the Debian chromium package headless through its
chromedriver. Without chromium it skips, saying why, except under CI=true, where
a missing browser is a failure (`make test` installs it).
"""

from __future__ import annotations

import asyncio
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from slack_harness import TIMEOUT, fake_encoder, fake_translator

from mixlingo.bot.playground import playground_app
from mixlingo.factory import translation_service
from mixlingo.config import load_settings

MIXED = "Oye <@U024BE7LH>, I'll send *el reporte* mañana, ok? :tada:"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
STARTUP_OUTPUT: list[str] = []  # what `served` printed up to the playground's URL


# --- the real command, nothing configured ---------------------------------------------------

@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mixlingo serve --port 0` as a person runs it on a fresh machine: no Slack, no models, no config."""
    home = tmp_path_factory.mktemp("fresh-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIXLINGO_", "SLACK_"))}
    env.update(HOME=str(home), HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    script = Path(sys.executable).parent / "mixlingo"
    process = subprocess.Popen([str(script), "serve", "--port", "0"], cwd=home, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    output = STARTUP_OUTPUT
    try:
        url = _wait_for_url(process, output)
        yield url
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C does
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for_url(process: subprocess.Popen, output: list[str], limit: float = 180) -> str:
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not selector.select(timeout=1):
            if process.poll() is not None:
                break
            continue
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        output.append(line)
        if match := re.search(r"open (http://127\.0\.0\.1:\d+)/", line):
            return match.group(1)
    raise AssertionError("mixlingo serve did not start the playground:\n" + "".join(output))


async def test_serve_without_credentials_is_the_playground_and_explains_missing_models(served: str) -> None:
    async with ClientSession(timeout=TIMEOUT) as session:
        async with session.get(served + "/healthz") as response:
            assert response.status == 200
        async with session.get(served + "/") as response:
            assert response.status == 200 and "mixlingo playground" in await response.text()
        async with session.post(served + "/api/translate", json={"text": MIXED, "target": "en"}) as response:
            assert response.status == 200
            data = await response.json()
    assert data["models_missing"] is True and data["translation"] is None
    assert "the translation models are not available" in data["error"] and "mixlingo models pull" in data["error"]
    assert data["strategy"] == "whole" and data["tagger"] == "embedded"
    assert [t["lang"] for t in data["tokens"] if t["text"] in ("reporte", "send")] == ["en", "es"]
    assert "on first use). The tags" in data["error"]  # every sentence ends with its full stop
    assert data["blocks"][0]["text"]["text"].endswith("on first use).")


def test_the_page_speaks_to_its_user() -> None:
    from importlib.resources import files

    page = files("mixlingo.bot").joinpath("static/playground.html").read_text(encoding="utf-8")
    assert "this machine" not in page and "It runs locally, with no Slack workspace needed." in page


async def test_serve_says_at_start_that_no_translation_model_is_present(served: str) -> None:
    before_url = "".join(STARTUP_OUTPUT)
    assert "note: no translation model is present, so the playground shows tags" in before_url
    assert "mixlingo models pull" in before_url and "mixlingo models tiny DIR" in before_url
    async with ClientSession(timeout=TIMEOUT) as session:
        async with session.get(served + "/api/languages") as response:
            notes = (await response.json())["notes"]
    assert any(note.startswith("no translation model is present") for note in notes)  # the page shows it on load


# --- the JSON API, in process ----------------------------------------------------------------

@pytest.fixture
async def api() -> Iterator[tuple[ClientSession, str]]:
    service = translation_service(load_settings(tagger="lexicon"), translator=fake_translator(), encoder=fake_encoder())
    server = TestServer(playground_app(service), host="127.0.0.1")
    await server.start_server()
    async with ClientSession(timeout=TIMEOUT) as session:
        yield session, str(server.make_url("")).rstrip("/")
    await server.close()
    service.close()


async def test_api_returns_the_same_blocks_the_bot_posts(api: tuple[ClientSession, str]) -> None:
    session, url = api
    async with session.post(url + "/api/translate", json={"text": MIXED, "target": "es"}) as response:
        data = await response.json()
    assert data["error"] is None and data["strategy"] == "spans"
    assert data["translation"] == "Oye <@U024BE7LH>, yo envío *el reporte* mañana, vale? :tada:"
    assert data["blocks"][0]["text"]["text"] == data["translation"]
    assert "Translated the English parts → Spanish" in data["blocks"][1]["elements"][0]["text"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [({"text": "", "target": "en"}, "the text is empty"), ({"text": "hola", "target": "xx"}, "Supported: English (en)"),
     ({"text": 5}, '"text" must be a string (got a number)'), ({"text": 123, "target": "en"}, "must be a string"),
     ([1, 2], "JSON object"), ("x" * 10, "Send JSON")],
)
async def test_api_bad_input_is_a_400_with_plain_words(api: tuple[ClientSession, str], body: object, expected: str) -> None:
    session, url = api
    kwargs = ({"data": body, "headers": {"Content-Type": "application/json"}} if isinstance(body, str)
              else {"json": body})
    async with session.post(url + "/api/translate", **kwargs) as response:
        assert response.status == 400
        assert expected in (await response.json())["error"]


# --- a page without login keeps to this machine ------------------------------------------------

async def test_api_refuses_a_cross_origin_text_plain_post(api: tuple[ClientSession, str]) -> None:
    """A form or a "simple" fetch from another site can only send text/plain or form bodies: refused, nothing run."""
    session, url = api
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        async with session.post(url + "/api/translate", data='{"text": "hola amigo", "target": "en"}',
                                headers={"Content-Type": content_type, "Origin": "https://evil.example"}) as response:
            assert response.status == 415, content_type
            assert "Content-Type: application/json" in (await response.json())["error"]


async def test_api_answers_loopback_host_names_only(api: tuple[ClientSession, str]) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: the Host header gives it away."""
    session, url = api
    port = url.rsplit(":", 1)[1]
    for host in ("evil.example", f"evil.example:{port}", "10.0.0.5", "127.0.0.1.evil.example"):
        async with session.post(url + "/api/translate", json={"text": "hola", "target": "en"},
                                headers={"Host": host}) as response:
            assert response.status == 421, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "localhost"):
        async with session.get(url + "/api/languages", headers={"Host": host}) as response:
            assert response.status == 200, host


async def test_every_answer_forbids_framing_and_foreign_scripts(api: tuple[ClientSession, str]) -> None:
    session, url = api
    for path in ("/", "/api/languages", "/healthz"):
        async with session.get(url + path) as response:
            assert response.headers["X-Frame-Options"] == "DENY", path
            policy = response.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy
    page = (Path(__file__).parent.parent / "bot/static/playground.html").read_text(encoding="utf-8")
    assert policy.count("'sha256-") == page.count("<script>") + page.count("<style>")  # the page's own, by hash


async def test_playground_refuses_a_public_address_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    from mixlingo.bot import server
    from mixlingo.core.errors import ConfigError

    notes: list[str] = []
    with pytest.raises(ConfigError, match=r"loopback only.*--host 127\.0\.0\.1.*--public-playground"):
        settings = load_settings(host="0.0.0.0", port=0)
        await server.run(settings, print, notes.append, service=translation_service(settings))
    assert notes == []
    server._check_playground_bind(load_settings(host="0.0.0.0", port=0, public_playground=True), notes.append)
    [note] = notes
    assert "0.0.0.0" in note and "no login" in note
    server._check_playground_bind(load_settings(host="127.0.0.1", port=0), notes.append)
    assert len(notes) == 1


# --- the page in a real browser --------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not (CHROMIUM and CHROMEDRIVER):
        reason = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver; `make test` does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " — required when CI=true")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _translate_in_page(driver, url: str, text: str, target: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver.get(url + "/")
    wait = WebDriverWait(driver, 60)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    box = driver.find_element(By.ID, "text")
    box.clear()
    box.send_keys(text)
    Select(driver.find_element(By.ID, "target")).select_by_value(target)
    driver.find_element(By.ID, "go").click()
    wait.until(lambda d: d.find_element(By.ID, "plan").text.startswith("strategy:"))


def _colours(driver) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    colours = {}
    for span in driver.find_elements(By.CSS_SELECTOR, "#tags span.tok"):
        colours.setdefault(span.get_attribute("data-lang"), span.value_of_css_property("background-color"))
    return colours


def test_page_shows_tags_plan_and_missing_models_message(browser, served: str) -> None:
    from selenium.webdriver.common.by import By

    _translate_in_page(browser, served, MIXED, "en")
    assert "no translation model is present" in browser.find_element(By.ID, "startup-notes").text  # before any click
    assert not browser.find_element(By.ID, "error").is_displayed()  # said once, in the Slack preview below
    assert browser.find_element(By.ID, "plan").text.startswith("strategy: whole — auto:")
    tokens = {s.text: s.get_attribute("data-lang") for s in browser.find_elements(By.CSS_SELECTOR, "#tags span.tok")}
    assert tokens["reporte"] == "es" and tokens["send"] == "en" and tokens["<@U024BE7LH>"] == "other"
    colours = _colours(browser)
    assert colours["es"] != colours["en"] and "rgba(0, 0, 0, 0)" not in (colours["es"], colours["en"])
    shown = browser.find_element(By.ID, "blocks").text
    assert "Could not translate into English (en)" in shown and "mixlingo models pull" in shown
    # the other direction plans differently: mostly Spanish words, so only the English spans
    _translate_in_page(browser, served, MIXED, "es")
    assert browser.find_element(By.ID, "plan").text.startswith("strategy: spans")


async def test_page_renders_block_kit_with_working_buttons(browser, api: tuple[ClientSession, str]) -> None:
    _, url = api

    def steps() -> tuple[str, str, str, str]:
        from selenium.webdriver.common.by import By

        _translate_in_page(browser, url, MIXED, "es")
        blocks = browser.find_element(By.ID, "blocks")
        shown = blocks.find_element(By.CSS_SELECTOR, "div").text
        context = blocks.find_element(By.CSS_SELECTOR, ".block-context").text
        blocks.find_element(By.CSS_SELECTOR, "button[data-action='mixlingo_show_original']").click()
        original = browser.find_element(By.ID, "extra").text
        blocks.find_element(By.CSS_SELECTOR, "button[data-action='mixlingo_show_tags']").click()
        tags = browser.find_element(By.ID, "extra").text
        return shown, context, original, tags

    shown, context, original, tags = await asyncio.to_thread(steps)
    assert shown == "Oye @U024BE7LH, yo envío el reporte mañana, vale? :tada:"  # mrkdwn rendered: bold, mention
    assert "Translated the English parts → Spanish · by mixlingo" in context
    assert original.startswith("ORIGINAL") and "I'll send el reporte" in original
    assert tags.startswith("TAGS") and "reporte" in tags
    assert not browser.find_element("id", "error").is_displayed()


async def test_api_warns_when_the_message_is_in_neither_language_of_the_pair(api: tuple[ClientSession, str]) -> None:
    session, url = api
    french = "je pense que la réunion est demain matin avec toute l'équipe"
    async with session.post(url + "/api/translate", json={"text": french, "target": "en"}) as response:
        french = await response.json()
    async with session.post(url + "/api/translate", json={"text": MIXED, "target": "en"}) as response:
        mixed = await response.json()
    assert "looks like French (fr), which is neither language of the pair en-es" in french["warning"]
    assert "MIXLINGO_PAIRS" in french["warning"]
    assert mixed["warning"] is None


def test_page_clears_every_result_panel_on_an_error(browser, served: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _translate_in_page(browser, served, MIXED, "en")
    assert browser.find_elements(By.CSS_SELECTOR, "#tags span.tok")
    box = browser.find_element(By.ID, "text")
    box.clear()
    box.send_keys("   ")
    browser.find_element(By.ID, "go").click()
    error = browser.find_element(By.ID, "error")
    WebDriverWait(browser, 60).until(lambda _: "Type a message first" in error.text)
    for panel in ("blocks", "tags", "plan", "notes", "legend", "warning"):
        assert browser.find_element(By.ID, panel).text == "", panel
    assert error.text.strip() == "Type a message first: the text is empty."
