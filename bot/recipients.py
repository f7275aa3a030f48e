"""Who a message goes to and by which channel, decided from the person's stored details."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import ChannelKind, Citizen, Consultant, EmployerContact, ParticipantKind

Person = Citizen | EmployerContact | Consultant

PARTICIPANT_KIND: dict[type[Person], ParticipantKind] = {
    Citizen: ParticipantKind.CITIZEN,
    EmployerContact: ParticipantKind.CONTACT,
    Consultant: ParticipantKind.CONSULTANT,
}


@dataclass(frozen=True)
class Recipient:
    """An address on one channel, with the reader's language and consent."""

    kind: ParticipantKind
    id: int | None
    channel: ChannelKind
    address: str
    language: str
    jobcentre_id: int | None
    opted_out: bool = False


def participant_kind(person: Person) -> ParticipantKind:
    """The participant kind of a person row."""
    return PARTICIPANT_KIND[type(person)]


def recipient_for(person: Person, channel: ChannelKind | None = None) -> Recipient | None:
    """Reach a person on the given channel, else their preferred one, else any that works."""
    order = [channel or person.preferred_channel, ChannelKind.TELEGRAM, ChannelKind.SMS]
    for candidate in order:
        address = _address(person, candidate)
        if address:
            return Recipient(
                kind=participant_kind(person),
                id=person.id,
                channel=ChannelKind(candidate),
                address=address,
                language=person.language,
                jobcentre_id=person.jobcentre_id,
                opted_out=person.opted_out_at is not None,
            )
    return None


def _address(person: Person, channel: ChannelKind) -> str | None:
    """The address a person has on a channel, if any."""
    if channel == ChannelKind.TELEGRAM and person.telegram_chat_id is not None:
        return str(person.telegram_chat_id)
    if channel in (ChannelKind.SMS, ChannelKind.VOICE) and person.phone:
        return person.phone
    return None
