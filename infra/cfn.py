"""Tiny helpers for writing CloudFormation intrinsic functions as plain dicts (typed, no magic)."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def ref(name: str) -> Json:
    return {"Ref": name}


def get_att(resource: str, attribute: str) -> Json:
    return {"Fn::GetAtt": [resource, attribute]}


def sub(text: str) -> Json:
    return {"Fn::Sub": text}


def camel(snake: str) -> str:
    """`face_templates` → `FaceTemplates`: CloudFormation logical ids allow only letters and digits."""
    return "".join(part[:1].upper() + part[1:] for part in snake.replace("-", "_").split("_") if part)


def checkov_skip(*checks: tuple[str, str]) -> Json:
    """A resource's ``Metadata`` suppressing checkov checks, each ``(check id, written reason)``."""
    if any(not reason.strip() for _, reason in checks):
        raise ValueError("every suppressed checkov check needs a written reason")
    return {"checkov": {"skip": [{"id": check, "comment": reason} for check, reason in checks]}}
