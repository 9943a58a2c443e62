"""Every fact is sourced and dated; nothing from the research's must-not list is stated.

The must-not list is section 4 of ``shared/research/stuttgart-facts-2026-12.md``; each
entry is encoded as a concrete check over the parsed seed files (everything a citizen can
read: names, addresses, notes, documents, forms, fees, processing times, requirements,
life-situation lines, contacts).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlparse

import pytest

from bot.kb.seed import Seed

#: Tier D of the research file (third-party code, scraped or generated material): never the
#: only source of a citizen-visible fact. Our rows have one source each, so: never at all.
TIER_D_HOSTS = ("github.com", "githubusercontent.com", "gitlab.com", "scribd.com", "newsfact.live", "mawista.com")
CLOSED_OFFICES = {"buergerbuero_feuerbach", "buergerbuero_moehringen", "buergerbuero_nord"}
NOT_OPEN = CLOSED_OFFICES | {"buergerbuero_sued"}  # Süd: closed in October 2025, reopening unconfirmed
NO_FEE_SERVICES = ("meldebescheinigung", "gewerbeanmeldung", "fuehrerschein", "kfz_zulassung", "fundsache",
                   "bewohnerparkausweis")
NO_HOURS_OFFICES = ("kfz_zulassung_fuehrerscheinstelle", "fundbuero", "jobcenter_stuttgart", "wohngeldstellen")


def fact_rows(seed: Seed) -> Iterator[tuple[str, object]]:
    """(label, row) for every row that carries source_url and verified_on."""
    for office in seed.offices:
        yield f"office {office.key}", office
        for row in [*office.hours, *office.closures]:
            yield f"office {office.key} hours/closure", row
    for service in seed.services:
        yield f"service {service.key}", service
        for row in [*service.documents, *service.forms, *service.fees, *service.processing_times,
                    *service.notes, *service.requirements]:
            yield f"service {service.key} {type(row).__name__}", row
    for situation in seed.situations:
        for step in situation.steps:
            yield f"situation {situation.key}", step
    for contact in seed.contacts:
        yield f"contact {contact.key}", contact


def texts(seed: Seed) -> Iterator[tuple[str, str]]:
    """(subject key, text) for every string a citizen can read."""
    for office in seed.offices:
        for text in (office.name, office.address, office.note, office.accessibility):
            if text:
                yield office.key, text
    for service in seed.services:
        rows = [service.name, service.appointment_note, service.online_note]
        rows += [d.text for d in service.documents] + [d.note for d in service.documents]
        rows += [f.title for f in service.forms] + [f.condition for f in service.fees]
        rows += [p.text for p in service.processing_times] + [n.text for n in service.notes]
        rows += [r.text for r in service.requirements]
        for text in rows:
            if text:
                yield service.key, text
    for situation in seed.situations:
        yield situation.key, situation.name
        for step in situation.steps:
            yield step.service_key, step.text
    for contact in seed.contacts:
        for text in (contact.name, contact.hours_text):
            if text:
                yield contact.key, text


def test_every_fact_row_has_a_source_url_and_a_plausible_date(seed) -> None:
    rows = list(fact_rows(seed))
    assert len(rows) > 300
    for label, row in rows:
        assert row.source_url and urlparse(row.source_url).scheme in {"http", "https"}, label
        assert isinstance(row.verified_on, date), label
        assert date(1990, 1, 1) <= row.verified_on <= date(2026, 12, 1), (label, row.verified_on)
    for office in seed.offices:  # a known status carries its own source
        if office.status != "unknown":
            assert office.status_source_url and office.status_verified_on, office.key
    for service in seed.services:  # so does an online note
        if service.online_note:
            assert urlparse(service.online_note_source_url).scheme in {"http", "https"}, service.key
            assert date(1990, 1, 1) <= service.online_note_verified_on <= date(2026, 12, 1), service.key


def test_no_source_is_a_tier_d_host(seed) -> None:
    for label, row in fact_rows(seed):
        host = urlparse(row.source_url).hostname or ""
        assert not any(host == d or host.endswith("." + d) for d in TIER_D_HOSTS), (label, row.source_url)
    for office in seed.offices:
        host = urlparse(office.status_source_url or "https://x").hostname or ""
        assert not any(host.endswith(d) for d in TIER_D_HOSTS), office.key


def test_no_old_express_passport_fee(seed) -> None:
    for service in seed.services:
        assert all(fee.amount_cents != 9200 for fee in service.fees), service.key
    for key, text in texts(seed):
        assert not re.search(r"\b92(,00)?\s*(Euro|€)", text), (key, text)
    fees = {(f.amount_cents, f.condition) for s in seed.services if s.key == "reisepass" for f in s.fees}
    assert (3200, "Expresszuschlag") in fees  # the surcharge of § 15 PassV, not a total of 92


def test_no_old_personalausweis_price_as_fee(seed) -> None:
    ausweis = next(s for s in seed.services if s.key == "personalausweis")
    amounts = {fee.amount_cents for fee in ausweis.fees}
    assert {4600, 2760} <= amounts and not amounts & {3700, 2280}


def test_no_krailenshaldenstrasse_for_the_fuehrerscheinstelle(seed) -> None:
    for key, text in texts(seed):
        assert "krailenshalden" not in text.lower(), (key, text)
    office = next(o for o in seed.offices if o.key == "kfz_zulassung_fuehrerscheinstelle")
    assert office.address and "Löwentorbogen 11" in office.address


def test_no_old_naturalisation_rules(seed) -> None:
    subject = {"einbuergerung"}
    old_years = re.compile(r"\b(acht|sieben|sechs|drei|8|7|6|3)\s*(Jahre|Jahren)\b", re.IGNORECASE)
    for key, text in texts(seed):
        if key in subject or "inbürger" in text:
            assert not old_years.search(text), (key, text)
            assert "aufgeben" not in text.lower() and "turbo" not in text.lower(), (key, text)
    fees = {f.amount_cents for s in seed.services if s.key == "einbuergerung" for f in s.fees}
    assert fees == {25500, 5100}


def test_no_newsfact_live_source(seed) -> None:
    for label, row in fact_rows(seed):
        assert "newsfact.live" not in row.source_url, label


def test_closed_offices_are_never_listed_as_open(seed) -> None:
    offices = {office.key: office for office in seed.offices}
    for key in CLOSED_OFFICES:
        assert offices[key].status == "closed", key
        assert not offices[key].hours, key  # no opening hours that would invite a visit
    assert offices["buergerbuero_sued"].status != "open"
    for service in seed.services:
        listed = {office.key for office in service.offices}
        assert not listed & NOT_OPEN, (service.key, listed & NOT_OPEN)


def test_no_kinderreisepass_and_no_paper_photo(seed) -> None:
    for key, text in texts(seed):
        if "kinderreisep" in text.lower():
            assert "nicht mehr" in text or "keine" in text, (key, text)
    for service in seed.services:
        for doc in service.documents:
            if re.search(r"passbild|passfoto|lichtbild", doc.text, re.IGNORECASE):
                assert "digital" in doc.text, (service.key, doc.text)


@pytest.mark.parametrize("key", NO_FEE_SERVICES)
def test_no_invented_fee(seed, key) -> None:
    service = next(s for s in seed.services if s.key == key)
    assert service.fees == [], key
    assert any(u.subject_key == key and u.topic == "fees" for u in seed.unknown)


@pytest.mark.parametrize("key", NO_HOURS_OFFICES)
def test_no_invented_opening_hours(seed, key) -> None:
    office = next(o for o in seed.offices if o.key == key)
    assert not office.hours_known and not office.hours, key


def test_no_count_of_22_buergerbueros_and_no_65_for_grundsicherung(seed) -> None:
    for key, text in texts(seed):
        assert not re.search(r"\b22\s+Bürgerbüros", text), (key, text)
        if key == "grundsicherung" or "Grundsicherung im Alter" in text:
            assert not re.search(r"\bab 65\b|65\. Lebensjahr", text), (key, text)


def test_processing_times_of_wohngeld_and_einbuergerung_are_averages(seed) -> None:
    for key in ("wohngeld", "einbuergerung"):
        service = next(s for s in seed.services if s.key == key)
        text = service.processing_times[0].text
        assert "keine Zusage" in text and ("Schnitt" in text or "normalerweise" in text), text


def test_buergergeld_reform_is_not_stated_as_certain(seed) -> None:
    for key, text in texts(seed):
        if "Juli 2026" in text or "Grundsicherung ab" in text:
            assert "soll" in text, (key, text)
