"""action_location: offices named in the text, districts, services."""

from actions.location import ActionLocation
from tests.actions.conftest import make_tracker, texts


async def test_auslaenderbehoerde_by_name(dispatcher) -> None:
    tracker = make_tracker("Wo ist die Ausländerbehörde?", "ask_location")
    await ActionLocation().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "Ausländerbehörde" in answer and "Eberhardstraße" in answer


async def test_buergerbuero_of_district(dispatcher) -> None:
    tracker = make_tracker("Wo ist das Bürgerbüro in Botnang?", "ask_location", {"district": "botnang"})
    await ActionLocation().run(dispatcher, tracker, {})
    assert "Klingenstraße 7" in texts(dispatcher)


async def test_buergerbuero_without_district_asks_for_it(dispatcher) -> None:
    tracker = make_tracker("Wo ist das Bürgerbüro?", "ask_location")
    await ActionLocation().run(dispatcher, tracker, {})
    assert "Stadtbezirk" in texts(dispatcher)


async def test_kfz_office_moved_in_2026(dispatcher) -> None:
    tracker = make_tracker("Wo ist die Zulassungsstelle?", "ask_location", {"service": "kfz_zulassung"})
    await ActionLocation().run(dispatcher, tracker, {})
    assert "Löwentorbogen 11" in texts(dispatcher)


async def test_nothing_known_asks_for_service(dispatcher) -> None:
    tracker = make_tracker("Wo muss ich hin?", "ask_location")
    await ActionLocation().run(dispatcher, tracker, {})
    assert "Für welche Leistung" in texts(dispatcher)
