"""Request and response bodies, layered on the tables' Base classes: Create, Update, Public."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, field_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Field, SQLModel

from bot.events import EVENT_KINDS
from bot.models import (
    AbsenceReason,
    AlertKind,
    AlertSeverity,
    Attendance,
    ChannelKind,
    CheckInRating,
    CheckInStage,
    DeliveryStatus,
    Direction,
    ExpectedReturn,
    InterviewFeedback,
    InterviewOutcome,
    InterviewStatus,
    MessageStatus,
    ParticipantKind,
    PlacementKind,
    WeeklySchedule,
)
from bot.models.jobcentre import JobcentreHours
from bot.models.people import CitizenBase, ConsultantBase, EmployerBase, EmployerContactBase
from bot.models.placement import PlacementBase
from bot.phones import InvalidPhoneNumber, normalise_phone
from messages.languages import is_supported
from webhooks.api.errors import unprocessable
from webhooks.outgoing.urls import MAX_URL_LENGTH, UnsafeUrl, check_url

PHONE_REGION = "DK"  # numbers written without a country code are Danish
MAX_ID = 2**63 - 1  # SQLite cannot bind larger integers
CHAT_ID_RANGE = (-(2**63), 2**63 - 1)  # Telegram chat ids are stored as BIGINT
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
API_CHANNELS = ("sms", "telegram")  # voice is for wake-up calls, not a preferred channel

ApiChannel = Literal[ChannelKind.SMS, ChannelKind.TELEGRAM]


def _not_null(value: Any) -> Any:
    """Columns without NULL may be left out of a PATCH, not set to null."""
    if value is None:
        raise PydanticCustomError("not_null", "may not be null")
    return value


def _phone(value: str | None) -> str | None:
    """E.164, so the same number written two ways is one person."""
    if value is None:
        return None
    try:
        return normalise_phone(value, PHONE_REGION)
    except InvalidPhoneNumber:
        raise PydanticCustomError(
            "phone_number",
            "not a valid phone number; numbers outside Denmark need their country code",
        ) from None


def _optional_text(value: str | None) -> str | None:
    """Blank optional text is the same as none."""
    if value is None:
        return None
    return value.strip() or None


class ApiInput(SQLModel):
    """What every request body and query obeys: unknown fields refused, each field checked."""

    model_config = {"extra": "forbid"}

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        """PostgreSQL text cannot hold NUL; refuse it with a 422 rather than fail with a 500."""
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("nul_character", "may not contain the NUL character")
        return value

    @field_validator("name", "first_name", check_fields=False)
    @classmethod
    def _name(cls, value: str | None) -> str:
        """Names are shown to people, so whitespace alone is no name."""
        text: str = _not_null(value).strip()
        if not text:
            raise PydanticCustomError("blank", "may not be blank")
        return text

    @field_validator("last_name", check_fields=False)
    @classmethod
    def _last_name(cls, value: str | None) -> str:
        """Some citizens have one name; the column holds "" then, never null."""
        text: str = _not_null(value)
        return text.strip()

    @field_validator("email", check_fields=False)
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        """Catch the obvious slip (a name or phone in the email field); delivery proves the rest."""
        text = _optional_text(value)
        if text is not None:
            local, at, domain = text.partition("@")
            if not (local and at and "." in domain) or " " in text:
                raise PydanticCustomError("email", "not an email address")
        return text

    @field_validator("address", "workplace_address", check_fields=False)
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        """Trim optional text."""
        return _optional_text(value)

    @field_validator("phone", check_fields=False)
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        """Phone numbers identify who texts Makker, so store one canonical form."""
        return _phone(value)

    @field_validator("telegram_chat_id", check_fields=False)
    @classmethod
    def _chat_id(cls, value: int | None) -> int | None:
        """Chat ids are non-zero and fit the BIGINT column."""
        low, high = CHAT_ID_RANGE
        if value is not None and (value == 0 or not low <= value <= high):
            raise PydanticCustomError("telegram_chat_id", "not a Telegram chat id")
        return value

    @field_validator("language", check_fields=False)
    @classmethod
    def _language(cls, value: str | None) -> str:
        """Only languages with a message catalog can be spoken."""
        code: str = _not_null(value).strip().lower()
        if not is_supported(code):
            raise PydanticCustomError("language", "not a supported language code")
        return code

    @field_validator("preferred_channel", mode="before", check_fields=False)
    @classmethod
    def _channel(cls, value: Any) -> Any:
        """A readable error instead of the enum's repr."""
        if value is not None and value not in API_CHANNELS:
            raise PydanticCustomError("channel", "must be sms or telegram")
        return value

    @field_validator("cvr", check_fields=False)
    @classmethod
    def _cvr(cls, value: str | None) -> str | None:
        """A CVR number is 8 digits; people often write it with spaces."""
        text = _optional_text(value)
        if text is None:
            return None
        digits = text.replace(" ", "")
        if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
            raise PydanticCustomError("cvr", "a CVR number is 8 digits")
        return digits

    @field_validator("schedule", check_fields=False)
    @classmethod
    def _schedule(cls, value: WeeklySchedule | None) -> WeeklySchedule:
        """A placement always has a schedule ({} for irregular hours); Shift refuses zones."""
        schedule: WeeklySchedule = _not_null(value)
        return schedule

    @field_validator(
        "preferred_channel",
        "kind",
        "start_date",
        "contact_id",
        "citizen_id",
        "wakeup_enabled",
        "wakeup_lead_minutes",
        "wakeup_reply_minutes",
        "checkin_enabled",
        "checkin_interval_days",
        check_fields=False,
    )
    @classmethod
    def _required(cls, value: Any) -> Any:
        """Refuse null for columns that have no NULL."""
        return _not_null(value)


