"""The audit log of admin actions: who did what to what, when. Never holds personal data beyond ids."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime

from chalicelib.store.base import iso, storage_call, utc_now
from chalicelib.store.models import AuditModel


def record(actor: str, action: str, target: str, detail: Mapping[str, object] | None = None) -> None:
    now = utc_now()
    item = AuditModel(
        now.date().isoformat(),
        f"{iso(now)}#{secrets.token_hex(4)}",
        actor=actor,
        action=action,
        target=target,
        detail=dict(detail) if detail else None,
    )
    with storage_call("dynamodb"):
        item.save()


def entries_of_day(day: datetime) -> list[dict[str, object]]:
    with storage_call("dynamodb"):
        return [
            {"at": m.key.split("#")[0], "actor": m.actor, "action": m.action, "target": m.target, "detail": m.detail}
            for m in AuditModel.query(day.date().isoformat())
        ]
