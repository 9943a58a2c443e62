"""Complete phone calls through the AudioCodes channel, played by the VoiceAI Connect simulator
against the real Rasa and action servers (loopback HTTP).

The agent board is set by the test like staff would set it; ``hours_override`` makes
the results independent of the time the tests run (after-hours is tested with "closed").
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from bench.helpers.phone_servers import TRANSFER_TARGET, PhoneServers, start_phone_servers
from bench.helpers.servers import http_json
from bench.helpers.vaic import Call, VoiceGateway

pytestmark = pytest.mark.e2e

MAX_CALLS = 3
CALLER = "+4971112345678"


@pytest.fixture(scope="module")
def phone(tmp_path_factory, seed_dir, feed) -> Iterator[PhoneServers]:
    """Servers with the phone channel; at most three bot calls at a time; the recorded waiting times."""
    running = start_phone_servers(tmp_path_factory.mktemp("phone"), seed_dir, max_calls=MAX_CALLS,
                                  env={"WAITING_TIMES_URL": feed.url})
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def board(phone: PhoneServers) -> None:
    """Every test starts with the hotline open, no free agent, nobody waiting."""
    phone.store.set_board(staffed=4, free=0, waiting=0, avg_handle_seconds=240, hours_override="open")


@pytest.fixture
async def gateway(phone: PhoneServers) -> AsyncIterator[VoiceGateway]:
    """The simulated gateway with the right token."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        yield VoiceGateway(phone.bot_url(), phone.token, session)


def tracker(phone: PhoneServers, call: Call) -> dict:
    status, body = http_json("GET", f"{phone.servers.rasa_url}/conversations/{call.conversation}/tracker")
    assert status == 200
    return body


def assert_closed(phone: PhoneServers, call: Call) -> None:
    """The conversation is closed: paused, no loop, no slots with content, no phone number."""
    body = tracker(phone, call)
    names = [e["event"] for e in body["events"]]
    assert "pause" in names, names
    assert not body.get("active_loop"), body.get("active_loop")
    assert not any(v for k, v in body["slots"].items() if k.startswith("phone_"))
    assert "12345678" not in json.dumps(body), "the caller's number must not be in the tracker"


def assert_speakable(*texts: str) -> None:
    for text in texts:
        assert "http" not in text and "www." not in text and "€" not in text, text


async def test_gateway_validation_needs_the_token(phone: PhoneServers, gateway: VoiceGateway) -> None:
    assert (await gateway.validate()).body == {"type": "ac-bot-api", "success": True}
    anonymous = VoiceGateway(gateway.bot_url, None, gateway.session)
    wrong = VoiceGateway(gateway.bot_url, "wrong-token-0123456789", gateway.session)
    assert (await anonymous.validate()).status == 401
    assert (await wrong.validate()).status == 401
    assert (await wrong.create()).status == 401
    call = await gateway.call()
    async with call:
        intruder = Call(wrong, call.conversation, call.urls, CALLER, "115")
        assert (await intruder.start()).status == 401
        assert (await intruder.keepalive()).status == 401
        assert (await intruder.disconnect()).status == 401
        assert (await call.start()).status == 200  # the real gateway still gets through


async def test_bad_json_gets_400(phone: PhoneServers, gateway: VoiceGateway) -> None:
    assert (await gateway.post(gateway.bot_url, raw=b"{not json")).status == 400
    assert (await gateway.post(gateway.bot_url, {"conversation": 42})).status == 400
    assert (await gateway.post(gateway.bot_url, ["conversation"])).status == 400
    async with await gateway.call() as call:
        url = f"{gateway.bot_url.rsplit('/', 1)[0]}/{call.urls['activitiesURL']}"
        assert (await gateway.post(url, raw=b'{"activities": [')).status == 400
        assert (await gateway.post(url, {"activities": "hallo"})).status == 400
        assert (await gateway.post(url, {"activities": [{"type": "video"}]})).status == 400
        other = {"conversation": "other", "activities": [{"type": "message", "text": "x"}]}
        assert (await gateway.post(url, other)).status == 400
        assert (await call.start()).status == 200


