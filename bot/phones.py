"""Phone numbers in one canonical form (E.164), parsed with the phonenumbers library."""

from __future__ import annotations

import phonenumbers


class InvalidPhoneNumber(ValueError):
    """The text is not a valid phone number for the region."""


def normalise_phone(raw: str, region: str = "DK") -> str:
    """Return the E.164 form of a number written any common way ("22 33 44 55", "+45…")."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber("not a valid phone number")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def try_normalise_phone(raw: str, region: str = "DK") -> str | None:
    """Like normalise_phone, but None for anything unparseable (inbound sender ids)."""
    try:
        return normalise_phone(raw, region)
    except InvalidPhoneNumber:
        return None
