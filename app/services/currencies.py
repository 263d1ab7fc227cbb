"""ISO 4217 currencies and exact amounts in their minor units.

Salaries are stored as integers of the currency's minor unit (cents; yen and
won have none, dinars three), so no amount is ever a float. The table lists the
active codes a salary can be paid in (no funds codes, no metals).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_TWO = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY "
    "COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR "
    "ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK "
    "MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP "
    "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER "
    "ZAR ZMW ZWG"
)
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"

# code -> digits of its minor unit
MINOR_DIGITS: dict[str, int] = {
    **dict.fromkeys(_TWO.split(), 2),
    **dict.fromkeys(_ZERO.split(), 0),
    **dict.fromkeys(_THREE.split(), 3),
}
CODES = tuple(sorted(MINOR_DIGITS))
MAX_MAJOR = Decimal(10) ** 12  # far above any salary, far below a 64-bit minor amount
_AMOUNT = re.compile(r"^-?\d{1,13}(\.\d{1,4})?$")


def normalize(value) -> str | None:
    """The code in upper case when it is one of CODES, else None."""
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    return code if code in MINOR_DIGITS else None


def to_minor(value, currency: str) -> tuple[int | None, str | None]:
    """(minor units, None) or (None, the problem): `value` a decimal string or a JSON number, more than 0.

    Floats are read through their shortest repr (85000.5 is 85000.50); more decimals
    than the currency has are refused rather than rounded.
    """
    if isinstance(value, bool) or value is None:
        return None, "Must be an amount such as 85000 or 85000.50."
    if isinstance(value, int | float):
        value = repr(value) if isinstance(value, float) else str(value)
    if not isinstance(value, str) or not _AMOUNT.match(value.strip().replace(",", "")):
        return None, "Must be an amount such as 85000 or 85000.50."
    try:
        amount = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None, "Must be an amount such as 85000 or 85000.50."
    if amount <= 0:
        return None, "Must be more than 0."
    if amount >= MAX_MAJOR:
        return None, "Is too large."
    digits = MINOR_DIGITS.get(currency, 2)
    minor = amount.scaleb(digits)
    if minor != minor.to_integral_value():
        return None, f"{currency} has {digits} decimal places at most." if digits else f"{currency} has no decimals."
    return int(minor), None


def to_major(minor: int, currency: str) -> str:
    """The exact amount as a decimal string with the currency's places: 8500050 EUR -> "85000.50"."""
    digits = MINOR_DIGITS.get(currency, 2)
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def display(minor: int, currency: str) -> str:
    """For people: "85,000.50 EUR"."""
    digits = MINOR_DIGITS.get(currency, 2)
    return f"{Decimal(minor).scaleb(-digits):,.{digits}f} {currency}"
