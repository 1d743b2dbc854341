"""The deployment's hardening: Object Lock on the evidence, access logs, throttling, WAF, reserved
concurrency, dead-letter queues of the jobs, and checkov suppressions that each carry a reason."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.api.errors import STATUS_BY_CODE
from chalicelib.api.http import VIEWER_ADDRESS_HEADER
from chalicelib.settings import build_settings
from infra.cfn import checkov_skip
from infra.merge import MergeConfig, MergeResult
from infra.protection import ACCESS_LOG_FIELDS, access_log_format

from .conftest import of_type

JOBS = ("DailyRecap", "DayOffWatch", "FaceRetention", "SimpegSync")
WORKER = "ReportWorker"  # invoked asynchronously by the API, not on a schedule


def test_evidence_bucket_is_created_with_object_lock_in_governance_mode_for_the_retention(
    merged: MergeResult, resources: dict[str, Any]
) -> None:
    props = resources["DataBucket"]["Properties"]
    assert props["ObjectLockEnabled"] is True  # only possible when the bucket is created
    lock = props["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    assert lock["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", "Days": {"Ref": "PhotoRetentionDays"}}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}  # Object Lock requires it
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    # The lifecycle expiry of photos is the lock's own period, so expiring never fights the lock.
    rules = {r.get("Prefix"): r for r in props["LifecycleConfiguration"]["Rules"]}
    assert rules["photos/"]["ExpirationInDays"] == lock["Rule"]["DefaultRetention"]["Days"]
    # Request attachments (sick notes, duty letters: personal data) expire with the evidence too.
    assert rules["requests/"]["ExpirationInDays"] == lock["Rule"]["DefaultRetention"]["Days"]
    # every prefix the app writes has an expiry
    assert {"photos/", "requests/", "exports/", "imports/simpeg/"} <= set(rules)


@pytest.mark.parametrize(
    ("parameter", "setting", "variable"),
    [
        ("PhotoRetentionDays", "photo_retention_days", "SMART_PHOTO_RETENTION_DAYS"),
        ("ExportRetentionDays", "export_retention_days", "SMART_EXPORT_RETENTION_DAYS"),
    ],
)
def test_a_retention_parameter_defaults_to_the_apps_and_the_app_learns_the_deployed_value(
    merged: MergeResult, parameter: str, setting: str, variable: str
) -> None:
    default = merged.template["Parameters"][parameter]["Default"]
    app_default = getattr(build_settings({"SMART_STAGE": "local"}), setting)
    assert default == app_default == getattr(MergeConfig(), setting)
    # the app learns the deployed value from the same parameter
    api = merged.template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert api[variable] == {"Ref": parameter}


def test_s3_access_logs_go_to_a_separate_private_bucket(resources: dict[str, Any]) -> None:
    logging = resources["DataBucket"]["Properties"]["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Ref": "AccessLogBucket"}
    logs = resources["AccessLogBucket"]["Properties"]
    assert "ObjectLockEnabled" not in logs  # S3 cannot deliver access logs into a locked bucket
    assert all(logs["PublicAccessBlockConfiguration"].values())
    assert logs["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    statements = resources["AccessLogBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    [delivery] = [s for s in statements if s["Effect"] == "Allow"]
    assert delivery["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert delivery["Action"] == "s3:PutObject"
    assert set(delivery["Condition"]) == {"ArnLike", "StringEquals"}  # only this bucket, only this account
    assert resources["DataBucket"]["DependsOn"] == "AccessLogBucketPolicy"


def test_api_stage_is_throttled_and_logs_each_request_as_json_without_bodies(resources: dict[str, Any]) -> None:
    props = resources["RestAPI"]["Properties"]
    [settings] = props["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRate"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurst"}
    assert settings["DataTraceEnabled"] is False  # data tracing would log bodies
    assert settings["LoggingLevel"] == "OFF"  # execution logs: a log group without retention
    assert settings["MetricsEnabled"] is False  # per-method metrics are billed per route
    access = props["AccessLogSetting"]
    assert access["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    # The format is JSON once API Gateway substitutes its variables
    line = access["Format"]
    for variable, sample in (("$context.requestTimeEpoch", "1"), ("$context.status", "200")):
        line = line.replace(variable, sample)
    line = line.replace("$context.responseLength", "10").replace("$context.responseLatency", "12")
    line = line.replace("$context.integration.latency", "11")
    parsed = json.loads(line.replace("$context.", "ctx-"))
    assert set(parsed) == {name for name, _ in ACCESS_LOG_FIELDS}
    lowered = access_log_format().lower()
    assert "body" not in lowered and "requestoverride" not in lowered and "authorizer" not in lowered
    assert "header" not in lowered
    assert resources["ApiAccessLogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # Access logging needs the account's API Gateway logging role before the stage is made
    assert "ApiGatewayAccount" in resources["RestAPI"]["DependsOn"]
    assert resources["ApiGatewayAccount"]["Properties"]["CloudWatchRoleArn"] == {
        "Fn::GetAtt": ["ApiGatewayCloudWatchRole", "Arn"]
    }


def test_waf_limits_each_source_ip_and_answers_in_the_apis_error_shape(resources: dict[str, Any]) -> None:
    acl = resources["ApiWebAcl"]["Properties"]
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    rules = {r["Name"]: r for r in acl["Rules"]}
    rate = rules["RateLimitPerSourceIp"]
    statement = rate["Statement"]["RateBasedStatement"]
    # Behind CloudFront the connection's address is an edge server's: the viewer's is the one the distribution
    # writes (and no viewer can set), the header the app reads too.
    assert statement["AggregateKeyType"] == "FORWARDED_IP" and statement["Limit"] == {"Ref": "WafRateLimit"}
    assert statement["ForwardedIPConfig"]["HeaderName"] == VIEWER_ADDRESS_HEADER
    response = rate["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == STATUS_BY_CODE["RATE_LIMITED"] == 429
    body = json.loads(acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])
    assert body["error"]["code"] == "RATE_LIMITED"
    managed = rules["KnownBadInputs"]["Statement"]["ManagedRuleGroupStatement"]
    assert managed["Name"] == "AWSManagedRulesKnownBadInputsRuleSet"
    association = resources["ApiWebAclAssociation"]["Properties"]
    assert association["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    assert association["ResourceArn"]["Fn::Sub"].endswith("/restapis/${RestAPI}/stages/${RestAPI.Stage}")
    logging = resources["ApiWebAclLogging"]["Properties"]
    assert {"SingleHeader": {"Name": "authorization"}} in logging["RedactedFields"]
    assert resources["ApiWafLogGroup"]["Properties"]["LogGroupName"]["Fn::Sub"].startswith("aws-waf-logs-")


def test_waf_keeps_no_request_samples_whose_headers_it_could_not_redact(resources: dict[str, Any]) -> None:
    # The web ACL's and every rule's visibility: metrics, but no samples (they would show the bearer token and
    # the origin secret to whoever reads them; only the WAF log redacts them)
    acl = resources["ApiWebAcl"]["Properties"]
    visibilities = [acl["VisibilityConfig"], *(rule["VisibilityConfig"] for rule in acl["Rules"])]
    assert len(visibilities) == 1 + len(acl["Rules"]) >= 4
    assert all(v["SampledRequestsEnabled"] is False and v["CloudWatchMetricsEnabled"] is True for v in visibilities)


def test_stage_and_waf_parameters_have_their_documented_defaults(merged: MergeResult) -> None:
    parameters = merged.template["Parameters"]
    assert parameters["ApiThrottleRate"]["Default"] == 100
    assert parameters["ApiThrottleBurst"]["Default"] == 200
    assert parameters["WafRateLimit"]["Default"] == 3000
    assert parameters["ApiReservedConcurrency"]["Default"] == 50
    assert parameters["AccessLogRetentionDays"]["Default"] == 90


def test_infrastructure_logs_that_hold_nips_and_addresses_are_kept_90_days(merged: MergeResult) -> None:
    # GIVEN the logs AWS writes about requests, beyond the app's own lines: the data bucket's S3 access logs (object
    # keys carry NIPs: photos/checkin/<day>/<NIP>/...), CloudFront's standard logs (paths like
    # /v1/admin/employees/<NIP>/faces and each viewer's IP, in a bucket outside the region) and the WAF log (the
    # refused request's path and the viewer address header)
    template = merged.template
    parameters, resources = template["Parameters"], template["Resources"]
    [expiry] = [
        rule
        for rule in resources["AccessLogBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
        if "ExpirationInDays" in rule
    ]
    # THEN the access logs expire after AccessLogRetentionDays, 90 by default (not a year)
    assert expiry["ExpirationInDays"] == {"Ref": "AccessLogRetentionDays"}
    assert parameters["AccessLogRetentionDays"]["Default"] == 90
    # AND the WAF log after LogRetentionDays, 90 by default
    assert resources["ApiWafLogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert parameters["LogRetentionDays"]["Default"] == 90
    # AND the CloudFront log bucket, which the stack cannot own (another region), is made by the guide's commands
    # with the same 90 days
    guide = (Path(__file__).parents[3] / "docs" / "deployment.md").read_text(encoding="utf-8")
    [cdn_days] = re.findall(r"--bucket \$LOGS --lifecycle-configuration \\\n\s*'(.*)'", guide)
    assert json.loads(cdn_days)["Rules"][0]["Expiration"] == {"Days": 90}
    assert json.loads(cdn_days)["Rules"][0]["Filter"] == {}


def test_reserved_concurrency_for_the_api_and_one_run_at_a_time_for_the_jobs(merged: MergeResult) -> None:
    resources = merged.template["Resources"]
    api = resources["APIHandler"]["Properties"]["ReservedConcurrentExecutions"]
    assert api == {"Fn::If": ["ReservesConcurrency", {"Ref": "ApiReservedConcurrency"}, {"Ref": "AWS::NoValue"}]}
    for job in JOBS:
        assert resources[job]["Properties"]["ReservedConcurrentExecutions"]["Fn::If"][1] == 1
    # the report worker takes from the account's unreserved pool: a month's end of exports never throttles it
    assert "ReservedConcurrentExecutions" not in resources[WORKER]["Properties"]
    condition = merged.template["Conditions"]["ReservesConcurrency"]
    assert condition == {"Fn::Not": [{"Fn::Equals": [{"Ref": "ApiReservedConcurrency"}, "0"]}]}


def test_each_scheduled_job_has_an_encrypted_dead_letter_queue_and_an_alarm_on_it(resources: dict[str, Any]) -> None:
    alarms = of_type(resources, "AWS::CloudWatch::Alarm")
    queues = of_type(resources, "AWS::SQS::Queue")
    assert set(queues) == {f"{job}DeadLetterQueue" for job in (*JOBS, WORKER)}
    for job in (*JOBS, WORKER):
        queue = f"{job}DeadLetterQueue"
        assert queues[queue]["Properties"]["SqsManagedSseEnabled"] is True
        props = resources[job]["Properties"]
        assert props["DeadLetterQueue"] == {"Type": "SQS", "TargetArn": {"Fn::GetAtt": [queue, "Arn"]}}
        for event in props.get("Events", {}).values():  # the jobs' schedules; the worker has none
            assert event["Properties"]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue, "Arn"]}}
        alarm = alarms[f"{job}DeadLetterAlarm"]["Properties"]
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]
        assert alarm["Threshold"] == 1 and alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert f"{job}ErrorsAlarm" in alarms  # a failed run is also an Errors alarm
    assert "DeadLetterQueue" not in resources["APIHandler"]["Properties"]


def test_every_checkov_suppression_names_a_check_and_gives_a_reason(merged: MergeResult) -> None:
    suppressions = [
        (rid, skip)
        for rid, resource in merged.template["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert suppressions
    for resource_id, skip in suppressions:
        assert set(skip) == {"id", "comment"}, resource_id
        assert skip["id"].startswith(("CKV_AWS_", "CKV2_AWS_")), resource_id
        assert len(skip["comment"].split()) >= 8, (resource_id, skip)  # a reason, not a label
    per_resource = {}
    for resource_id, skip in suppressions:
        per_resource.setdefault(resource_id, []).append(skip["id"])
    assert all(len(ids) == len(set(ids)) for ids in per_resource.values())


def test_a_suppression_without_a_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="reason"):
        checkov_skip(("CKV_AWS_18", " "))
