"""A morning's ordinary first wake-up texts written by the database: INSERT … SELECT, one UPDATE.

At 06:30 thousands of wake-ups are due at once and nearly all are plain: a citizen who is
active, not sick, not on leave, reachable on the channel they prefer, with a placement that
runs today. Their texts differ only in the first name, so each distinct (language, place,
shift) is rendered once through the catalogs with a stand-in for the name, and the database
writes the rows: the name put in with replace(), the SMS segments counted from the
rendering's length plus the name's (names of GSM-7 letters only; any other name is left to
the careful path, which counts it exactly). One pass:

1. the distinct renderings and reply windows the next due rows need (no lock);
2. the claim: the next due rows, locked FOR UPDATE SKIP LOCKED (two workers never take the
   same row), each plain when the predicate holds and its rendering is there;
3. one UPDATE moving the plain rows on and one INSERT … SELECT of their texts.

On PostgreSQL 2 and 3 are one statement (data-modifying CTEs); SQLite runs three.

Every other claimed row (a reminder, a call, a sick morning, a cancellation, an unusual
name) is returned for flows/wake_up.py's careful path, which looks at it again on its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Boolean,
    Integer,
    String,
    Table,
    Text,
    and_,
    any_,
    case,
    cast,
    column,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    update,
    values,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from bot.clock import utcnow
from bot.db.bulk import analyze_if_grown, is_postgresql
from bot.db.types import UTCDateTime
from bot.models import (
    Absence,
    ChannelKind,
    Citizen,
    Direction,
    Employer,
    Leave,
    Message,
    MessageStatus,
    ParticipantKind,
    Placement,
    WakeUp,
    WakeUpStage,
    WakeUpStatus,
)
from bot.outbox import render_sms
from bot.sms import GSM_BASIC, cost
from flows.engine import render_options
from flows.wake_up_texts import UP_OR_SICK, first_text
from messages import render

FIRST_TEXT = "wake_up.text"
NAME = "\x01"  # the first name's stand-in: GSM_NAME keeps it out of names, _renderings of places
# A name of these letters costs one GSM-7 septet or one UCS-2 unit per letter.
NAME_LETTERS = "".join(sorted(GSM_BASIC - {"\n", "\r", "\x1b"}))
GSM_NAME = "^[" + re.sub(r"([\\\]\[^-])", r"\\\1", NAME_LETTERS) + "]*$"
_MESSAGE_IDS: ColumnElement[str] = literal_column("pg_get_serial_sequence('message', 'id')")
MESSAGES: Table = Message.__table__  # type: ignore[attr-defined]
GSM_SINGLE, GSM_PART, UCS2_SINGLE, UCS2_PART = 160, 153, 70, 67


@dataclass(frozen=True)
class Claimed:
    """What one pass claimed: how many plain texts it wrote, and the rows left to look at."""

    texted: int
    careful: list[int]


@dataclass(frozen=True)
class Rendering:
    """A first text with NAME for the name, and what its SMS costs without the name."""

    body: str
    options: str  # as the column stores them (JSON)
    gsm: bool
    length: int  # septets (GSM-7) or UTF-16 units (UCS-2), options included, names excluded
    names: int  # how often the name appears


def claim_and_text(session: Session, now: datetime, limit: int) -> Claimed:
    """Claim up to `limit` due wake-ups; text the plain ones, return the ids of the rest."""
    keys = session.execute(_needed(now, limit)).all()
    texts = _renderings(keys)
    if texts is None:  # nothing plain in reach: every row takes the careful path
        rows = session.execute(_claim(now, limit, None, None)).all()
        return Claimed(0, [row.id for row in rows])
    replies = _replies(keys, now)
    if is_postgresql(session):
        # One statement: the claim, the texts and the move on as data-modifying CTEs.
        statement = _claim_and_text_at_once(now, limit, texts, replies)
        rows = session.connection().execute(statement).all()  # Core rows: no ORM result work
        plain = [row.id for row in rows if row.plain]
        # As insert_rows does: a morning can grow the outbox from nothing to 100,000 rows,
        # and a planner that still thinks it empty sorts every due row for each claim.
        analyze_if_grown(session, MESSAGES, len(plain))
    else:
        rows = session.execute(_claim(now, limit, texts, replies)).all()
        plain = [row.id for row in rows if row.plain]
        if plain:
            session.execute(_write_texts(plain, texts))
            session.execute(_move_on(plain, now, replies))
    return Claimed(len(plain), [row.id for row in rows if not row.plain])


def _employer() -> ColumnElement[Any]:
    """The employer's name, '' when none."""
    return func.coalesce(col(Employer.name), "")