async def test_unknown_conversation_gets_404(phone: PhoneServers, gateway: VoiceGateway) -> None:
    cid = f"ghost-{uuid.uuid4().hex}"
    urls = {key: f"conversation/{cid}/{path}" for key, path in
            (("activitiesURL", "activities"), ("refreshURL", "keepalive"), ("disconnectURL", "disconnect"))}
    ghost = Call(gateway, cid, urls, CALLER, "115")
    assert (await ghost.say("Hallo")).status == 404
    assert (await ghost.keepalive()).status == 404
    assert (await ghost.disconnect()).status == 404


async def test_fee_question_then_disconnect(phone: PhoneServers, gateway: VoiceGateway) -> None:
    call = await gateway.call(caller=CALLER)
    start = await call.start()
    config = start.event("config")
    assert config and config["sessionParams"]["language"] == "de-DE" and config["sessionParams"]["bargeIn"] is True
    assert "Bürgertelefon" in start.said and "Mitarbeiter" in start.said
    assert all(a.get("id") and a.get("timestamp") for a in start.activities)
    answer = await call.say("Was kostet ein Personalausweis?")
    assert "46 Euro" in answer.said and "27 Euro 60" in answer.said
    assert_speakable(answer.said)
    assert (await call.keepalive()).body == {"expiresSeconds": 120}
    assert (await call.disconnect()).status == 200
    assert_closed(phone, call)
    assert phone.store.get_call(call.conversation) is None
    assert (await call.say("Hallo?")).status == 404


async def test_opening_hours_are_spoken(phone: PhoneServers, gateway: VoiceGateway) -> None:
    async with await gateway.call() as call:
        await call.start()
        answer = await call.say("Wann hat das Bürgerbüro Botnang offen?")
        assert "Bürgerbüro Botnang" in answer.said and " Uhr" in answer.said
        assert not re.search(r"\d:\d\d", answer.said)  # "8 Uhr 30", not "8:30 Uhr"
        assert_speakable(answer.said)


async def test_person_wanted_while_an_agent_is_free(phone: PhoneServers, gateway: VoiceGateway) -> None:
    phone.store.set_board(free=1)
    async with await gateway.call() as call:
        await call.start()
        await call.say("Was kostet ein Reisepass?")
        turn = await call.say("Ich möchte mit einem Mitarbeiter sprechen")
        transfer = turn.event("transfer")
        assert transfer and transfer["activityParams"]["transferTarget"] == TRANSFER_TARGET
        headers = turn.sip_headers()
        assert headers["X-Conversation-Id"] == call.conversation
        assert headers["X-Intent"] == "ask_fees" and headers["X-Service"] == "reisepass"
        assert "verbinde" in turn.said
        assert phone.store.board().free == 0
        assert (await call.transfer_status("answered")).status == 200
    assert_closed(phone, call)


async def test_person_wanted_while_all_are_busy_waits_in_the_queue(phone: PhoneServers, gateway: VoiceGateway) -> None:
    phone.store.set_board(free=0, waiting=2)
    async with await gateway.call() as call:
        await call.start()
        offer = await call.say("Verbinden Sie mich bitte mit einem Menschen")
        assert "Position 3" in offer.said and "Minuten" in offer.said and offer.event("transfer") is None
        turn = await call.press("1")
        assert turn.sip_headers()["X-Queue-Position"] == "3"
        assert phone.store.board().waiting == 3
        failed = await call.transfer_status("failed", "busy")  # the queue did not take the call
        assert "zurückrufen" in failed.said
        assert phone.store.board().waiting == 2


