"""follow-up flows, alerts, webhooks

Wake-ups, interviews, check-ins, employer reports, leave and closures; alert delivery and
escalation; outgoing webhooks; message deadlines, references and segment counts; a shared
rate-limit bucket. Columns added to existing tables have server defaults for old rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 08:04:50.337033
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_bucket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "closure_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["jobcentre.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("jobcentre_id", "day"),
    )
    with op.batch_alter_table("closure_day", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_closure_day_jobcentre_id"), ["jobcentre_id"], unique=False
        )

    op.create_table(
        "leave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("participant_kind", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["jobcentre.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leave_jobcentre_id"), ["jobcentre_id"], unique=False)
        batch_op.create_index(
            "ix_leave_person_days",
            ["participant_kind", "participant_id", "first_day"],
            unique=False,
        )

    op.create_table(
        "webhook_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["jobcentre.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_id"),
    )
    with op.batch_alter_table("webhook_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_event_jobcentre_id"), ["jobcentre_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_webhook_event_kind"), ["kind"], unique=False)

    op.create_table(
        "webhook_subscription",
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("event_kinds", sa.JSON(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("previous_secret", sa.String(length=100), nullable=True),
        sa.Column("previous_secret_expires_at", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.Column("disabled_reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["jobcentre.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webhook_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_subscription_jobcentre_id"), ["jobcentre_id"], unique=False
        )

    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["webhook_event.id"],
        ),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["jobcentre.id"],
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscription.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "subscription_id", name="uq_webhook_delivery"),
    )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_delivery_due", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_delivery_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_delivery_jobcentre_id"), ["jobcentre_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_delivery_subscription_id"), ["subscription_id"], unique=False
        )

    op.create_table(
        "interview",
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("attendance", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("feedback", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("outcome_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizen.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["employer_contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["jobcentre.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index("ix_interview_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_interview_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interview_jobcentre_id"), ["jobcentre_id"], unique=False
        )

    op.create_table(
        "webhook_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_delivery.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_attempt_delivery_id"), ["delivery_id"], unique=False
        )

    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("respondent", sa.String(length=32), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("next_step_at", sa.DateTime(), nullable=True),
        sa.Column("rating", sa.String(length=32), nullable=True),
        sa.Column("wants_call", sa.Boolean(), nullable=True),
        sa.Column("paid_hours", sa.Float(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizen.id"],
        ),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["jobcentre.id"],
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("placement_id", "number", "respondent", name="uq_check_in_period"),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_in_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index("ix_check_in_due", ["stage", "next_step_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_check_in_jobcentre_id"), ["jobcentre_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_check_in_placement_id"), ["placement_id"], unique=False
        )

    op.create_table(
        "employer_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("citizen_reply", sa.Text(), nullable=True),
        sa.Column("citizen_replied_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizen.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["employer_contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["inbound_id"],
            ["message.id"],
        ),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["jobcentre.id"],
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("employer_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employer_report_citizen_id"), ["citizen_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_employer_report_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_employer_report_jobcentre_id"), ["jobcentre_id"], unique=False
        )

    op.create_table(
        "wake_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift_start", sa.DateTime(), nullable=False),
        sa.Column("wake_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("next_step_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("call_message_id", sa.Integer(), nullable=True),
        sa.Column("call_status", sa.String(length=32), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_via", sa.String(length=16), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
        ),
        sa.ForeignKeyConstraint(
            ["call_message_id"],
            ["message.id"],
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizen.id"],
        ),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["jobcentre.id"],
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("citizen_id", "day", name="uq_wake_up_citizen_day"),
    )
    with op.batch_alter_table("wake_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wake_up_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index("ix_wake_up_due", ["status", "next_step_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_wake_up_jobcentre_id"), ["jobcentre_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wake_up_placement_id"), ["placement_id"], unique=False)

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("notified_consultant_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("notified_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("escalate_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("digested_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint("uq_alert_dedupe_key", ["dedupe_key"])
        batch_op.create_index(batch_op.f("ix_alert_escalate_at"), ["escalate_at"], unique=False)
        batch_op.create_foreign_key(
            "fk_alert_notified_consultant_id", "consultant", ["notified_consultant_id"], ["id"]
        )

    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language_offered_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("consultant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language_offered_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("backup_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_consultant_backup_id", "consultant", ["backup_id"], ["id"])

    with op.batch_alter_table("employer_contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language_offered_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("jobcentre", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("quiet_start", sa.Time(), nullable=False, server_default="21:00:00")
        )
        batch_op.add_column(
            sa.Column("quiet_end", sa.Time(), nullable=False, server_default="07:00:00")
        )
        batch_op.add_column(
            sa.Column("office_open", sa.Time(), nullable=False, server_default="08:00:00")
        )
        batch_op.add_column(
            sa.Column("office_close", sa.Time(), nullable=False, server_default="16:00:00")
        )
        batch_op.add_column(
            sa.Column("alert_ack_minutes", sa.Integer(), nullable=False, server_default="60")
        )

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("ref", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("segments", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("detected_language", sa.String(length=8), nullable=True))
        batch_op.create_index("ix_message_deadline", ["status", "deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_ref"), ["ref"], unique=False)

    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wakeup_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("wakeup_days", sa.Integer(), nullable=True, server_default="5")
        )
        batch_op.add_column(
            sa.Column("wakeup_lead_minutes", sa.Integer(), nullable=False, server_default="90")
        )
        batch_op.add_column(
            sa.Column("wakeup_reply_minutes", sa.Integer(), nullable=False, server_default="20")
        )
        batch_op.add_column(
            sa.Column("checkin_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("checkin_interval_days", sa.Integer(), nullable=False, server_default="30")
        )
        batch_op.add_column(sa.Column("started_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("end_requested_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_column("end_requested_at")
        batch_op.drop_column("started_confirmed_at")
        batch_op.drop_column("checkin_interval_days")
        batch_op.drop_column("checkin_enabled")
        batch_op.drop_column("wakeup_reply_minutes")
        batch_op.drop_column("wakeup_lead_minutes")
        batch_op.drop_column("wakeup_days")
        batch_op.drop_column("wakeup_enabled")

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_ref"))
        batch_op.drop_index("ix_message_deadline")
        batch_op.drop_column("detected_language")
        batch_op.drop_column("segments")
        batch_op.drop_column("ref")
        batch_op.drop_column("deadline")

    with op.batch_alter_table("jobcentre", schema=None) as batch_op:
        batch_op.drop_column("alert_ack_minutes")
        batch_op.drop_column("office_close")
        batch_op.drop_column("office_open")
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")

    with op.batch_alter_table("employer_contact", schema=None) as batch_op:
        batch_op.drop_column("language_offered_at")

    with op.batch_alter_table("consultant", schema=None) as batch_op:
        batch_op.drop_constraint("fk_consultant_backup_id", type_="foreignkey")
        batch_op.drop_column("backup_id")
        batch_op.drop_column("language_offered_at")

    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.drop_column("language_offered_at")

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint("fk_alert_notified_consultant_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_alert_escalate_at"))
        batch_op.drop_constraint("uq_alert_dedupe_key", type_="unique")
        batch_op.drop_column("dedupe_key")
        batch_op.drop_column("digested_at")
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("escalate_at")
        batch_op.drop_column("notified_at")
        batch_op.drop_column("notified_consultant_id")
        batch_op.drop_column("resolved_by")

    with op.batch_alter_table("wake_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wake_up_placement_id"))
        batch_op.drop_index(batch_op.f("ix_wake_up_jobcentre_id"))
        batch_op.drop_index("ix_wake_up_due")
        batch_op.drop_index(batch_op.f("ix_wake_up_citizen_id"))

    op.drop_table("wake_up")
    with op.batch_alter_table("employer_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employer_report_jobcentre_id"))
        batch_op.drop_index(batch_op.f("ix_employer_report_contact_id"))
        batch_op.drop_index(batch_op.f("ix_employer_report_citizen_id"))

    op.drop_table("employer_report")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_placement_id"))
        batch_op.drop_index(batch_op.f("ix_check_in_jobcentre_id"))
        batch_op.drop_index("ix_check_in_due")
        batch_op.drop_index(batch_op.f("ix_check_in_citizen_id"))

    op.drop_table("check_in")
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_attempt_delivery_id"))

    op.drop_table("webhook_attempt")
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_jobcentre_id"))
        batch_op.drop_index(batch_op.f("ix_interview_employer_id"))
        batch_op.drop_index("ix_interview_due")
        batch_op.drop_index(batch_op.f("ix_interview_citizen_id"))

    op.drop_table("interview")
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_jobcentre_id"))
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_event_id"))
        batch_op.drop_index("ix_webhook_delivery_due")

    op.drop_table("webhook_delivery")
    with op.batch_alter_table("webhook_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_subscription_jobcentre_id"))

    op.drop_table("webhook_subscription")
    with op.batch_alter_table("webhook_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_event_kind"))
        batch_op.drop_index(batch_op.f("ix_webhook_event_jobcentre_id"))

    op.drop_table("webhook_event")
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.drop_index("ix_leave_person_days")
        batch_op.drop_index(batch_op.f("ix_leave_jobcentre_id"))

    op.drop_table("leave")
    with op.batch_alter_table("closure_day", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closure_day_jobcentre_id"))

    op.drop_table("closure_day")
    op.drop_table("rate_bucket")
