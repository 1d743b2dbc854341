"""Operability in one place: the JSON logger, the CloudWatch metrics and their names, NIP hashing, timings.

Logs: every line is one JSON object on stdout (AWS Lambda Powertools Logger, service ``smart``; level from
POWERTOOLS_LOG_LEVEL or LOG_LEVEL, default INFO). In Lambda stdout is CloudWatch Logs; on the local stack it
is ``.local/logs/api.log``. Nothing personal is logged: no photo, embedding, password, token, Authorization
header or request body, and an employee only as ``hash_nip(nip)``. Keys bound with ``log_context`` (the
request id and route, a job's name) are on every line written inside it, in that thread only.

Metrics: CloudWatch embedded metric format (EMF), i.e. JSON lines on the same stdout that CloudWatch turns into
metrics, namespace ``SMART``, dimensions ``service`` and ``stage``. They are collected while a request or job
runs and written by ``flush()`` at its end (the HTTP wrapper and ``job`` do it). ``Metric`` lists the names;
infra/alarms.py builds its alarms from the same enum.

This module sits below the HTTP layer: it imports only the standard library, Powertools and the settings.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from chalicelib.settings import SettingsError, load_settings

SERVICE = "smart"
NAMESPACE = "SMART"
SERVICE_DIMENSION = "service"
STAGE_DIMENSION = "stage"
UNKNOWN_STAGE = "unknown"
NIP_HASH_HEX = 12


class Metric(StrEnum):
    """Every metric SMART emits (besides the per-refusal ones of ``refusal_metric``)."""

    CHECKIN_ACCEPTED = "CheckinAccepted"
    CHECKIN_REVIEW = "CheckinReview"  # recorded, waits for an admin's review
    CHECKIN_REFUSED = "CheckinRefused"
    FACE_LATENCY = "FaceLatency"  # check-in: the face checks (templates, analysis, replay, verification)
    GEO_LATENCY = "GeoLatency"  # check-in: zones, duties and the position assessment
    STORAGE_LATENCY = "StorageLatency"  # check-in: the one DynamoDB transaction that records it
    DIGEST_WRITE_FAILED = "DigestWriteFailed"  # a recorded check-in's token missed its unit-day digest
    REQUEST_LATENCY = "RequestLatency"  # every HTTP request, inside the function
    HTTP_5XX = "Http5xx"  # answers 500/503 given by the app
    SIMPEG_CREATED = "SimpegCreated"
    SIMPEG_UPDATED = "SimpegUpdated"
    SIMPEG_DEACTIVATED = "SimpegDeactivated"
    SIMPEG_REJECTED = "SimpegRejected"  # upstream records refused by validation
    SIMPEG_SUCCEEDED = "SimpegRunSucceeded"
    SIMPEG_HELD = "SimpegRunHeld"  # needs an admin's confirmation
    SIMPEG_FAILED = "SimpegRunFailed"
    SIMPEG_DURATION = "SimpegSyncDuration"  # the nightly job
    RECAP_DURATION = "RecapDuration"  # the daily recap job
    EXPORT_DURATION = "MonthlyExportDuration"  # a monthly export built by the report worker
    FACE_RETENTION_DURATION = "FaceRetentionDuration"  # the nightly deletion of departed employees' faces
    # A weekday the regency has off (its calendar's holiday), sent by the day-off watch in each 5 minutes of the
    # working windows: NoAcceptedCheckinsAlarm does not watch those (infra/alarms.py). Never sent on a working day.
    DAY_OFF = "DayOff"
    DAY_OFF_WATCH_DURATION = "DayOffWatchDuration"  # each run of the day-off watch, working day or not


MILLISECONDS = frozenset(
    {
        Metric.FACE_LATENCY,
        Metric.GEO_LATENCY,
        Metric.STORAGE_LATENCY,
        Metric.REQUEST_LATENCY,
        Metric.SIMPEG_DURATION,
        Metric.RECAP_DURATION,
        Metric.EXPORT_DURATION,
        Metric.FACE_RETENTION_DURATION,
        Metric.DAY_OFF_WATCH_DURATION,
    }
)
CHECKIN_BY_STATUS = {
    "accepted": Metric.CHECKIN_ACCEPTED,
    "review": Metric.CHECKIN_REVIEW,
    "refused": Metric.CHECKIN_REFUSED,
}
SIMPEG_BY_STATUS = {
    "succeeded": Metric.SIMPEG_SUCCEEDED,
    "needs_confirmation": Metric.SIMPEG_HELD,
    "failed": Metric.SIMPEG_FAILED,
}
SIMPEG_BY_COUNT = {
    "created": Metric.SIMPEG_CREATED,
    "updated": Metric.SIMPEG_UPDATED,
    "deactivated": Metric.SIMPEG_DEACTIVATED,
    "errors": Metric.SIMPEG_REJECTED,
}
REFUSAL_PREFIX = "Refused_"


def refusal_metric(code: str) -> str:
    """One metric per refusal code (``Refused_FACE_MISMATCH``): a dozen names at most, so a dozen custom
    metrics per stage, instead of a ``code`` dimension on every check-in metric."""
    return f"{REFUSAL_PREFIX}{code}"


def dimensions(stage: str) -> dict[str, str]:
    """The dimensions of every SMART metric (alarms must name exactly these)."""
    return {SERVICE_DIMENSION: SERVICE, STAGE_DIMENSION: stage}


class _CurrentStdout(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stdout`` is when a line is written: pytest swaps it for every test, and a
    handler holding the stream of import time would write into a closed capture file."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


logger = Logger(service=SERVICE, logger_handler=_CurrentStdout(), utc=True, use_rfc3339=True)
# Explicit namespace and service: an environment variable must not move the metrics away from the alarms.
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
_metrics_lock = threading.Lock()  # the local server runs requests in threads; Lambda one at a time


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` reading)."""
    return (time.perf_counter() - started) * 1000