def _address() -> ColumnElement[Any]:
    """The workplace address on the placement's first day, else ''."""
    return case(
        (
            col(WakeUp.day) == col(Placement.start_date),
            func.coalesce(Placement.workplace_address, ""),
        ),
        else_="",
    )


def _channel() -> ColumnElement[Any]:
    """The channel of a plain text: the citizen's preferred one, when they have an address there."""
    return case(
        (
            and_(
                col(Citizen.preferred_channel) == ChannelKind.TELEGRAM.value,
                col(Citizen.telegram_chat_id).is_not(None),
            ),
            ChannelKind.TELEGRAM.value,
        ),
        (
            and_(
                col(Citizen.preferred_channel) == ChannelKind.SMS.value,
                func.coalesce(col(Citizen.phone), "") != "",
            ),
            ChannelKind.SMS.value,
        ),
        else_=None,
    )


def _joined(*columns: Any) -> Any:
    """Due open wake-ups with their citizen, placement and employer (any may be missing)."""
    return (
        select(*columns)
        .select_from(WakeUp)
        .outerjoin(Citizen, col(Citizen.id) == col(WakeUp.citizen_id))
        .outerjoin(Placement, col(Placement.id) == col(WakeUp.placement_id))
        .outerjoin(Employer, col(Employer.id) == col(Placement.employer_id))
    )


def _due(now: datetime) -> ColumnElement[bool]:
    """Open wake-ups whose next step is due."""
    return and_(
        col(WakeUp.next_step_at).is_not(None),
        col(WakeUp.next_step_at) <= now,
        col(WakeUp.status) == WakeUpStatus.OPEN.value,
    )


def _plain(now: datetime) -> ColumnElement[bool]:
    """flows.wake_up's reasons for a plain first text, as SQL: planned, wanted, reachable."""
    sick = exists().where(
        col(Absence.citizen_id) == col(WakeUp.citizen_id), col(Absence.closed_at).is_(None)
    )
    away = exists().where(
        col(Leave.participant_kind) == ParticipantKind.CITIZEN.value,
        col(Leave.participant_id) == col(WakeUp.citizen_id),
        col(Leave.first_day) <= col(WakeUp.day),
        col(Leave.last_day) >= col(WakeUp.day),
    )
    return and_(
        col(WakeUp.stage) == WakeUpStage.PLANNED.value,
        col(Citizen.id).is_not(None),
        col(Placement.id).is_not(None),
        col(Citizen.active).is_(True),
        col(Citizen.opted_out_at).is_(None),
        col(Placement.wakeup_enabled).is_(True),
        col(Placement.active).is_(True),  # runs_on: active, started, not ended
        col(Placement.start_date) <= col(WakeUp.day),
        or_(col(Placement.end_date).is_(None), col(Placement.end_date) >= col(WakeUp.day)),
        col(WakeUp.shift_start) > now,
        _channel().is_not(None),
        col(Citizen.first_name).regexp_match(GSM_NAME),
        ~sick,
        ~away,
    )


def _needed(now: datetime, limit: int) -> Any:
    """The distinct renderings and reply windows of the next due rows, which it locks.

    The window is the claim's: the first `limit` due rows in ix_wake_up_due order, plain or
    not (the few careful ones render a text nobody uses; filtering here would make
    PostgreSQL check every due row, not just the first ones). Locking them (SKIP LOCKED, as
    the claim does) keeps a second worker from rendering the rows the first one holds and
    then claiming rows it has no rendering for.
    """
    window = (
        _joined(
            col(Citizen.language).label("language"),
            _employer().label("employer"),
            _address().label("address"),
            col(WakeUp.shift_start).label("shift_start"),
            col(WakeUp.wake_at).label("wake_at"),
            col(Placement.wakeup_reply_minutes).label("minutes"),
        )
        .where(_due(now))
        .order_by(col(WakeUp.next_step_at))
        .limit(limit)
        .with_for_update(skip_locked=True, of=WakeUp)
        .subquery()
    )
    # A row without citizen or placement has nothing to render: the careful path cancels it.
    return (
        select(window)
        .where(window.c.language.is_not(None), window.c.minutes.is_not(None))
        .distinct()
    )


