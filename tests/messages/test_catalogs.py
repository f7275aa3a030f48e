"""The translation catalogs: complete, current, safe to format, and actually used by render."""

from __future__ import annotations

import gettext
import re
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from messages import TN, T, render
from messages.catalog import RLM, isolate
from messages.languages import LANGUAGES, Language, language
from messages.lexicon import Intent, classify

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "messages" / "makker.pot"
LOCALE_DIR = ROOT / "messages" / "locale"
BABEL_CFG = ROOT / "babel.cfg"
SOURCE_DIRS = ("bot", "flows", "messages", "scheduler", "webhooks")  # as in `make messages-extract`
KEYWORDS: dict[str, Any] = {"T": None, "TN": (1, 2)}
UPDATE_HINT = "run `make messages-update`, then translate the new entries"

CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/makker.po"))
CODES = [path.parent.parent.name for path in CATALOGS]

Key = tuple[str | None, str | tuple[str, ...]]


def load(code: str) -> Catalog:
    """A language's catalog as Babel reads it."""
    with (LOCALE_DIR / code / "LC_MESSAGES" / "makker.po").open("rb") as source:
        return read_po(source, locale=code)


def load_pot(path: Path = POT) -> Catalog:
    """A message template (.pot)."""
    with path.open("rb") as source:
        return read_po(source)


def entries(catalog: Catalog) -> list[Message]:
    """The real messages, without the header entry."""
    return [message for message in catalog if message.id]


def key(message: Message) -> Key:
    """What identifies a message: its context and its msgid (both forms for plurals)."""
    msgid = tuple(message.id) if isinstance(message.id, list | tuple) else message.id
    return (message.context, msgid)


def label(message: Message) -> str:
    """The singular msgid, for error messages."""
    return str(message.id[0] if message.pluralizable else message.id)


def forms(value: str | Iterable[str] | None) -> list[str]:
    """Every form of a msgid or msgstr as a list."""
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def placeholders(text: str) -> set[str]:
    """The `{names}` a brace-format string fills in (ValueError when braces do not balance)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_there_are_catalogs() -> None:
    """Guard: a moved locale folder must not make every catalog check pass on nothing."""
    assert CODES, f"no catalogs found under {LOCALE_DIR}"
    assert "da" in CODES, "Danish is the default language and needs a catalog"


@pytest.mark.parametrize("code", CODES)
def test_catalog_summary(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Show where each language stands, in the CI log."""
    messages = entries(load(code))
    done = [m for m in messages if all(forms(m.string)) and not m.fuzzy]
    plurals = sum(1 for m in messages if m.pluralizable)
    with capsys.disabled():
        print(f"\ncatalog {code}: {len(done)}/{len(messages)} translated ({plurals} with plurals)")
    assert messages


@pytest.mark.parametrize("code", CODES)
def test_every_template_msgid_is_in_the_catalog(code: str) -> None:
    """A msgid missing from a catalog would reach its readers in English."""
    have = {key(m) for m in entries(load(code))}
    missing = [label(m) for m in entries(load_pot()) if key(m) not in have]
    assert not missing, f"{code}: not in the catalog, {UPDATE_HINT}: {missing}"


@pytest.mark.parametrize("code", CODES)
def test_no_empty_translation(code: str) -> None:
    """An empty msgstr (or plural form) silently falls back to English."""
    empty = [label(m) for m in entries(load(code)) if not all(s.strip() for s in forms(m.string))]
    assert not empty, f"{code}: untranslated: {empty}"


@pytest.mark.parametrize("code", CODES)
def test_no_fuzzy_entry(code: str) -> None:
    """Fuzzy entries are left out when compiling, so their readers get English."""
    catalog = load(code)
    assert not catalog.fuzzy, f"{code}: the catalog header is marked fuzzy"
    fuzzy = [label(m) for m in entries(catalog) if m.fuzzy]
    assert not fuzzy, f"{code}: fuzzy, check and remove the flag: {fuzzy}"


@pytest.mark.parametrize("code", CODES)
def test_placeholders_match_the_msgid(code: str) -> None:
    """A renamed or dropped {placeholder} breaks render() or loses a name or date."""
    wrong: list[str] = []
    for message in entries(load(code)):
        try:
            expected = set().union(*(placeholders(s) for s in forms(message.id)))
            found = [placeholders(s) for s in forms(message.string)]
        except ValueError as error:
            wrong.append(f"{label(message)!r}: {error}")
            continue
        if message.pluralizable:  # a form may say "one time" instead of "{n} time"
            expected.discard("n")
            found = [names - {"n"} for names in found]
        wrong.extend(
            f"{label(message)!r}: form {i} has {sorted(names)}, msgid has {sorted(expected)}"
            for i, names in enumerate(found)
            if names != expected
        )
    assert not wrong, f"{code}: placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("code", CODES)
def test_no_obsolete_entry(code: str) -> None:
    """Obsolete (#~) entries and msgids no longer in the template are dead weight to translate."""
    catalog = load(code)
    template = {key(m) for m in entries(load_pot())}
    obsolete = [str(msgid) for msgid in catalog.obsolete]
    obsolete += [label(m) for m in entries(catalog) if key(m) not in template]
    assert not obsolete, f"{code}: delete these obsolete entries: {obsolete}"


def extract_current(target: Path) -> Catalog:
    """Extract the msgids from the code now, as `make messages-extract` would, into `target`."""
    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    catalog = Catalog(project="makker")
    for folder in SOURCE_DIRS:
        for filename, lineno, msgid, _comments, context in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=KEYWORDS
        ):
            catalog.add(msgid, locations=[(f"{folder}/{filename}", lineno)], context=context)
    with target.open("wb") as out:
        write_po(out, catalog)
    return load_pot(target)


