"""A test driver for conversations: send as a person, read what everybody was sent."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.models import ChannelKind, Direction, Message
from flows.inbox import Inbound, Outcome, receive

_sids = itertools.count(1)


@dataclass
class Chat:
    """Drives flows.inbox.receive exactly as the webhooks do."""

    engine: Engine

    def send(
        self, address: str, text: str, channel: ChannelKind = ChannelKind.SMS, **extra: str
    ) -> Outcome:
        """Deliver one inbound message from `address`."""
        sid = extra.pop("provider_id", f"SM{next(_sids):032x}")
        return receive(
            self.engine,
            Inbound(channel=channel, address=address, text=text, provider_id=sid, **extra),
        )

    def outbound(self, address: str | None = None, kind: str | None = None) -> list[Message]:
        """Outbound messages in the order they were written, optionally filtered."""
        with Session(self.engine) as session:
            query = select(Message).where(Message.direction == Direction.OUTBOUND)
            if address is not None:
                query = query.where(Message.address == address)
            if kind is not None:
                query = query.where(Message.kind == kind)
            return list(session.exec(query.order_by(col(Message.id))).all())

    def last(self, address: str) -> Message:
        """The newest message sent to an address."""
        messages = self.outbound(address)
        assert messages, f"nothing was sent to {address}"
        return messages[-1]

    def kinds(self, address: str) -> list[str]:
        """The kinds of all messages sent to an address, oldest first."""
        return [m.kind for m in self.outbound(address)]
