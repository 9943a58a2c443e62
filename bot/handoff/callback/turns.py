"""What one step of the callback dialogue returns: messages, the new state, the outcome."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.handoff.callback.windows import Window

#: How a dialogue can end (``Turn.outcome``).
OUTCOMES = ("stored", "declined", "refused", "cancelled", "failed", "no_input", "unavailable")


@dataclass(frozen=True)
class Numbers:
    """On the phone: the caller ID and a number the caller typed (kept in the call store,
    never in the dialogue state or the conversation history)."""

    caller: str | None = None
    entered: str | None = None

    def get(self, which: str | None) -> str | None:
        """``"caller"`` or ``"entered"``."""
        return {"caller": self.caller, "entered": self.entered}.get(which or "")


@dataclass(frozen=True)
class Message:
    """One bot message: buttons on the web, ``collect_digits`` (a number typed, ending with #) on the phone."""

    text: str
    buttons: list[dict] = field(default_factory=list)
    collect_digits: bool = False


@dataclass(frozen=True)
class CallbackDraft:
    """What to store once the citizen agreed: a phone number or e-mail address, and when staff get in touch."""

    method: str
    phone: str | None
    email: str | None
    window: Window
    reason: str | None = None


@dataclass
class Turn:
    """What to say and the new state; ``state`` None means the dialogue is over (see :data:`OUTCOMES`)."""

    messages: list[Message]
    state: dict | None
    outcome: str | None = None
    draft: CallbackDraft | None = None
    hangup: bool = False

    @property
    def collect_digits(self) -> bool:
        """The phone should collect a typed number after these messages."""
        return any(m.collect_digits for m in self.messages)

    @property
    def texts(self) -> list[str]:
        """The messages' texts."""
        return [m.text for m in self.messages]
