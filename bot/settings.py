"""One validated settings object, read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "xxx", "todo", "placeholder"})


class Settings(BaseSettings):
    """Everything Makker can be told from outside; the README table mirrors these fields."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default="sqlite:///makker.db",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://… in production",
    )
    database_pool_size: Annotated[int, Field(gt=0)] = Field(
        default=20,
        description="PostgreSQL connections kept per process (plus 10 overflow); SQLite uses one",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The URL Twilio and Telegram call; Twilio signatures are checked against it",
    )
    host: str = Field(default="127.0.0.1", description="Interface `makker serve` binds to")
    port: int = Field(default=8000, description="Port `makker serve` listens on")
    demo_data: bool = Field(
        default=True, description="Create the demo jobcentre on `serve` when the database is empty"
    )
    default_region: str = Field(
        default="DK", description="Region for phone numbers written without a country code"
    )
    default_language: str = Field(default="da", description="Language when none is known")
    timezone: str = Field(default="Europe/Copenhagen", description="Wall-clock time zone")

    twilio_account_sid: str | None = Field(default=None, description="Twilio Account SID (AC…)")
    twilio_auth_token: str | None = Field(
        default=None, description="Twilio auth token; signs requests to and from Twilio"
    )
    twilio_from_number: str | None = Field(
        default=None, description="Sender: an E.164 number or an alphanumeric sender id"
    )
    twilio_messaging_service_sid: str | None = Field(
        default=None, description="Messaging Service SID (MG…); used instead of the from number"
    )
    telegram_bot_token: str | None = Field(default=None, description="Bot token from @BotFather")
    telegram_webhook_secret: str | None = Field(
        default=None,
        description="secret_token given to setWebhook; checked on every Telegram update",
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL (a local Bot API server, or a stub in tests)",
    )

    dispatch_interval_seconds: Annotated[float, Field(gt=0)] = Field(
        default=1.0, description="How often the dispatcher looks for due outbox rows"
    )
    dispatch_batch_size: Annotated[int, Field(gt=0)] = Field(
        default=100, description="Outbox rows claimed per dispatcher pass"
    )
    dispatch_max_attempts: Annotated[int, Field(gt=0)] = Field(
        default=8, description="Send attempts before an outbox row is marked failed"
    )
    dispatch_backoff_seconds: Annotated[float, Field(gt=0)] = Field(
        default=5.0, description="First retry delay; doubles per attempt (with jitter)"
    )
    dispatch_stale_after_seconds: Annotated[float, Field(gt=0)] = Field(
        default=300.0, description="A row left 'sending' this long is retried (worker crashed)"
    )
    sms_segments_per_second: Annotated[float, Field(gt=0)] = Field(
        default=10.0,
        description="SMS rate limit in segments per second per sender (Twilio: 10 for a "
        "Danish long code); shared by every worker",
    )
    telegram_messages_per_second: Annotated[float, Field(gt=0)] = Field(
        default=30.0, description="Telegram rate limit over all chats (Bot API: about 30/s)"
    )
    telegram_chat_messages_per_second: Annotated[float, Field(gt=0)] = Field(
        default=1.0, description="Telegram rate limit per chat (Bot API: about 1/s)"
    )
    voice_calls_per_second: Annotated[float, Field(gt=0)] = Field(
        default=1.0, description="Outgoing voice calls per second (Twilio's default CPS is 1)"
    )
    wakeup_max_early_minutes: Annotated[int, Field(ge=0, le=180)] = Field(
        default=60,
        description="The earliest a wake-up text may leave before its time to fit the rate "
        "limit; if that is not enough, the consultants are warned",
    )
    scheduler_in_serve: bool = Field(
        default=True,
        description="Run the scheduler ticks inside `makker serve`; false when `makker worker` "
        "processes run them",
    )
    log_level: str = Field(default="INFO", description="Python log level")

    @field_validator(
        "twilio_auth_token", "telegram_bot_token", "telegram_webhook_secret", mode="after"
    )
    @classmethod
    def _refuse_placeholders(cls, value: str | None) -> str | None:
        """Refuse secrets copied from an example file."""
        if value is not None and value.strip().lower() in PLACEHOLDER_SECRETS:
            raise ValueError("is a placeholder; set the real secret or leave it unset")
        return value or None

    @field_validator("public_base_url", mode="after")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        """Signatures are computed over exact URLs, so normalise the base once."""
        return value.rstrip("/")

    @model_validator(mode="after")
    def _twilio_complete(self) -> Settings:
        """Half a Twilio configuration is a mistake worth failing on at start-up."""
        parts = [self.twilio_account_sid, self.twilio_auth_token]
        if any(parts) and not all(parts):
            raise ValueError("set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither")
        if (
            self.twilio_account_sid
            and not self.twilio_from_number
            and not self.twilio_messaging_service_sid
        ):
            raise ValueError("Twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        if self.telegram_bot_token and not self.telegram_webhook_secret:
            raise ValueError("TELEGRAM_BOT_TOKEN needs TELEGRAM_WEBHOOK_SECRET as well")
        return self

    @property
    def twilio_enabled(self) -> bool:
        """Whether SMS goes to Twilio rather than the sandbox."""
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @property
    def telegram_enabled(self) -> bool:
        """Whether Telegram messages go to the Bot API rather than the sandbox."""
        return bool(self.telegram_bot_token)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
