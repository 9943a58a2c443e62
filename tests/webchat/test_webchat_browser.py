"""The web chat in Debian's Chromium against the real servers (socket.io channel).

Each test gets a fresh browser context, so a fresh sessionStorage and conversation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from bench.helpers.servers import http_json, webchat_sender
from bot.config import PROJECT_ROOT
from channels.chat_history import message_id
from tests.webchat.chatpage import ChatPage
from tests.webchat.conftest import NODE_MODULES, ChatStack, missing

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

HTML_INPUT = "<img src=x onerror=alert(1)>"


def _tracker(chat: ChatStack, session_id: str) -> dict:
    status, tracker = http_json("GET", f"{chat.rasa_url}/conversations/{webchat_sender(session_id)}/tracker")
    assert status == 200, tracker
    return tracker


def test_greeting_and_privacy_notice_come_before_the_first_message(chat_page: ChatPage) -> None:
    chat_page.open()
    expect(chat_page.panel).to_be_hidden()
    expect(chat_page.launcher).to_have_attribute("aria-expanded", "false")
    chat_page.open_widget()
    expect(chat_page.panel.get_by_role("heading", name="Bürgerservice-Chat")).to_be_visible()
    expect(chat_page.panel.get_by_text("Guten Tag! Ich bin der digitale Assistent")).to_be_visible()
    privacy = chat_page.panel.locator(".wc-privacy")
    expect(privacy.get_by_role("heading", name="Hinweis zum Datenschutz")).to_be_visible()
    expect(privacy).to_contain_text("keine persönlichen Daten")
    expect(privacy).to_contain_text("60 Minuten")
    expect(privacy).to_contain_text("Nach 30 Tagen werden sie gelöscht.")  # retention_days of handoff.yml
    expect(chat_page.user_messages).to_have_count(0)
    expect(chat_page.panel.get_by_role("button", name="Mit einem Menschen sprechen")).to_be_visible()
    assert chat_page.session_id()  # the server's session id, kept in sessionStorage


def test_fee_question_is_answered_with_the_fee(chat_page: ChatPage) -> None:
    chat_page.open().open_widget()
    answer = chat_page.ask("Was kostet ein Führungszeugnis?")
    assert "13,00 Euro" in answer
    expect(chat_page.user_messages.last).to_have_text("Sie: Was kostet ein Führungszeugnis?")
    # screen readers hear the answer from the live region
    expect(chat_page.page.locator("[aria-live=polite]")).to_contain_text("13,00 Euro")
    # the source URL in the text is a safe link
    source = chat_page.bot_messages.last.locator("a.wc-link").first
    assert (source.get_attribute("href") or "").startswith("https://")
    assert source.get_attribute("rel") == "noopener noreferrer"
    feedback = chat_page.bot_messages.last.get_by_role("group", name="War diese Antwort hilfreich?")
    expect(feedback.get_by_role("button", name="Hilfreich", exact=True)).to_have_attribute("aria-pressed", "false")
    assert chat_page.page_errors == []


def test_quick_reply_sends_its_payload_and_shows_its_title(chat_page: ChatPage) -> None:
    chat_page.open().open_widget()
    question = chat_page.ask("Was kostet das?")
    assert "Für welche Leistung" in question
    replies = chat_page.bot_messages.last.get_by_role("group", name="Antwortvorschläge")
    before = chat_page.bot_messages.count()
    replies.get_by_role("button", name="Reisepass").click()
    answer = chat_page.wait_for_answer(before)
    assert "70,00 Euro" in answer
    expect(chat_page.user_messages.last).to_have_text("Sie: Reisepass")  # the title, not the payload
    expect(chat_page.page.locator(".wc-reply")).to_have_count(0)  # answered: the suggestions are gone
    assert chat_page.focused()["id"] == "wc-input"
    # a long answer is shown from its start, and the chat's title stays in place
    chat_page.page.wait_for_timeout(800)  # smooth scrolling
    panel = chat_page.panel.bounding_box()
    heading = chat_page.panel.get_by_role("heading", name="Bürgerservice-Chat").bounding_box()
    body = chat_page.page.locator(".wc-body").bounding_box()
    answer_box = chat_page.bot_messages.last.bounding_box()
    assert abs(heading["y"] - panel["y"]) < 20, (heading, panel)
    assert body["y"] <= answer_box["y"] <= body["y"] + body["height"], (answer_box, body)


def test_link_buttons_become_safe_anchors(chat_page: ChatPage) -> None:
    chat_page.open().open_widget()
    chat_page.ask("Wo finde ich den Antrag für die Bonuscard?")
    links = chat_page.bot_messages.last.get_by_role("list", name="Links zur Antwort").get_by_role("link")
    expect(links).to_have_count(1)
    expect(links.first).to_contain_text("Antrag auf die Bonuscard")
    assert links.first.get_attribute("href", timeout=1000).startswith("https://www.stuttgart.de/")
    assert links.first.get_attribute("rel") == "noopener noreferrer"
    assert links.first.get_attribute("target") == "_blank"


def test_reload_keeps_the_session_and_shows_the_history(chat_page: ChatPage) -> None:
    chat_page.open().open_widget()
    chat_page.ask("Was kostet ein Führungszeugnis?")
    session = chat_page.session_id()
    chat_page.page.reload()
    expect(chat_page.panel).to_be_visible()  # still open after the reload
    chat_page.wait_connected()
    expect(chat_page.user_messages).to_have_count(1)
    expect(chat_page.user_messages.first).to_have_text("Sie: Was kostet ein Führungszeugnis?")
    expect(chat_page.bot_messages).to_have_count(1)
    expect(chat_page.bot_messages.first).to_contain_text("13,00 Euro")
    assert chat_page.session_id() == session
    # the server still knows the context: "dafür" is the Führungszeugnis
    follow_up = chat_page.ask("Welche Unterlagen brauche ich dafür?")
    assert "Führungszeugnis" in follow_up and "Für welche Leistung" not in follow_up
    chat_page.page.reload()
    chat_page.wait_connected()
    expect(chat_page.bot_messages).to_have_count(2)
    expect(chat_page.user_messages).to_have_count(2)


def test_keyboard_only(chat_page: ChatPage) -> None:
    chat_page.open()
    keyboard = chat_page.page.keyboard
    for _ in range(30):
        keyboard.press("Tab")
        if "wc-launcher" in chat_page.focused()["className"]:
            break
    else:
        pytest.fail("the chat button cannot be reached with Tab")
    assert "solid" in chat_page.focused()["outline"]  # visible focus
    keyboard.press("Enter")
    chat_page.wait_connected()
    assert chat_page.focused()["id"] == "wc-input"
    keyboard.type("Was kostet das?")
    before = chat_page.bot_messages.count()
    keyboard.press("Enter")
    chat_page.wait_for_answer(before)
    # back from the input to the suggestions, then choose one with the keyboard
    for _ in range(15):
        keyboard.press("Shift+Tab")
        focused = chat_page.focused()
        assert "solid" in focused["outline"], focused
        if focused["text"] == "Reisepass":
            break
    else:
        pytest.fail("the quick replies cannot be reached with Shift+Tab")
    before = chat_page.bot_messages.count()
    keyboard.press("Enter")
    assert "70,00 Euro" in chat_page.wait_for_answer(before)
    assert chat_page.focused()["id"] == "wc-input"
    # rate the answer with the keyboard
    for _ in range(10):
        keyboard.press("Shift+Tab")
        if chat_page.focused()["className"] == "wc-rate" and chat_page.focused()["text"] == "Hilfreich":
            break
    else:
        pytest.fail("the feedback buttons cannot be reached with Shift+Tab")
    keyboard.press("Space")
    expect(chat_page.bot_messages.last.get_by_role("button", name="Hilfreich", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    # Escape closes the chat and gives the focus back to the chat button
    keyboard.press("Escape")
    expect(chat_page.panel).to_be_hidden()
    assert "wc-launcher" in chat_page.focused()["className"]


def test_html_typed_by_a_citizen_stays_text(chat_page: ChatPage) -> None:
    requested: list[str] = []
    chat_page.page.on("request", lambda request: requested.append(request.url))
    chat_page.open().open_widget()
    chat_page.ask(HTML_INPUT)
    expect(chat_page.user_messages.last.locator(".wc-text")).to_have_text(HTML_INPUT)
    chat_page.page.wait_for_timeout(500)
    assert chat_page.count("img") == 0
    assert chat_page.dialogs == []
    assert not [url for url in requested if url.endswith("/x")]
    chat_page.page.reload()  # and when the history shows it again
    chat_page.wait_connected()
    expect(chat_page.user_messages.last.locator(".wc-text")).to_have_text(HTML_INPUT)
    chat_page.page.wait_for_timeout(500)
    assert chat_page.count("img") == 0 and chat_page.dialogs == []


def test_html_and_script_links_sent_as_bot_messages_stay_inert(chat_page: ChatPage, chat: ChatStack) -> None:
    chat_page.open().open_widget()
    chat_page.ask("Hallo")
    session = chat_page.session_id()
    before = chat_page.bot_messages.count()
    event = {
        "event": "bot",
        "text": f"{HTML_INPUT} javascript:alert(2) Mehr: https://www.stuttgart.de/ <a href=javascript:alert(3)>x</a>",
        "data": {"buttons": [
            {"title": "Böser Link", "url": "javascript:alert(4)"},
            {"title": "Gute Seite", "url": "https://www.stuttgart.de/"},
            {"title": "<b>fett</b>", "payload": "/greet"},
        ]},
    }
    status, body = http_json(
        "POST",
        f"{chat.rasa_url}/conversations/{webchat_sender(session)}/tracker/events?output_channel=latest&execute_side_effects=true",
        event,
    )
    assert status == 200, body
    chat_page.wait_for_answer(before)
    message = chat_page.bot_messages.last
    expect(message.locator(".wc-text")).to_contain_text(HTML_INPUT)
    hrefs = [anchor.get_attribute("href") for anchor in message.locator("a").all()]
    assert hrefs == ["https://www.stuttgart.de/", "https://www.stuttgart.de/"]  # in the text and the button
    expect(message.get_by_role("button", name="<b>fett</b>")).to_be_visible()
    chat_page.page.wait_for_timeout(500)
    assert chat_page.count("img") == 0 and chat_page.count("b") == 0
    assert chat_page.dialogs == []


def test_human_button_asks_for_a_person(chat_page: ChatPage) -> None:
    chat_page.open().open_widget()
    before = chat_page.bot_messages.count()
    chat_page.panel.get_by_role("button", name="Mit einem Menschen sprechen").click()
    answer = chat_page.wait_for_answer(before)
    # the stack's one team is always staffed (tests/webchat/conftest.py): the queue, never the callback offer
    assert "Sie sind an Position" in answer, answer
    expect(chat_page.user_messages.last).to_have_text("Sie: Mit einem Menschen sprechen")


def test_feedback_is_stored_with_the_conversation(chat_page: ChatPage, chat: ChatStack) -> None:
    chat_page.open().open_widget()
    chat_page.ask("Was kostet ein Führungszeugnis?")
    answer = chat_page.bot_messages.last
    answer.get_by_role("button", name="Hilfreich", exact=True).click()
    expect(answer.locator(".wc-feedback-note")).to_have_text("Danke für Ihre Rückmeldung.")
    expect(answer.get_by_role("button", name="Hilfreich", exact=True)).to_have_attribute("aria-pressed", "true")
    answer.get_by_role("button", name="Nicht hilfreich").click()
    expect(answer.get_by_role("button", name="Nicht hilfreich")).to_have_attribute("aria-pressed", "true")
    expect(answer.get_by_role("button", name="Hilfreich", exact=True)).to_have_attribute("aria-pressed", "false")

    events = _tracker(chat, chat_page.session_id())["events"]
    rated = [e for e in events if e["event"] == "bot" and "13,00 Euro" in (e.get("text") or "")][-1]
    feedback = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "feedback"]
    assert feedback == [
        {"message_id": message_id(rated["timestamp"]), "rating": "up"},
        {"message_id": message_id(rated["timestamp"]), "rating": "down"},
    ]
    chat_page.page.reload()
    chat_page.wait_connected()
    expect(chat_page.bot_messages.last.get_by_role("button", name="Nicht hilfreich")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_unreachable_server_is_explained(chat_page: ChatPage) -> None:
    chat_page.page.context.route("**/socket.io/**", lambda route: route.abort())
    chat_page.open()
    chat_page.launcher.click()
    expect(chat_page.status).to_contain_text("nicht erreichbar", timeout=20_000)
    expect(chat_page.status).to_contain_text("115")
    expect(chat_page.status).to_have_attribute("role", "status")
    chat_page.input.fill("Hallo?")
    chat_page.input.press("Enter")
    expect(chat_page.status).to_contain_text("nicht gesendet")
    expect(chat_page.input).to_have_value("Hallo?")  # nothing typed is lost
    expect(chat_page.user_messages).to_have_count(0)


def test_dropped_connection_shows_reconnecting_and_recovers(chat_page: ChatPage) -> None:
    chat_page.open().open_widget()
    chat_page.ask("Was kostet ein Führungszeugnis?")
    context = chat_page.page.context
    context.set_offline(True)
    expect(chat_page.status).to_contain_text("Verbindung unterbrochen", timeout=10_000)
    context.set_offline(False)
    chat_page.wait_connected()
    expect(chat_page.status).to_be_hidden()
    answer = chat_page.ask("Welche Unterlagen brauche ich dafür?")
    assert "Führungszeugnis" in answer
    expect(chat_page.bot_messages).to_have_count(2)  # nothing shown twice after the reconnect


@pytest.mark.parametrize(
    "viewport",
    [{"width": 320, "height": 640}, {"width": 320, "height": 256}],
    ids=["phone-320px", "zoom-400-percent"],
)
def test_small_screen_and_400_percent_zoom(new_chat_page, viewport: dict) -> None:
    """320 CSS px wide: a phone, and a 1280×1024 screen at 400 % zoom; no horizontal scrolling."""
    chat_page = new_chat_page(viewport=viewport)
    chat_page.open().open_widget()
    chat_page.ask("Was kostet ein Führungszeugnis?")
    sizes = chat_page.page.evaluate("""() => {
      const panel = document.getElementById("stuttgart-webchat").shadowRoot.querySelector(".wc-panel");
      const box = panel.getBoundingClientRect();
      return {page: document.documentElement.scrollWidth, panelScroll: panel.scrollWidth,
              panelClient: panel.clientWidth, left: box.left, right: box.right};
    }""")
    assert sizes["page"] <= 320 and sizes["panelScroll"] <= sizes["panelClient"], sizes
    assert sizes["left"] >= 0 and sizes["right"] <= 320, sizes
    for control in (chat_page.input, chat_page.page.get_by_role("button", name="Senden"),
                    chat_page.page.get_by_role("button", name="Mit einem Menschen sprechen")):
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    answer = chat_page.bot_messages.last.locator(".wc-text").bounding_box()
    assert answer and answer["x"] + answer["width"] <= 320


STYLED = """() => {
  const host = document.getElementById("stuttgart-webchat");
  return host && getComputedStyle(host.shadowRoot.querySelector(".wc-launcher")).position === "fixed";
}"""
ANIMATION = """() => getComputedStyle(document.getElementById("stuttgart-webchat").shadowRoot
    .querySelector(".wc-dots")).animationName"""


def test_reduced_motion_stops_the_typing_animation(new_chat_page) -> None:
    moving = new_chat_page().open()
    moving.page.wait_for_function(STYLED)  # the widget's stylesheet is applied
    assert moving.page.evaluate(ANIMATION) == "wc-pulse"
    calm = new_chat_page(reduced_motion="reduce").open()
    calm.page.wait_for_function(STYLED)
    assert calm.page.evaluate(ANIMATION) == "none"


def test_csp_is_enforced_and_the_widget_needs_no_exception(chat_page: ChatPage) -> None:
    chat_page.page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    chat_page.open().open_widget()
    chat_page.ask("Was kostet das?")
    chat_page.bot_messages.last.get_by_role("button", name="Hilfreich", exact=True).click()
    expect(chat_page.page.locator(".wc-feedback-note").last).to_have_text("Danke für Ihre Rückmeldung.")
    assert chat_page.page.evaluate("() => window.__csp") == []
    # what the policy forbids really fails: inline scripts and HTML through innerHTML
    with pytest.raises(PlaywrightError):
        chat_page.page.add_script_tag(content="window.__inline = true;")
    assert chat_page.page.evaluate("() => window.__inline === undefined")
    blocked = chat_page.page.evaluate(
        "() => { try { document.body.innerHTML = '<b>x</b>'; return 'written'; } catch (e) { return e.name; } }"
    )
    assert blocked == "TypeError"


def _axe(chat_page: ChatPage) -> list[dict]:
    axe = NODE_MODULES / "axe-core" / "axe.min.js"
    if not axe.exists():
        missing(f"{axe} is missing")
    chat_page.page.evaluate(axe.read_text(encoding="utf-8"))
    return chat_page.page.evaluate("""async () => {
      const result = await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
        resultTypes: ["violations"],
      });
      return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => n.target.join(" > "))}));
    }""")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 320, "height": 640}],
                         ids=["desktop", "phone-320px"])
def test_axe_finds_no_serious_or_critical_violations(new_chat_page, viewport: dict) -> None:
    chat_page = new_chat_page(viewport=viewport)
    chat_page.open().open_widget()
    chat_page.ask("Was kostet das?")  # answer with quick replies and feedback buttons
    chat_page.bot_messages.last.get_by_role("button", name="Hilfreich", exact=True).click()
    chat_page.page.locator(".wc-feedback-note").last.wait_for()
    violations = _axe(chat_page)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1, ensure_ascii=False)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)  # none at all, in fact


def test_npm_rasa_webchat_widget_gets_answers(browser, chat: ChatStack) -> None:
    """The widely used widget speaks to our server unchanged (the standard protocol)."""
    if not (NODE_MODULES / "rasa-webchat" / "lib" / "index.js").exists():
        missing("npm rasa-webchat is not installed")
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    # rasa-webchat @imports a web font; nothing may leave this machine
    context.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(chat.compat_url)
        expect(page.get_by_text("Guten Tag! Ich bin der digitale Assistent")).to_be_visible(timeout=30_000)
        box = page.locator(".rw-new-message")
        box.fill("Was kostet ein Führungszeugnis?")
        box.press("Enter")
        expect(page.get_by_text("13,00 Euro", exact=False).first).to_be_visible(timeout=30_000)
    finally:
        context.close()


def test_screenshot_of_a_short_conversation(new_chat_page, output_dir: Path) -> None:
    """Saved for people to look at: tests/output/webchat-*.png (not committed)."""
    chat_page = new_chat_page(reduced_motion="reduce")  # no smooth scrolling under way
    chat_page.open().open_widget()
    chat_page.ask("Was kostet das?")
    before = chat_page.bot_messages.count()
    chat_page.bot_messages.last.get_by_role("button", name="Reisepass").click()
    chat_page.wait_for_answer(before)
    chat_page.bot_messages.last.get_by_role("button", name="Hilfreich", exact=True).click()
    chat_page.page.locator(".wc-feedback-note").last.wait_for()
    chat_page.page.mouse.move(0, 0)
    desktop = output_dir / "webchat-conversation.png"
    chat_page.page.screenshot(path=str(desktop))
    phone = new_chat_page(viewport={"width": 360, "height": 740}, device_scale_factor=2, reduced_motion="reduce")
    phone.open().open_widget()
    phone.ask("Was kostet ein Führungszeugnis?")
    mobile = output_dir / "webchat-conversation-phone.png"
    phone.page.screenshot(path=str(mobile))
    for path in (desktop, mobile):
        assert path.stat().st_size > 10_000, path
    assert str(desktop).startswith(str(PROJECT_ROOT / "tests" / "output"))
