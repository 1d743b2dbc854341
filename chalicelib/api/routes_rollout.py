"""Routes: the rollout. Fingerprint machines (PIN map, punch import, a unit's cut-over to the app), the adoption
report per unit and day, and the runs of the scheduled jobs (API.md "Fingerprint machines during the rollout";
the adoption report and `GET /v1/admin/jobs` are additions documented in docs/rollout.md)."""

from __future__ import annotations

from chalicelib.api import guards
from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import adoption, fingerprint, operations
from chalicelib.usecases.schemas import rollout as schema
from chalicelib.usecases.schemas.reports import ExportLink

bp = Routes(__name__, tag="rollout")


@endpoint(bp, "PUT /v1/admin/fingerprint/pins", auth_as="admin", raw_body=schema.PinsBody)
def put_pins(call: Call) -> schema.PinsResult:
    """Map the PINs of fingerprint machines to NIPs: JSON `{"pins": [{"pin", "nip"}]}` or `text/csv` with
    columns `pin,nip`.

    **Roles:** unit_admin (own units' employees), super_admin. A PIN is kept in the unit of its employee (two
    units' machines may both have PIN 1); leading zeros do not matter. A PIN that is itself an 18-digit NIP
    needs no entry. Bad lines, unknown employees and employees outside the caller's units are reported in
    `errors` (`line`: item number in JSON, line number in CSV); the rest is applied. Audited.
    """
    return fingerprint.put_pins(call.principal, call.raw_body(), call.content_type(), call.now)


@endpoint(
    bp,
    "POST /v1/admin/fingerprint/import",
    auth_as="admin",
    raw_body=schema.ImportBody,
    errors=("PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"),
)
def import_punches(call: Call, query: schema.ImportQuery) -> schema.ImportResult:
    """Import a fingerprint machine's punches: `text/plain` ZKTeco ATTLOG (`PIN<TAB>YYYY-MM-DD HH:MM:SS<TAB>
    verify<TAB>in-out<TAB>workcode...`, regency local time) or `text/csv` with columns `pin,timestamp`; either
    may be sent gzip-compressed as `application/gzip` (the format is recognised from the content).

    **Roles:** unit_admin (own units' employees), super_admin. Lines may end in CRLF, carry a BOM, extra columns
    and blank lines. Every punch becomes an event with `"source": "fingerprint"` whose id is fixed by (NIP, time):
    importing the same file again imports nothing new (`duplicates`). A punch within 5 minutes after another of
    the same employee is the button pressed twice (a duplicate). `offset_minutes` corrects a machine's clock;
    punches still in the future are refused per line (FUTURE_PUNCH); punches on or after the unit's cut-over
    date are refused per line (AFTER_CUTOVER). Body: at most `SMART_MAX_BODY_BYTES` (4 MB) as sent, 48 MB once
    inflated. Audited.
    """
    raw = call.raw_body()
    return fingerprint.import_punches(
        call.principal, raw, call.content_type(), query, settings=call.settings, now=call.now
    )


@endpoint(
    bp, "PUT /v1/admin/units/{unor_id}/cutover", auth_as="admin", guard=guards.UNIT_IN_SCOPE, errors=("CONFLICT",)
)
def set_cutover(call: Call, unor_id: str, body: schema.CutoverBody) -> schema.Cutover:
    """From `date` on (local date), only app check-ins count for the unit.

    **Roles:** unit_admin (own units), super_admin. Punches dated on or after it are refused at import and
    ignored by recaps (also those imported before the date was set); earlier days keep counting them. Setting
    it again moves the date; only a super admin moves it later (403 for a unit admin: it would count machine
    punches of days already switched to the app), and only a super admin sets a date already past (403,
    details `reason: "past"`, for a unit admin: it voids the punches recorded since). Recapped past days it
    changes are judged again. Audited (`unit.cutover`, with the date it replaced). 409 `CONFLICT` when another
    change of the unit's cut-over was stored at the same moment (the rules and the audit entry go by the date
    read, so the write is made only over it): send it again.
    """
    return fingerprint.set_cutover(call.principal, unor_id, body, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/reports/adoption", auth_as="admin", response=schema.Adoption)
def adoption_report(call: Call, query: schema.AdoptionQuery) -> schema.AdoptionReport | ExportLink:
    """The rollout per unit and day: active employees, activated (phone bound), enrolled (approved face), and
    how many checked in by the app, by the fingerprint machine, by both, or not at all.

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`). `from`..`to` at most 62 days.
    `activated` and `enrolled` are today's state (no history is kept); the per-day counts come from the day's
    counted events (accepted or approved app events; punches before the unit's cut-over). `format=xlsx`: a
    download link (short-lived signed URL) to the same rows with Indonesian headers. An addition beside API.md
    (docs/rollout.md).
    """
    return adoption.adoption(call.principal, query, call.settings)


@endpoint(bp, "GET /v1/admin/jobs", auth_as="super_admin", tag="operations")
def list_jobs(call: Call, query: schema.JobsQuery) -> schema.JobRunPage:
    """Runs of the scheduled jobs (daily recap, the day before recapped again, SIMPEG sync, face retention) and of
    the work handed to the worker, newest first: when each started and ended, how (`trigger`: `schedule` =
    EventBridge or the local scheduler of `make run`; `manual` = `python -m tools.devstack fire <job>`; `admin` =
    an admin's change or Hitung Ulang; `import` = a fingerprint import), and its result or error. A run still
    `running` 16 minutes after it started was cut off by its function's 15-minute timeout: it is listed `failed`,
    with the error "terhenti: proses tidak selesai dalam batas waktu".

    **Roles:** super_admin; a regency-wide auditor reads. An operations addition beside API.md (docs/rollout.md).
    Runs are kept 90 days.
    """
    return operations.list_job_runs(call.principal, query, call.now)
