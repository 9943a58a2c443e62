"""Formatting of facts for German citizens: written and spoken (voice) forms."""

from __future__ import annotations

from datetime import date, time, timedelta

WEEKDAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def euro(cents: int) -> str:
    """Written amount: ``4600`` → ``"46,00 Euro"``."""
    whole, rest = divmod(cents, 100)
    return f"{whole:,}".replace(",", ".") + f",{rest:02d} Euro"


def euro_spoken(cents: int) -> str:
    """Spoken amount: ``2760`` → ``"27 Euro 60"``, ``4600`` → ``"46 Euro"``."""
    whole, rest = divmod(cents, 100)
    if cents == 0:
        return "kostenlos"
    return f"{whole} Euro" + (f" {rest}" if rest else "")


def clock(moment: time) -> str:
    """Written time: ``08:30`` → ``"8:30 Uhr"``."""
    return f"{moment.hour}:{moment.minute:02d} Uhr"


def clock_spoken(moment: time) -> str:
    """Spoken time: ``08:30`` → ``"8 Uhr 30"``, ``13:00`` → ``"13 Uhr"``."""
    return f"{moment.hour} Uhr" + (f" {moment.minute}" if moment.minute else "")


def day_label(day: date) -> str:
    """``"Montag, 30.11.2026"``."""
    return f"{WEEKDAY_NAMES[day.weekday()]}, {day.day:02d}.{day.month:02d}.{day.year}"


def day_spoken(day: date) -> str:
    """``"Montag, den 30. November"``."""
    months = (
        "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
        "August", "September", "Oktober", "November", "Dezember",
    )
    return f"{WEEKDAY_NAMES[day.weekday()]}, den {day.day}. {months[day.month - 1]}"


def day_relative(day: date, today: date, spoken: bool = False) -> str:
    """``"heute"``, ``"morgen"``, else ``"am Montag, 30.11."`` (``spoken``: ``"am Montag, den 30. November"``)."""
    if day == today:
        return "heute"
    if day == today + timedelta(days=1):
        return "morgen"
    if spoken:
        return f"am {day_spoken(day)}"
    return f"am {WEEKDAY_NAMES[day.weekday()]}, {day.day:02d}.{day.month:02d}."


def german_date(day: date) -> str:
    """``"07.02.2026"``."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"
