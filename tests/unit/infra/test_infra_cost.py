"""The cost estimate quoted in docs/deployment.md follows its stated assumptions."""

from __future__ import annotations

from infra.cost import Prices, Workload, monthly_cost


def test_workload_counts_match_the_documented_assumptions() -> None:
    workload = Workload()
    assert workload.events_month == 7000 * 22 * 2 == 308_000
    assert workload.api_requests_month == 308_000 * 3 + 110_000


def test_photo_storage_grows_until_the_two_year_retention_then_stays() -> None:
    workload, prices = Workload(), Prices()
    photos = [monthly_cost(workload, prices, age)["S3 photos"] for age in (12, 24, 36)]
    assert photos[0] < photos[1] == photos[2]


def test_lambda_cost_scales_with_the_billed_face_duration() -> None:
    prices = Prices()
    base = monthly_cost(Workload(), prices, 12)["Lambda"]
    slower = monthly_cost(Workload(attendance_s=0.8), prices, 12)["Lambda"]
    extra_gb_s = 308_000 * 0.4 * 2.0
    assert abs((slower - base) - extra_gb_s * prices.lambda_gb_s) < 1e-6
