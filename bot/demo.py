"""Demo data: one jobcentre with a consultant, an employer and a citizen in each language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlmodel import Session, select

from bot.apikeys import create_api_key
from bot.models import (
    Citizen,
    Consultant,
    Employer,
    EmployerContact,
    Jobcentre,
    Placement,
    PlacementKind,
    Shift,
    WeeklySchedule,
)

DEMO_JOBCENTRE = "Jobcenter Demo (Høje-Taastrup)"
CONSULTANT_PHONE = "+4520123401"
CONTACT_PHONE = "+4520123402"
DANISH_CITIZEN_PHONE = "+4520123403"
TURKISH_CITIZEN_PHONE = "+4520123404"

# One citizen per supported language, so the demo can be run in each of them.
DEMO_CITIZENS: tuple[tuple[str, str, str, str], ...] = (
    ("Sara", "Hansen", DANISH_CITIZEN_PHONE, "da"),
    ("Ayşe", "Yılmaz", TURKISH_CITIZEN_PHONE, "tr"),
    ("John", "Smith", "+4520123405", "en"),
    ("Amal", "Haddad", "+4520123406", "ar"),
    ("Hodan", "Warsame", "+4520123407", "so"),
    ("Bilal", "Ahmed", "+4520123408", "ur"),
    ("Olena", "Kovalenko", "+4520123409", "uk"),
    ("Zahra", "Ahmadi", "+4520123410", "fa"),
)


@dataclass(frozen=True)
class DemoResult:
    """What `makker demo` created; the API key is shown once."""

    jobcentre_id: int
    api_key: str


def has_any_jobcentre(session: Session) -> bool:
    """An empty database is the signal to create demo data on first start."""
    return session.exec(select(Jobcentre.id)).first() is not None


def _weekdays(start: time, end: time) -> dict[str, object]:
    """Monday to Friday, same hours."""
    shift = Shift(start=start, end=end)
    return WeeklySchedule(mon=shift, tue=shift, wed=shift, thu=shift, fri=shift).to_json()


def create_demo(session: Session, *, today: date) -> DemoResult:
    """Create the demo cast and return the jobcentre id with a fresh API key."""
    jobcentre = Jobcentre(name=DEMO_JOBCENTRE)
    session.add(jobcentre)
    session.flush()
    assert jobcentre.id is not None
    consultant = Consultant(
        jobcentre_id=jobcentre.id, name="Mette Jensen", phone=CONSULTANT_PHONE, language="da"
    )
    employer = Employer(
        jobcentre_id=jobcentre.id,
        name="Bageriet Solsikken ApS",
        cvr="12345678",
        address="Torvet 3, 2630 Taastrup",
    )
    session.add_all([consultant, employer])
    session.flush()
    assert employer.id is not None
    contact = EmployerContact(
        jobcentre_id=jobcentre.id,
        employer_id=employer.id,
        name="Lars Holm",
        phone=CONTACT_PHONE,
        language="da",
    )
    citizens = [
        Citizen(
            jobcentre_id=jobcentre.id,
            consultant_id=consultant.id,
            first_name=first,
            last_name=last,
            phone=phone,
            language=language,
        )
        for first, last, phone, language in DEMO_CITIZENS
    ]
    session.add(contact)
    session.add_all(citizens)
    session.flush()
    for citizen in citizens:
        assert citizen.id is not None and contact.id is not None
        early = citizen.language == "da"  # Sara has a wage-subsidy job from 07:00
        session.add(
            Placement(
                jobcentre_id=jobcentre.id,
                citizen_id=citizen.id,
                contact_id=contact.id,
                employer_id=employer.id,
                kind=PlacementKind.LOENTILSKUD if early else PlacementKind.VIRKSOMHEDSPRAKTIK,
                start_date=today,
                workplace_address=employer.address,
                schedule=_weekdays(time(7, 0), time(14, 30))
                if early
                else _weekdays(time(8, 0), time(15, 30)),
            )
        )
    key = create_api_key(session, jobcentre_id=jobcentre.id, name="demo")
    session.flush()
    return DemoResult(jobcentre_id=jobcentre.id, api_key=key)