def _renderings(keys: Any) -> Any:
    """A VALUES table of the renderings for these keys (None when there are none)."""
    data = []
    # Sorted: the same rows in the same order every run (sets of str follow the hash seed).
    for key in sorted({(k.language, k.employer, k.address, k.shift_start) for k in keys}):
        if NAME in key[1] or NAME in key[2]:
            continue  # the stand-in would be replaced there too: the careful path writes it
        text = rendering(key[0], place_text(key[1], key[2]), key[3])
        data.append((*key, text.body, text.options, text.gsm, text.length, text.names))
    return (
        values(
            column("language", String),
            column("employer", String),
            column("address", String),
            column("shift_start", UTCDateTime),
            column("body", Text),
            column("options", Text),
            column("gsm", Boolean),
            column("length", Integer),
            column("names", Integer),
            name="rendering",
        )
        .data(data)
        .cte("rendering")
        if data
        else None
    )


def _claim(now: datetime, limit: int, texts: Any, replies: Any) -> Any:
    """The next due rows, locked, each with whether it is plain and its rendering is there."""
    if texts is None:
        query = _joined(col(WakeUp.id), literal(False, Boolean).label("plain"))
    else:
        query = (
            _joined(col(WakeUp.id), _ready(now, texts, replies).label("plain"))
            .outerjoin(texts, _matches(texts))
            .outerjoin(
                replies,
                and_(
                    replies.c.wake_at == col(WakeUp.wake_at),
                    replies.c.minutes == col(Placement.wakeup_reply_minutes),
                ),
            )
        )
    return (
        query.where(_due(now))
        .order_by(col(WakeUp.next_step_at))  # the order of ix_wake_up_due: no sort
        .limit(limit)
        # Only the wake-up rows are locked; another worker skips them, not the citizens.
        .with_for_update(skip_locked=True, of=WakeUp)
    )


def _ready(now: datetime, texts: Any, replies: Any) -> ColumnElement[bool]:
    """Plain, with its rendering and reply window at hand."""
    return and_(_plain(now), texts.c.body.is_not(None), replies.c.reply_by.is_not(None))


def _matches(texts: Any, employer: ColumnElement[Any] | None = None) -> ColumnElement[bool]:
    """A wake-up row's rendering."""
    return and_(
        texts.c.language == col(Citizen.language),
        texts.c.employer == (_employer() if employer is None else employer),
        texts.c.address == _address(),
        texts.c.shift_start == col(WakeUp.shift_start),
    )


