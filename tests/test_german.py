"""Written and spoken German formats."""

from datetime import date, time

from bot.german import clock, clock_spoken, day_label, day_relative, euro, euro_spoken


def test_euro() -> None:
    assert euro(4600) == "46,00 Euro"
    assert euro(2760) == "27,60 Euro"
    assert euro(123456) == "1.234,56 Euro"
    assert euro_spoken(2760) == "27 Euro 60"
    assert euro_spoken(4600) == "46 Euro"
    assert euro_spoken(0) == "kostenlos"


def test_times_and_days() -> None:
    assert clock(time(8, 30)) == "8:30 Uhr"
    assert clock_spoken(time(13, 0)) == "13 Uhr"
    assert clock_spoken(time(8, 30)) == "8 Uhr 30"
    assert day_label(date(2026, 11, 30)) == "Montag, 30.11.2026"


def test_day_relative_says_today_tomorrow_or_the_date() -> None:
    today = date(2026, 11, 27)  # a Friday
    assert day_relative(today, today) == "heute"
    assert day_relative(date(2026, 11, 28), today, spoken=True) == "morgen"
    assert day_relative(date(2026, 11, 30), today) == "am Montag, 30.11."
    assert day_relative(date(2026, 11, 30), today, spoken=True) == "am Montag, den 30. November"