def check_channel(
    *, preferred_channel: ChannelKind, telegram_chat_id: int | None, changed: set[str]
) -> None:
    """Telegram needs a chat to write to; checked on the merged state of create or update."""
    if preferred_channel == ChannelKind.TELEGRAM and telegram_chat_id is None:
        if "telegram_chat_id" in changed and "preferred_channel" not in changed:
            raise unprocessable(
                "telegram_chat_id", "is needed while preferred_channel is telegram", None
            )
        raise unprocessable(
            "preferred_channel", "telegram needs a telegram_chat_id", preferred_channel.value
        )


def check_dates(*, start_date: date, end_date: date | None, changed: set[str]) -> None:
    """A placement cannot end before it starts."""
    if end_date is not None and end_date < start_date:
        if "start_date" in changed and "end_date" not in changed:
            raise unprocessable("start_date", "must not be after end_date", start_date.isoformat())
        raise unprocessable("end_date", "must not be before start_date", end_date.isoformat())


# -- consultants -----------------------------------------------------------------------------


class ConsultantCreate(ApiInput, ConsultantBase):
    """A new job consultant; language defaults to the jobcentre's."""

    preferred_channel: ApiChannel = ChannelKind.SMS
    backup_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="Consultant who gets this one's unacknowledged urgent alerts, and all "
        "alerts during leave",
    )


class ConsultantUpdate(ApiInput):
    """Fields to change; a field left out stays as it is, null clears an optional one."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=20)
    telegram_chat_id: int | None = None
    language: str | None = Field(default=None, max_length=8)
    preferred_channel: ApiChannel | None = None
    backup_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class ConsultantPublic(ConsultantBase):
    """A consultant as the API shows one."""

    id: int
    backup_id: int | None
    active: bool
    opted_out_at: datetime | None
    created_at: datetime


# -- employers and their contact persons ----------------------------------------------------


def _cvr_field() -> Any:
    """The CVR field, roomy enough for the number written with spaces."""
    return Field(default=None, max_length=16, description='8 digits; "12 34 56 78" is accepted')


class EmployerCreate(ApiInput, EmployerBase):
    """A new company."""

    cvr: str | None = _cvr_field()


class EmployerUpdate(ApiInput):
    """Fields to change; null clears an optional one."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    cvr: str | None = _cvr_field()
    address: str | None = Field(default=None, max_length=300)