def _text_values(texts: Any, *, postgresql: bool) -> dict[str, Any]:
    """The columns of a plain row's first text, as outbox.enqueue would write them."""
    written_at = utcnow()
    channel = _channel()
    length = texts.c.length + texts.c.names * func.length(col(Citizen.first_name))
    gsm = case((length <= GSM_SINGLE, 1), else_=(length + GSM_PART - 1) // GSM_PART)
    ucs2 = case((length <= UCS2_SINGLE, 1), else_=(length + UCS2_PART - 1) // UCS2_PART)
    segments = case(
        (channel == ChannelKind.SMS.value, case((texts.c.gsm.is_(True), gsm), else_=ucs2)),
        else_=1,
    )
    ref = _ref()
    return {
        "jobcentre_id": col(Citizen.jobcentre_id),
        "direction": literal(Direction.OUTBOUND.value),
        "channel": channel,
        "participant_kind": literal(ParticipantKind.CITIZEN.value),
        "participant_id": col(WakeUp.citizen_id),
        "address": case(
            (channel == ChannelKind.TELEGRAM.value, cast(col(Citizen.telegram_chat_id), String)),
            else_=col(Citizen.phone),
        ),
        "kind": literal(FIRST_TEXT),
        "language": col(Citizen.language),
        "body": func.replace(texts.c.body, NAME, col(Citizen.first_name)),
        # SQLite keeps JSON as text; CAST … AS JSON there would make it a number.
        "options": cast(texts.c.options, JSON) if postgresql else texts.c.options,
        "status": literal(MessageStatus.PENDING.value),
        "idempotency_key": ref + literal(f":{FIRST_TEXT}"),
        "attempts": literal(0),
        "next_attempt_at": literal(written_at, UTCDateTime),
        "deadline": col(WakeUp.wake_at),
        "ref": ref,
        "segments": segments,
        "created_at": literal(written_at, UTCDateTime),
        "updated_at": literal(written_at, UTCDateTime),
    }


def _ref() -> ColumnElement[Any]:
    """The text's ref: wake_up:<id>."""
    return literal("wake_up:") + cast(col(WakeUp.id), String)


def _claim_and_text_at_once(now: datetime, limit: int, texts: Any, replies: Any) -> Any:
    """PostgreSQL: claim, move the plain rows on and write their texts, in one statement.

    The claim locks the next due rows; one UPDATE … FROM takes those that are plain (found
    by id = ANY(the claimed ids), so through the primary key, never a scan of the table),
    draws each text's id and RETURNs what the texts need; the INSERT writes them from that.
    """
    picked = (
        select(col(WakeUp.id))
        .where(_due(now))
        .order_by(col(WakeUp.next_step_at))  # the order of ix_wake_up_due: no sort
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("picked")
    )
    employer = func.coalesce(
        select(col(Employer.name))
        .where(col(Employer.id) == col(Placement.employer_id))
        .scalar_subquery(),
        "",
    )
    source = _text_values(texts, postgresql=True)
    moved = (
        update(WakeUp)
        .where(
            # (the cast makes ANY take one array, not compare with each row of a subquery)
            col(WakeUp.id)
            == any_(cast(select(func.array_agg(picked.c.id)).scalar_subquery(), ARRAY(Integer))),
            col(Citizen.id) == col(WakeUp.citizen_id),
            col(Placement.id) == col(WakeUp.placement_id),
            _matches(texts, employer),
            replies.c.wake_at == col(WakeUp.wake_at),
            replies.c.minutes == col(Placement.wakeup_reply_minutes),
            _plain(now),
        )
        .values(
            stage=WakeUpStage.TEXTED,
            updated_at=now,
            message_id=func.nextval(_MESSAGE_IDS),
            next_step_at=replies.c.reply_by,
        )
        .returning(
            col(WakeUp.id).label("id"),
            col(WakeUp.message_id).label("message_id"),
            *(value.label(name) for name, value in source.items()),
        )
        .cte("moved")
    )
    written = (
        insert(Message)
        .from_select(
            ["id", *source], select(moved.c.message_id, *(moved.c[name] for name in source))
        )
        .cte("written")
    )
    return (
        select(picked.c.id, moved.c.id.is_not(None).label("plain"))
        .select_from(picked.outerjoin(moved, moved.c.id == picked.c.id))
        .add_cte(written)
    )


def _write_texts(ids: list[int], texts: Any) -> Any:
    """INSERT … SELECT of the plain rows' first texts."""
    source = _text_values(texts, postgresql=False)
    rows = (
        _joined(*(value.label(name) for name, value in source.items()))
        .join(texts, _matches(texts))
        .where(col(WakeUp.id).in_(ids))
    )
    return insert(Message).from_select(list(source), rows)


def _replies(keys: Any, now: datetime) -> Any:
    """A VALUES table of when each reply window ends: the later of now and wake_at, plus it."""
    windows = sorted({(key.wake_at, key.minutes) for key in keys})
    return (
        values(
            column("wake_at", UTCDateTime),
            column("minutes", Integer),
            column("reply_by", UTCDateTime),
            name="reply",
        )
        .data([(w, m, max(now, w) + timedelta(minutes=m)) for w, m in windows])
        .cte("reply")
    )


def _move_on(ids: list[int], now: datetime, replies: Any) -> Any:
    """Texted: point at the text, and wait for the answer until the end of the reply window."""
    reply_by = (
        select(replies.c.reply_by)
        .join(Placement, col(Placement.wakeup_reply_minutes) == replies.c.minutes)
        .where(
            col(Placement.id) == col(WakeUp.placement_id), replies.c.wake_at == col(WakeUp.wake_at)
        )
        .scalar_subquery()
    )
    text_id = (
        select(col(Message.id))
        .where(col(Message.idempotency_key) == _ref() + literal(f":{FIRST_TEXT}"))
        .scalar_subquery()
    )
    return (
        update(WakeUp)
        .where(col(WakeUp.id).in_(ids))
        .values(stage=WakeUpStage.TEXTED, updated_at=now, message_id=text_id, next_step_at=reply_by)
    )


def place_text(employer: str | None, address: str | None) -> str:
    """Where the shift is: the employer, and the address when given (the first day)."""
    name = employer or ""
    if address:
        return f"{name}, {address}" if name else address
    return name


@lru_cache(maxsize=4096)
def rendering(language: str, place: str, shift_start: datetime) -> Rendering:
    """The first text with NAME for the name, rendered once per language, place and shift."""
    body = render(first_text(NAME, place, shift_start), language)
    options = render_options(UP_OR_SICK, language)
    sms = cost(render_sms(body.replace(NAME, ""), options))
    stored = json.dumps([{"value": o.value, "label": o.label} for o in options])
    return Rendering(body, stored, sms.encoding == "GSM", sms.length, body.count(NAME))
