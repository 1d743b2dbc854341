"""The cost estimate quoted in docs/deployment.md follows its stated assumptions."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.messages import REFUSAL_CODES
from chalicelib.observability import Metric
from infra.cost import Prices, Workload, monthly_cost
from infra.merge import MergeResult


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


def test_metric_and_alarm_counts_are_those_of_the_code_and_the_template(merged: MergeResult) -> None:
    # Custom metrics: every named one plus one per refusal code (chalicelib.observability), for one stage
    assert Workload().custom_metrics == len(Metric) + len(REFUSAL_CODES)
    # Alarm metrics: one per plain alarm, one per metric a metric-math alarm reads
    alarms = [r["Properties"] for r in merged.template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    read = sum(1 if "MetricName" in a else sum("MetricStat" in q for q in a["Metrics"]) for a in alarms)
    assert Workload().alarm_metrics == read


def test_the_waf_rules_priced_are_those_of_the_template(merged: MergeResult) -> None:
    acl = merged.template["Resources"]["ApiWebAcl"]["Properties"]
    assert Workload().waf_rules == len(acl["Rules"])


def test_the_table_in_the_deployment_guide_is_what_the_estimate_computes() -> None:
    # GIVEN the cost table of docs/deployment.md (rows "| <service> (...) | month 12 | month 24 |")
    text = (Path(__file__).parents[3] / "docs" / "deployment.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| \**([A-Za-z][^|(*]*?)\** ?(?:\([^|]*\))? \| \**([\d.]+)\** \| \**([\d.]+)\** \|$", text, re.M
    )
    documented = {name.strip(): (float(m12), float(m24)) for name, m12, m24 in rows}
    # THEN every service and the total are the figures `python -m infra.cost` prints
    computed = [monthly_cost(Workload(), Prices(), age) for age in (12, 24)]
    expected = {
        re.sub(r" \(.*\)$", "", name): (round(computed[0][name], 2), round(computed[1][name], 2))
        for name in computed[0]
    }
    expected["total"] = (round(sum(computed[0].values()), 2), round(sum(computed[1].values()), 2))
    assert documented == expected
