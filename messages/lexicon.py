"""Understand what people write: per-language keyword lists mapped to intents."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from enum import StrEnum


class Intent(StrEnum):
    """What a free-text message asks for."""

    SICK = "sick"
    CHILD_SICK = "child_sick"
    RECOVERED = "recovered"
    HELP = "help"
    STOP = "stop"
    START = "start"
    LANGUAGE = "language"
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


# Commands act on the whole account, so they must be the whole message (no fuzzy matching):
# "I can't stop coughing" must never opt anybody out.
COMMANDS: dict[Intent, frozenset[str]] = {
    Intent.STOP: frozenset(
        {"stop", "stopp", "afmeld", "frameld", "unsubscribe", "dur", "durdur", "iptal"}
    ),
    Intent.START: frozenset({"start", "tilmeld", "basla", "subscribe", "unstop"}),
    Intent.HELP: frozenset(
        {"help", "hjaelp", "hjalp", "hjælp", "menu", "yardim", "info", "?", "hilfe"}
    ),
    Intent.LANGUAGE: frozenset(
        {"language", "sprog", "dil", "lang", "sprache", "languages", "sprak", "sprog?"}
    ),
}

# Words that signal an intent anywhere in a message, per language (da, en, tr together:
# people mix languages, and a Turkish speaker may well write Danish).
WORDS: dict[Intent, frozenset[str]] = {
    Intent.SICK: frozenset(
        {
            # Danish
            "syg",
            "sygdom",
            "sygemeld",
            "sygemelder",
            "sygemelding",
            "sygemeldt",
            "feber",
            "influenza",
            "forkølet",
            "forkolet",
            "ondt",
            "kaster",
            "sgy",
            # English
            "sick",
            "ill",
            "illness",
            "unwell",
            "fever",
            "flu",
            "vomiting",
            # Turkish
            "hasta",
            "hastayim",
            "hastayım",
            "rahatsiz",
            "rahatsizim",
            "rahatsızım",
            "ates",
            "ateş",
            "ateşim",
            "grip",
            "hastalandim",
            "hastalandım",
            # emoji
            "🤒",
            "🤢",
            "🤮",
            "🤧",
            "😷",
        }
    ),
    Intent.RECOVERED: frozenset(
        {
            "rask",
            "raske",
            "frisk",
            "bedre",
            "tilbage",
            "raskmeld",
            "raskmelder",
            "raskmeldt",
            "better",
            "recovered",
            "healthy",
            "well",
            "back",
            "iyiyim",
            "iyilestim",
            "iyileştim",
            "düzeldim",
            "duzeldim",
            "geçti",
            "gecti",
            "💪",
        }
    ),
    Intent.YES: frozenset({"ja", "jo", "yes", "yeah", "yep", "ok", "evet", "tamam", "👍"}),
    Intent.NO: frozenset({"nej", "no", "nope", "hayir", "hayır", "yok", "👎"}),
}

CHILD_WORDS = frozenset(
    {
        "barn",
        "barnet",
        "børn",
        "born",
        "børnene",
        "bornene",
        "søn",
        "son",
        "datter",
        "child",
        "kid",
        "kids",
        "children",
        "daughter",
        "baby",
        "çocuk",
        "cocuk",
        "çocuğum",
        "cocugum",
        "oğlum",
        "oglum",
        "kızım",
        "kizim",
        "bebek",
    }
)
NEGATIONS = frozenset({"ikke", "not", "no", "değilim", "degilim", "değil", "degil", "artık"})

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_FUZZY_MIN_LENGTH = 4
_FUZZY_RATIO = 0.8


def fold(text: str) -> str:
    """Lower-case, NFKC, Turkish dotless i and Danish letters folded, accents dropped."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ı", "i")
    text = text.replace("æ", "ae").replace("ø", "o").replace("å", "aa")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Words and single symbols (emoji survive as their own tokens)."""
    return _TOKEN.findall(fold(text))


def _folded_set(words: frozenset[str]) -> frozenset[str]:
    """The same word list after folding, so lookups compare like with like."""
    return frozenset(fold(w) for w in words)


_COMMANDS = {intent: _folded_set(words) for intent, words in COMMANDS.items()}
_WORDS = {intent: _folded_set(words) for intent, words in WORDS.items()}
_CHILD = _folded_set(CHILD_WORDS)
_NEGATIONS = _folded_set(NEGATIONS)


def _matches(token: str, vocabulary: frozenset[str]) -> bool:
    """Exact match, or a small typo in a word long enough to tell apart."""
    if token in vocabulary:
        return True
    if len(token) < _FUZZY_MIN_LENGTH:
        return False
    return any(
        abs(len(token) - len(word)) <= 1
        and SequenceMatcher(None, token, word).ratio() >= _FUZZY_RATIO
        for word in vocabulary
        if len(word) >= _FUZZY_MIN_LENGTH
    )


def command(text: str) -> Intent | None:
    """A whole-message command (STOP, START, HELP, LANGUAGE), if the text is one."""
    words = [t for t in tokens(text) if t not in {".", "!"}]
    if len(words) != 1:
        return None
    for intent, vocabulary in _COMMANDS.items():
        if words[0] in vocabulary:
            return intent
    return None


def classify(text: str) -> Intent:
    """The intent of a free-text message; UNKNOWN when nothing fits."""
    found = command(text)
    if found is not None:
        return found
    words = tokens(text)
    for index, word in enumerate(words):
        if _matches(word, _WORDS[Intent.SICK]):
            negated = any(w in _NEGATIONS for w in words[max(0, index - 2) : index])
            if negated:
                return Intent.RECOVERED
            if any(_matches(w, _CHILD) for w in words):
                return Intent.CHILD_SICK
            return Intent.SICK
    for intent in (Intent.RECOVERED, Intent.YES, Intent.NO):
        if any(_matches(w, _WORDS[intent]) for w in words):
            return intent
    return Intent.UNKNOWN


def own_words(text: str) -> str | None:
    """The citizen's free text worth passing to the consultant, or None for a bare keyword."""
    stripped = " ".join(text.split())
    if len(tokens(stripped)) <= 3:
        return None
    return stripped[:500]
