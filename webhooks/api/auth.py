"""Who is calling: the jobcentre behind the API key, or 401."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from bot.apikeys import find_jobcentre_id
from webhooks.deps import SessionDep

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKeyBearer",
    description="`Authorization: Bearer mk_…` with the key issued to your jobcentre.",
)
header_scheme = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="ApiKeyHeader",
    description="The same key in an `X-API-Key` header, for clients that cannot send Bearer.",
)


def _unauthorized() -> HTTPException:
    """One answer for missing, unknown and revoked keys, so callers learn nothing from it."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail="A valid API key is required",
        headers={"WWW-Authenticate": "Bearer"},
    )


def current_jobcentre_id(
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    header_key: Annotated[str | None, Depends(header_scheme)],
) -> int:
    """The caller's jobcentre; every query of the API is scoped to it."""
    key = bearer.credentials if bearer is not None else header_key
    if not key:
        raise _unauthorized()
    jobcentre_id = find_jobcentre_id(session, key.strip())
    if jobcentre_id is None:
        raise _unauthorized()
    return jobcentre_id


JobcentreIdDep = Annotated[int, Depends(current_jobcentre_id)]
