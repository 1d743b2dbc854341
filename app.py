"""SMART API: routes and schedules are wired here; everything they do lives in chalicelib."""

from __future__ import annotations

from typing import Any

from chalice.app import Chalice, Cron

from chalicelib import jobs
from chalicelib.api import (
    routes_admin_views,
    routes_attendance,
    routes_auth,
    routes_calendar,
    routes_directory,
    routes_faces,
    routes_hr,
    routes_reports,
    routes_requests,
    routes_rollout,
    routes_zones,
)
from chalicelib.api.http import install_fallbacks

# configure_logs=False: the "smart" logger is the JSON logger of chalicelib/observability.py (Chalice would add a
# plain-text handler and raise its level to ERROR).
app = Chalice(app_name="smart", configure_logs=False)
# A gzip-compressed fingerprint log (POST /v1/admin/fingerprint/import) reaches the function as bytes.
app.api.binary_types.append("application/gzip")
app.register_blueprint(routes_auth.bp)
app.register_blueprint(routes_directory.bp)
app.register_blueprint(routes_hr.bp)
app.register_blueprint(routes_zones.bp)
app.register_blueprint(routes_attendance.bp)
app.register_blueprint(routes_faces.bp)
app.register_blueprint(routes_reports.bp)
app.register_blueprint(routes_calendar.bp)
app.register_blueprint(routes_rollout.bp)
app.register_blueprint(routes_requests.bp)
app.register_blueprint(routes_admin_views.bp)
install_fallbacks(app)

# Schedules are in UTC, written for WIB (UTC+7); the comments give the local time. The deployed template
# replaces them with the same local times in the stack's zone (infra/schedules.py), so a WITA/WIT regency
# never edits them.


@app.schedule(Cron(0, 18, "*", "*", "?", "*"), name="simpeg_sync")
def simpeg_sync(event: Any) -> dict[str, Any]:
    """Nightly at 01:00 WIB: follow SIMPEG (new hires, transfers, retirements). Also the SIMPEG worker: the API
    invokes it asynchronously with a started import or sync run (runtime.start_worker)."""
    return jobs.simpeg_event(event.to_dict())


@app.schedule(Cron(0, 19, "*", "*", "?", "*"), name="face_retention")
def face_retention(event: Any) -> dict[str, Any]:
    """Nightly at 02:00 WIB: delete the face templates of employees SIMPEG deactivated more than
    SMART_FACE_RETENTION_DAYS ago (biometric data kept no longer than its purpose)."""
    return jobs.forget_departed_faces()


@app.schedule(Cron(30, 16, "*", "*", "?", "*"), name="daily_recap")
def daily_recap(event: Any) -> dict[str, Any]:
    """Daily at 23:30 WIB: judge and store the day's statuses of every employee (and the day before's again).
    Also at 10:30 WIB, a second schedule of the deployed template (infra/schedules.py), whose input names the
    day-before job: the night shifts that ended that morning."""
    return jobs.recap_event(event.to_dict())


@app.schedule(Cron("0/5", "0-1,9", "?", "*", "MON-FRI", "*"), name="day_off_watch")
def day_off_watch(event: Any) -> dict[str, Any]:
    """Every 5 minutes of 07:00-09:00 and 16:00-17:00 WIB, Monday to Friday: on a day the regency's calendar gives
    off, tell NoAcceptedCheckinsAlarm not to watch (the `DayOff` metric; infra/alarms.py)."""
    return jobs.day_off_watch()


@app.lambda_function(name="report_worker")
def report_worker(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The report worker: the API invokes it asynchronously with a started monthly export (runtime.start_export)."""
    return jobs.report_event(event)