def test_template_is_current(tmp_path: Path) -> None:
    """Strings added or changed in code reach the catalogs only through messages/makker.pot."""
    current = {key(m): label(m) for m in entries(extract_current(tmp_path / "current.pot"))}
    stored = {key(m): label(m) for m in entries(load_pot())}
    added = sorted(current[k] for k in current.keys() - stored.keys())
    gone = sorted(stored[k] for k in stored.keys() - current.keys())
    assert not (added or gone), (
        f"messages/makker.pot is stale, {UPDATE_HINT}.\n"
        f"New in code: {added}\nNo longer in code: {gone}"
    )


def test_extraction_keywords_match_babel_cfg() -> None:
    """The check above must extract with the same keywords as `make messages-extract`."""
    with BABEL_CFG.open() as cfg:
        _, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    assert [options.get("keywords") for options in options_map.values()] == [KEYWORDS]


def unmarked(text: str) -> str:
    """Without the right-to-left mark render() puts before RTL text that starts in Latin."""
    return text.removeprefix(RLM)


@pytest.mark.parametrize("code", CODES)
def test_render_returns_every_translation(code: str) -> None:
    """render() must read the compiled catalog, pick the right plural form and fill each slot."""
    catalog = load(code)
    plural_index = gettext.c2py(catalog.plural_expr)
    shown = isolate if language(code).rtl else str  # right-to-left: each value isolated
    for message in entries(catalog):
        names = set().union(*(placeholders(s) for s in forms(message.id)))
        if not message.pluralizable:
            params = {name: f"<{name}>" for name in names}
            expected = str(message.string).format(**{k: shown(v) for k, v in params.items()})
            assert unmarked(render(T(str(message.id), **params), code)) == unmarked(expected)
            continue
        params = {name: f"<{name}>" for name in names - {"n"}}
        for n in (0, 1, 2, 5, 11, 21, 101):
            text = TN(message.id[0], message.id[1], n, **params)
            plural_forms = message.string
            assert isinstance(plural_forms, tuple | list)
            filled = {k: shown(v) for k, v in params.items()}
            expected = plural_forms[plural_index(n)].format(n=shown(str(n)), **filled)
            assert unmarked(render(text, code)) == unmarked(expected), f"{code}, n={n}"


@pytest.mark.parametrize("code", CODES)
def test_render_of_a_sample_text_is_translated(code: str) -> None:
    """A readable spot check that the reader's language, not English, comes out."""
    rendered = render(T("Yes"), code)
    assert rendered == load(code)["Yes"].string
    assert rendered != "Yes"


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang.code)
def test_language_confirmation_names_its_own_language(lang: Language) -> None:
    """After a language change each catalog confirms in, and names, its own language."""
    confirmation = render(T("OK. I will write to you in English from now on."), lang.code)
    assert lang.native_name.casefold() in confirmation.casefold()


REASON_WORDS = {
    "en": re.compile(r"\b(sick|ill(ness)?|child|doctor)", re.IGNORECASE),
    "da": re.compile(r"syg|barn|børn|læge", re.IGNORECASE),
    "tr": re.compile(r"hasta|çocu|doktor|rapor", re.IGNORECASE),
    "ar": re.compile(r"مرض|مريض|طفل|أطفال|ابن|طبيب|طبي"),
    "so": re.compile(r"jiran|jirr|buka|xanuun|cudur|ilmo|ilmah|carruur|dhakhtar", re.IGNORECASE),
    "ur": re.compile(r"بیمار|بچہ|بچے|بچی|بچوں|ڈاکٹر"),
    "uk": re.compile(r"хвор|недуж|дитин|діт(и|ей)|лікар", re.IGNORECASE),
    "fa": re.compile(r"بیمار|مریض|بچه|فرزند|کودک|پزشک|دکتر"),
}


@pytest.mark.parametrize("code", [c for c in CODES if c in REASON_WORDS])
def test_neutral_text_stays_neutral(code: str) -> None:
    """Employers learn THAT someone is absent, never why: no illness words added in translation."""
    leaks = [
        f"{label(m)!r} -> {forms(m.string)}"
        for m in entries(load(code))
        if not any(REASON_WORDS[lang].search(s) for lang in ("en", code) for s in forms(m.id))
        and any(REASON_WORDS[code].search(s) for s in forms(m.string))
    ]
    assert not leaks, f"{code}: a reason for absence appears where the English has none: {leaks}"


QUOTED_WORD = re.compile(r"[«\"“]([^\W\d_]+)[»\"”]")


def command_words(text: str) -> dict[str, Intent]:
    """The words a reader is told to type and the intent Makker reads in each.

    They are written in capitals (STOP, RASK, ОДУЖАВ); scripts without capitals (Arabic,
    Urdu, Farsi) put them in quotation marks instead («تعافيت»).
    """
    capitals = [word for word in re.findall(r"\w{3,}", text) if word.isupper()]
    quoted = [word for word in QUOTED_WORD.findall(text) if word.upper() == word.lower()]
    return {word: classify(word) for word in capitals + quoted}


@pytest.mark.parametrize("code", CODES)
def test_command_words_are_understood(code: str) -> None:
    """A word the reader is told to write (RASK, İYİYİM, HJÆLP) must mean the same to Makker."""
    wrong = []
    for message in entries(load(code)):
        asked = {intent for s in forms(message.id) for intent in command_words(s).values()}
        for text in forms(message.string):
            told = command_words(text)
            if set(told.values()) != asked:
                wrong.append(f"{label(message)!r}: {told} in {text!r}, msgid means {asked}")
    assert not wrong, f"{code}: the lexicon reads these words differently:\n" + "\n".join(wrong)
