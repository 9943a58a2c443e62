"""Emergency numbers the assistant says are the sourced ones in data/knowledge/general.yml."""

from __future__ import annotations

import re

import yaml

from bot.config import KNOWLEDGE_DIR, PROJECT_ROOT

SPOKEN_DIGITS = {"0": "null", "1": "eins", "2": "zwei"}


def _contacts() -> list[dict]:
    contacts = yaml.safe_load((KNOWLEDGE_DIR / "general.yml").read_text(encoding="utf-8"))["contacts"]
    assert all(c["source_url"] and c["verified_on"] for c in contacts)
    return contacts


def _sourced_numbers() -> dict[str, str]:
    return {c["key"]: c["phone"] for c in _contacts() if c["key"].startswith("notruf_")}


def _crisis_numbers() -> set[str]:
    return {c["phone"] for c in _contacts() if c["key"].startswith("telefonseelsorge")}


def _variants() -> list[tuple[dict, str]]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [(v, v.get("text") or v["custom"]["text"]) for v in domain["responses"]["utter_emergency"]]


def _spoken(number: str) -> str:
    """How the phone prompt says a number: 112 -> "eins eins zwei", 0800 111 0 111 -> "null acht hundert, …"."""
    groups = number.split()
    if groups[0] == "0800":
        return ", ".join(["null acht hundert"] + [" ".join(SPOKEN_DIGITS[d] for d in g) for g in groups[1:]])
    return " ".join(SPOKEN_DIGITS[d] for d in number)


def _suicidal(variant: dict) -> bool:
    return any(c["name"] == "danger" and c["value"] == "suicide" for c in variant.get("condition") or [])


def test_emergency_response_names_the_sourced_numbers() -> None:
    numbers = _sourced_numbers()
    assert set(numbers.values()) == {"110", "112"}
    for variant, text in _variants():
        if variant.get("channel") == "audiocodes":
            for number in numbers.values():
                assert _spoken(number) in text
        else:
            assert set(re.findall(r"\b11[02]\b", text)) == set(numbers.values())


def test_suicidal_intent_adds_the_sourced_telefonseelsorge() -> None:
    crisis = _crisis_numbers()
    assert crisis == {"0800 111 0 111", "0800 111 0 222"}
    suicidal = [(v, t) for v, t in _variants() if _suicidal(v)]
    assert {v.get("channel") for v, _ in suicidal} == {None, "audiocodes"}
    for variant, text in suicidal:
        for number in crisis:
            assert (_spoken(number) if variant.get("channel") == "audiocodes" else number) in text
    for variant, text in _variants():
        if not _suicidal(variant):
            assert "0800" not in text and "TelefonSeelsorge" not in text


def test_phone_emergency_prompts_cannot_be_interrupted() -> None:
    for variant, _ in _variants():
        if variant.get("channel") == "audiocodes":
            assert variant["custom"]["activityParams"]["bargeIn"] is False


def test_report_issue_has_no_emergency_number_of_its_own() -> None:
    """It reads them from the contacts (its answer: tests/actions/test_misc_actions.py)."""
    source = (PROJECT_ROOT / "actions" / "report_issue.py").read_text(encoding="utf-8")
    assert re.findall(r"\b11[02]\b", source) == []
    assert set(_sourced_numbers()) <= set(re.findall(r"notruf_\w+", source))
