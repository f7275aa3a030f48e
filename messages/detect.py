"""Guess which of Makker's languages a message is written in, only when the evidence is clear.

Used to offer a citizen who keeps writing in another language to switch (never to switch by
itself). The evidence is the script (Cyrillic is Ukrainian; letters only Urdu or only Arabic
uses tell those apart from Farsi; ş/ğ/ı are Turkish; æ/ø/å Danish) and the words of the
intent lexicon that belong to one language only. A number, an emoji, "ok" or a mix with no
winner gives None.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from messages.lexicon import COMMANDS, LEXICON, fold, tokens

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
LETTERS: dict[str, frozenset[str]] = {
    "ur": frozenset("ٹڈڑںےھۓ"),  # retroflex letters, noon ghunna, bari ye, do-chashmi he
    "ar": frozenset("ةىإأؤ"),  # ta marbuta, alif maqsura, hamza seats Farsi rarely writes
    "fa": frozenset("ژ"),  # zhe: Farsi, not Arabic (Urdu has it too, but rarely)
    "tr": frozenset("şğı"),
    "da": frozenset("æøå"),
}
PERSIAN_YEH_KAF = frozenset("یک")  # U+06CC, U+06A9 (Urdu shares them; its own letters win first)
ARABIC_YEH_KAF = frozenset("يك")  # U+064A, U+0643
MIN_SCORE = 1
# Words Makker's own messages teach in every language (SYG, RASK, STOP …) say nothing about
# the language someone reads: a Turkish speaker writing "syg" is using the word we gave them.
TAUGHT = frozenset(
    fold(word)
    for word in ("syg", "rask", "hjælp", "sprog", *(w for ws in COMMANDS.values() for w in ws))
)

# Greetings and everyday small words, so a message without any intent word still shows its
# language ("merhaba", "tak for i dag"). Words two languages share are dropped below.
COMMON: dict[str, str] = {
    "da": """hej, hejsa, godmorgen, goddag, tak, mange tak, og, jeg, du, det, ikke, hvad,
        hvordan, hvornår, hvor, jeg har, forstår, forstår ikke, kan du, venlig hilsen""",
    "en": """hello, hi, thanks, thank, you, the, and, what, how, when, where, please, don't,
        understand, morning, good""",
    "tr": """merhaba, selam, günaydın, tesekkur, teşekkür, teşekkürler, sağol, ve, bir, bu,
        ne, nasıl, neden, nerede, anlamadım, lütfen, tamam, evet, hayır, iyi günler""",
    "so": """salaan, nabad, iska warran, mahadsanid, waan, waxaan, iyo, maxaan, sidee, goorma,
        halkee, fadlan, ma fahmin, subax wanaagsan""",
    "ur": """salam, assalam, shukriya, shukria, aur, kya, kaise, kab, kahan, mujhe, main,
        mera, meri, hai, hoon, samajh, nahi samjha""",
    "ar": """marhaba, salam alaikum, shukran, ana, inta, keef, kif, shu, wein, mish, fahim,
        law samaht, sabah alkhair""",
    "fa": """salam khubi, mersi, merci, mamnoon, mamnun, chetori, chi, koja, key, man, shoma,
        hastam, nemifahmam, lotfan, sobh bekheir""",
    "uk": "привіт, дякую, так, ні, що, як, коли, де, я, ти, будь ласка, не розумію",
}


def _words(language: str) -> set[str]:
    """The folded single words of a language's cues and common words (prefixes keep a star)."""
    found: set[str] = set()
    for text in (*LEXICON[language].values(), COMMON.get(language, "")):
        for entry in text.split(","):
            for word in entry.split():
                star = word.endswith("*")
                folded = fold(word.strip("*"))
                if len(folded) >= 2:
                    found.add(folded + ("*" if star else ""))
    return found


def _distinct() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """Per language: words no other language's cues use, and its distinctive prefixes."""
    words = {code: _words(code) for code in LEXICON}
    counts = Counter(w for ws in words.values() for w in ws)
    result = {}
    for code, ws in words.items():
        own = {w for w in ws if counts[w] == 1}
        exact = frozenset(w for w in own if not w.endswith("*"))
        prefixes = tuple(sorted(w[:-1] for w in own if w.endswith("*") and len(w) > 4))
        result[code] = (exact, prefixes)
    return result


_DISTINCT = _distinct()


@lru_cache(maxsize=4096)
def detect_language(text: str) -> str | None:
    """The language the text is clearly written in, or None."""
    if CYRILLIC.search(text):
        return "uk"
    lowered = text.casefold()
    scores: Counter[str] = Counter()
    if ARABIC_SCRIPT.search(text):
        for code in ("ur", "ar", "fa"):
            if LETTERS[code] & set(text):
                return code
        if PERSIAN_YEH_KAF & set(text):
            scores["fa"] += 1  # ی/ک without any Urdu letter: Farsi more likely than Urdu
        if ARABIC_YEH_KAF & set(text):
            scores["ar"] += 1
    for code in ("tr", "da"):
        if LETTERS[code] & set(lowered):
            scores[code] += 2
    for token in tokens(text):
        if len(token) < 2 or token.isdigit() or token in TAUGHT:
            continue
        for code, (exact, prefixes) in _DISTINCT.items():
            if token in exact or any(token.startswith(p) for p in prefixes):
                scores[code] += 1
    if not scores:
        return None
    ranked = scores.most_common(2)
    best, score = ranked[0]
    if score < MIN_SCORE or (len(ranked) > 1 and ranked[1][1] == score):
        return None  # a tie is no evidence
    return best
