"""Handoff to a person, end to end in Debian's Chromium.

Real action server and Rasa (socket.io + REST, API on), the web-chat demo page and the
staff console, sharing one SQLite staff database. A citizen asks for a person in the
web chat; an agent logged in to the console sees the conversation appear without
reloading, takes it over and writes; the citizen sees the reply labelled as a person's;
the agent hands back and the bot answers again. And: HTML a citizen types is inert in
the console.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from bench.helpers.handoff_config import ALWAYS_STAFFED, write_config
from bench.helpers.servers import (
    Servers,
    free_port,
    http_json,
    knowledge_db,
    staff_db,
    start_http_process,
    start_servers,
    stop_process,
    webchat_sender,
    write_credentials,
)
from bot.config import PROJECT_ROOT
from tests.webchat.chatpage import ChatPage

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

AGENT_PASSWORD = "agentin-passwort-lang"
TIMEOUT_MS = 30_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@dataclass
class Stack:
    servers: Servers
    web_url: str
    console_url: str
    staff_db_url: str


@pytest.fixture(scope="module")
def stack(tmp_path_factory, seed_dir) -> Iterator[Stack]:
    """Action server + Rasa + web page + console on free ports, one staff database."""
    workdir = tmp_path_factory.mktemp("handoff")
    knowledge_url = knowledge_db(workdir, seed_dir)
    staff_url = staff_db(workdir, (("maier", AGENT_PASSWORD, ("agent",), "Frau Maier"),))
    # The team is always staffed, so a request for a person always enters the queue.
    config = write_config(workdir / "handoff.yml", [ALWAYS_STAFFED])
    env = {"STAFF_DB_URL": staff_url, "HANDOFF_CONFIG": str(config), "KNOWLEDGE_DB_URL": knowledge_url}
    web_port, console_port = free_port(), free_port()
    credentials = write_credentials(workdir / "credentials.yml", [f"http://127.0.0.1:{web_port}"])
    servers = start_servers(workdir, knowledge_url, credentials=credentials, env_extra=env)
    processes = []
    try:
        web_url = f"http://127.0.0.1:{web_port}"
        processes.append(start_http_process(
            ["-m", "bot.web", "--port", str(web_port), "--chat-server", servers.rasa_url],
            f"{web_url}/health", workdir / "web.log"))
        console_url = f"http://127.0.0.1:{console_port}"
        processes.append(start_http_process(
            ["-m", "bot.console", "--port", str(console_port), "--rasa-url", servers.rasa_url],
            f"{console_url}/login", workdir / "console.log",
            env={**env, "ENDPOINTS_FILE": str(workdir / "endpoints.yml"),
                 "TELEPHONY_DB_URL": f"sqlite:///{workdir / 'telephony.db'}", "CONSOLE_JOB_INTERVAL_SECONDS": "2"}))
        yield Stack(servers, web_url, console_url, staff_url)
    finally:
        for process in processes:
            stop_process(process)
        servers.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (no browser download)."""
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def pages(browser: Browser, stack: Stack) -> Iterator[tuple[ChatPage, Page]]:
    """A citizen's web chat and an agent's console, each in its own browser context."""
    citizen_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    agent_context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    citizen = ChatPage(citizen_context.new_page(), f"{stack.web_url}/")
    agent = agent_context.new_page()
    yield citizen, agent
    citizen_context.close()
    agent_context.close()


#: Screenshots for people reviewing the UI (git-ignored).
SCREENSHOTS = PROJECT_ROOT / "tests" / "output"


def agent_logs_in(agent: Page, stack: Stack) -> None:
    agent.goto(f"{stack.console_url}/queue")
    expect(agent).to_have_url(re.compile(r"/login\?next="))
    agent.get_by_label("Benutzername").fill("maier")
    agent.get_by_label("Passwort").fill(AGENT_PASSWORD)
    agent.get_by_role("button", name="Anmelden").click()
    expect(agent).to_have_url(re.compile(r"/queue$"))
    expect(agent.locator("#live-state")).to_have_attribute("data-state", "live", timeout=TIMEOUT_MS)


def citizen_asks_for_a_person(citizen: ChatPage) -> str:
    answer = citizen.ask("Ich möchte mit einem Menschen sprechen")
    assert "Position 1" in answer, answer
    return webchat_sender(citizen.session_id())  # the conversation id that staff see


