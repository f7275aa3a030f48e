"""What employer contacts write about the people placed with them, per language.

Employers write Danish (sometimes English) in their own words: "Ali kom ikke i dag", "hun
kommer for sent hver dag", "he doesn't understand the safety rules". Each phrase below is
folded and cut into words exactly like `messages.lexicon` does (case, diacritics, æøå,
apostrophes), so "Kom IKKE" and "didn't turn up" match "kom ikke" and "didnt turn up".
A word ending in `*` matches every word that starts that way. When a message says several
things, the most serious category wins (safety before a no-show before lateness …).
Praise and "has started" are ignored after a negation ("det går ikke godt").

The module also reads the answer to "how many paid hours last week?" ("30", "30,5",
"ca. 30 timer", "ingen", "ved ikke") and finds words that look like a person's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.models.employer_report import ReportCategory
from messages.lexicon import Intent, classify, fold, tokens

C = ReportCategory

# The categories in the order they win when a message says several things.
PRIORITY: tuple[ReportCategory, ...] = (
    C.SAFETY,
    C.NO_SHOW,
    C.END_REQUEST,
    C.CONDUCT,
    C.LATE,
    C.LANGUAGE,
    C.OTHER,  # a plain "problem", "worried": still a problem, of no particular kind
    C.STARTED,
    C.GOOD_NEWS,
)
NEGATABLE = frozenset({C.STARTED, C.GOOD_NEWS})  # "ikke godt", "has not started"
NEGATION_WINDOW = 2  # words between a negation and the praise it turns around

WORDS: dict[str, dict[ReportCategory, str]] = {
    "da": {
        C.SAFETY: """sikkerhed*, farlig*, fare, livsfarlig*, ulykke*, uheld, arbejdsskade*,
            kom til skade, kommet til skade, skadet, skadede sig, tilskadekomst*, værnemid*,
            hjelm, sikkerhedssko, forbrænd*, skar sig, faldt ned, brandfare""",
        C.NO_SHOW: """kom ikke, kommer ikke, ikke kommet, ikke mødt, mødte ikke, møder ikke,
            ikke mødt op, mødte ikke op, dukkede ikke op, ikke dukket op, udebl*, har ikke set,
            ikke været her, var ikke her, er ikke her, ikke her i dag, ikke på arbejde,
            uden afbud, ingen afbud, meldte ikke afbud, har ikke meldt, fraværende""",
        C.END_REQUEST: """afslut*, stoppe forløbet, stoppe praktikken, stop forløbet,
            stoppe ansættelsen, ophør*, opsig*, fyre, fyrer, fyret, afbryde, afbryd*,
            ikke fortsætte, kan ikke fortsætte, vil ikke fortsætte, ikke have ham, ikke have
            hende, sende ham hjem, sende hende hjem""",
        C.CONDUCT: """konflikt*, skænd*, uenig*, opførsel, opfører, opførte, uhøflig*, råb*,
            vred, vrede, aggressiv*, truede, truer, trussel, trusler, slagsmål, slås, sloges,
            mobb*, chikan*, respektløs*, fræk, frækt, upassende, stjal, stjålet, tyveri,
            bander, bandede, attitude, holdning, samarbejdsproblem*, dårlig stemning""",
        C.LATE: """for sent, forsent, forsinket, forsinkelse*, kommer sent, kom sent,
            kom for sent, sent på den, ikke til tiden, forsov*""",
        C.LANGUAGE: """forstår ikke, forstod ikke, ikke forstå*, forstår ham ikke,
            forstår hende ikke, forstår det ikke, svært ved at forstå, misforst*, sprog*,
            dansk, danske, instruk*, kommunik*, tolk*, beskeder""",
        C.OTHER: """problem*, besvær*, bekymr*, utilfreds*, skuffe*, dårlig*, dårligt,
            svært, svaert, udfordring*, ikke godt, ikke så godt, ikke tilfreds""",
        C.STARTED: """er startet, startede i dag, er begyndt, begyndte i dag, er mødt ind,
            mødte ind, kom godt i gang, kommet godt i gang, første dag, god start""",
        C.GOOD_NEWS: """godt, super*, dygtig*, flot*, ros, rose, glad, glade, tilfreds*,
            fantastisk*, positiv*, fint, perfekt*, god til, stjerne, god arbejdsindsats,
            gode nyheder, god nyhed""",
    },
    "en": {
        C.SAFETY: """safety, unsafe, danger*, accident*, injur*, hurt himself, hurt herself,
            got hurt, was hurt, helmet, protective, hazard*, fire hazard, burned, burnt""",
        C.NO_SHOW: """did not turn up, didnt turn up, not turned up, did not show, didnt show,
            no show, never showed, did not come, didnt come, hasnt come, has not come,
            not come in, never came, not here, isnt here, is not here, wasnt here,
            was not here, absent, not at work, no call""",
        C.END_REQUEST: """end the placement, end placement, end his placement,
            end her placement, stop the placement, terminate*, let him go, let her go,
            fire him, fire her, not continue, cannot continue, cant continue, no longer want""",
        C.CONDUCT: """conflict*, argu*, fight*, behav*, rude, rudeness, shout*, yell*, angry,
            aggress*, threat*, disrespect*, harass*, bully*, stole, steal*, theft, attitude,
            inappropriate, swear*""",
        C.LATE: """late, too late, came late, comes late, arrived late, not on time,
            overslept, tardy, delayed""",
        C.LANGUAGE: """doesnt understand, does not understand, didnt understand,
            did not understand, cant understand, cannot understand, not understand*,
            hard to understand, misunderst*, language, danish, instruction*, communicat*,
            interpreter, translat*""",
        C.OTHER: """problem*, issue*, trouble, worried, worry, concern*, unhappy,
            disappointed, bad, badly, difficult, not good, not well, not going well""",
        C.STARTED: """has started, started today, started work, started working,
            began today, has begun, first day, good start""",
        C.GOOD_NEWS: """good, great, excellent, well done, good job, happy, pleased,
            brilliant, amazing, fantastic, impressed, doing well, good news, star""",
    },
}

NEGATIONS = frozenset(
    fold(w)
    for w in (
        *("ikke", "ik", "ikk", "ike", "aldrig", "ingen"),
        *("not", "no", "never", "isnt", "dont", "doesnt", "didnt", "wasnt", "arent", "hardly"),
    )
)

# Answers to the paid-hours question that carry no number.
NO_HOURS = "ingen, ingen timer, nul, none, no hours, zero, not any"
DONT_KNOW = """ved ikke, ved det ikke, det ved jeg ikke, aner det ikke, aner ikke, ikke sikker,
    usikker, dont know, do not know, not sure, no idea, unknown"""
MAX_WEEK_HOURS = 80.0  # more than this in one week is a slip (or a phone number), not hours
HOURS_FILLER_WORDS = 4  # "ca. 30 timer i alt": a number with a few words around it

# Capitalised words that start sentences and are not people ("Han kom ikke", "Today …").
NOT_NAMES = """
    han, hun, den, det, de, dem, vi, jeg, du, i, dag, idag, igår, igaar, imorges, morges, nu,
    hej, hejsa, hey, goddag, godmorgen, morgen, tak, mange, desværre, dog, også, men, og, så,
    som, der, her, vores, min, mit, mine, hans, hendes, deres, jeres, ny, nye, praktikant,
    praktikanten, elev, eleven, lærling, lærlingen, medarbejder, medarbejderen, kollega,
    kollegaen, borger, borgeren, makker, jobcenter, jobcentret, jobcenteret, konsulent,
    konsulenten, mandag, tirsdag, onsdag, torsdag, fredag, lørdag, søndag, januar, februar,
    marts, april, maj, juni, juli, august, september, oktober, november, december, hvad, hvor,
    hvorfor, hvem, hvornår, hvordan, når, efter, før, denne, dette, disse, alle, ingen, er,
    har, kan, vil, skal, var, kom, kommer, ok, okay, ja, nej, mvh, venlig, hilsen, he, she,
    they, them, we, you, it, its, the, a, an, our, my, his, their, new, hi, hello, dear, good,
    morning, afternoon, today, yesterday, tonight, this, that, these, there, here, monday,
    tuesday, wednesday, thursday, friday, saturday, sunday, thanks, thank, sorry,
    unfortunately, please, also, and, but, so, what, where, why, who, when, how, after, before,
    all, mr, ms, mrs, miss, intern, trainee, apprentice, employee, worker, colleague, citizen,
    jobcentre, consultant, yes, no, regards, best, kind
    """

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_PHONE = re.compile(r"\+?\d[\d \-]{6,}\d")
_NAME_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


@dataclass(frozen=True)
class _Phrase:
    """One entry: folded words (a word ending in "*" is a prefix)."""

    words: tuple[str, ...]
    category: ReportCategory | None  # None for the hours vocabularies


def _fold_entry(entry: str) -> tuple[str, ...]:
    """An entry's words folded like message text, keeping the prefix marks."""
    folded: list[str] = []
    for word in entry.split():
        star = "*" if word.endswith("*") else ""
        folded.extend(f"{w}{star}" for w in _words(word.rstrip("*")))
    return tuple(folded)


