"""Placeholder REST API router, replaced by the implementation."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")