def take_over(agent: Page, session_id: str) -> None:
    row = agent.locator("#waiting tbody tr").filter(has_text="Möchte eine Person sprechen")
    expect(row).to_have_count(1, timeout=TIMEOUT_MS)
    row.get_by_role("button", name="Übernehmen").click()
    expect(agent).to_have_url(re.compile(r"/conversations/" + re.escape(session_id) + "$"), timeout=TIMEOUT_MS)
    expect(agent.locator("#live-state")).to_have_attribute("data-state", "live", timeout=TIMEOUT_MS)


def test_citizen_gets_a_person_and_the_bot_back(pages: tuple[ChatPage, Page], stack: Stack) -> None:
    citizen, agent = pages
    agent_logs_in(agent, stack)
    expect(agent.locator("#waiting-empty")).to_be_visible()
    agent_url = agent.url

    citizen.open().open_widget()
    session_id = citizen_asks_for_a_person(citizen)

    # The queue updates by itself: same page, no reload.
    expect(agent.locator("#waiting tbody tr")).to_have_count(1, timeout=TIMEOUT_MS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    agent.screenshot(path=str(SCREENSHOTS / "console-queue.png"), full_page=True)
    take_over(agent, session_id)
    assert agent_url.endswith("/queue")
    transcript = agent.locator("#transcript")
    expect(transcript).to_contain_text("Ich möchte mit einem Menschen sprechen")
    expect(transcript).to_contain_text("request_human")

    before = citizen.bot_messages.count()
    expect(citizen.bot_messages).to_have_count(before, timeout=1)
    expect(citizen.bot_messages.last).to_contain_text("Sie sind jetzt mit Frau Maier verbunden.", timeout=TIMEOUT_MS)

    # The citizen writes while the bot is paused: the agent sees it live, the bot stays silent.
    citizen.input.fill("Ich brauche einen Termin im Bürgerbüro")
    citizen.input.press("Enter")
    expect(transcript.locator(".turn--citizen").last).to_contain_text("Ich brauche einen Termin", timeout=TIMEOUT_MS)

    count = citizen.bot_messages.count()
    agent.get_by_label("Ihre Nachricht an die Bürgerin / den Bürger").fill("Guten Tag, ich helfe Ihnen gern weiter.")
    agent.get_by_role("button", name="Senden").click()
    expect(citizen.bot_messages).to_have_count(count + 1, timeout=TIMEOUT_MS)
    reply = citizen.bot_messages.last
    expect(reply.locator(".wc-text")).to_have_text("Guten Tag, ich helfe Ihnen gern weiter.")
    expect(reply.locator(".wc-agent")).to_have_text("Mitarbeiter/in: Frau Maier")
    expect(transcript.locator(".turn--agent").last).to_contain_text("Guten Tag, ich helfe Ihnen gern weiter.",
                                                                     timeout=TIMEOUT_MS)
    agent.screenshot(path=str(SCREENSHOTS / "console-conversation.png"), full_page=True)
    citizen.page.screenshot(path=str(SCREENSHOTS / "webchat-agent-reply.png"))
    # Only the agent's reply came: the citizen's message while paused got no bot answer.
    assert citizen.bot_messages.count() == count + 1

    agent.get_by_role("button", name="An Bot zurückgeben").click()
    expect(agent).to_have_url(re.compile(r"/queue\?msg=returned$"))
    expect(citizen.bot_messages.last).to_contain_text("Sie sprechen jetzt wieder mit dem digitalen Assistenten",
                                                      timeout=TIMEOUT_MS)
    answer = citizen.ask("Was kostet ein Personalausweis?")
    assert "Personalausweis" in answer and "Euro" in answer, answer

    status, tracker = http_json("GET", f"{stack.servers.rasa_url}/conversations/{session_id}/tracker")
    assert status == 200
    events = tracker["events"]
    agent_messages = [e for e in events if e["event"] == "bot" and (e.get("metadata") or {}).get("agent")]
    assert [e["text"] for e in agent_messages] == ["Guten Tag, ich helfe Ihnen gern weiter."]
    assert agent_messages[0]["metadata"]["agent"] == "Frau Maier"
    kinds = [e["event"] for e in events]
    assert "pause" in kinds and "resume" in kinds and kinds.index("pause") < kinds.index("resume")
    # The bot is paused before the citizen hears who took over, and resumed before the
    # citizen hears that the bot is back (else an immediate question would go unanswered).
    texts = [e.get("text") or "" for e in events]
    connected = next(i for i, t in enumerate(texts) if t.startswith("Sie sind jetzt mit Frau Maier verbunden"))
    back = next(i for i, t in enumerate(texts) if t.startswith("Sie sprechen jetzt wieder mit dem digitalen"))
    assert kinds.index("pause") < connected and kinds.index("resume") < back
    assert tracker["paused"] is False

    # After a reload the widget shows the history with the agent's label again.
    citizen.page.reload()
    citizen.wait_connected()
    expect(citizen.page.locator(".wc-agent")).to_have_text(["Mitarbeiter/in: Frau Maier"], timeout=TIMEOUT_MS)


def test_html_typed_by_a_citizen_is_inert_in_the_console(pages: tuple[ChatPage, Page], stack: Stack) -> None:
    citizen, agent = pages
    dialogs: list[str] = []
    agent.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    agent_logs_in(agent, stack)
    citizen.open().open_widget()
    image = '<img src=x onerror="window.__xss=1">'
    script = "<script>window.__xss=2</script>"
    citizen.ask(image)
    citizen.ask(script)
    session_id = citizen_asks_for_a_person(citizen)
    take_over(agent, session_id)
    transcript = agent.locator("#transcript")
    expect(transcript.locator(".turn--citizen .text").filter(has_text="onerror")).to_have_text(image)
    expect(transcript.locator(".turn--citizen .text").filter(has_text="<script>")).to_have_text(script)
    agent.wait_for_timeout(500)
    assert agent.evaluate("() => window.__xss") is None
    assert agent.locator("#transcript img, #transcript script").count() == 0
    assert dialogs == []
    # Live path too: a message typed now arrives through the event stream as text.
    citizen.input.fill('<img src=y onerror="window.__xss=3">')
    citizen.input.press("Enter")
    expect(transcript.locator(".turn--citizen .text").filter(has_text="src=y")).to_have_count(1, timeout=TIMEOUT_MS)
    agent.wait_for_timeout(500)
    assert agent.evaluate("() => window.__xss") is None
    assert agent.locator("#transcript img").count() == 0
    agent.get_by_label("Ergebnis").select_option("solved")
    agent.get_by_role("button", name="Abschließen").click()
    expect(agent).to_have_url(re.compile(r"/queue\?msg=closed$"))
    expect(citizen.bot_messages.last).to_contain_text("Das Gespräch mit unserem Team ist beendet", timeout=TIMEOUT_MS)


def test_waiting_citizen_is_told_the_new_position(stack: Stack) -> None:
    """Two conversations wait (REST); the first leaves; the console tells the second its new place."""
    import time
    import uuid

    def say(sender: str, text: str) -> str:
        status, body = http_json("POST", f"{stack.servers.rasa_url}/webhooks/rest/webhook",
                                 {"sender": sender, "message": text})
        assert status == 200, body
        return "\n".join(message.get("text", "") for message in body)

    first, second = f"a-{uuid.uuid4().hex}", f"b-{uuid.uuid4().hex}"
    assert "Position 1" in say(first, "Ich möchte mit einem Menschen sprechen")
    assert "Position 2" in say(second, "Ich möchte mit einem Menschen sprechen")
    say(first, "/cancel_handoff")
    deadline = time.monotonic() + 30
    notices: list[dict] = []
    while time.monotonic() < deadline and not notices:
        status, tracker = http_json("GET", f"{stack.servers.rasa_url}/conversations/{second}/tracker")
        assert status == 200
        notices = [e for e in tracker["events"]
                   if e["event"] == "bot" and "jetzt an Position 1" in (e.get("text") or "")]
        time.sleep(0.5)
    assert len(notices) == 1, "no position notice within 30 s"
    assert notices[0]["text"].startswith("Sie sind jetzt an Position 1. Die Wartezeit beträgt etwa ")
    assert notices[0]["data"]["buttons"] == [{"title": "Warten abbrechen", "payload": "/cancel_handoff"}]
    say(second, "/cancel_handoff")
