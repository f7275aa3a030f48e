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
    return recipient_from(
        kind=participant_kind(person),
        id=person.id,
        jobcentre_id=person.jobcentre_id,
        phone=person.phone,
        telegram_chat_id=person.telegram_chat_id,
        preferred_channel=channel or person.preferred_channel,
        language=person.language,
        opted_out=person.opted_out_at is not None,
    )


def recipient_from(
    *,
    kind: ParticipantKind,
    id: int | None,
    jobcentre_id: int | None,
    phone: str | None,
    telegram_chat_id: int | str | None,
    preferred_channel: ChannelKind | str,
    language: str,
    opted_out: bool,
) -> Recipient | None:
    """recipient_for on plain column values, for bulk paths that load no ORM objects."""
    for candidate in (preferred_channel, ChannelKind.TELEGRAM, ChannelKind.SMS):
        address = _address(phone, telegram_chat_id, ChannelKind(candidate))
        if address:
            return Recipient(
                kind=kind,
                id=id,
                channel=ChannelKind(candidate),
                address=address,
                language=language,
                jobcentre_id=jobcentre_id,
                opted_out=opted_out,
            )
    return None


def _address(
    phone: str | None, telegram_chat_id: int | str | None, channel: ChannelKind
) -> str | None:
    """The address a person has on a channel, if any."""
    if channel == ChannelKind.TELEGRAM and telegram_chat_id is not None:
        return str(telegram_chat_id)
    if channel in (ChannelKind.SMS, ChannelKind.VOICE) and phone:
        return phone
    return None