def _entries(text: str) -> Iterable[str]:
    """The comma-separated entries of one list."""
    return (entry.strip() for entry in text.split(",") if entry.strip())


def _words(text: str) -> list[str]:
    """The folded words of a text, without punctuation and symbols."""
    return [t for t in tokens(text) if any(ch.isalnum() for ch in t)]


def _compile(table: Iterable[tuple[ReportCategory | None, str]]) -> tuple[_Phrase, ...]:
    """Every phrase, longest first so "kom ikke for sent" beats "kom ikke"."""
    phrases = {
        (_fold_entry(entry), category) for category, text in table for entry in _entries(text)
    }
    return tuple(
        sorted((_Phrase(w, c) for w, c in phrases if w), key=lambda p: (-len(p.words), p.words))
    )


_PHRASES = _compile(
    (category, text) for table in WORDS.values() for category, text in table.items()
)
_NO_HOURS = _compile([(None, NO_HOURS)])
_DONT_KNOW = _compile([(None, DONT_KNOW)])
_VOCABULARY = frozenset(w.rstrip("*") for p in _PHRASES for w in p.words)
_NOT_NAMES = frozenset(fold(w) for w in _entries(NOT_NAMES))


def _matches(word: str, pattern: str) -> bool:
    """One message word against one phrase word."""
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


