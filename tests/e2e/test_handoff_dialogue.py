"""The web chat's way to a person, with real Rasa and action servers over REST.

Queue (staffed team without hours), position and cancel; queue full (console override)
and outside staffed hours (a team whose office is closed in the knowledge base) lead to
the callback / e-mail dialogue, stored only with consent; emergencies while waiting;
the bot answers again after the console paused and resumed the conversation.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from bench.helpers.handoff_config import ALWAYS_STAFFED, CLOSED_TEAM, add_closed_office, set_override, write_config
from bench.helpers.servers import Servers, http_json, start_servers
from bot.db.engine import get_engine
from bot.handoff.models import Handoff
from bot.handoff.queue import HandoffQueue
from bot.kb.hours import now as berlin_now
from bot.kb.seed import load_seed, parse_directory
from bot.staff.models import ConsoleSetting
from bot.telephony.models import CallbackRequest, HeldContact
from tests.e2e.conftest import joined

pytestmark = pytest.mark.e2e


class Setup:
    """Running servers and the databases the test inspects."""

    def __init__(self, servers: Servers, staff_url: str, telephony_url: str) -> None:
        self.servers = servers
        self.staff = get_engine(staff_url)
        self.queue = HandoffQueue(self.staff)
        self.telephony = get_engine(telephony_url)

    def callbacks(self, conversation_id: str) -> list[CallbackRequest]:
        with Session(self.telephony, future=True) as session:
            return list(session.query(CallbackRequest).filter_by(conversation_id=conversation_id))


@pytest.fixture(scope="module")
def setup(tmp_path_factory, seed_dir) -> Iterator[Setup]:
    """Servers with their own staff and telephony databases and a handoff.yml for tests."""
    workdir: Path = tmp_path_factory.mktemp("handoff")
    knowledge = f"sqlite:///{workdir / 'knowledge.db'}"
    engine = get_engine(knowledge)
    load_seed(engine, parse_directory(seed_dir))
    add_closed_office(engine, berlin_now().date())
    engine.dispose()
    staff_url = f"sqlite:///{workdir / 'staff.db'}"
    telephony_url = f"sqlite:///{workdir / 'telephony.db'}"
    config = write_config(workdir / "handoff.yml", [CLOSED_TEAM, ALWAYS_STAFFED], queue_limit=5)
    running = start_servers(workdir, knowledge, env_extra={
        "STAFF_DB_URL": staff_url, "TELEPHONY_DB_URL": telephony_url, "HANDOFF_CONFIG": str(config),
        "TELEPHONY_REDIS_URL": "",
    })
    yield Setup(running, staff_url, telephony_url)
    running.stop()


@pytest.fixture(autouse=True)
def empty_queue(setup: Setup) -> None:
    """Every test starts with an empty queue and no console overrides."""
    with Session(setup.staff, future=True) as session, session.begin():
        session.execute(delete(Handoff))
        session.execute(delete(ConsoleSetting))


Chat = Callable[[str], list[dict]]


def chat(setup: Setup, sender: str) -> Chat:
    def _say(text: str) -> list[dict]:
        status, body = http_json("POST", f"{setup.servers.rasa_url}/webhooks/rest/webhook",
                                 {"sender": sender, "message": text})
        assert status == 200, (status, body)
        return body

    return _say


def new_sender() -> str:
    return f"handoff-{uuid.uuid4().hex}"


def test_request_human_queues_with_positions_and_cancel_closes(setup: Setup) -> None:
    first, second = new_sender(), new_sender()
    answer = chat(setup, first)("Ich möchte mit einem Mitarbeiter sprechen")
    assert "Sie sind an Position 1." in joined(answer) and "Wartezeit beträgt etwa" in joined(answer)
    assert answer[0]["buttons"] == [{"title": "Warten abbrechen", "payload": "/cancel_handoff"}]
    entry = setup.queue.open_entry(first)
    assert entry is not None and (entry.status, entry.channel, entry.reason, entry.position) == (
        "waiting", "rest", "request_human", 1)
    assert "Sie sind an Position 2." in joined(chat(setup, second)("Verbinden Sie mich bitte mit einem Menschen"))
    assert "Sie haben die Warteschlange verlassen." in joined(chat(setup, first)("/cancel_handoff"))
    closed = [e for e in setup.queue.history() if e.conversation_id == first]
    assert [(e.status, e.outcome) for e in closed] == [("closed", "cancelled")]
    assert "Sie warten bereits" in joined(chat(setup, second)("Mitarbeiter bitte"))
    assert setup.queue.open_entry(second).position == 1


def test_typed_cancel_leaves_the_queue(setup: Setup) -> None:
    sender = new_sender()
    say = chat(setup, sender)
    say("Mitarbeiter bitte")
    assert "Warteschlange verlassen" in joined(say("Ich möchte nicht mehr warten"))
    assert setup.queue.open_entry(sender) is None


def test_emergency_while_waiting_gets_110_and_112_first(setup: Setup) -> None:
    sender = new_sender()
    say = chat(setup, sender)
    say("Ich möchte mit einem Menschen reden")
    answer = say("Hilfe, es brennt in meiner Wohnung!")
    assert "112" in answer[0]["text"] and "110" in answer[0]["text"]
    assert setup.queue.open_entry(sender).status == "waiting"


def test_full_queue_leads_to_a_stored_callback_with_consent(setup: Setup) -> None:
    set_override(setup.staff, "queue_limit", 0)
    sender = new_sender()
    say = chat(setup, sender)
    offer = say("Ich möchte mit einem Mitarbeiter sprechen")
    assert "zurückrufen oder Ihnen per E-Mail antworten" in joined(offer)
    assert setup.queue.open_entry(sender) is None
    assert "Telefonnummer" in joined(say("/request_callback"))
    invalid = joined(say("12345"))
    assert "keine gültige Telefonnummer" in invalid
    windows = say("Meine Nummer ist 0711 / 123 456")
    buttons = windows[0]["buttons"]
    assert buttons and all(" bis " in b["title"] and "Uhr" in b["title"] for b in buttons)
    consent = joined(say(buttons[0]["payload"]))
    assert "Wir speichern Ihre Telefonnummer nur, um Sie zurückzurufen, und löschen sie nach 30 Tagen." in consent
    assert setup.callbacks(sender) == []
    done = joined(say("/affirm"))
    assert "Vielen Dank. Wir rufen Sie" in done and "Endziffern 456" in done
    [row] = setup.callbacks(sender)
    assert (row.channel, row.phone, row.email, row.reason, row.status) == ("web", "+49711123456", None, "request_human",
                                                                           "open")
    status, tracker = http_json("GET", f"{setup.servers.rasa_url}/conversations/{sender}/tracker")
    assert status == 200 and tracker["slots"]["contact_data"] is None
    assert "123 456" not in json.dumps(tracker) and "+49711123456" not in json.dumps(tracker)
    assert not (tracker.get("active_loop") or {}).get("name")


def test_outside_hours_leads_to_an_email_reply(setup: Setup) -> None:
    sender = new_sender()
    say = chat(setup, sender)
    say("Welche Unterlagen brauche ich für Wohngeld?")
    offer = joined(say("Ich möchte mit einem Mitarbeiter sprechen"))
    assert "gerade nicht erreichbar" in offer and "ab 8:00 Uhr für Sie da" in offer
    assert "E-Mail-Adresse" in joined(say("Antwort per E-Mail"))
    assert "keine gültige E-Mail-Adresse" in joined(say("max at example"))
    consent = joined(say("max.mustermann@example.de"))
    assert "Wir speichern Ihre E-Mail-Adresse nur, um Ihnen zu antworten, und löschen sie nach 30 Tagen." in consent
    assert "Wir antworten Ihnen per E-Mail" in joined(say("Ja"))
    [row] = setup.callbacks(sender)
    assert (row.channel, row.phone, row.email, row.service, row.window_key) == (
        "web", None, "max.mustermann@example.de", "wohngeld", "email")


def test_refused_consent_stores_nothing(setup: Setup) -> None:
    set_override(setup.staff, "queue_limit", 0)
    sender = new_sender()
    say = chat(setup, sender)
    say("Mitarbeiter bitte")
    say("/request_callback")
    windows = say("0176 12345678")
    say(windows[0]["buttons"][0]["payload"])
    assert "speichere ich nichts" in joined(say("/deny"))
    assert setup.callbacks(sender) == []
    # "Nothing stored" holds for the conversation history and the held draft too (M3).
    status, tracker = http_json("GET", f"{setup.servers.rasa_url}/conversations/{sender}/tracker")
    assert status == 200 and "12345678" not in json.dumps(tracker)
    assert "[Telefonnummer]" in json.dumps(tracker)
    with Session(setup.telephony, future=True) as session:
        assert session.get(HeldContact, sender) is None


def test_cancel_mid_way_stores_nothing_and_the_bot_answers_again(setup: Setup) -> None:
    sender = new_sender()
    say = chat(setup, sender)
    assert "Telefonnummer" in joined(say("Können Sie mich zurückrufen?"))
    assert "speichere ich nichts" in joined(say("Abbrechen"))
    assert "70,00 Euro" in joined(say("Was kostet ein Reisepass?"))
    assert setup.callbacks(sender) == []


def test_emergency_during_the_callback_dialogue_comes_first(setup: Setup) -> None:
    sender = new_sender()
    say = chat(setup, sender)
    say("Rückruf bitte")
    answer = say("Hilfe, mein Nachbar ist zusammengebrochen und atmet nicht!")
    assert "112" in answer[0]["text"]
    assert "70,00 Euro" in joined(say("Was kostet ein Reisepass?"))


def test_bot_is_silent_while_paused_and_answers_after_resume(setup: Setup) -> None:
    sender = new_sender()
    say = chat(setup, sender)
    say("Mitarbeiter bitte")
    url = f"{setup.servers.rasa_url}/conversations/{sender}/tracker/events"
    assert http_json("POST", url, {"event": "pause"})[0] == 200
    assert say("Hallo? Ist da jemand?") == []
    assert http_json("POST", url, {"event": "resume"})[0] == 200
    assert "70,00 Euro" in joined(say("Was kostet ein Reisepass?"))