def hash_nip(nip: str, secret: str | None = None) -> str:
    """How an employee appears in logs: 12 hex digits of HMAC-SHA256(NIP), keyed by the deployment's secret.

    NIPs are structured (birth date, hiring date, sequence), so a plain hash could be reversed by trying them;
    without the secret it cannot. The key derives from the token secret (``secret`` overrides it, for tests
    and tools): the same NIP hashes alike across requests and functions of one deployment, and differently
    after the token secret is rotated. ``python -m chalicelib.observability NIP`` prints it for a search.
    """
    key = secret if secret is not None else load_settings().token_secret
    salt = hashlib.sha256(b"smart/log/nip:" + key.encode("utf-8")).digest()
    return hmac.new(salt, nip.strip().encode("utf-8"), hashlib.sha256).hexdigest()[:NIP_HASH_HEX]


def nip_hash_or_none(nip: str) -> str | None:
    """``hash_nip`` under this deployment's secret, or None when the settings cannot be loaded (an SSM outage,
    a bad secret). A request that failed on its settings must still get its log line, its Http5xx and an answer
    in the API's shape; the employee is then left out of the line: a hash without the secret could be reversed
    by trying NIPs."""
    try:
        return hash_nip(nip)
    except SettingsError:
        return None


def _stage() -> str:
    try:
        return load_settings().stage
    except SettingsError:  # the request failed on its settings; its metrics still count somewhere
        return UNKNOWN_STAGE


def add(metric: Metric | str, value: float = 1.0) -> None:
    """Collect one value of a metric (milliseconds for the latencies and durations, else a count)."""
    unit = MetricUnit.Milliseconds if metric in MILLISECONDS else MetricUnit.Count
    with _metrics_lock:
        if STAGE_DIMENSION not in metrics.dimension_set:  # cleared by every flush
            metrics.add_dimension(STAGE_DIMENSION, _stage())
        metrics.add_metric(name=str(metric), unit=unit, value=value)


def flush() -> None:
    """Write the collected metrics as one EMF line and forget them; does nothing when none were collected.

    Written here rather than by Powertools' ``flush_metrics``, which warns when there is nothing to write and
    prints the line and its newline in two writes (the local stack's workers share one log file, where two
    lines could interleave). Metrics never fail the work they measure: an error is logged, the metrics dropped.
    """
    with _metrics_lock:
        if not metrics.metric_set:
            return
        try:
            blob = metrics.serialize_metric_set()
        except Exception:
            logger.exception("metrics could not be serialised")
            blob = None
        metrics.clear_metrics()
    if blob is not None and not is_metrics_disabled():
        sys.stdout.write(json.dumps(blob, separators=(",", ":")) + "\n")
        sys.stdout.flush()


@contextmanager
def timed(metric: Metric) -> Iterator[None]:
    """Record how long the block took as ``metric`` (milliseconds), also when it raises (a refusal)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        add(metric, elapsed_ms(started))


@contextmanager
def log_context(**keys: str) -> Iterator[None]:
    """Put ``keys`` on every log line this thread writes inside the block."""
    logger.thread_safe_append_keys(**keys)
    try:
        yield
    finally:
        logger.thread_safe_remove_keys(keys)


def count_checkin(status: str, reasons: Iterable[object] | None) -> None:
    """A recorded check-in: its outcome, and for a refusal its refusal code (the stored event's reasons)."""
    metric = CHECKIN_BY_STATUS.get(status)
    if metric is not None:
        add(metric)
    if status == "refused":
        for code in reasons or ():
            add(refusal_metric(str(code)))


def count_simpeg_run(status: str, counts: Mapping[str, int]) -> None:
    """A finished SIMPEG sync or import: its end status and what it changed."""
    metric = SIMPEG_BY_STATUS.get(status)
    if metric is not None:
        add(metric)
    for name, count_metric in SIMPEG_BY_COUNT.items():
        add(count_metric, float(counts.get(name, 0)))


@contextmanager
def job(name: str, duration: Metric) -> Iterator[dict[str, Any]]:
    """A scheduled job: logs its start, and its end with duration and the summary the block fills in (or the
    failure with its traceback); records ``duration``; flushes the job's metrics."""
    summary: dict[str, Any] = {}
    started = time.perf_counter()
    with log_context(job=name, job_id=uuid.uuid4().hex[:12]):
        logger.info("job started")
        try:
            yield summary
        except Exception:
            logger.exception("job failed", extra={"duration_ms": round(elapsed_ms(started)), "result": summary})
            raise
        else:
            logger.info("job finished", extra={"duration_ms": round(elapsed_ms(started)), "result": summary})
        finally:
            add(duration, elapsed_ms(started))
            flush()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m chalicelib.observability NIP...``: the nip_hash of each NIP under this deployment's settings."""
    nips = list(sys.argv[1:] if argv is None else argv)
    if not nips:
        print("usage: python -m chalicelib.observability NIP [NIP...]", file=sys.stderr)
        return 2
    for nip in nips:
        print(f"{nip}\t{hash_nip(nip)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