def _find(words: list[str], phrases: tuple[_Phrase, ...]) -> list[tuple[int, _Phrase]]:
    """(position, phrase) of every phrase found, longest at each position."""
    found: list[tuple[int, _Phrase]] = []
    for start in range(len(words)):
        for phrase in phrases:
            size = len(phrase.words)
            if start + size > len(words):
                continue
            if all(_matches(words[start + k], phrase.words[k]) for k in range(size)):
                found.append((start, phrase))
    return found


def _negated(words: list[str], start: int) -> bool:
    """Whether a negation comes just before the word at `start`."""
    return any(w in NEGATIONS for w in words[max(0, start - NEGATION_WINDOW) : start])


@lru_cache(maxsize=4096)
def report_category(text: str) -> ReportCategory | None:
    """The most serious thing the message reports, or None when it names no category."""
    words = _words(text)
    found: set[ReportCategory] = set()
    for start, phrase in _find(words, _PHRASES):
        assert phrase.category is not None
        if phrase.category in NEGATABLE and _negated(words, start):
            continue
        found.add(phrase.category)
    return next((c for c in PRIORITY if c in found), None)


def word_count(text: str) -> int:
    """How many words the message has (symbols and punctuation not counted)."""
    return len(_words(text))


@dataclass(frozen=True)
class HoursAnswer:
    """What the employer answered about last week's paid hours."""

    hours: float | None  # None: the employer does not know
    known: bool


def paid_hours(text: str) -> HoursAnswer | None:
    """Read "30", "30,5", "37½", "ca. 30 timer", "ingen" or "ved ikke"; None for anything else.

    A single number from 0 to 80 is the answer when few other words surround it (a longer
    message with a number in it is more likely a report than an answer).
    """
    prepared = re.sub(r"(\d)\s*½", r"\1,5", text).replace("½", "0,5")
    words = _words(prepared)
    numbers = _NUMBER.findall(fold(prepared))
    if len(numbers) == 1:
        value = float(numbers[0].replace(",", "."))
        others = [w for w in words if not w.isdigit()]
        if 0 <= value <= MAX_WEEK_HOURS and (
            len(others) <= HOURS_FILLER_WORDS or report_category(text) is None
        ):
            return HoursAnswer(round(value, 2), known=True)
        return None
    if numbers:
        return None  # "30-35", "30 timer og 30 minutter": ask for one number
    if _whole(words, _NO_HOURS):
        return HoursAnswer(0.0, known=True)
    if _whole(words, _DONT_KNOW):
        return HoursAnswer(None, known=False)
    return None


def _whole(words: list[str], phrases: tuple[_Phrase, ...]) -> bool:
    """Whether the answer is one of the phrases, give or take a word ("nej, ved ikke")."""
    return bool(words) and any(
        len(words) - len(phrase.words) <= 1 for _, phrase in _find(words, phrases)
    )


def name_like_words(text: str, ignore: Iterable[str] = ()) -> list[str]:
    """Folded capitalised words that may be a person's name ("Ali kom ikke" → ["ali"]).

    Sentence-opening words ("Han", "Today"), report words and the sender's own names
    (`ignore`) are not names. Used only to tell "about someone not placed with you" from
    "about nobody in particular"; never to look anybody up.
    """
    skip = {fold(w) for w in ignore}
    found: list[str] = []
    for match in _NAME_WORD.finditer(text):
        word = match.group(0).strip("'’-")
        if not word or not word[0].isupper():
            continue
        folded = fold(word)
        if folded in _NOT_NAMES or folded in skip or folded in _VOCABULARY:
            continue
        if classify(word) != Intent.UNKNOWN:
            continue  # "Syg", "Late": a word Makker knows, not a name
        found.append(folded)
    return found


def phone_like(text: str) -> list[str]:
    """Digit runs long enough to be a phone number ("20 12 34 03", "+4520123403")."""
    return [
        m.group(0) for m in _PHONE.finditer(text) if sum(ch.isdigit() for ch in m.group(0)) >= 8
    ]
