"""Segment counting per GSM 03.38: 160/153 septets, extension characters cost two, else UCS-2."""

from __future__ import annotations

import pytest

from bot.sms import cost


@pytest.mark.parametrize(
    ("body", "segments", "encoding", "length"),
    [
        ("a" * 160, 1, "GSM", 160),
        ("a" * 161, 2, "GSM", 161),
        ("Mød kl. 8 på Østergade, Århus" + "a" * 131, 1, "GSM", 160),  # æøå are GSM-7
        ("€" * 80, 1, "GSM", 160),  # each extension character takes two septets
        ("€" * 81, 2, "GSM", 162),
        ("[x]" + "a" * 157, 2, "GSM", 162),
        ("a" * 306, 2, "GSM", 306),
        ("a" * 307, 3, "GSM", 307),
        ("ş" * 70, 1, "UCS-2", 70),  # Turkish ş is not GSM-7
        ("ş" * 71, 2, "UCS-2", 71),
        ("صباح الخير" + "ا" * 124, 2, "UCS-2", 134),
        ("😀" * 35, 1, "UCS-2", 70),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, 2, "UCS-2", 72),
        ("", 1, "GSM", 0),
    ],
)
def test_cost(body: str, segments: int, encoding: str, length: int) -> None:
    result = cost(body)
    assert (result.segments, result.encoding, result.length) == (segments, encoding, length)
