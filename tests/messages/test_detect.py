"""Which language a message is written in: only when clear, measured on the labelled phrases."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from messages.detect import detect_language

PHRASES = Path(__file__).with_name("intent_phrases.tsv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hastayım", "tr"),
        ("jeg er syg", "da"),
        ("syg", None),  # a word Makker teaches says nothing about the language
        ("RASK", None),
        ("I am sick today", "en"),
        ("main bimar hoon", "ur"),
        ("میں بیمار ہوں", "ur"),
        ("أنا مريض", "ar"),
        ("من مریضم", "fa"),
        ("я хворію", "uk"),
        ("waan jiranahay", "so"),
        ("1", None),
        ("ok", None),
        ("🤒", None),
        ("", None),
    ],
)
def test_clear_cases(text: str, expected: str | None) -> None:
    """Script and language-only words decide; numbers, emoji and shared words do not."""
    assert detect_language(text) == expected


def test_labelled_phrases_are_rarely_misread() -> None:
    """Over the labelled set: mostly right, almost never a wrong language (prints the table)."""
    with PHRASES.open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source, delimiter="\t"))
    outcome: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        got = detect_language(row["text"])
        verdict = "right" if got == row["language"] else "none" if got is None else "wrong"
        outcome[row["language"]][verdict] += 1
    print("\nlanguage detection over the labelled phrases (right / unsure / wrong):")
    for code, counts in sorted(outcome.items()):
        print(f"  {code}: {counts['right']} / {counts['none']} / {counts['wrong']}")
    total = Counter[str]()
    for counts in outcome.values():
        total.update(counts)
    assert total["right"] / len(rows) >= 0.85
    assert total["wrong"] / len(rows) <= 0.02
