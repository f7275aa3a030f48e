"""The citizens an employer contact may talk about: only those currently placed with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bot.models import Citizen, Employer, EmployerContact, Placement


@dataclass(frozen=True)
class Placed:
    """A citizen placed with the contact, through one current placement."""

    placement: Placement
    citizen: Citizen
    employer: Employer


def placed_with(session: Session, contact: EmployerContact, day: date) -> list[Placed]:
    """Active citizens in a placement running on `day` whose contact is this person.

    This is the whole of what an employer can reach: every look-up of a citizen by name,
    number or phone from an employer's message is made in this list and nowhere else, so
    a reply never depends on who exists at other employers.
    """
    query = (
        select(Placement, Citizen, Employer)
        .join(Citizen, col(Citizen.id) == Placement.citizen_id)
        .join(Employer, col(Employer.id) == Placement.employer_id)
        .where(
            Placement.contact_id == contact.id,
            Placement.jobcentre_id == contact.jobcentre_id,
            col(Placement.active),
            col(Citizen.active),
        )
        .order_by(col(Placement.id))
    )
    seen: set[int | None] = set()
    found: list[Placed] = []
    for placement, citizen, employer in session.exec(query).all():
        if citizen.id in seen or not placement.is_current(day):
            continue
        seen.add(citizen.id)
        found.append(Placed(placement, citizen, employer))
    return sorted(found, key=lambda p: (p.citizen.first_name.casefold(), p.citizen.id or 0))


def list_label(placed: Placed, among: list[Placed]) -> str:
    """The first name, with the last name's initial when two share a first name."""
    first = placed.citizen.first_name
    twins = [p for p in among if p.citizen.first_name.casefold() == first.casefold()]
    if len(twins) > 1 and placed.citizen.last_name:
        return f"{first} {placed.citizen.last_name[0]}."
    return first
