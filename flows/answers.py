"""Read a numbered answer, or a word that means the same, from a reply."""

from __future__ import annotations

from collections.abc import Mapping

from messages.lexicon import Intent, classify, tokens

_PUNCTUATION = frozenset(".,!?)(:-")


def pick(text: str, choices: Mapping[str, object], words: Mapping[str, Intent] = {}) -> str | None:
    """The chosen option's value: "1", "1.", " 2 " — or an intent mapped to a value.

    A number counts only when it is (nearly) the whole answer: "jeg er syg i 2 dage" is not 2.
    """
    found = [t for t in tokens(text) if t not in _PUNCTUATION]
    if len(found) == 1 and found[0].isdigit() and found[0] in choices:
        return found[0]
    if words:
        intent = classify(text)
        for value, wanted in words.items():
            if intent == wanted:
                return value
    return None
