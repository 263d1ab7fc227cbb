"""Phone numbers: to E.164 when the country can be told, else kept as typed (and the caller says so)."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

KEPT_AS_TYPED = "Kept as typed: start it with + and the country code to store it in international form."


@dataclass(frozen=True)
class Phone:
    value: str
    normalised: bool  # E.164; False: kept as typed (no country to read it with)
    error: str | None = None


def normalise(raw: str) -> Phone:
    """`+44 20 7946 0958` or `0044 ...` -> `+442079460958`; a number without a country code is kept as typed."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+"):
        return Phone(raw.strip(), False)
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return Phone(raw.strip(), False, "Not a phone number we can read.")
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        return Phone(raw.strip(), False, "Not a valid phone number for its country code.")
    return Phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True)
