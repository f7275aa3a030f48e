"""The tenant: a jobcentre and the API keys its case systems use."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bot.models._base import created_at_field, instant_field


class JobcentreBase(SQLModel):
    """Fields a jobcentre is created with."""

    name: str = Field(min_length=1, max_length=200)
    default_language: str = Field(default="da", max_length=8)


class Jobcentre(JobcentreBase, table=True):
    """A tenant; nothing of one jobcentre is visible to another."""

    __tablename__ = "jobcentre"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = created_at_field()


class ApiKey(SQLModel, table=True):
    """A case-system key; only its SHA-256 is stored, the key itself is shown once."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    name: str = Field(max_length=200)
    key_prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    revoked_at: datetime | None = instant_field()
