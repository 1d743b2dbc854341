"""Monthly AWS cost estimate of one SMART deployment: ``python -m infra.cost``.

Every price and every assumption is a named field below, so docs/deployment.md can quote this output and
anyone can rerun it with the prices of their region and their own measurements. The prices are published
US East (N. Virginia) list prices, used because the Jakarta (ap-southeast-3) price list could not be read
from the build machine: check them in the AWS Pricing Calculator for ap-southeast-3 before relying on the
totals (Asia Pacific prices are usually higher). Free tiers are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prices:
    """USD list prices (US East, N. Virginia; first pricing tier)."""

    lambda_gb_s: float = 0.0000166667  # x86, per GB-second
    lambda_request: float = 0.20 / 1e6
    rest_api_request: float = 3.50 / 1e6  # REST API, first 333 M requests a month
    dynamodb_wru: float = 0.625 / 1e6  # on-demand write request unit
    dynamodb_rru: float = 0.125 / 1e6  # on-demand read request unit
    dynamodb_gb_month: float = 0.25
    pitr_gb_month: float = 0.20
    s3_gb_month: float = 0.023  # S3 Standard, first 50 TB
    s3_put: float = 0.005 / 1000
    s3_get: float = 0.0004 / 1000
    alarm_metric_month: float = 0.10  # standard-resolution alarm, per metric
    custom_metric_month: float = 0.30  # per metric (name + dimension values), first 10,000; prorated hourly
    logs_gb_ingested: float = 0.50
    waf_web_acl_month: float = 5.00
    waf_rule_month: float = 1.00  # per rule or managed rule group
    waf_request: float = 0.60 / 1e6
    rekognition_image: float = 0.001  # CompareFaces (Group 1), first 1 M images a month


@dataclass(frozen=True)
class Workload:
    """7,000 employees checking in and out every working day; durations from docs/shared FACE.md figures
    multiplied by a safety factor (the pipeline's own Lambda measurements should replace them)."""

    employees: int = 7000
    working_days: int = 22
    events_per_day: int = 2  # check-in and check-out
    requests_per_event: int = 3  # challenge, attendance POST, profile/status refresh
    admin_requests_month: int = 110_000  # ~100 admins x 50 requests x 22 days
    memory_gb: float = 2.0  # lambda_memory_size 2048 in .chalice/config.json
    attendance_s: float = 0.40  # billed duration of a check-in with the face step (measured ~0.03 s of CPU)
    light_request_s: float = 0.05
    cold_starts_day: int = 200
    cold_start_s: float = 3.0  # init of numpy + onnxruntime + model load, billed
    job_runs_month: int = 120  # daily recap, the day before recapped again, nightly sync, face retention
    job_s: float = 60.0
    watch_runs_month: int = 792  # the day-off watch: every 5 minutes of 3 working hours, 22 days (36 a day)
    watch_s: float = 1.0  # one Query of the holidays
    wru_per_event: float = 16.0  # challenge, idempotency, event + GSI copies, day mark, fingerprint
    rru_per_event: float = 20.0  # employee, challenge, templates, recent fingerprints, zones
    recap_wru_month: float = 308_000.0  # daily_status rows + their GSI
    recap_rru_month: float = 308_000.0
    dynamodb_gb_per_month: float = 2.2  # events (table + GSI) and fingerprints growth
    photo_kb: float = 150.0
    photo_gets_month: int = 50_000  # admins opening photos in reviews
    # 48 alarms; the 23 table alarms read two metrics each, the refusal alarm three, the no-check-in alarm two
    alarm_metrics: int = 74
    # chalicelib.observability: 22 named metrics + 14 Refused_<CODE>, for one stage. Counted as sent every hour
    # (an upper bound: CloudWatch bills a metric only for the hours it is sent; the job metrics come once a day,
    # the day-off watch's in 3 working hours, DayOff on a weekday holiday only).
    custom_metrics: int = 36
    log_gb_month: float = 1.0  # ~0.7 GB of JSON request lines and EMF metric lines (~650 bytes a request)
    access_log_gb_month: float = 0.5  # API access log, ~450 bytes a request (WAF logs only blocked requests)
    waf_rules: int = 3  # only-through-CloudFront, the per-viewer-IP rate rule and the known-bad-inputs group
    months: tuple[int, ...] = field(default=(12, 24))

    @property
    def events_month(self) -> int:
        return self.employees * self.working_days * self.events_per_day

    @property
    def api_requests_month(self) -> int:
        return self.events_month * self.requests_per_event + self.admin_requests_month


def monthly_cost(w: Workload, p: Prices, age_months: int) -> dict[str, float]:
    """USD per month by service, `age_months` after go-live (storage grows until retention caps it)."""
    light = w.api_requests_month - w.events_month
    gb_s = w.memory_gb * (
        w.events_month * w.attendance_s
        + light * w.light_request_s
        + w.cold_starts_day * 30 * w.cold_start_s
        + w.job_runs_month * w.job_s
        + w.watch_runs_month * w.watch_s
    )
    photos_gb = w.events_month * w.photo_kb / 1_048_576 * min(age_months, 24)  # 730-day retention
    table_gb = w.dynamodb_gb_per_month * age_months
    return {
        "Lambda": gb_s * p.lambda_gb_s
        + (w.api_requests_month + w.job_runs_month + w.watch_runs_month) * p.lambda_request,
        "API Gateway (REST)": w.api_requests_month * p.rest_api_request,
        "DynamoDB requests": (w.events_month * w.wru_per_event + w.recap_wru_month) * p.dynamodb_wru
        + (w.events_month * w.rru_per_event + w.recap_rru_month) * p.dynamodb_rru,
        "DynamoDB storage + PITR": table_gb * (p.dynamodb_gb_month + p.pitr_gb_month),
        "S3 photos": photos_gb * p.s3_gb_month + w.events_month * p.s3_put + w.photo_gets_month * p.s3_get,
        "CloudWatch": w.alarm_metrics * p.alarm_metric_month
        + w.custom_metrics * p.custom_metric_month
        + (w.log_gb_month + w.access_log_gb_month) * p.logs_gb_ingested,
        "WAF": p.waf_web_acl_month + w.waf_rules * p.waf_rule_month + w.api_requests_month * p.waf_request,
    }


def main() -> int:
    workload, prices = Workload(), Prices()
    print(f"attendance events/month: {workload.events_month:,}; API requests/month: {workload.api_requests_month:,}")
    for age in workload.months:
        costs = monthly_cost(workload, prices, age)
        print(f"\nmonth {age} after go-live (USD/month)")
        for name, usd in costs.items():
            print(f"  {name:<28} {usd:8.2f}")
        print(f"  {'total':<28} {sum(costs.values()):8.2f}")
    rekognition = workload.events_month * prices.rekognition_image
    print(
        f"\nface step by Rekognition CompareFaces instead: +{rekognition:,.2f} USD/month "
        f"({workload.events_month:,} comparisons at {prices.rekognition_image} USD)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
