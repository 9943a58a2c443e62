"""A small page object for the demo page with the web chat (Playwright, sync API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Locator, Page, expect

ANSWER_TIMEOUT_MS = 30_000

#: The element that has the focus, looking into shadow roots.
DEEP_ACTIVE_ELEMENT = """() => {
  let element = document.activeElement;
  while (element && element.shadowRoot && element.shadowRoot.activeElement) {
    element = element.shadowRoot.activeElement;
  }
  if (!element) return null;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(), id: element.id, className: String(element.className),
    text: (element.textContent || "").trim(), label: element.getAttribute("aria-label"),
    outline: style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor,
    boxShadow: style.boxShadow,
  };
}"""

#: Every element in the page and in the widget's shadow root.
ALL_ELEMENTS = """(selector) => {
  const host = document.getElementById("stuttgart-webchat");
  const roots = [document].concat(host && host.shadowRoot ? [host.shadowRoot] : []);
  return roots.reduce((count, root) => count + root.querySelectorAll(selector).length, 0);
}"""


@dataclass
class ChatPage:
    """The demo page with the widget in one browser context (fresh sessionStorage)."""

    page: Page
    url: str
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    # ------------------------------------------------------------ locators
    @property
    def launcher(self) -> Locator:
        return self.page.get_by_role("button", name="Chat: Fragen an die Stadt")

    @property
    def panel(self) -> Locator:
        return self.page.get_by_role("dialog", name="Bürgerservice-Chat")

    @property
    def history(self) -> Locator:
        return self.page.get_by_role("list", name="Chatverlauf")

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator(".wc-msg--bot")

    @property
    def user_messages(self) -> Locator:
        return self.page.locator(".wc-msg--user")

    @property
    def input(self) -> Locator:
        return self.page.get_by_label("Ihre Frage")

    @property
    def status(self) -> Locator:
        return self.page.locator(".wc-status")

    # ------------------------------------------------------------ actions
    def open(self) -> ChatPage:
        """Load the demo page."""
        self.page.goto(self.url)
        return self

    def open_widget(self) -> ChatPage:
        """Open the chat and wait until it is connected."""
        self.launcher.click()
        self.wait_connected()
        return self

    def wait_connected(self) -> None:
        expect(self.page.locator(".wc-panel")).to_have_attribute("data-state", "connected", timeout=ANSWER_TIMEOUT_MS)

    def ask(self, text: str) -> str:
        """Type ``text``, send it with Enter, wait for the next answer; returns its text."""
        before = self.bot_messages.count()
        self.input.fill(text)
        self.input.press("Enter")
        return self.wait_for_answer(before)

    def wait_for_answer(self, before: int) -> str:
        expect(self.bot_messages).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
        expect(self.page.locator(".wc-typing")).to_be_hidden()
        return self.bot_messages.last.locator(".wc-text").inner_text()

    def session_id(self) -> Any:
        return self.page.evaluate("() => sessionStorage.getItem('stuttgart-webchat:session')")

    def focused(self) -> dict:
        """The focused element (inside the widget's shadow root too)."""
        return self.page.evaluate(DEEP_ACTIVE_ELEMENT)

    def count(self, selector: str) -> int:
        """How many elements match ``selector`` in the page and in the widget."""
        return self.page.evaluate(ALL_ELEMENTS, selector)
