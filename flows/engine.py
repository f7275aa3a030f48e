"""The small state machine every flow runs on: one turn, its replies, and where to go next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from bot.clock import utcnow
from bot.hours import after_quiet, jobcentre_hours
from bot.models import Conversation, Message
from bot.outbox import Option, enqueue
from bot.recipients import Person, Recipient, participant_kind, recipient_for
from messages import Text, render

DEFAULT_TTL = timedelta(hours=12)  # an unanswered question is forgotten after this


@dataclass(frozen=True)
class Choice:
    """A numbered answer offered to the reader."""

    value: str
    label: Text


@dataclass
class Turn:
    """One inbound message being handled: who sent it, what they wrote, and when."""

    session: Session
    person: Person
    inbound: Message
    reply_to: Recipient  # the sender, on the channel and address they wrote from
    now: datetime = field(default_factory=utcnow)
    _conversation: Conversation | None = None
    _loaded: bool = False

    @property
    def text(self) -> str:
        """What the sender wrote."""
        return self.inbound.body

    @property
    def conversation(self) -> Conversation | None:
        """The sender's open conversation, if it has not expired."""
        if not self._loaded:
            self._conversation = load_conversation(self.session, self.person, self.now)
            self._loaded = True
        return self._conversation

    @property
    def data(self) -> dict[str, Any]:
        """What the current conversation has learnt so far."""
        return dict(self.conversation.context) if self.conversation else {}

    def reply(
        self,
        text: Text,
        *,
        kind: str,
        choices: Sequence[Choice] = (),
        ref: str | None = None,
    ) -> Message:
        """Answer the sender where they wrote from, in their language (at once: they asked)."""
        return say(
            self.session,
            self.reply_to,
            text,
            kind=kind,
            choices=choices,
            key=f"in{self.inbound.id}:{kind}",
            in_reply_to_id=self.inbound.id,
            ref=ref,
        )

    def tell(
        self,
        person: Person,
        text: Text,
        *,
        kind: str,
        choices: Sequence[Choice] = (),
        ref: str | None = None,
        quiet: bool = False,
    ) -> Message | None:
        """Send someone else a message caused by this turn (at most once per turn)."""
        recipient = recipient_for(person)
        if recipient is None:
            return None
        key = f"in{self.inbound.id}:{kind}:{recipient.kind}{recipient.id}"
        return say(
            self.session,
            recipient,
            text,
            kind=kind,
            choices=choices,
            key=key,
            in_reply_to_id=self.inbound.id,
            ref=ref,
            quiet=quiet,
        )

    def goto(self, flow: str, step: str, ttl: timedelta = DEFAULT_TTL, **data: Any) -> None:
        """Wait for the sender's next message in `flow` at `step`, remembering `data`."""
        self._conversation = save_conversation(
            self.session,
            self.person,
            flow,
            step,
            self.now,
            ttl,
            {**self.data, **data},
            existing=self.conversation,
        )
        self._loaded = True

    def finish(self) -> None:
        """End the sender's conversation."""
        if self._loaded and self._conversation is None:
            return  # known to have none: no statement needed
        end_conversation(self.session, self.person)
        self._conversation = None
        self._loaded = True


def say(
    session: Session,
    recipient: Recipient,
    text: Text,
    *,
    kind: str,
    choices: Sequence[Choice] = (),
    key: str | None = None,
    in_reply_to_id: int | None = None,
    allow_opted_out: bool = False,
    not_before: datetime | None = None,
    deadline: datetime | None = None,
    ref: str | None = None,
    quiet: bool = False,
) -> Message:
    """Render a text in the recipient's language and put it in the outbox.

    `quiet=True` marks a message nobody is waiting for (a reminder, a check-in, a digest):
    it is held until the recipient's jobcentre's quiet hours are over.
    """
    language = recipient.language
    if quiet:
        hours = jobcentre_hours(session, recipient.jobcentre_id)
        not_before = after_quiet(hours, not_before or utcnow())
    return enqueue(
        session,
        recipient=recipient,
        body=render(text, language),
        kind=kind,
        options=render_options(choices, language),
        idempotency_key=key,
        in_reply_to_id=in_reply_to_id,
        allow_opted_out=allow_opted_out,
        not_before=not_before,
        deadline=deadline,
        ref=ref,
    )


def render_options(choices: Sequence[Choice], language: str) -> list[Option]:
    """The numbered answers in the reader's language."""
    return [Option(c.value, render(c.label, language)) for c in choices]


def load_conversation(session: Session, person: Person, now: datetime) -> Conversation | None:
    """The person's conversation if one is open and not expired."""
    query = select(Conversation).where(
        Conversation.participant_kind == participant_kind(person),
        Conversation.participant_id == person.id,
    )
    conversation = session.exec(query).first()
    if conversation is None:
        return None
    if conversation.expires_at is not None and conversation.expires_at <= now:
        session.delete(conversation)
        session.flush()
        return None
    return conversation


def save_conversation(
    session: Session,
    person: Person,
    flow: str,
    step: str,
    now: datetime,
    ttl: timedelta,
    context: dict[str, Any],
    existing: Conversation | None = None,
) -> Conversation:
    """Create or move the person's single conversation row (`existing` saves a look-up)."""
    conversation = existing
    if conversation is None:
        query = select(Conversation).where(
            Conversation.participant_kind == participant_kind(person),
            Conversation.participant_id == person.id,
        )
        conversation = session.exec(query).first()
    if conversation is None:
        conversation = Conversation(
            participant_kind=participant_kind(person),
            participant_id=person.id or 0,
            flow=flow,
            step=step,
        )
    conversation.flow = flow
    conversation.step = step
    conversation.context = context
    conversation.expires_at = now + ttl
    conversation.updated_at = now
    session.add(conversation)
    session.flush()
    return conversation


def end_conversation(session: Session, person: Person) -> None:
    """Forget where the person was."""
    query = select(Conversation).where(
        Conversation.participant_kind == participant_kind(person),
        Conversation.participant_id == person.id,
    )
    for conversation in session.exec(query).all():
        session.delete(conversation)
    session.flush()
