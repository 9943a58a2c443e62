"""Settings of the phone channel and peak-load mode: ``telephony.yml`` plus environment."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT, database_url
from bot.handoff.callback.windows import CallbackWindow

DEFAULT_CONFIG = PROJECT_ROOT / "telephony.yml"


class TelephonyConfigError(ValueError):
    """``telephony.yml`` or an override is invalid; the message names the value."""


#: Keys that moved to ``handoff.yml`` (one setting for both channels): refused with this hint.
MOVED_KEYS = {
    ("agents", "avg_handle_seconds"): "the handling time is avg_handle_minutes in handoff.yml (staff change it "
                                      "on the console's /phone page)",
    ("callback", "retention_days"): "callback requests are deleted after retention_days in handoff.yml",
}


@dataclass(frozen=True)
class VoiceSettings:
    """Session parameters sent to the gateway at call start."""

    language: str = "de-DE"
    barge_in: bool = True
    user_no_input_timeout_ms: int = 8000
    bot_no_input_timeout_ms: int = 2500
    bot_no_input_speech: str = "Einen Moment bitte."
    bot_no_input_give_up_ms: int = 20000
    #: Speech hints from the gazetteer (bot/nlu/speech_hints.py); 0 sends none.
    stt_context_boost: float = 10.0

    def session_params(self) -> dict[str, Any]:
        """The ``sessionParams`` of the ``config`` event (AudioCodes Bot API names)."""
        hints: dict[str, Any] = {}
        if self.stt_context_boost > 0:
            from bot.nlu.speech_hints import speech_phrases

            hints = {"sttContextPhrases": list(speech_phrases()), "sttContextBoost": self.stt_context_boost}
        return {
            "language": self.language,
            "bargeIn": self.barge_in,
            "sendEventsToBot": ["noUserInput"],
            "userNoInputTimeoutMS": self.user_no_input_timeout_ms,
            "sendDTMF": True,
            "botNoInputTimeoutMS": self.bot_no_input_timeout_ms,
            "botNoInputSpeech": self.bot_no_input_speech,
            "botNoInputGiveUpTimeoutMS": self.bot_no_input_give_up_ms,
            **hints,
        }


@dataclass(frozen=True)
class TelephonySettings:
    """All settings of one process (see ``telephony.yml`` for their meaning)."""

    max_concurrent_calls: int
    expires_seconds: int
    hotline_office: str
    transfer_target: str
    staffed_agents: int
    free_agents: int
    waiting_calls: int
    callback_windows: tuple[CallbackWindow, ...]
    voice: VoiceSettings
    db_url: str
    redis_url: str | None
    redis_prefix: str
    instance_id: str
    replica_hosts: tuple[str, ...] = ()

    @property
    def state_ttl_seconds(self) -> int:
        """How long call state survives without any request from the gateway."""
        return 3 * self.expires_seconds

    @classmethod
    def load(cls, path: Path | None = None, env: Mapping[str, str] | None = None) -> TelephonySettings:
        """Read ``path`` (default ``$TELEPHONY_CONFIG`` or ``telephony.yml``) and apply env overrides.

        Raises:
            TelephonyConfigError: for a missing file or an invalid value.
        """
        env = os.environ if env is None else env
        path = Path(path or env.get("TELEPHONY_CONFIG") or DEFAULT_CONFIG)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as error:
            raise TelephonyConfigError(f"cannot read {path}: {error}") from error
        if not isinstance(raw, dict):
            raise TelephonyConfigError(f"{path}: expected a mapping at the top level")
        agents = _mapping(raw, "agents", path)
        callback = _mapping(raw, "callback", path)
        voice = _mapping(raw, "voice", path)
        for (section, key), hint in MOVED_KEYS.items():
            if key in _mapping(raw, section, path):
                raise TelephonyConfigError(f"{path}: {section}.{key} is no longer read: {hint}")
        windows = tuple(_window(item, path) for item in callback.get("windows") or [])
        if not windows:
            raise TelephonyConfigError(f"{path}: callback.windows needs at least one window")
        settings = cls(
            max_concurrent_calls=_int(env.get("TELEPHONY_MAX_CALLS", raw.get("max_concurrent_calls", 80)),
                                      "max_concurrent_calls", minimum=0),
            expires_seconds=_int(raw.get("expires_seconds", 120), "expires_seconds", minimum=10),
            hotline_office=str(raw.get("hotline_office") or ""),
            transfer_target=str(env.get("TELEPHONY_TRANSFER_TARGET") or raw.get("transfer_target") or ""),
            staffed_agents=_int(agents.get("staffed", 1), "agents.staffed", minimum=0),
            free_agents=_int(agents.get("free", 0), "agents.free", minimum=0),
            waiting_calls=_int(agents.get("waiting", 0), "agents.waiting", minimum=0),
            callback_windows=windows,
            voice=VoiceSettings(
                language=str(voice.get("language", "de-DE")),
                barge_in=bool(voice.get("barge_in", True)),
                user_no_input_timeout_ms=_int(voice.get("user_no_input_timeout_ms", 8000),
                                              "voice.user_no_input_timeout_ms", minimum=1000),
                bot_no_input_timeout_ms=_int(voice.get("bot_no_input_timeout_ms", 2500),
                                             "voice.bot_no_input_timeout_ms", minimum=0),
                bot_no_input_speech=str(voice.get("bot_no_input_speech", "Einen Moment bitte.")),
                bot_no_input_give_up_ms=_int(voice.get("bot_no_input_give_up_ms", 20000),
                                             "voice.bot_no_input_give_up_ms", minimum=0),
                stt_context_boost=_number(voice.get("stt_context_boost", 10), "voice.stt_context_boost"),
            ),
            db_url=database_url("telephony", env),
            redis_url=env.get("TELEPHONY_REDIS_URL") or None,
            redis_prefix=env.get("TELEPHONY_REDIS_PREFIX") or "buergertelefon:phone",
            instance_id=env.get("TELEPHONY_INSTANCE_ID") or f"{socket.gethostname()}-{os.getpid()}",
            replica_hosts=tuple(host.strip() for host in (env.get("TELEPHONY_REPLICA_HOSTS") or "").split(",")
                                if host.strip()),
        )
        if not settings.hotline_office:
            raise TelephonyConfigError(f"{path}: hotline_office is required")
        if not settings.transfer_target.startswith(("tel:", "sip:", "sips:")):
            raise TelephonyConfigError("transfer_target must be a tel: or sip: URI")
        return settings


def _mapping(raw: dict, key: str, path: Path) -> dict:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise TelephonyConfigError(f"{path}: {key} must be a mapping")
    return value


def _int(value: Any, name: str, minimum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise TelephonyConfigError(f"{name} must be an integer, not {value!r}") from error
    if number < minimum:
        raise TelephonyConfigError(f"{name} must be at least {minimum}, not {number}")
    return number


def _number(value: Any, name: str, maximum: float = 20.0) -> float:
    """A number between 0 and ``maximum`` (the recogniser's boost range)."""
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise TelephonyConfigError(f"{name} must be a number, not {value!r}") from error
    if not 0 <= number <= maximum:
        raise TelephonyConfigError(f"{name} must be between 0 and {maximum:g}, not {number:g}")
    return number


def _clock(value: Any, name: str) -> time:
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError as error:
        raise TelephonyConfigError(f"{name} must be HH:MM, not {value!r}") from error


def _window(item: Any, path: Path) -> CallbackWindow:
    if not isinstance(item, dict) or not item.get("key") or not item.get("spoken"):
        raise TelephonyConfigError(f"{path}: each callback window needs key, spoken, start, end")
    window = CallbackWindow(
        key=str(item["key"]),
        spoken=str(item["spoken"]),
        start=_clock(item.get("start"), f"window {item['key']} start"),
        end=_clock(item.get("end"), f"window {item['key']} end"),
    )
    if window.start >= window.end:
        raise TelephonyConfigError(f"{path}: window {window.key} ends before it starts")
    return window
