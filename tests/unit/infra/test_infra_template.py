"""The merged template: bucket, least-privilege access, model layer, environment, alarms, runtime guard."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from chalicelib.observability import NAMESPACE, Metric, dimensions
from chalicelib.settings import TEMPLATE_SETTINGS
from chalicelib.store.models import ALL_MODELS
from infra import merge as merge_module
from infra.alarms import LATENCY_P95_MS
from infra.errors import TemplateError
from infra.merge import LAYER_ID, MergeResult, merge, stage_environment, template_settings

from .conftest import of_type

FUNCTIONS = ("APIHandler", "DailyRecap", "DayOffWatch", "FaceRetention", "ReportWorker", "SimpegSync")


def test_bucket_is_private_encrypted_versioned_and_expires_by_prefix(merged: MergeResult) -> None:
    bucket = merged.template["Resources"]["DataBucket"]
    props = bucket["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert len(props["PublicAccessBlockConfiguration"]) == 4
    encryption = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = {r.get("Prefix"): r for r in props["LifecycleConfiguration"]["Rules"]}
    assert rules["photos/"]["ExpirationInDays"] == {"Ref": "PhotoRetentionDays"}
    assert rules["exports/"]["ExpirationInDays"] == {"Ref": "ExportRetentionDays"}
    parameters = merged.template["Parameters"]
    assert parameters["PhotoRetentionDays"]["Default"] == 730
    assert parameters["ExportRetentionDays"]["Default"] == 7
    assert bucket["DeletionPolicy"] == "Retain"


def test_bucket_refuses_plain_http(resources: dict[str, Any]) -> None:
    statement = resources["DataBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_functions_get_the_layer_their_log_group_and_the_stacks_names(resources: dict[str, Any]) -> None:
    functions = of_type(resources, "AWS::Serverless::Function")
    assert set(functions) == set(FUNCTIONS)
    for function_id, function in functions.items():
        props = function["Properties"]
        assert {"Ref": LAYER_ID} in props["Layers"]
        variables = props["Environment"]["Variables"]
        assert variables["SMART_BUCKET"] == {"Ref": "DataBucket"}
        assert variables["SMART_SECRETS_SSM_PATH"] == {"Ref": "SecretsPath"}
        assert variables["SMART_TABLE_PREFIX"] == "smart-prod-"
        assert not any(
            "SECRET" in name and isinstance(v, str) for name, v in variables.items() if name != "SMART_SECRETS_SSM_PATH"
        )
        log_group = resources[f"{function_id}LogGroup"]["Properties"]
        assert log_group["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{function_id}}}"}
    layer = resources[LAYER_ID]["Properties"]
    assert layer["CompatibleRuntimes"] == ["python3.12"]
    assert layer["RetentionPolicy"] == "Retain"


def test_alarms_cover_errors_and_throttles(resources: dict[str, Any]) -> None:
    alarms = of_type(resources, "AWS::CloudWatch::Alarm")
    for function_id in FUNCTIONS:
        assert alarms[f"{function_id}ErrorsAlarm"]["Properties"]["MetricName"] == "Errors"
        assert alarms[f"{function_id}ThrottlesAlarm"]["Properties"]["MetricName"] == "Throttles"
    for table_id in of_type(resources, "AWS::DynamoDB::Table"):
        assert f"{table_id}ThrottleAlarm" in alarms
    api = alarms["Api5xxAlarm"]["Properties"]
    assert {d["Name"]: d["Value"] for d in api["Dimensions"]} == {"ApiName": "smart-prod", "Stage": "v"}
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())


def _as_stage(chalice_template: dict[str, Any], stage: str) -> dict[str, Any]:
    """The recorded prod template as `chalice package --stage <stage>` writes it: only the stage's environment
    differs (.chalice/config.json gives dev and prod the same app name and API Gateway stage `v`)."""
    for function in of_type(chalice_template["Resources"], "AWS::Serverless::Function").values():
        variables = function["Properties"]["Environment"]["Variables"]
        variables.update(SMART_STAGE=stage, SMART_TABLE_PREFIX=f"smart-{stage}-", SMART_BUCKET=f"smart-{stage}-data")
    return chalice_template


def test_each_stage_names_its_api_so_dev_errors_raise_no_alarm_of_prod(chalice_template: dict[str, Any]) -> None:
    # GIVEN dev and prod deployed in one account (docs/deployment.md), both with API Gateway stage `v`
    keys = {}
    for stage in ("dev", "prod"):
        resources = merge(_as_stage(copy.deepcopy(chalice_template), stage), ALL_MODELS).template["Resources"]
        api = resources["RestAPI"]["Properties"]
        # THEN each REST API is named after its stage, in the template and in its OpenAPI title alike
        assert api["Name"] == api["DefinitionBody"]["info"]["title"] == f"smart-{stage}"
        dimensions = resources["Api5xxAlarm"]["Properties"]["Dimensions"]
        keys[stage] = {d["Name"]: d["Value"] for d in dimensions}
    # AND each stage's 5xx alarm reads its own API's metrics only
    assert keys == {"dev": {"ApiName": "smart-dev", "Stage": "v"}, "prod": {"ApiName": "smart-prod", "Stage": "v"}}


def _metrics_of(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """The metrics an alarm reads: its own, or those of its metric-math queries."""
    props = alarm["Properties"]
    if "MetricName" in props:
        return [{k: props[k] for k in ("Namespace", "MetricName", "Dimensions")}]
    return [query["MetricStat"]["Metric"] for query in props["Metrics"] if "MetricStat" in query]


def test_app_alarms_read_the_metrics_the_app_emits(resources: dict[str, Any]) -> None:
    alarms = of_type(resources, "AWS::CloudWatch::Alarm")
    prod = [{"Name": name, "Value": value} for name, value in dimensions("prod").items()]
    app = {rid: _metrics_of(a) for rid, a in alarms.items() if _metrics_of(a)[0]["Namespace"] == NAMESPACE}
    # GIVEN the prod template THEN the six app alarms read SMART metrics of stage prod, all emitted by the app
    assert set(app) == {
        "CheckinRefusalSpikeAlarm",
        "App5xxAlarm",
        "RequestLatencyP95Alarm",
        "SimpegRunFailedAlarm",
        "DigestWriteFailedAlarm",
        "NoAcceptedCheckinsAlarm",  # tests/unit/infra/test_infra_alarms.py
    }
    assert NAMESPACE == "SMART"
    assert all(m["Dimensions"] == prod for metrics in app.values() for m in metrics)
    assert {m["MetricName"] for metrics in app.values() for m in metrics} <= set(Metric)
    assert {m["MetricName"] for m in app["CheckinRefusalSpikeAlarm"]} == {
        Metric.CHECKIN_ACCEPTED,
        Metric.CHECKIN_REVIEW,
        Metric.CHECKIN_REFUSED,
    }
    [share] = [q for q in alarms["CheckinRefusalSpikeAlarm"]["Properties"]["Metrics"] if q["ReturnData"]]
    assert "refused" in share["Expression"] and "attempts" in share["Expression"]
    assert [m["MetricName"] for m in app["App5xxAlarm"]] == [Metric.HTTP_5XX]
    assert [m["MetricName"] for m in app["SimpegRunFailedAlarm"]] == [Metric.SIMPEG_FAILED]
    assert [m["MetricName"] for m in app["DigestWriteFailedAlarm"]] == [Metric.DIGEST_WRITE_FAILED]
    latency = alarms["RequestLatencyP95Alarm"]["Properties"]
    assert latency["MetricName"] == Metric.REQUEST_LATENCY and latency["ExtendedStatistic"] == "p95"
    assert latency["Threshold"] == LATENCY_P95_MS == 2000 and "Statistic" not in latency
    assert (latency["EvaluationPeriods"], latency["DatapointsToAlarm"]) == (3, 2)


def test_a_template_for_another_runtime_is_refused(chalice_template: dict[str, Any]) -> None:
    # GIVEN chalice package run by Python 3.11 (the runtime whose glibc refuses the wheels)
    chalice_template["Resources"]["APIHandler"]["Properties"]["Runtime"] = "python3.11"
    # WHEN merging THEN the build stops and says why
    with pytest.raises(TemplateError, match=r"python3\.12"):
        merge(chalice_template, ALL_MODELS)


def test_a_stage_without_table_prefix_is_refused(chalice_template: dict[str, Any]) -> None:
    for resource in of_type(chalice_template["Resources"], "AWS::Serverless::Function").values():
        del resource["Properties"]["Environment"]["Variables"]["SMART_TABLE_PREFIX"]
    with pytest.raises(TemplateError, match="SMART_TABLE_PREFIX"):
        merge(chalice_template, ALL_MODELS)


def test_merge_leaves_its_input_untouched(chalice_template: dict[str, Any]) -> None:
    before = json.dumps(chalice_template, sort_keys=True)
    merge(chalice_template, ALL_MODELS)
    assert json.dumps(chalice_template, sort_keys=True) == before


def test_chalice_log_groups_are_refused_rather_than_overwritten(chalice_template: dict[str, Any]) -> None:
    # GIVEN config.json with log_retention_in_days, which makes Chalice emit its own log group
    chalice_template["Resources"]["APIHandlerLogGroup"] = {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {"RetentionInDays": 14},
    }
    with pytest.raises(TemplateError, match="APIHandlerLogGroup"):
        merge(chalice_template, ALL_MODELS)


def test_every_setting_the_template_owns_is_refused_from_ssm(
    chalice_template: dict[str, Any], merged: MergeResult
) -> None:
    # GIVEN the settings the merged template reads from the stage or sets on the functions itself
    stage_env = stage_environment(of_type(chalice_template["Resources"], "AWS::Serverless::Function"))
    owned = template_settings(of_type(merged.template["Resources"], "AWS::Serverless::Function"), stage_env)
    # THEN they are exactly those the app refuses from the secrets path (a tunable of config.json is not one)
    assert owned == set(TEMPLATE_SETTINGS)
    assert {"SMART_TIMEZONE", "SMART_PHOTO_RETENTION_DAYS", "SMART_STAGE", "SMART_TRUST_CDN_HEADERS"} <= owned
    assert "SMART_FACE_THREADS" not in owned


def test_a_template_setting_the_app_would_take_from_ssm_is_refused(
    chalice_template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a new setting wired by the merge that chalicelib.settings.TEMPLATE_SETTINGS does not list yet
    monkeypatch.setattr(
        merge_module, "TEMPLATE_SETTINGS", {k: v for k, v in TEMPLATE_SETTINGS.items() if k != "SMART_TIMEZONE"}
    )
    # WHEN merging THEN the build stops naming it
    with pytest.raises(TemplateError, match="SMART_TIMEZONE"):
        merge(chalice_template, ALL_MODELS)
