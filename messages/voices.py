"""Which Twilio text-to-speech voice speaks each language, and what to do where none exists."""

from __future__ import annotations

from dataclasses import dataclass

from messages.languages import DEFAULT_LANGUAGE, LANGUAGES


@dataclass(frozen=True)
class Voice:
    """A `<Say>` voice and language tag, as Twilio names them."""

    voice: str  # e.g. Polly.Naja (Amazon Polly) or Google.uk-UA-Standard-A
    say_language: str  # the <Say language="…"> tag


# Checked against Twilio's text-to-speech voice list; Somali and Farsi have no voice there.
VOICES: dict[str, Voice] = {
    "da": Voice("Polly.Naja", "da-DK"),
    "en": Voice("Polly.Amy", "en-GB"),
    "tr": Voice("Polly.Filiz", "tr-TR"),
    "ar": Voice("Polly.Zeina", "arb"),
    "uk": Voice("Google.uk-UA-Standard-A", "uk-UA"),
    "ur": Voice("Google.ur-IN-Standard-A", "ur-IN"),
}
FALLBACK_LANGUAGE = DEFAULT_LANGUAGE  # spoken where the citizen's language has no voice


@dataclass(frozen=True)
class SpokenLanguage:
    """How a call to someone is spoken: in which language and voice, and whether it is theirs."""

    language: str  # the catalog the script is rendered from
    voice: Voice
    native: bool  # False: the call is in Danish and a text in their own language goes with it


def spoken_language(code: str) -> SpokenLanguage:
    """The voice for a citizen's language, or Danish speech when Twilio has no voice for it."""
    voice = VOICES.get(code)
    if voice is not None:
        return SpokenLanguage(code, voice, native=True)
    return SpokenLanguage(FALLBACK_LANGUAGE, VOICES[FALLBACK_LANGUAGE], native=False)


def languages_without_voice() -> list[str]:
    """Supported languages that fall back to Danish speech plus a text (for docs and tests)."""
    return [lang.code for lang in LANGUAGES if lang.code not in VOICES]
