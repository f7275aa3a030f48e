"""The REST API for jobcentre case systems, under /api/v1; every endpoint needs an API key."""

from fastapi import APIRouter, Depends, status
from fastapi.routing import APIRoute

from webhooks.api import (
    alerts,
    check_ins,
    citizens,
    consultants,
    contacts,
    employers,
    history,
    interviews,
    jobcentre,
    leave,
    placements,
    subscriptions,
    timeline,
    webhook_deliveries,
)
from webhooks.api.auth import current_jobcentre_id


def operation_id(route: APIRoute) -> str:
    """Short operation ids (create_citizen, …) so generated clients read well."""
    return route.name


router = APIRouter(
    prefix="/api/v1",
    dependencies=[Depends(current_jobcentre_id)],
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Missing, unknown or revoked key"}},
    generate_unique_id_function=operation_id,
)
router.include_router(consultants.router)
router.include_router(employers.router)
router.include_router(contacts.router)
router.include_router(citizens.router)
router.include_router(placements.router)
router.include_router(check_ins.router)
router.include_router(history.router)
router.include_router(timeline.router)
router.include_router(leave.router)
router.include_router(alerts.router)
router.include_router(jobcentre.router)
router.include_router(subscriptions.router)
router.include_router(webhook_deliveries.router)
router.include_router(interviews.router)

__all__ = ["router"]