async def test_busy_caller_chooses_a_callback(phone: PhoneServers, gateway: VoiceGateway) -> None:
    async with await gateway.call(caller=CALLER) as call:
        await call.start()
        await call.say("Wie beantrage ich Wohngeld?")
        await call.say("Mitarbeiter bitte")
        confirm = await call.press("2")
        assert "0 7 1 1, 1 2 3, 4 5 6, 7 8" in confirm.said
        windows = await call.press("1")
        assert "drücken Sie die 1" in windows.said and "drücken Sie die 2" in windows.said
        done = await call.press("2")
        assert "Vielen Dank" in done.said and "6 7 8" in done.said and done.hangup
    assert_closed(phone, call)
    [request] = phone.callbacks.for_conversation(call.conversation)
    assert request.phone == CALLER and request.status == "open"
    assert request.reason.startswith("ask_")  # what the call was about, for staff
    assert request.service == "wohngeld"


async def test_after_hours_callback_with_a_typed_number(phone: PhoneServers, gateway: VoiceGateway) -> None:
    phone.store.set_board(hours_override="closed", free=2)
    async with await gateway.call(caller=None) as call:  # caller ID withheld
        await call.start()
        offer = await call.say("Ich will mit jemandem vom Amt sprechen")
        assert "nicht erreichbar" in offer.said and "Rückruf" in offer.said and offer.event("transfer") is None
        assert "ab 8 Uhr" in offer.said  # hotline hours from data/knowledge (Behördennummer 115)
        enter = await call.say("Ja, gerne")
        message = enter.activities[0]
        assert "Rautetaste" in message["text"] and message["activityParams"]["dtmfCollect"] is True
        confirm = await call.press("0711987654#")
        assert "0 7 1 1, 9 8 7, 6 5 4" in confirm.said
        windows = await call.say("Ja, richtig")
        assert "heute" not in windows.said  # closed today: the next working day
        done = await call.say("vormittags bitte")
        assert done.hangup and "vormittags" in done.said
    [request] = phone.callbacks.for_conversation(call.conversation)
    assert request.phone == "+49711987654" and request.window_key == "vormittag"
    assert "0711987654" not in json.dumps(tracker(phone, call))
    assert phone.store.board().free == 2  # nobody was transferred


async def test_no_input_reprompts_once_then_hangs_up(phone: PhoneServers, gateway: VoiceGateway) -> None:
    async with await gateway.call() as call:
        await call.start()
        again = await call.silence(1)
        assert "Sind Sie noch da" in again.said and not again.hangup
        bye = await call.silence(2)
        assert "Auf Wiederhören" in bye.said and bye.hangup
        body = tracker(phone, call)
        assert body["events"][-1]["event"] == "pause"  # closed before the gateway disconnects
    assert_closed(phone, call)


async def test_keypad_menu_after_two_misunderstandings(phone: PhoneServers, gateway: VoiceGateway) -> None:
    phone.store.set_board(free=1)
    async with await gateway.call() as call:
        await call.start()
        first = await call.say("Flumpel quarx wobbeldi")
        assert "drücken Sie" not in first.said
        menu = await call.say("Zorbel knix plabbertasch")
        assert "drücken Sie die 1" in menu.said and "Sozialamt die 3" in menu.said
        hint = await call.press("3")
        assert "Sozialamt" in hint.said and "Wohngeld" in hint.said
        turn = await call.press("0")
        assert turn.sip_headers()["X-Department"] == "sozialamt"


async def test_speech_in_the_menu_goes_back_to_the_dialogue(phone: PhoneServers, gateway: VoiceGateway) -> None:
    async with await gateway.call() as call:
        await call.start()
        await call.say("Flumpel quarx wobbeldi")
        await call.say("Zorbel knix plabbertasch")
        answer = await call.say("Was kostet ein Reisepass?")
        assert "70 Euro" in answer.said


async def test_hangup_while_the_bot_answers(phone: PhoneServers, gateway: VoiceGateway) -> None:
    call = await gateway.call()
    await call.start()
    question = asyncio.create_task(call.say("Welche Unterlagen brauche ich für den Reisepass?"))
    await asyncio.sleep(0.02)
    hung_up = await call.disconnect("Client Side")
    answered = await question
    assert hung_up.status == 200 and answered.status in (200, 404)
    assert phone.store.get_call(call.conversation) is None
    assert phone.store.active_calls(phone.instance) == 0
    assert_closed(phone, call)
    assert (await call.say("Hallo")).status == 404