class EmployerPublic(EmployerBase):
    """A company as the API shows one."""

    id: int
    active: bool
    created_at: datetime


class ContactCreate(ApiInput, EmployerContactBase):
    """A new contact person at a company; language defaults to the jobcentre's."""

    preferred_channel: ApiChannel = ChannelKind.SMS


class ContactUpdate(ApiInput):
    """Fields to change; null clears an optional one."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=20)
    telegram_chat_id: int | None = None
    language: str | None = Field(default=None, max_length=8)
    preferred_channel: ApiChannel | None = None


class ContactPublic(EmployerContactBase):
    """A contact person as the API shows one."""

    id: int
    employer_id: int
    active: bool
    opted_out_at: datetime | None
    created_at: datetime


# -- citizens --------------------------------------------------------------------------------


class CitizenCreate(ApiInput, CitizenBase):
    """A new citizen; language defaults to the jobcentre's."""

    preferred_channel: ApiChannel = ChannelKind.SMS
    consultant_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class CitizenUpdate(ApiInput):
    """Fields to change; null clears an optional one (consultant_id too)."""

    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=20)
    telegram_chat_id: int | None = None
    language: str | None = Field(default=None, max_length=8)
    preferred_channel: ApiChannel | None = None
    consultant_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class CitizenPublic(CitizenBase):
    """A citizen as the API shows one."""

    id: int
    consultant_id: int | None
    active: bool
    opted_out_at: datetime | None
    created_at: datetime


# -- placements ------------------------------------------------------------------------------


class PlacementCreate(ApiInput, PlacementBase):
    """A new placement; the employer is the contact person's."""

    citizen_id: int = Field(ge=1, le=MAX_ID)
    contact_id: int = Field(ge=1, le=MAX_ID)
    schedule: WeeklySchedule = Field(
        description='Worked weekdays with start and end, e.g. {"mon": {"start": "08:00", '
        '"end": "15:30"}}; a day left out is a day off; {} for irregular hours'
    )


class PlacementUpdate(ApiInput):
    """Fields to change; a new contact_id moves the placement to that contact's employer."""

    kind: PlacementKind | None = None
    start_date: date | None = None
    end_date: date | None = None
    workplace_address: str | None = Field(default=None, max_length=300)
    contact_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    schedule: WeeklySchedule | None = Field(default=None, description="Replaces the whole week")
    wakeup_enabled: bool | None = None
    wakeup_days: int | None = Field(
        default=None, ge=1, le=366, description="null: a wake-up on every working day"
    )
    wakeup_lead_minutes: int | None = Field(default=None, ge=15, le=240)
    wakeup_reply_minutes: int | None = Field(default=None, ge=5, le=60)
    checkin_enabled: bool | None = None
    checkin_interval_days: int | None = Field(default=None, ge=7, le=92)


class PlacementPublic(PlacementBase):
    """A placement as the API shows one."""

    id: int
    citizen_id: int
    contact_id: int
    employer_id: int
    schedule: WeeklySchedule
    active: bool
    created_at: datetime
    started_confirmed_at: datetime | None
    end_requested_at: datetime | None


# -- history ---------------------------------------------------------------------------------


class AbsencePublic(SQLModel):
    """A sick episode for the consultant's case file (includes the citizen's own note)."""

    id: int
    citizen_id: int
    reason: AbsenceReason
    first_day: date
    expected_return: ExpectedReturn
    expected_return_date: date | None
    reported_at: datetime
    reported_after_shift_start: bool
    citizen_note: str | None
    doctor_note: bool | None
    third_day_alerted: bool
    closed_at: datetime | None
    return_day: date | None


