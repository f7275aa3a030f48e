"""Every table, importable from one place (Alembic's metadata comes from here)."""

from sqlmodel import SQLModel

from bot.models._base import ChannelKind, ParticipantKind
from bot.models.absence import Absence, AbsenceReason, ExpectedReturn
from bot.models.alert import Alert, AlertKind, AlertSeverity
from bot.models.conversation import Conversation
from bot.models.jobcentre import ApiKey, Jobcentre
from bot.models.message import Direction, Message, MessageStatus
from bot.models.people import Citizen, Consultant, Employer, EmployerContact
from bot.models.placement import Placement, PlacementKind, Shift, WeeklySchedule

metadata = SQLModel.metadata

__all__ = [
    "Absence",
    "AbsenceReason",
    "Alert",
    "AlertKind",
    "AlertSeverity",
    "ApiKey",
    "ChannelKind",
    "Citizen",
    "Consultant",
    "Conversation",
    "Direction",
    "Employer",
    "EmployerContact",
    "ExpectedReturn",
    "Jobcentre",
    "Message",
    "MessageStatus",
    "ParticipantKind",
    "Placement",
    "PlacementKind",
    "Shift",
    "WeeklySchedule",
    "metadata",
]
