"""Every table, importable from one place (Alembic's metadata comes from here)."""

from sqlmodel import SQLModel

from bot.models._base import ChannelKind, ParticipantKind
from bot.models.absence import Absence, AbsenceReason, ExpectedReturn
from bot.models.alert import Alert, AlertKind, AlertSeverity
from bot.models.check_in import CheckIn, CheckInRating, CheckInStage
from bot.models.conversation import Conversation
from bot.models.employer_report import EmployerReport, ReportCategory
from bot.models.interview import (
    Attendance,
    Interview,
    InterviewFeedback,
    InterviewOutcome,
    InterviewStatus,
)
from bot.models.jobcentre import ApiKey, ClosureDay, Jobcentre
from bot.models.leave import Leave
from bot.models.message import Direction, Message, MessageStatus, RateBucket
from bot.models.people import Citizen, Consultant, Employer, EmployerContact
from bot.models.placement import Placement, PlacementKind, Shift, WeeklySchedule
from bot.models.wake_up import WakeUp, WakeUpStage, WakeUpStatus
from bot.models.webhook import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

metadata = SQLModel.metadata

__all__ = [
    "Absence",
    "AbsenceReason",
    "Alert",
    "AlertKind",
    "AlertSeverity",
    "ApiKey",
    "Attendance",
    "ChannelKind",
    "CheckIn",
    "CheckInRating",
    "CheckInStage",
    "Citizen",
    "ClosureDay",
    "Consultant",
    "Conversation",
    "DeliveryStatus",
    "Direction",
    "Employer",
    "EmployerContact",
    "EmployerReport",
    "ExpectedReturn",
    "Interview",
    "InterviewFeedback",
    "InterviewOutcome",
    "InterviewStatus",
    "Jobcentre",
    "Leave",
    "Message",
    "MessageStatus",
    "ParticipantKind",
    "Placement",
    "PlacementKind",
    "RateBucket",
    "ReportCategory",
    "Shift",
    "WakeUp",
    "WakeUpStage",
    "WakeUpStatus",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
    "WeeklySchedule",
    "metadata",
]