async def test_hangup_event_closes_the_conversation(phone: PhoneServers, gateway: VoiceGateway) -> None:
    async with await gateway.call() as call:
        await call.start()
        await call.say("Hallo")
        assert (await call.hangup_event()).activities == []
        assert_closed(phone, call)


async def test_retried_activity_is_answered_once(phone: PhoneServers, gateway: VoiceGateway) -> None:
    async with await gateway.call() as call:
        await call.start()
        activity = {"type": "message", "text": "Was kostet ein Reisepass?"}
        first = await call.send(activity, activity_id="retry-1")
        again = await call.send(activity, activity_id="retry-1")
        # the gateway retried (the first answer may have been lost): the same answer again, the turn stored once
        assert "70 Euro" in first.said and again.status == 200 and again.said == first.said
        texts = [e.get("text") for e in tracker(phone, call)["events"] if e["event"] == "user"]
        assert texts.count("Was kostet ein Reisepass?") == 1


async def test_overflow_call_gets_a_callback_offer_without_nlu(phone: PhoneServers, gateway: VoiceGateway) -> None:
    admitted = [await gateway.call() for _ in range(MAX_CALLS)]
    for call in admitted:
        await call.start()
    assert phone.store.active_calls(phone.instance) == MAX_CALLS
    overflow = await gateway.call(caller="+49711555666")
    try:
        first = await overflow.start()
        assert first.event("config") and "alle Leitungen belegt" in first.said and "zurückrufen" in first.said
        confirm = await overflow.press("1")
        assert "0 7 1 1, 5 5 5, 6 6 6" in confirm.said
        windows = await overflow.say("ja")
        done = await overflow.press("1")
        assert done.hangup and "Vielen Dank" in done.said
        assert windows.status == 200
        [request] = phone.callbacks.for_conversation(overflow.conversation)
        assert request.phone == "+49711555666" and request.reason == "overflow"
        events = tracker(phone, overflow)["events"]
        assert not [e for e in events if e["event"] == "user"], "overflow calls must not reach Rasa"
    finally:
        await overflow.disconnect()
        for call in admitted:
            await call.disconnect()
    assert phone.store.active_calls(phone.instance) == 0
    async with await gateway.call() as again:  # capacity is back
        assert "Wie kann ich Ihnen helfen" in (await again.start()).said


async def test_spoken_follow_ups_keep_the_thread(phone: PhoneServers, gateway: VoiceGateway) -> None:
    """Speech-recogniser text: a move, then its documents; hours, then Saturday; a fee, then a daughter's."""
    async with await gateway.call() as call:
        await call.start()
        move = await call.say("ja hallo ich ziehe nächsten monat nach vai hingen")
        assert "Wohnsitz anmelden" in move.said
        documents = await call.say("und welche unterlagen brauch ich dafür")
        assert "Wohnungsgeber" in documents.said and "Für welche Leistung" not in documents.said
        await call.say("wann hat das bürger büro botnang offen")
        saturday = await call.say("und am samstag")
        assert "Botnang" in saturday.said and "Samstag" in saturday.said
        await call.say("was kostet ein personal aus weis")
        daughter = await call.say("und für meine tochter die ist siebzehn")
        assert "27 Euro 60" in daughter.said and "46 Euro" not in daughter.said
        for turn in (move, documents, saturday, daughter):
            assert_speakable(turn.said)


async def test_spoken_new_topics(phone: PhoneServers, gateway: VoiceGateway) -> None:
    async with await gateway.call() as call:
        await call.start()
        wait = await call.say("äh wie lange muss ich gerade im bürger büro west warten")
        assert "Bürgerbüro West" in wait.said and "Minuten" in wait.said
        deadline = await call.say("bis wann muss ich mich nach dem umzug anmelden")
        assert "zwei Wochen" in deadline.said
        situation = await call.say("meine rente reicht nicht mehr was kann ich tun")
        assert "Wohngeld" in situation.said and "112" not in situation.said
        for turn in (wait, deadline, situation):
            assert_speakable(turn.said)
