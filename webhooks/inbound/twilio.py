"""Placeholder router, replaced by the provider webhook implementation."""

from fastapi import APIRouter

router = APIRouter()