class MessagePublic(SQLModel):
    """One message to or from the citizen, with its delivery state."""

    id: int
    direction: Direction
    channel: ChannelKind
    kind: str
    language: str
    status: MessageStatus
    provider_id: str | None
    body: str
    created_at: datetime
    sent_at: datetime | None


# -- the jobcentre, its closures and people's leave -----------------------------------------


class JobcentrePublic(JobcentreHours):
    """The caller's jobcentre and its clock."""

    id: int
    name: str
    default_language: str


class JobcentreUpdate(ApiInput):
    """Fields to change; times are Danish wall-clock HH:MM."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    default_language: str | None = Field(default=None, max_length=8)
    quiet_start: time | None = None
    quiet_end: time | None = None
    office_open: time | None = None
    office_close: time | None = None
    alert_ack_minutes: int | None = Field(default=None, ge=5, le=24 * 60)

    @field_validator("quiet_start", "quiet_end", "office_open", "office_close", "alert_ack_minutes")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        """Clock fields cannot be null; a zone would make them ambiguous."""
        value = _not_null(value)
        if isinstance(value, time) and value.tzinfo is not None:
            raise PydanticCustomError("wall_clock", "give a local time without a time zone")
        return value


class ClosureCreate(ApiInput):
    """A day the jobcentre is closed (Danish public holidays are known already)."""

    day: date
    note: str | None = Field(default=None, max_length=200)


class ClosurePublic(SQLModel):
    """A closure day."""

    id: int
    day: date
    note: str | None
    created_at: datetime


class LeaveCreate(ApiInput):
    """Days off, both included; only the dates are kept, never a reason."""

    first_day: date
    last_day: date


class LeavePublic(SQLModel):
    """A person's leave."""

    id: int
    participant_kind: ParticipantKind
    participant_id: int
    first_day: date
    last_day: date
    created_at: datetime


# -- alerts ----------------------------------------------------------------------------------


class AlertPublic(SQLModel):
    """One escalation, as the consultant's case system sees it."""

    id: int
    ref: str = Field(description="The reference consultants reply with: OK A12")
    kind: AlertKind
    severity: AlertSeverity
    summary: str = Field(description="In the language of the consultant who was told")
    citizen_id: int | None
    placement_id: int | None
    absence_id: int | None
    consultant_id: int | None
    notified_consultant_id: int | None
    details: dict[str, Any]
    created_at: datetime
    notified_at: datetime | None
    escalated_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    resolution_note: str | None


class AlertAcknowledge(ApiInput):
    """Who saw the alert."""

    by: str = Field(min_length=1, max_length=200, description="A name or user id")

    @field_validator("by")
    @classmethod
    def _by(cls, value: str) -> str:
        """Whitespace alone names nobody."""
        text = value.strip()
        if not text:
            raise PydanticCustomError("blank", "may not be blank")
        return text


class AlertResolve(AlertAcknowledge):
    """Who closed the alert, and what was done."""

    note: str = Field(min_length=1, max_length=2000)

    @field_validator("note")
    @classmethod
    def _note(cls, value: str) -> str:
        """A resolution says what was done."""
        text = value.strip()
        if not text:
            raise PydanticCustomError("blank", "may not be blank")
        return text


# -- timeline --------------------------------------------------------------------------------


class TimelineEntry(BaseModel):
    """One thing that happened to or around the citizen, oldest first."""

    at: datetime
    kind: str = Field(description="e.g. message.in, absence.reported, wakeup.missed, alert")
    id: int = Field(description="The id of the row behind it (message, absence, alert …)")
    summary: str = Field(description="One line for a person, in English")
    detail: dict[str, Any] = Field(default_factory=dict)


