"""Translatable text, kept as msgid + parameters until the reader's language is known."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Text:
    """A message in no language yet; rendered per recipient (see messages.catalog.render)."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    plural: str | None = None
    n: int | None = None
    context: str | None = None
    parts: tuple[Text, ...] = ()  # when set, the message is these texts, one per line
    verbatim: bool = False  # shown as is in every language (names, a language's own name)


def plain(value: object) -> Text:
    """Text that needs no translation, only locale formatting (a date, a name)."""
    return Text("{value}", {"value": value}, verbatim=True)


def lines(*texts: Text | None) -> Text:
    """Several texts shown as one message, one per line (None entries are left out)."""
    return Text("", parts=tuple(t for t in texts if t is not None))


def T(msgid: str, /, **params: Any) -> Text:
    """Mark a source string (English) for translation; pybabel extracts calls to T."""
    return Text(msgid, dict(params))


def TN(singular: str, plural: str, n: int, /, **params: Any) -> Text:
    """Mark a plural source string; `n` picks the form and is available as {n}."""
    return Text(singular, {"n": n, **params}, plural=plural, n=n)
