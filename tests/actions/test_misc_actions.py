"""Application status, report issue, handoff, appointment, processing time."""

from sqlalchemy.orm import Session

from actions.application_status import ActionApplicationStatus
from actions.appointment import ActionAppointment
from actions.handoff import ActionRequestCallback, ActionRequestHuman
from actions.processing_time import ActionProcessingTime
from actions.replies import unknown_reply
from actions.report_issue import ActionReportIssue
from bot.kb.models import Contact
from bot.kb.shared import repository
from tests.actions.conftest import STAFFED, make_tracker, texts


async def test_application_status_cannot_see_files(dispatcher) -> None:
    events = await ActionApplicationStatus().run(dispatcher,
                                                 make_tracker("Ist mein Pass fertig?", "ask_application_status",
                                                              {"service": "reisepass"}), {})
    assert "keine persönlichen Akten" in texts(dispatcher)
    assert events[0]["value"] == "human"


async def test_report_issue_points_to_gelbe_karte(dispatcher) -> None:
    await ActionReportIssue().run(dispatcher, make_tracker("Falschparker", "report_issue"), {})
    await ActionReportIssue().run(dispatcher, make_tracker("Falschparker", "report_issue", channel="audiocodes"), {})
    written, spoken = (m["text"] for m in dispatcher.messages)
    assert written.splitlines()[0].startswith("Schäden und Missstände wie Falschparker, wilden Müll oder eine defekte "
                                              "Laterne können Sie online melden: Gelbe Karte")
    assert written.splitlines()[1] == "Bei akuter Gefahr rufen Sie bitte 110 oder 112 an."
    assert spoken.endswith(" auf stuttgart.de melden. Bei akuter Gefahr rufen Sie bitte 110 oder 112 an.")


async def test_report_issue_reads_the_emergency_numbers_from_the_contacts(dispatcher, sqlite_engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        session.get(Contact, "notruf_feuerwehr").phone = "999"  # a changed fact reaches the answer
    await ActionReportIssue().run(dispatcher, make_tracker("Falschparker", "report_issue"), {})
    assert texts(dispatcher).splitlines()[1] == "Bei akuter Gefahr rufen Sie bitte 110 oder 999 an."


async def test_unknown_answer_points_to_the_service_portal_of_the_contacts(sqlite_engine) -> None:
    opening = "Zu „Meldebescheinigung“ habe ich leider keine geprüften Angaben zu den Gebühren."
    hotline = "Oder rufen Sie die Behördennummer 115 an (Montag bis Freitag 8 bis 18 Uhr)."
    reply = unknown_reply(repository(), "Meldebescheinigung", "den Gebühren", None)
    pointer = "Bitte sehen Sie auf der offiziellen Seite nach: https://service.stuttgart.de/portal"
    assert reply.text == f"{opening} {pointer} {hotline}"
    with Session(sqlite_engine) as session, session.begin():
        session.delete(session.get(Contact, "service_portal"))
    repository().dispose()
    repository.cache_clear()
    reply = unknown_reply(repository(), "Meldebescheinigung", "den Gebühren", None)
    assert reply.text == f"{opening} Bitte sehen Sie auf stuttgart.de nach. {hotline}"


async def test_request_human_and_callback(dispatcher, clock) -> None:
    clock(*STAFFED)  # closed hours: tests/actions/test_fallback.py, tests/actions/test_handoff_contact.py
    await ActionRequestHuman().run(dispatcher, make_tracker("Mitarbeiter bitte", "request_human"), {})
    connecting = "Ich verbinde Sie mit einer Mitarbeiterin oder einem Mitarbeiter. Sie sind an Position 1."
    assert connecting in texts(dispatcher)
    await ActionRequestCallback().run(dispatcher, make_tracker("Rückruf", "request_callback"), {})
    assert "Unter welcher Telefonnummer können wir Sie erreichen?" in dispatcher.messages[-1]["text"]


async def test_appointment_personalausweis(dispatcher) -> None:
    await ActionAppointment().run(dispatcher,
                                  make_tracker("Brauche ich einen Termin?", "ask_appointment",
                                               {"service": "personalausweis"}), {})
    service = repository().service("personalausweis")  # the rule and note of the knowledge base
    lines = texts(dispatcher).splitlines()
    assert lines[:3] == ["Personalausweis: Sie brauchen keinen Termin.", service.appointment_note,
                         f"Mehr dazu: {service.info_url}"]
    assert lines[3].startswith("Quelle: ")


async def test_processing_time_known_and_unknown(dispatcher) -> None:
    await ActionProcessingTime().run(dispatcher,
                                     make_tracker("Wie lange dauert der eAT?", "ask_processing_time",
                                                  {"service": "aufenthaltstitel"}), {})
    await ActionProcessingTime().run(dispatcher,
                                     make_tracker("Wie lange dauert Wohngeld?", "ask_processing_time",
                                                  {"service": "wohngeld"}), {})
    await ActionProcessingTime().run(dispatcher,
                                     make_tracker("Wie lange dauert die Gewerbeanmeldung?", "ask_processing_time",
                                                  {"service": "gewerbeanmeldung"}), {})
    first, second, third = (m["text"] for m in dispatcher.messages)
    assert "Monate" in first
    assert "sechs bis sieben Monate" in second and "keine Zusage" in second  # an average, sourced
    assert "kontextwochenzeitung.de" in second
    assert "keine geprüften Angaben" in third
