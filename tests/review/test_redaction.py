"""Redaction of personal data: what must go, what must stay, and linear time on long input."""

from __future__ import annotations

import time

import pytest

from bot.review.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # phone numbers
        ("Rufen Sie mich unter +49 711 216-0 an.", "Rufen Sie mich unter [TELEFON] an."),
        ("Meine Nummer ist 0711/2160", "Meine Nummer ist [TELEFON]"),
        ("handy 0176 12345678 bitte", "handy [TELEFON] bitte"),
        ("0176-12345678", "[TELEFON]"),
        ("0049 711 2160 123", "[TELEFON]"),
        ("+49 (0)711 216-0", "[TELEFON]"),
        ("(0711) 216 0 123", "[TELEFON]"),
        ("+4917612345678", "[TELEFON]"),
        ("tel: 07112160123", "tel: [TELEFON]"),
        ("0711 / 216 - 0", "[TELEFON]"),
        # e-mail
        ("Schreiben Sie an max.mustermann@example.de bitte", "Schreiben Sie an [E-MAIL] bitte"),
        ("MEINE MAIL: Anna_B+test@mail.stuttgart.de.", "MEINE MAIL: [E-MAIL]."),
        ("erika (at) web.de", "[E-MAIL]"),
        # IBAN
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN [IBAN]"),
        ("iban de89370400440532013000 danke", "iban [IBAN] danke"),
        ("GB82 WEST 1234 5698 7654 32", "[IBAN]"),
        ("AT61 1904 3002 3457 3201", "[IBAN]"),
        ("DE12 3456 7890 1234 5678 90", "[IBAN]"),  # wrong checksum, still a German IBAN
        # tax IDs
        ("Meine Steuer-ID ist 12 345 678 901.", "Meine Steuer-ID ist [STEUER-ID]."),
        ("steuerid 12345678901", "steuerid [STEUER-ID]"),
        ("Steuernummer 93815/08152", "Steuernummer [STEUER-ID]"),
        ("steuernummer 2893081508152", "steuernummer [STEUER-ID]"),
        ("St.-Nr. 181/815/08155", "St.-Nr. [STEUER-ID]"),
        # dates (of birth)
        ("Ich bin am 01.02.1980 geboren", "Ich bin am [DATUM] geboren"),
        ("geb. 1.2.80", "geb. [DATUM]"),
        ("Geburtsdatum: 1980-02-01", "Geburtsdatum: [DATUM]"),
        ("geboren am 3. Mai 1975 in Ulm", "geboren am [DATUM] in Ulm"),
        ("geboren am 3. mai", "geboren am [DATUM]"),
        ("geboren am 17.4.", "geboren am [DATUM]"),
        ("mein geburtstag ist der 12. maerz 1990", "mein geburtstag ist der [DATUM]"),
        ("Datum 01/02/1980", "Datum [DATUM]"),
        # street addresses
        ("Ich wohne Marktplatz 1 in Stuttgart", "Ich wohne [ADRESSE] in Stuttgart"),
        ("Hauptstätter Str. 66a", "[ADRESSE]"),
        ("hauptstaetter strasse 66a", "[ADRESSE]"),
        ("Königstraße 12, 70173 Stuttgart", "[ADRESSE], 70173 Stuttgart"),
        ("koenigstrasse 12", "[ADRESSE]"),
        ("Eberhardstraße 33-35", "[ADRESSE]"),
        ("Am Wallgraben 3", "Am [ADRESSE]"),
        ("Kirchweg 4/1", "[ADRESSE]"),
        ("Karl-Schurz-Straße 5", "[ADRESSE]"),
        ("Tübinger Straße 5 b", "[ADRESSE] b"),
        ("Neue Weinsteige 12", "Neue [ADRESSE]"),
        # mixed
        (
            "Ich, geb. 3.5.1970, Königstraße 1, Tel 0711 123456, a@b.de",
            "Ich, geb. [DATUM], [ADRESSE], Tel [TELEFON], [E-MAIL]",
        ),
    ],
)
def test_personal_data_is_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Der Personalausweis kostet 37,00 Euro.",
        "Das kostet 37 Euro und 80 Cent",
        "Geöffnet von 8 bis 12 Uhr.",
        "Termin um 08:30 oder 14:00 Uhr",
        "Sprechzeiten 8.30 - 12.00 Uhr",
        "Ich brauche 2 Termine für 3 Personen.",
        "Die Bearbeitung dauert 4 bis 6 Wochen.",
        "PLZ 70173",
        "70173 Stuttgart",
        "Bürgerbüro Mitte",
        "Bürgerbüro Bad Cannstatt, Marktplatz",
        "Wo ist der Marktplatz?",
        "Reisepass beantragen",
        "Führerschein Klasse B",
        "Zulassungsbescheinigung Teil 1",
        "Seit 1980 wohne ich hier, 2024 bin ich umgezogen.",
        "Sie sind auf Platz 2 der Warteschlange",
        "in der Straße 5 Häuser weiter",
        "Ich habe 1234 Euro bezahlt",
        "Es kostet 1.250 Euro",
        "Formular Nummer 12",
        "Aktenzeichen fehlt",
        "am 15.3. habe ich einen Termin",
        "bis 31.12.",
        "Position 3, Wartezeit etwa 12 Minuten",
        "Hallo, ich möchte mit einem Menschen sprechen",
        "wie lange dauert ein perso",
        "0 bis 5 Jahre",
        "Kinder unter 12 Jahren",
        "",
    ],
)
def test_ordinary_content_stays(text: str) -> None:
    assert redact(text) == text


def test_non_string_gives_empty_text() -> None:
    assert redact(None) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "chunk",
    ["a", "a-", "0", "01 ", "+4", "1.", "a.", "a@", "de89 ", "weg ", "straße 1", "ab12", "x@y.", "1 "],
)
def test_long_input_finishes_quickly(chunk: str) -> None:
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    started = time.monotonic()
    result = redact(text + "!")
    assert isinstance(result, str)
    assert time.monotonic() - started < 10.0
