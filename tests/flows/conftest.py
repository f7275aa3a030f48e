"""Fixtures for conversation tests."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.factories import World, make_world
from tests.flows.chat import Chat


@pytest.fixture
def chat(engine: Engine) -> Chat:
    """Send messages as people and read what was sent."""
    return Chat(engine)


@pytest.fixture
def world(session: Session) -> World:
    """A Turkish-speaking citizen placed with a Danish employer, followed by a consultant."""
    return make_world(session)
