"""Employer reports: free text and the menu, which citizen, the alert, and the no-show question."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlmodel import Session, select

from bot.models import (
    Absence,
    AlertKind,
    AlertSeverity,
    ParticipantKind,
    Placement,
    ReportCategory,
)
from bot.models.leave import Leave
from tests.factories import make_consultant
from tests.flows.chat import Chat
from tests.flows.checkin_builders import (
    Workplace,
    alerts,
    at,
    events,
    make_workplace,
    reports,
    sent_to,
    subscribe,
)

TODAY = date(2026, 11, 24)  # Tuesday, 07:30 on the clock fixture


def _phone(w: Workplace, index: int = 0) -> str:
    """A citizen's phone."""
    phone = w.citizens[index].phone
    assert phone is not None
    return phone


def test_a_no_show_in_danish_reaches_the_consultant_at_once(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """A no-show ("Ali kom ikke i dag"): urgent alert, employer told who and when, Ali asked."""
    w = make_workplace(session, ("Ali",))
    subscribe(session, w.jobcentre)
    chat.send(w.phone, "Ali kom ikke i dag")
    (report,) = reports(session)
    assert (report.category, report.text) == (ReportCategory.NO_SHOW, "Ali kom ikke i dag")
    assert (report.citizen_id, report.placement_id) == (w.citizens[0].id, w.placements[0].id)
    assert report.contact_id == w.contact.id and report.inbound_id is not None
    (alert,) = alerts(session)
    assert (alert.kind, alert.severity, alert.id) == (
        AlertKind.EMPLOYER_REPORT,
        AlertSeverity.URGENT,
        report.alert_id,
    )
    (to_consultant,) = sent_to(session, w.consultant.phone, "alert.employer_report")
    assert "URGENT" in to_consultant.body and '"Ali kom ikke i dag"' in to_consultant.body
    confirm = sent_to(session, w.phone)[-1]
    assert confirm.kind == "employer_report.confirm"
    assert "Mette Jensen" in confirm.body and "today by 09:00" in confirm.body
    assert "asked Ali if they are all right" in confirm.body
    (question,) = sent_to(session, _phone(w), "employer_report.are_you_ok")
    assert [o["value"] for o in question.options] == ["1", "2"]
    assert "Bageriet Solsikken" in question.body and "Tuesday 24 November" in question.body
    (event,) = events(session, "employer_report.created")
    assert set(event.payload["data"]) == {
        "report_id",
        "category",
        "citizen_id",
        "placement_id",
        "contact_id",
        "alert_id",
        "created_at",
    }
    assert "Ali kom" not in str(event.payload)


@pytest.mark.parametrize("answer", ["SYG", "2", "jeg er syg"])
def test_the_citizen_answers_sick_and_enters_the_sick_day_flow(
    chat: Chat, session: Session, clock: time_machine.Traveller, answer: str
) -> None:
    """SYG (or 2) is a sick report: the usual questions, then employer and consultant told."""
    w = make_workplace(session, ("Ali",))
    chat.send(w.phone, "Ali kom ikke i dag")
    chat.send(_phone(w), answer)
    assert sent_to(session, _phone(w))[-1].kind == "sick_day.ask_who"
    chat.send(_phone(w), "1")
    chat.send(_phone(w), "1")
    assert session.exec(select(Absence)).one().citizen_id == w.citizens[0].id
    assert sent_to(session, w.phone, "sick_day.employer_notice")
    (report,) = reports(session)
    assert report.citizen_replied_at is not None and report.citizen_reply is None
    assert alerts(session, AlertKind.CITIZEN_REPLY) == []


@pytest.mark.parametrize(
    ("answer", "shown"),
    [("1", "I'm OK"), ("Bussen kørte ikke, jeg er der om en time", '"Bussen kørte ikke')],
)
def test_any_other_answer_is_stored_and_passed_to_the_consultant(
    chat: Chat, session: Session, clock: time_machine.Traveller, answer: str, shown: str
) -> None:
    """The citizen's words reach the consultant only; the employer hears nothing of them."""
    w = make_workplace(session, ("Ali",))
    chat.send(w.phone, "Ali kom ikke i dag")
    employer_messages = len(sent_to(session, w.phone))
    chat.send(_phone(w), answer)
    (report,) = reports(session)
    assert report.citizen_reply == answer and report.citizen_replied_at is not None
    (reply,) = alerts(session, AlertKind.CITIZEN_REPLY)
    assert reply.severity == AlertSeverity.ATTENTION and shown in reply.summary
    assert shown in sent_to(session, w.consultant.phone, "alert.citizen_reply")[0].body
    assert sent_to(session, _phone(w))[-1].kind == "employer_report.citizen_thanks"
    assert len(sent_to(session, w.phone)) == employer_messages


def test_a_no_show_for_a_citizen_who_reported_sick_does_not_ask_again(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """They told Makker already: no question to the citizen, and the alert is not urgent."""
    w = make_workplace(session, ("Ali",))
    session.add(
        Absence(jobcentre_id=w.jobcentre.id or 0, citizen_id=w.citizens[0].id or 0, first_day=TODAY)
    )
    session.commit()
    chat.send(w.phone, "Ali er ikke mødt op")
    assert sent_to(session, _phone(w)) == []
    (alert,) = alerts(session)
    assert alert.severity == AlertSeverity.ATTENTION and "reported sick" in alert.summary


@pytest.mark.parametrize(
    ("text", "category", "severity"),
    [
        ("he doesn't understand the safety rules", ReportCategory.SAFETY, AlertSeverity.URGENT),
        ("Ali didn't turn up today", ReportCategory.NO_SHOW, AlertSeverity.URGENT),
        ("hun kommer for sent hver dag", ReportCategory.LATE, AlertSeverity.ATTENTION),
        ("Ali was rude to a customer", ReportCategory.CONDUCT, AlertSeverity.ATTENTION),
        ("han forstår ikke instruktionerne", ReportCategory.LANGUAGE, AlertSeverity.ATTENTION),
        ("det går ikke godt med Ali", ReportCategory.OTHER, AlertSeverity.ATTENTION),
        ("Ali is doing a great job", ReportCategory.GOOD_NEWS, AlertSeverity.INFO),
    ],
)
def test_free_text_category_and_severity(
    chat: Chat,
    session: Session,
    clock: time_machine.Traveller,
    text: str,
    category: ReportCategory,
    severity: AlertSeverity,
) -> None:
    """Danish and English; the severity follows the category; the words are kept."""
    w = make_workplace(session, ("Ali",))
    chat.send(w.phone, text)
    (report,) = reports(session)
    assert (report.category, report.text) == (category, text)
    (alert,) = alerts(session)
    assert alert.severity == severity
    told = sent_to(session, w.consultant.phone)
    assert len(told) == (0 if severity == AlertSeverity.INFO else 1)


def test_several_citizens_get_a_numbered_list_of_first_names(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """A text that names nobody ("hun kommer for sent"): 1 Ali · 2 Sara; "2" files it about Sara."""
    w = make_workplace(session, ("Sara", "Ali"))
    chat.send(w.phone, "hun kommer for sent hver dag")
    question = sent_to(session, w.phone)[-1]
    assert question.kind == "employer_report.ask_citizen"
    assert [(o["value"], o["label"]) for o in question.options] == [("1", "Ali"), ("2", "Sara")]
    assert reports(session) == []
    chat.send(w.phone, "2")
    (report,) = reports(session)
    sara = next(c for c in w.citizens if c.first_name == "Sara")
    assert (report.citizen_id, report.category) == (sara.id, ReportCategory.LATE)
    assert report.text == "hun kommer for sent hver dag"
    confirm = sent_to(session, w.phone)[-1].body
    assert "about Sara" in confirm and "Wednesday 25 November 16:00" in confirm


def test_a_first_name_in_the_text_picks_the_citizen(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """A first name ("Saras", genitive) among several: no question, straight to the report."""
    w = make_workplace(session, ("Ali", "Sara"))
    chat.send(w.phone, "Saras opførsel over for kunderne er et problem")
    (report,) = reports(session)
    assert report.citizen_id == w.citizens[1].id and report.category == ReportCategory.CONDUCT
    assert sent_to(session, w.phone)[-1].kind == "employer_report.confirm"


def test_a_name_in_the_list_step_picks_too(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """Answering the list with a first name instead of its number."""
    w = make_workplace(session, ("Ali", "Sara"))
    chat.send(w.phone, "for sent igen")
    chat.send(w.phone, "sara")
    assert reports(session)[0].citizen_id == w.citizens[1].id


def test_the_contact_menu_and_a_problem_from_it(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """HELP shows five options (naming the only citizen); 1 → what happened? → 5 safety."""
    w = make_workplace(session, ("Ali",))
    chat.send(w.phone, "HELP")
    menu = sent_to(session, w.phone)[-1]
    assert menu.kind == "help.menu"
    assert [o["label"] for o in menu.options] == [
        "Report a problem",
        "Good news",
        "Ali has started",
        "End a placement",
        "Change language",
    ]
    chat.send(w.phone, "1")
    question = sent_to(session, w.phone)[-1]
    assert question.kind == "employer_report.ask_category" and len(question.options) == 6
    chat.send(w.phone, "5")
    (report,) = reports(session)
    assert (report.category, report.text) == (ReportCategory.SAFETY, None)
    assert alerts(session)[0].severity == AlertSeverity.URGENT


def test_other_from_the_menu_asks_for_a_few_words(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """6 (other) and two citizens: which one, then the employer's own words."""
    w = make_workplace(session, ("Ali", "Sara"))
    for text in ("HELP", "1", "6", "1"):
        chat.send(w.phone, text)
    assert sent_to(session, w.phone)[-1].kind == "employer_report.ask_details"
    chat.send(w.phone, "Han sover i pauserne")
    (report,) = reports(session)
    assert (report.category, report.text) == (ReportCategory.OTHER, "Han sover i pauserne")
    assert report.citizen_id == w.citizens[0].id


def test_confirming_that_a_citizen_has_started(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """Menu 3: the placement is marked started, an info alert; a second time changes nothing."""
    w = make_workplace(session, ("Ali",))
    chat.send(w.phone, "HELP")
    chat.send(w.phone, "3")
    session.expire_all()
    placement = session.get_one(Placement, w.placements[0].id)
    assert placement.started_confirmed_at == at(TODAY, "07:30")
    (alert,) = alerts(session)
    assert (alert.kind, alert.severity) == (AlertKind.PLACEMENT_STARTED, AlertSeverity.INFO)
    assert "has started" in sent_to(session, w.phone)[-1].body
    assert sent_to(session, w.consultant.phone) == []  # the daily digest tells
    chat.send(w.phone, "HELP")
    chat.send(w.phone, "3")
    assert sent_to(session, w.phone)[-1].kind == "employer_report.already_started"
    assert len(reports(session)) == 1


def test_an_end_request_asks_why_and_never_ends_the_placement(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """Menu 4: a short reason; the consultant decides; the placement runs on."""
    w = make_workplace(session, ("Ali",))
    chat.send(w.phone, "HELP")
    chat.send(w.phone, "4")
    assert "why" in sent_to(session, w.phone)[-1].body
    chat.send(w.phone, "Det fungerer ikke for os")
    (report,) = reports(session)
    assert (report.category, report.text) == (
        ReportCategory.END_REQUEST,
        "Det fungerer ikke for os",
    )
    (alert,) = alerts(session)
    assert (alert.kind, alert.severity) == (AlertKind.END_REQUESTED, AlertSeverity.ATTENTION)
    assert "you decide" in alert.summary
    session.expire_all()
    placement = session.get_one(Placement, w.placements[0].id)
    assert placement.end_requested_at is not None
    assert placement.active and placement.end_date is None
    assert "continues" in sent_to(session, w.phone)[-1].body


def test_good_news_from_the_menu(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """Menu 2: the employer's words, an info alert for the digest."""
    w = make_workplace(session, ("Ali",))
    for text in ("HELP", "2", "Ali er super dygtig"):
        chat.send(w.phone, text)
    (report,) = reports(session)
    assert (report.category, report.text) == (ReportCategory.GOOD_NEWS, "Ali er super dygtig")
    assert alerts(session)[0].kind == AlertKind.EMPLOYER_GOOD_NEWS
    assert "good news" in sent_to(session, w.phone)[-1].body


def test_menu_five_changes_language(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """The last option is the language list."""
    w = make_workplace(session, ("Ali",))
    chat.send(w.phone, "HELP")
    chat.send(w.phone, "5")
    assert sent_to(session, w.phone)[-1].kind == "language.menu"


def test_short_unknown_text_gets_the_menu_longer_text_is_other(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """A greeting gets the menu; a longer unknown text is passed on as "other"."""
    w = make_workplace(session, ("Ali",))
    chat.send(w.phone, "hej")
    assert sent_to(session, w.phone)[-1].kind == "help.menu"
    assert reports(session) == []
    chat.send(w.phone, "Kan konsulenten ringe til mig om Ali i morgen")
    (report,) = reports(session)
    assert report.category == ReportCategory.OTHER
    assert report.text == "Kan konsulenten ringe til mig om Ali i morgen"


@pytest.mark.parametrize(
    ("moment", "text", "expected"),
    [
        (at(TODAY, "10:00"), "Ali kom ikke i dag", "today by 11:00"),
        (at(date(2026, 11, 27), "15:30"), "Ali kom ikke i dag", "Monday 30 November 08:30"),
        (at(date(2026, 11, 27), "15:30"), "Ali kom for sent", "Monday 30 November 16:00"),
        (at(date(2026, 12, 23), "12:00"), "Ali kom for sent", "Thursday 24 December 16:00"),
    ],
)
def test_when_the_employer_can_expect_an_answer(
    chat: Chat,
    session: Session,
    clock: time_machine.Traveller,
    moment: object,
    text: str,
    expected: str,
) -> None:
    """Urgent: the acknowledgement window in office hours; otherwise the next working day."""
    w = make_workplace(session, ("Ali",))
    clock.move_to(moment)  # type: ignore[arg-type]
    chat.send(w.phone, text)
    assert expected in sent_to(session, w.phone)[-1].body


def test_the_backup_is_named_while_the_consultant_is_on_leave(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """The employer reads the name of the consultant who actually got the alert."""
    w = make_workplace(session, ("Ali",))
    backup = make_consultant(session, w.jobcentre, name="Jonas Lund", language="en")
    w.consultant.backup_id = backup.id
    session.add(w.consultant)
    session.add(
        Leave(
            jobcentre_id=w.jobcentre.id or 0,
            participant_kind=ParticipantKind.CONSULTANT,
            participant_id=w.consultant.id or 0,
            first_day=TODAY,
            last_day=TODAY,
        )
    )
    session.commit()
    chat.send(w.phone, "Ali kom ikke i dag")
    assert "Jonas Lund" in sent_to(session, w.phone)[-1].body
    assert sent_to(session, backup.phone, "alert.employer_report")
