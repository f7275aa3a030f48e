"""What people read: gettext catalogs, locale-aware formatting and intent word lists."""

from messages.catalog import render
from messages.text import TN, T, Text, lines, plain

__all__ = ["TN", "T", "Text", "lines", "plain", "render"]
