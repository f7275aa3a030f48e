"""Right-to-left readers (Arabic, Urdu, Farsi): names, dates and numbers keep their order."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from messages import TN, T, lines, plain, render
from messages.catalog import FSI, PDI
from messages.languages import LANGUAGES
from tests.messages.test_catalogs import entries, forms, load, placeholders

TUESDAY = date(2026, 11, 24)
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
RTL_CODES = [lang.code for lang in LANGUAGES if lang.rtl]
LTR_CODES = [lang.code for lang in LANGUAGES if not lang.rtl]
BACK = "{name} is back at work from {day}."
TOLD = "Thank you. We have told {people}. Get well soon! Write RASK when you are back."


def i(value: str) -> str:
    """What an isolated value looks like in the rendered text."""
    return f"{FSI}{value}{PDI}"


def paragraph_direction(text: str) -> str:
    """Unicode bidi rules P2/P3: the first strong letter outside isolates sets the direction."""
    depth = 0
    for char in text:
        if char in "\u2066\u2067\u2068":
            depth += 1
        elif char == PDI:
            depth = max(0, depth - 1)
        elif depth == 0 and unicodedata.bidirectional(char) in {"L", "R", "AL"}:
            return "ltr" if unicodedata.bidirectional(char) == "L" else "rtl"
    return "none"


def test_the_right_to_left_languages() -> None:
    """Arabic, Urdu and Farsi are written right to left; the others are not."""
    assert RTL_CODES == ["ar", "ur", "fa"]
    assert LTR_CODES == ["da", "en", "tr", "so", "uk"]


def test_latin_name_and_date_in_arabic_are_each_isolated() -> None:
    """The name and the date keep their own direction inside the Arabic sentence."""
    text = render(T(BACK, name="Lars Hansen", day=TUESDAY), "ar")
    assert text == f"عودة {i('Lars Hansen')} إلى العمل: {i('الثلاثاء، 24 نوفمبر')}."


def test_sentence_that_starts_with_a_latin_name_stays_right_to_left() -> None:
    """Without the isolate, "Lars …" would make the phone lay out the whole line left to right."""
    text = render(T("{name} has a doctor's note.", name="Lars Hansen"), "ar")
    assert text == f"{i('Lars Hansen')}: يوجد تقرير طبي (lægeerklæring)."
    assert paragraph_direction(text) == "rtl"
    assert paragraph_direction(text.replace(FSI, "").replace(PDI, "")) == "ltr"


@pytest.mark.parametrize("code", RTL_CODES)
def test_every_right_to_left_sentence_reads_right_to_left(code: str) -> None:
    """Whatever the names, each message and option label starts a right-to-left paragraph."""
    samples = [
        T(BACK, name="Lars Hansen", day=TUESDAY),
        T("{contact} at {employer}", contact="Mette", employer="Bageriet ApS"),
        T("{name} wrote START and can be reached by Makker again.", name="Ayşe Yılmaz"),
        T("Today, {day}", day=TUESDAY),
        T(
            "Makker helps you with your job. Answer with a number. "
            "Write STOP to get no more messages."
        ),
    ]
    for sample in samples:
        assert paragraph_direction(render(sample, code)) == "rtl", render(sample, code)


@pytest.mark.parametrize("code", LTR_CODES)
def test_left_to_right_texts_get_no_bidi_characters(code: str) -> None:
    """Danish, English, Turkish, Somali, Ukrainian: not one extra character (SMS cost)."""
    texts = [
        T(BACK, name="Lars Hansen", day=TUESDAY),
        T(TOLD, people=[T("your consultant {name}", name="Lars"), "Mette"]),
        T("Expected back: {when}", when=plain(TUESDAY)),
        TN("{n} absence in the last 30 days.", "{n} absences in the last 30 days.", 3),
    ]
    for text in texts:
        assert not BIDI_CONTROLS & set(render(text, code)), render(text, code)


def test_danish_text_exactly() -> None:
    """The Danish text is exactly the catalog's, nothing around the values."""
    text = render(T(BACK, name="Lars Hansen", day=TUESDAY), "da")
    assert text == "Lars Hansen er tilbage på arbejdet fra tirsdag 24. november."


