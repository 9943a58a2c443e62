"""action_opening_hours: now/today/tomorrow/weekday, holidays, unknown hours."""

from __future__ import annotations

from actions.opening_hours import ActionOpeningHours
from tests.actions.conftest import make_tracker, texts


async def test_open_now(dispatcher, clock) -> None:
    clock(2026, 11, 26, 9, 15)  # Thursday
    tracker = make_tracker("Hat das Bürgerbüro Botnang jetzt offen?", "ask_opening_hours", {"district": "botnang"})
    await ActionOpeningHours().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "hat jetzt geöffnet, heute bis 12:00 Uhr" in answer
    assert "Montag: 8:30 Uhr bis 13:00 Uhr" in answer


async def test_closed_on_saturday_names_next_opening(dispatcher, clock) -> None:
    clock(2026, 11, 26, 9, 15)
    tracker = make_tracker("Hat Botnang am Samstag offen?", "ask_opening_hours", {"district": "botnang"})
    await ActionOpeningHours().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "Am Samstag, 28.11.2026 ist Bürgerbüro Botnang geschlossen" in answer
    assert "Nächste Öffnung: Montag, 30.11.2026, 8:30 Uhr" in answer


async def test_holiday_is_closed(dispatcher, clock) -> None:
    clock(2026, 12, 23, 10, 0)
    tracker = make_tracker("Hat Untertürkheim am 25.12. offen?", "ask_opening_hours", {"district": "untertuerkheim"})
    await ActionOpeningHours().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "geschlossen (Feiertag" in answer


async def test_tomorrow_with_two_ranges_spoken(dispatcher, clock) -> None:
    clock(2026, 11, 25, 20, 0)  # Wednesday evening → Thursday
    tracker = make_tracker("Hat Untertürkheim morgen offen?", "ask_opening_hours", {"district": "untertuerkheim"},
                           channel="audiocodes")
    await ActionOpeningHours().run(dispatcher, tracker, {})
    spoken = texts(dispatcher)
    assert "8 Uhr 30 bis 12 Uhr und 14 Uhr bis 18 Uhr" in spoken
    assert "http" not in spoken


async def test_unknown_hours_say_so(dispatcher, clock) -> None:
    clock(2026, 11, 26, 9, 15)
    tracker = make_tracker("Wann hat das Fundbüro offen?", "ask_opening_hours")
    await ActionOpeningHours().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "keine geprüften Angaben" in answer and "115" in answer


async def test_district_without_known_buergerbuero(dispatcher, clock) -> None:
    clock(2026, 11, 26, 9, 15)
    tracker = make_tracker("Bürgerbüro Birkach Öffnungszeiten", "ask_opening_hours", {"district": "birkach"})
    await ActionOpeningHours().run(dispatcher, tracker, {})
    assert "keine geprüften Angaben" in texts(dispatcher)


async def test_closed_buergerbuero_gives_no_hours_but_says_it_is_closed(dispatcher, clock) -> None:
    tracker = make_tracker("Wann hat das Bürgerbüro Nord offen?", "ask_opening_hours", {"district": "nord"})
    await ActionOpeningHours().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "Geschlossen" in answer and "anderes Bürgerbüro" in answer and "Uhr" not in answer
