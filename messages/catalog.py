"""Load the gettext catalogs (compiling .po to .mo when needed) and render Text per reader."""

from __future__ import annotations

import gettext
import re
import threading
import unicodedata
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from messages.formatting import format_value
from messages.languages import DEFAULT_LANGUAGE, LANGUAGES, language
from messages.text import Text

LOCALE_DIR = Path(__file__).with_name("locale")
FSI = "\u2068"  # FIRST STRONG ISOLATE: a value keeps its own direction inside the sentence
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE: ends it
DOMAIN = "makker"
_compile_lock = threading.Lock()


def po_path(code: str) -> Path:
    """Where a language's source catalog lives."""
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogs() -> list[Path]:
    """Compile every .po whose .mo is missing or older; returns the files written."""
    written: list[Path] = []
    with _compile_lock:
        for lang in LANGUAGES:
            po = po_path(lang.code)
            if not po.exists():
                continue
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as source:
                catalog = read_po(source, locale=lang.code)
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)
            written.append(mo)
    return written


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalog for a language; English source text if there is none."""
    compile_catalogs()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def render(text: Text, lang: str | None = None) -> str:
    """The text in the reader's language, with parameters formatted for their locale.

    In a right-to-left language every parameter value (and every item of a list value) is
    wrapped in a Unicode isolate, so a Latin name, a date or a number keeps its order and
    does not reorder the sentence around it. Left-to-right texts get no extra characters.
    """
    reader = language(lang or DEFAULT_LANGUAGE)
    code = reader.code
    if text.parts or not text.msgid:  # lines(); gettext("") would return the catalog header
        return "\n".join(render(part, code) for part in text.parts)
    catalog = translations(code)
    if text.verbatim:
        return format_value(text.params["value"], code)
    if text.plural is not None and text.n is not None:
        template = catalog.ngettext(text.msgid, text.plural, text.n)
    else:
        template = catalog.gettext(text.msgid)
    params = {key: _parameter(value, code, reader.rtl) for key, value in text.params.items()}
    if reader.rtl and _first_strong(template) != "rtl":
        template = RLM + template  # "Makker …", "[{ref}] …": still laid out right to left
    return template.format(**params)


def _first_strong(template: str) -> str | None:
    """The direction of the first strong letter outside {placeholders} (bidi rule P2)."""
    for char in PLACEHOLDER.sub("", template):
        kind = unicodedata.bidirectional(char)
        if kind in {"R", "AL"}:
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


RLM = "\u200f"  # RIGHT-TO-LEFT MARK: an invisible strong right-to-left letter
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def isolate(value: str) -> str:
    """A value that keeps its own direction inside right-to-left text."""
    return f"{FSI}{value}{PDI}"


def _parameter(value: object, code: str, rtl: bool) -> str:
    """One parameter as the reader sees it; isolated (items too) in right-to-left text."""
    resolved = _resolve(value, code)
    if not rtl:
        return format_value(resolved, code)
    if isinstance(resolved, list | tuple):
        resolved = [isolate(format_value(item, code)) for item in resolved]
    return isolate(format_value(resolved, code))


def _resolve(value: object, code: str) -> object:
    """Render nested texts (also inside lists) before locale formatting."""
    if isinstance(value, Text):
        return render(value, code)
    if isinstance(value, list | tuple):
        return [_resolve(item, code) for item in value]
    return value