def test_nested_texts_in_a_list_are_isolated_item_by_item() -> None:
    """Each person told is one isolate (their own values inside), and so is the whole list."""
    people = [
        T("{contact} at {employer}", contact="Mette", employer="Bageriet"),
        T("your consultant {name}", name="Lars"),
    ]
    text = render(T(TOLD, people=people), "ar")
    first = i(f"{i('Mette')} في {i('Bageriet')}")
    second = i(f"مستشارك {i('Lars')}")
    assert text == (
        f"شكراً. أبلغنا {i(f'{first} و{second}')}. نتمنى لك الشفاء! اكتب «تعافيت» عندما تعود."
    )


def test_list_of_plain_names_in_farsi() -> None:
    """A list of Latin names keeps the Farsi conjunction between them, in reading order."""
    welcome = "Welcome back! We have told {people}. Have a good day at work."
    text = render(T(welcome, people=["Mette", "Lars"]), "fa")
    people = i(f"{i('Mette')} و {i('Lars')}")
    assert text == f"خوش برگشتید! به {people} خبر دادیم. روز کاری خوبی داشته باشید."


def test_plain_value_in_an_urdu_message_is_isolated() -> None:
    """plain() keeps a value untranslated, but it is still a value inside the sentence."""
    text = render(T("Expected back: {when}", when=plain(TUESDAY)), "ur")
    assert text == f"متوقع واپسی: {i('منگل، 24 نومبر')}"
    text = render(T("Expected back: {when}", when=plain("Lars Hansen")), "ar")
    assert text == f"العودة المتوقعة: {i('Lars Hansen')}"


def test_a_plain_text_on_its_own_is_not_wrapped() -> None:
    """An option label that is only a value (a language's name) is a line of its own."""
    assert render(plain("Dansk"), "ar") == "Dansk"
    assert render(plain(TUESDAY), "fa") == "سه\u200cشنبه 24 نوامبر"


def test_plural_count_is_isolated_and_picks_the_arabic_form() -> None:
    """{n} is a value like any other; Arabic has six plural forms."""
    one, many = "{n} absence in the last 30 days.", "{n} absences in the last 30 days."
    assert render(TN(one, many, 1), "ar") == "حالة غياب واحدة في آخر 30 يوماً."
    assert render(TN(one, many, 2), "ar") == "حالتا غياب في آخر 30 يوماً."
    assert render(TN(one, many, 3), "ar") == f"{i('3')} حالات غياب في آخر 30 يوماً."
    assert render(TN(one, many, 11), "ar") == f"{i('11')} حالة غياب في آخر 30 يوماً."


def test_lines_are_rendered_one_by_one() -> None:
    """Each line of a lines() text is its own sentence with its own isolates."""
    text = render(
        lines(
            T("Sick report: {name} is absent {day}.", name="Lars", day=TUESDAY),
            T("Expected back: {when}", when=T("in a few days")),
        ),
        "ar",
    )
    assert text.split("\n") == [
        f"بلاغ مرض: غياب {i('Lars')} يوم {i('الثلاثاء، 24 نوفمبر')}.",
        f"العودة المتوقعة: {i('خلال أيام قليلة')}",
    ]


@pytest.mark.parametrize("code", RTL_CODES)
def test_every_translation_reads_right_to_left_with_latin_values(code: str) -> None:
    """No right-to-left catalog entry may start with a Latin word outside an isolate."""
    wrong = []
    for message in entries(load(code)):
        names = set().union(*(placeholders(s) for s in forms(message.id)))
        if message.pluralizable:
            names -= {"n"}  # TN passes the count itself
        params = {name: "Lars Hansen" for name in names}
        if message.pluralizable:
            texts = [render(TN(message.id[0], message.id[1], n, **params), code) for n in (1, 5)]
        else:
            texts = [render(T(str(message.id), **params), code)]
        wrong += [text for text in texts if paragraph_direction(text) != "rtl"]
    assert not wrong, f"{code}: laid out left to right on a phone: {wrong}"


def test_a_right_to_left_text_that_starts_with_a_latin_word_gets_a_mark() -> None:
    """Arabic text that starts with Makker or [A12] begins with U+200F, so phones lay it RTL."""
    text = render(T("[{ref}] {summary}", ref="A12", summary="عاجل"), "ar")
    assert text.startswith("\u200f") and paragraph_direction(text) == "rtl"
    assert not render(T("[{ref}] {summary}", ref="A12", summary="x"), "da").startswith("\u200f")
