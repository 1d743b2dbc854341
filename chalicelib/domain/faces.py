"""What an admin may see of an employee's face templates: never the vectors (personal data), only their
models, quality, dates and where the enrolment photo is kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TemplateInfo:
    """One stored template of an employee, without its vectors."""

    template_id: str
    models: tuple[str, ...]  # the models that made its vectors, sorted
    created_at: str  # ISO 8601 UTC
    created_by: str  # the admin (or tool) that enrolled it
    photo_key: str  # the enrolment photo in the photo store
    quality: Mapping[str, Any] = field(default_factory=dict)  # face size, brightness, sharpness, yaw


@dataclass(frozen=True)
class TemplateKey:
    """Where a template's enrolment photo is: what the batch recompute needs to re-embed it."""

    nip: str
    template_id: str
    photo_key: str
