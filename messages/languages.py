"""The languages Makker speaks, each named in itself, with its Babel locale."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LANGUAGE = "da"


@dataclass(frozen=True)
class Language:
    """One supported language."""

    code: str  # gettext catalog name and what is stored on a person
    native_name: str  # how the language calls itself, shown in the LANGUAGE menu
    locale: str  # Babel/CLDR locale for dates and times
    rtl: bool = False


LANGUAGES: tuple[Language, ...] = (
    Language("da", "Dansk", "da_DK"),
    Language("en", "English", "en_DK"),
    Language("tr", "Türkçe", "tr_TR"),
    Language("ar", "العربية", "ar", rtl=True),
    Language("so", "Soomaali", "so"),
    Language("ur", "اردو", "ur", rtl=True),
    Language("uk", "Українська", "uk"),
    Language("fa", "فارسی", "fa", rtl=True),
)

BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}


def language(code: str | None) -> Language:
    """The language for a code, falling back to Danish for anything unknown."""
    return BY_CODE.get(code or DEFAULT_LANGUAGE, BY_CODE[DEFAULT_LANGUAGE])


def is_supported(code: str) -> bool:
    """Whether a catalog exists for the code."""
    return code in BY_CODE
