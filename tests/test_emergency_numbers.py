"""Emergency numbers the assistant says are the sourced ones in data/knowledge/general.yml."""

from __future__ import annotations

import re

import yaml

from bot.config import KNOWLEDGE_DIR, PROJECT_ROOT

SPOKEN_DIGITS = {"0": "null", "1": "eins", "2": "zwei"}


def _sourced_numbers() -> dict[str, str]:
    contacts = yaml.safe_load((KNOWLEDGE_DIR / "general.yml").read_text(encoding="utf-8"))["contacts"]
    numbers = {c["key"]: c["phone"] for c in contacts if c["key"].startswith("notruf_")}
    assert all(c["source_url"] and c["verified_on"] for c in contacts if c["key"].startswith("notruf_"))
    return numbers


def test_emergency_response_names_the_sourced_numbers() -> None:
    numbers = _sourced_numbers()
    assert set(numbers.values()) == {"110", "112"}
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    for variant in domain["responses"]["utter_emergency"]:
        text = variant["text"]
        if variant.get("channel") == "audiocodes":
            for number in numbers.values():
                assert " ".join(SPOKEN_DIGITS[d] for d in number) in text
        else:
            assert set(re.findall(r"\b11[02]\b", text)) == set(numbers.values())


def test_report_issue_names_only_sourced_numbers() -> None:
    source = (PROJECT_ROOT / "actions" / "report_issue.py").read_text(encoding="utf-8")
    assert set(re.findall(r"\b11[02]\b", source)) <= set(_sourced_numbers().values())
