"""Who was handed links to an employee's personal files: selfies, enrolment photos, request letters.

S3 can only say that a signed link of the Lambda's role was opened, not which admin opened it. So SMART
records what it can vouch for: every link it hands an admin, before the answer leaves, one entry per employee
in the audit log's VIEWS part (`chalicelib.domain.audit`): actor and role, `view.photos` or
`view.attachments`, the employee's NIP as target, and `{"via": <the list>, "links": <how many>}`, written
together (one DynamoDB transaction a page). A failed write fails the request (503): no link leaves
unrecorded. Read back with `GET /v1/admin/audit?action=view`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import timedelta

from chalicelib import runtime
from chalicelib.domain.audit import VIEW_REPORTS
from chalicelib.domain.people import Principal
from chalicelib.settings import Settings

EVIDENCE_TTL_S = 900  # API.md: the photo links of reviews and attempts live at most 15 minutes


def evidence_ttl_s(settings: Settings) -> int:
    """How long a link to an employee's personal file lives (a selfie, an enrolment photo, a request letter, an
    activation sheet): the stage's presign lifetime, never more than 15 minutes (report downloads may live
    longer: `SMART_PRESIGN_TTL_S` up to an hour)."""
    return min(settings.presign_ttl_s, EVIDENCE_TTL_S)


def record_links(principal: Principal, action: str, via: str, nips: Iterable[str], settings: Settings) -> None:
    """Record the links of one answer: `nips` names the employee of each link (repeated per link). The entries
    are kept as long as the photos and letters (`photo_retention_days` from when the link was handed out: the
    file it opened is gone by then), then DynamoDB drops them (decision 123)."""
    links = Counter(nips)
    details = {nip: {"via": via, "links": links[nip]} for nip in sorted(links)}
    kept = timedelta(days=settings.photo_retention_days)
    runtime.audit().stamped(principal.subject, action, details, role=principal.role, kept_for=kept).write()


def record_report(
    principal: Principal, report: str, unor_id: str | None, detail: Mapping[str, object], settings: Settings
) -> None:
    """Record a recap file of employees' attendance (names, NIPs, days) handed to an admin: `view.reports`,
    target the unit (or "-" for every unit the admin sees), the report and its period and format, kept as long
    as the other views. Written before the file leaves: a failed write fails the request (503)."""
    kept = timedelta(days=settings.photo_retention_days)
    details = {unor_id or "-": {"report": report, **detail}}
    runtime.audit().stamped(principal.subject, VIEW_REPORTS, details, role=principal.role, kept_for=kept).write()
