"""What an SMS body costs: GSM-7 or UCS-2, and how many segments (each billed as one SMS)."""

from __future__ import annotations

import math
from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")  # each costs two septets
GSM_ALL = GSM_BASIC | GSM_EXTENSION


@dataclass(frozen=True)
class Cost:
    """Segments, the encoding, and the length in that encoding's units."""

    segments: int
    encoding: str  # "GSM" or "UCS-2"
    length: int


def cost(body: str) -> Cost:
    """GSM-7 (160 in one, 153 per part) unless any character forces UCS-2 (70, else 67)."""
    if GSM_ALL.issuperset(body):
        length = len(body) + sum(body.count(ch) for ch in GSM_EXTENSION)
        return Cost(1 if length <= 160 else math.ceil(length / 153), "GSM", length)
    length = len(body.encode("utf-16-le")) // 2
    return Cost(1 if length <= 70 else math.ceil(length / 67), "UCS-2", length)


def segments(body: str) -> int:
    """How many SMS segments the body is sent as."""
    return cost(body).segments