# -- lists -----------------------------------------------------------------------------------

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a list, with the total so a client knows when to stop."""

    data: list[ItemT]
    count: int = Field(description="How many rows match, over all pages")


class ConsultantsPublic(Page[ConsultantPublic]):
    """A page of consultants."""


class EmployersPublic(Page[EmployerPublic]):
    """A page of employers."""


class ContactsPublic(Page[ContactPublic]):
    """A page of contact persons."""


class CitizensPublic(Page[CitizenPublic]):
    """A page of citizens."""


class PlacementsPublic(Page[PlacementPublic]):
    """A page of placements."""


class AbsencesPublic(Page[AbsencePublic]):
    """A page of absences, newest first."""


class MessagesPublic(Page[MessagePublic]):
    """A page of messages, newest first."""


class AlertsPublic(Page[AlertPublic]):
    """A page of alerts, newest first."""


class ClosuresPublic(Page[ClosurePublic]):
    """A page of closure days, in date order."""


class LeavesPublic(Page[LeavePublic]):
    """A page of leave, in date order."""


class TimelinePublic(Page[TimelineEntry]):
    """The citizen's story in order, oldest first."""


class ListQuery(ApiInput):
    """Paging for every list."""

    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="Rows per page")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Rows to skip")


class ActiveListQuery(ListQuery):
    """Paging, and whether deactivated rows are wanted too."""

    include_inactive: bool = Field(default=False, description="Also list deactivated rows")


class AlertQuery(ListQuery):
    """Filters for alerts; newest first."""

    open: bool | None = Field(default=None, description="true: not resolved; false: resolved")
    acknowledged: bool | None = None
    consultant_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The citizen's consultant or the one told"
    )
    citizen_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    severity: AlertSeverity | None = None
    kind: AlertKind | None = None


class ConsultantQuery(ActiveListQuery):
    """Filters for consultants."""

    phone: str | None = Field(default=None, description="Any common way of writing the number")


class EmployerQuery(ActiveListQuery):
    """Filters for employers."""

    cvr: str | None = None


class CitizenQuery(ActiveListQuery):
    """Filters for citizens."""

    consultant_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    phone: str | None = Field(default=None, description="Any common way of writing the number")


class PlacementQuery(ActiveListQuery):
    """Filters for placements."""

    citizen_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    contact_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    employer_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    kind: PlacementKind | None = None


# -- check-ins -------------------------------------------------------------------------------


class CheckInPublic(SQLModel):
    """One respondent's answers for one period of a placement (the series is the timeline)."""

    id: int
    placement_id: int
    citizen_id: int
    number: int = Field(description="1 for the first interval after the start, 2 for the next …")
    period_start: date = Field(description="The working day this period's check-in fell due")
    respondent: ParticipantKind = Field(description="citizen or contact")
    respondent_id: int
    stage: CheckInStage
    rating: CheckInRating | None = Field(description="good / ok / bad")
    wants_call: bool | None = Field(description="Citizen: asked their consultant to call")
    paid_hours: float | None = Field(description="Employer: paid hours worked last week")
    answered_at: datetime | None
    alert_id: int | None
    created_at: datetime
    updated_at: datetime


class CheckInsPublic(Page[CheckInPublic]):
    """A page of check-ins, oldest period first."""


class CheckInQuery(ListQuery):
    """Paging, and optionally one side's answers only."""

    respondent: Literal[ParticipantKind.CITIZEN, ParticipantKind.CONTACT] | None = Field(
        default=None, description="citizen or contact"
    )


# -- webhook subscriptions and their deliveries -----------------------------------------------

WEBHOOK_URL_DESCRIPTION = (
    "Where events are POSTed: https://…, or http:// to localhost / 127.0.0.1 only. No user "
    "name or password in the URL (the signature authenticates), no link-local addresses"
)
EVENT_KINDS_DESCRIPTION = "Event types to send; an empty list means every type"


def _webhook_url(value: str | None) -> str:
    """A URL events may go to (see webhooks.outgoing.urls for what is refused and why)."""
    try:
        return check_url(_not_null(value))
    except UnsafeUrl as exc:
        raise PydanticCustomError("url", str(exc)) from None


def _event_kinds(value: list[str] | None) -> list[str]:
    """Known kinds only, each once, in the order given."""
    kinds: list[str] = _not_null(value)
    for kind in kinds:
        if kind not in EVENT_KINDS:
            raise PydanticCustomError(
                "event_kind", "unknown event type {kind}", {"kind": kind[:64]}
            )
    return list(dict.fromkeys(kinds))


