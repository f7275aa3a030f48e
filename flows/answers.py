"""Read a numbered answer, or a word that means the same, from a reply."""

from __future__ import annotations

from collections.abc import Mapping

from messages.lexicon import Intent, classify, tokens


def pick(text: str, choices: Mapping[str, object], words: Mapping[str, Intent] = {}) -> str | None:
    """The chosen option's value: "1", "1.", " 2 " — or an intent mapped to a value."""
    found = tokens(text)
    digits = [t for t in found if t.isdigit()]
    if len(digits) == 1 and digits[0] in choices:
        return digits[0]
    if words:
        intent = classify(text)
        for value, wanted in words.items():
            if intent == wanted:
                return value
    return None
