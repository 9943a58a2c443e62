"""Hypothesis on the channel parsers (bench/helpers/fuzz_parsers.py): valid result or own error, never a crash.

Small and derandomized (the same cases on every run); ``bench/fuzz.py`` runs the same
properties with ≥ 10,000 cases.
"""

from __future__ import annotations

import pytest

from bench.helpers.fuzz_parsers import properties, run_property
from bot.handoff.contact import protect_contact

#: Cases per property: the whole file stays well under 20 s on the 2 shared cores.
EXAMPLES = 60
PROPERTIES = properties()


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_property(name: str) -> None:
    strategy, check = PROPERTIES[name]
    assert run_property(strategy, check, EXAMPLES, derandomize=True) >= 1


def test_numbers_separated_by_a_space_are_both_redacted() -> None:
    """Found by the fuzzer: two numbers with only a space between them read as one invalid
    number, and neither was replaced."""
    protected, phone, _ = protect_contact("Nummer 0711 123456 0711 654321 bitte")
    assert protected == "Nummer [Telefonnummer] [Telefonnummer] bitte" and phone == "+49711123456"
    protected, _, _ = protect_contact("010 1000 010 1000 010 1000 0711 123456")
    assert "0" not in protected.replace("[Telefonnummer]", "")