class WebhookInput(ApiInput):
    """Checks shared by creating and changing a subscription."""

    @field_validator("url", check_fields=False)
    @classmethod
    def _url(cls, value: str | None) -> str:
        """Refuse URLs events must not go to, naming the reason."""
        return _webhook_url(value)

    @field_validator("event_kinds", check_fields=False)
    @classmethod
    def _kinds(cls, value: list[str] | None) -> list[str]:
        """Refuse unknown kinds rather than silently never sending them."""
        return _event_kinds(value)

    @field_validator("description", check_fields=False)
    @classmethod
    def _description(cls, value: str | None) -> str | None:
        """Trim; blank is none."""
        return _optional_text(value)

    @field_validator("active", check_fields=False)
    @classmethod
    def _active(cls, value: bool | None) -> bool:
        """Active is true or false, never null."""
        flag: bool = _not_null(value)
        return flag


class SubscriptionCreate(WebhookInput):
    """A new subscription; Makker generates its signing secret and shows it once."""

    url: str = Field(max_length=MAX_URL_LENGTH, description=WEBHOOK_URL_DESCRIPTION)
    event_kinds: list[str] = Field(
        default_factory=list,
        max_length=4 * len(EVENT_KINDS),
        description=EVENT_KINDS_DESCRIPTION,
        schema_extra={
            "json_schema_extra": {"items": {"type": "string", "enum": list(EVENT_KINDS)}}
        },
    )
    description: str | None = Field(default=None, max_length=200)


class SubscriptionUpdate(WebhookInput):
    """Fields to change; `active: true` switches a disabled subscription back on."""

    url: str | None = Field(
        default=None, max_length=MAX_URL_LENGTH, description=WEBHOOK_URL_DESCRIPTION
    )
    event_kinds: list[str] | None = Field(
        default=None, max_length=4 * len(EVENT_KINDS), description=EVENT_KINDS_DESCRIPTION
    )
    description: str | None = Field(default=None, max_length=200)
    active: bool | None = None


class SecretRotation(ApiInput):
    """How long the old secret keeps signing beside the new one."""

    keep_previous_hours: int = Field(
        default=24,
        ge=0,
        le=168,
        description="Hours the old secret still signs too (a second signature), so the "
        "receiver can switch without refusing events; 0 stops it at once",
    )


class SubscriptionPublic(SQLModel):
    """A subscription as the API shows one; the secret is masked."""

    id: int
    url: str
    event_kinds: list[str] = Field(description=EVENT_KINDS_DESCRIPTION)
    description: str | None
    active: bool
    disabled_at: datetime | None
    disabled_reason: str | None = Field(description="Why it was switched off (e.g. 410 Gone)")
    secret: str = Field(description="Masked: whsec_… and the last 4 characters")
    previous_secret_expires_at: datetime | None = Field(
        description="Until then the previous secret signs too (after a rotation)"
    )
    created_at: datetime


class SubscriptionWithSecret(SubscriptionPublic):
    """A subscription with its secret in full: only when created or rotated. Store it now."""

    secret: str = Field(description="The signing secret (whsec_…); it is not shown again")


class WebhookAttemptPublic(SQLModel):
    """One HTTP attempt: the answer's status code or a short error (never the body)."""

    attempted_at: datetime
    status_code: int | None = Field(description="null: no HTTP answer (timeout, refused)")
    error: str | None
    duration_ms: int


class WebhookDeliveryPublic(SQLModel):
    """One event on its way to one subscription, with every attempt so far."""

    id: int
    subscription_id: int
    event_id: str = Field(description="The webhook-id header: the same on every retry")
    event_type: str
    payload: dict[str, Any] = Field(description="The JSON body that is signed and sent")
    status: DeliveryStatus
    attempts: int = Field(description="Attempts since it was (re)queued")
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    attempt_log: list[WebhookAttemptPublic] = Field(description="Every attempt, oldest first")


