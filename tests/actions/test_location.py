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


async def test_many_buergerbueros_point_to_the_overview_page(dispatcher) -> None:
    tracker = make_tracker("Wo beantrage ich einen Personalausweis?", "ask_location", {"service": "personalausweis"})
    await ActionLocation().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "Nennen Sie mir Ihren Stadtbezirk" in answer
    assert "https://www.stuttgart.de/service/buergerbueros.php" in answer


async def test_closed_buergerbuero_says_so(dispatcher) -> None:
    tracker = make_tracker("Wo ist das Bürgerbüro Feuerbach?", "ask_location", {"district": "feuerbach"})
    await ActionLocation().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "Geschlossen" in answer and "anderes Bürgerbüro" in answer