class SubscriptionsPublic(Page[SubscriptionPublic]):
    """A page of webhook subscriptions."""


class WebhookDeliveriesPublic(Page[WebhookDeliveryPublic]):
    """A page of deliveries, newest first."""


class DeliveryQuery(ListQuery):
    """Paging, and which deliveries."""

    status: DeliveryStatus | None = Field(default=None, description="Only deliveries in it")


# -- interviews ------------------------------------------------------------------------------

STARTS_AT_DESCRIPTION = (
    "When it starts, with a time zone: 2026-11-26T10:00:00+01:00 (or …Z); in the future, "
    "at most a year ahead"
)


class InterviewInput(ApiInput):
    """Checks shared by booking and changing an interview."""

    @field_validator("starts_at", check_fields=False)
    @classmethod
    def _starts_at(cls, value: datetime | None) -> datetime:
        """A moment, not a wall-clock reading: without a zone it could be an hour off."""
        moment: datetime = _not_null(value)
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise PydanticCustomError(
                "timezone_aware", "give a time zone, e.g. 2026-11-26T10:00:00+01:00"
            )
        return moment.astimezone(UTC)

    @field_validator("address", check_fields=False)
    @classmethod
    def _text(cls, value: str | None) -> str:
        """The citizen is told where to go: an address is never blank."""
        text: str = _not_null(value).strip()
        if not text:
            raise PydanticCustomError("blank", "may not be blank")
        return text

    @field_validator("contact_name", "notes", check_fields=False)
    @classmethod
    def _optional(cls, value: str | None) -> str | None:
        """Trim; blank is none."""
        return _optional_text(value)

    @field_validator("citizen_id", check_fields=False)
    @classmethod
    def _required(cls, value: Any) -> Any:
        """Refuse null for the citizen; employer and contact may be null."""
        return _not_null(value)


class InterviewCreate(InterviewInput):
    """A job interview the consultant booked; the citizen is told at once (quiet hours wait)."""

    citizen_id: int = Field(ge=1, le=MAX_ID)
    employer_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Left out: the contact's employer, if any"
    )
    contact_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="An employer contact of that employer; asked for the outcome afterwards",
    )
    starts_at: datetime = Field(description=STARTS_AT_DESCRIPTION)
    address: str = Field(min_length=1, max_length=300)
    contact_name: str | None = Field(
        default=None, max_length=200, description="Whom the citizen asks for; shown to them"
    )
    notes: str | None = Field(
        default=None, max_length=4000, description="For the consultant; never sent"
    )


class InterviewUpdate(InterviewInput):
    """A new time or address reschedules: the citizen is told and reminders start over."""

    starts_at: datetime | None = Field(default=None, description=STARTS_AT_DESCRIPTION)
    address: str | None = Field(default=None, min_length=1, max_length=300)
    contact_name: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=4000)


class InterviewPublic(SQLModel):
    """An interview with what the citizen and the employer answered."""

    id: int
    citizen_id: int
    employer_id: int | None
    contact_id: int | None
    starts_at: datetime
    address: str
    contact_name: str | None
    notes: str | None
    status: InterviewStatus
    attendance: Attendance = Field(description="The citizen's answer to the confirm question")
    feedback: InterviewFeedback | None = Field(description="How the citizen felt it went")
    outcome: InterviewOutcome | None = Field(description="What the employer decided")
    outcome_at: datetime | None
    stage: str = Field(
        description="The next reminder: tips, confirm, confirm_deadline, leave, after; or done"
    )
    due_at: datetime | None = Field(description="When the next reminder runs")
    version: int = Field(description="Goes up by one with every new time or address")
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None


class InterviewsPublic(Page[InterviewPublic]):
    """A page of interviews, soonest first."""


class InterviewQuery(ListQuery):
    """Filters for interviews."""

    citizen_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    employer_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: InterviewStatus | None = None
