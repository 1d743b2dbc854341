"""Per-function least privilege, tested the way an attacker would try it: with a function's credentials,
what can be done to the evidence (audit entries, attendance events, photos)?

The generated policies are evaluated by a small IAM evaluator: intrinsic functions are resolved to ARNs
of a fake account, actions and resources are matched with IAM's wildcards, an explicit Deny of the bucket
policy wins over any Allow.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store.models import ALL_MODELS, AdminModel, AuditModel, EmployeeModel, EventModel
from infra.access import JOB_ACCESS, POLICY_MAX_CHARS, access_policies, function_policies
from infra.bucket import DENIED_TO_FUNCTIONS
from infra.errors import TemplateError
from infra.merge import MergeResult, merge
from infra.tables import MAX_TABLE_NAME, table_logical_id

from .conftest import of_type

ACCOUNT, REGION, PARTITION = "111122223333", "ap-southeast-3", "aws"
STORE = Path(__file__).resolve().parents[3] / "chalicelib" / "store"
FUNCTIONS = ("APIHandler", "DailyRecap", "DayOffWatch", "FaceRetention", "ReportWorker", "SimpegSync")
AUDIT, EVENTS = table_logical_id(AuditModel), table_logical_id(EventModel)
PHOTO = "photos/checkin/2026-12-03/199001012020121001/abc.jpg"
EXPORT = "exports/recap-2026-12.xlsx"
ATTACHMENT = "requests/199001012020121001/r-0123456789ab.pdf"
SIMPEG_IMPORT = "imports/simpeg/run-20261203-abc"
WIPE_ACTIONS = ("dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLDelete", "dynamodb:DeleteTable")
UNLOCK_ACTIONS = (
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:BypassGovernanceRetention",
    "s3:PutObjectRetention",
    "s3:PutObjectLegalHold",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutLifecycleConfiguration",
)


def arn_of(resource_id: str) -> str:
    """The fake ARN of a template resource (a table, the bucket, a log group, a queue)."""
    return f"arn:{PARTITION}:fake:{REGION}:{ACCOUNT}:{resource_id}"


def table_arn(table_id: str) -> str:
    return arn_of(table_id)


def object_arn(key: str) -> str:
    return f"{arn_of('DataBucket')}/{key}"


def resolve(value: Any) -> str:
    """A Resource (or condition value) of the template as a concrete string."""
    if isinstance(value, str):
        return value
    if "Fn::GetAtt" in value:
        return arn_of(value["Fn::GetAtt"][0])
    if "Ref" in value:
        return {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": PARTITION}.get(
            value["Ref"], value["Ref"]
        )
    if "Fn::Sub" in value:
        pseudo = {
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": REGION,
            "AWS::Partition": PARTITION,
            "SecretsPath": "/smart/prod",
        }

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.endswith(".Arn"):
                return arn_of(name.removesuffix(".Arn"))
            return pseudo[name]

        return re.sub(r"\$\{([^}]+)\}", one, value["Fn::Sub"])
    raise AssertionError(f"unexpected intrinsic {value}")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(patterns: list[Any], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, resolve(p)) for p in patterns)


def role_policy(resources: dict[str, Any], role_id: str) -> list[dict[str, Any]]:
    """Every statement of every managed policy attached to `role_id`."""
    statements: list[dict[str, Any]] = []
    for policy in of_type(resources, "AWS::IAM::ManagedPolicy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def iam_allows(statements: list[dict[str, Any]], action: str, resource: str) -> bool:
    return any(
        s["Effect"] == "Allow"
        and any(fnmatch.fnmatchcase(action, a) for a in _as_list(s["Action"]))
        and _matches(_as_list(s["Resource"]), resource)
        for s in statements
    )


def bucket_denies(resources: dict[str, Any], role_id: str, action: str, resource: str) -> bool:
    """An explicit Deny of the data bucket's policy for this role (aws:PrincipalArn conditions only)."""
    for statement in resources["DataBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]:
        if statement["Effect"] != "Deny" or "aws:PrincipalArn" not in statement.get("Condition", {}).get(
            "ArnEquals", {}
        ):
            continue
        principals = [resolve(p) for p in statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]]
        if (
            arn_of(role_id) in principals
            and any(fnmatch.fnmatchcase(action, a) for a in _as_list(statement["Action"]))
            and _matches(_as_list(statement["Resource"]), resource)
        ):
            return True
    return False


def can(resources: dict[str, Any], function_id: str, action: str, resource: str) -> bool:
    role_id = resources[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    allowed = iam_allows(role_policy(resources, role_id), action, resource)
    return allowed and not bucket_denies(resources, role_id, action, resource)


def test_every_function_has_its_own_role_and_its_own_policy(resources: dict[str, Any]) -> None:
    functions = of_type(resources, "AWS::Serverless::Function")
    roles = {fid: f["Properties"]["Role"]["Fn::GetAtt"][0] for fid, f in functions.items()}
    assert len(set(roles.values())) == len(roles) == len(FUNCTIONS)
    policies = of_type(resources, "AWS::IAM::ManagedPolicy")
    # invoked asynchronously: dead-letter queues
    jobs = ("DailyRecap", "DayOffWatch", "FaceRetention", "ReportWorker", "SimpegSync")
    access = {name for name in policies if "AccessPolicy" in name}
    assert set(policies) == access | {f"{job}DeadLetterPolicy" for job in jobs}
    for function_id, role_id in roles.items():
        own = {name for name in access if re.fullmatch(rf"{function_id}AccessPolicy[0-9]*", name)}
        assert f"{function_id}AccessPolicy" in own
        for name in own:
            assert policies[name]["Properties"]["Roles"] == [{"Ref": role_id}]
        assert "Policies" not in resources[role_id]["Properties"]  # Chalice's placeholder is gone
    for job in jobs:
        assert policies[f"{job}DeadLetterPolicy"]["Properties"]["Roles"] == [{"Ref": roles[job]}]
        # Lambda checks the queue permission when it creates the function: the policy must exist first
        assert f"{job}DeadLetterPolicy" in functions[job]["DependsOn"]


def test_the_api_role_cannot_delete_an_audit_item_or_an_event(resources: dict[str, Any]) -> None:
    # GIVEN the API function's credentials (the internet-facing one) WHEN trying to erase evidence
    for table_id in (AUDIT, EVENTS):
        for action in WIPE_ACTIONS:
            assert not can(resources, "APIHandler", action, table_arn(table_id)), (action, table_id)
    # nor rewrite an audit entry in place
    assert not can(resources, "APIHandler", "dynamodb:UpdateItem", table_arn(AUDIT))
    # THEN what the app itself does still works: append an audit entry, record and review events
    assert can(resources, "APIHandler", "dynamodb:PutItem", table_arn(AUDIT))
    assert can(resources, "APIHandler", "dynamodb:Query", table_arn(AUDIT))
    for action in ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:GetItem"):
        assert can(resources, "APIHandler", action, table_arn(EVENTS))
    assert can(resources, "APIHandler", "dynamodb:Query", f"{table_arn(EVENTS)}/index/by_unit_date")


def test_the_api_role_cannot_delete_or_unlock_an_evidence_photo(resources: dict[str, Any]) -> None:
    for key in (PHOTO, EXPORT, ATTACHMENT):
        for action in UNLOCK_ACTIONS:
            assert not can(resources, "APIHandler", action, object_arn(key)), (action, key)
        assert can(resources, "APIHandler", "s3:PutObject", object_arn(key))
        assert can(resources, "APIHandler", "s3:GetObject", object_arn(key))
    assert not can(resources, "APIHandler", "s3:GetObject", object_arn("other/secret.txt"))
    assert not can(resources, "APIHandler", "s3:GetObjectVersion", object_arn(PHOTO))


def test_the_bucket_policy_denies_deletes_even_if_a_role_were_granted_them(resources: dict[str, Any]) -> None:
    # GIVEN an attacker who attached s3:* to a function role: the bucket's explicit Deny still wins
    for function_id in FUNCTIONS:
        role_id = resources[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
        for action in UNLOCK_ACTIONS:
            assert bucket_denies(resources, role_id, action, object_arn(PHOTO)), (function_id, action)
        assert not bucket_denies(resources, role_id, "s3:PutObject", object_arn(PHOTO))


def test_the_api_deletes_only_what_a_route_deletes(resources: dict[str, Any]) -> None:
    deletable = {
        table_id
        for table_id in of_type(resources, "AWS::DynamoDB::Table")
        if can(resources, "APIHandler", "dynamodb:DeleteItem", table_arn(table_id))
    }
    # (schedules: DELETE /v1/admin/ramadan/{year}/{start_date}, a Ramadan period saved by mistake)
    assert deletable == {
        "HolidaysTable", "ZonesTable", "FaceTemplatesTable", "DevicesTable", "IdempotencyTable", "SchedulesTable"
    }  # fmt: skip
    batch = {
        table_id
        for table_id in of_type(resources, "AWS::DynamoDB::Table")
        if can(resources, "APIHandler", "dynamodb:BatchWriteItem", table_arn(table_id))
    }
    assert batch == {"EmployeesTable", "DailyStatusTable"}  # SIMPEG import, recaps (rosters: a transaction)
    # and every table the app has is readable by the API (every route's data)
    for table_id in of_type(resources, "AWS::DynamoDB::Table"):
        assert can(resources, "APIHandler", "dynamodb:Query", table_arn(table_id))


def _tables_with_any_access(resources: dict[str, Any], function_id: str) -> set[str]:
    actions = (
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:BatchWriteItem",
    )
    return {
        table_id
        for table_id in of_type(resources, "AWS::DynamoDB::Table")
        if any(can(resources, function_id, a, table_arn(table_id)) for a in actions)
    }


def test_scheduled_jobs_touch_only_their_own_tables_and_no_object(resources: dict[str, Any]) -> None:
    assert _tables_with_any_access(resources, "SimpegSync") == {
        "EmployeesTable",
        "UnitsTable",
        "SyncRunsTable",
        "AdminsTable",
        "JobRunsTable",
        "FaceTemplatesTable",  # a mover's pending faces follow them to the new unit (decision 178)
        "LoginGuardsTable",  # the turn of the one SIMPEG run going on (usecases/simpeg.py `_take_turn`)
        "AuditTable",  # each employee a run deactivated, reactivated or moved (usecases/simpeg.py `_name`)
    }
    # ... the entries appended, never updated nor deleted
    for action in (*WIPE_ACTIONS, "dynamodb:UpdateItem"):
        assert not can(resources, "SimpegSync", action, table_arn("AuditTable")), action
    # ... moved, never deleted nor put: the sync cannot drop a face, nor plant one (requests stay where they were
    # filed, decision 366: the sync has no grant on them at all)
    for action in (*WIPE_ACTIONS, "dynamodb:PutItem"):
        assert not can(resources, "SimpegSync", action, table_arn("FaceTemplatesTable")), action
    assert _tables_with_any_access(resources, "DailyRecap") == {
        "UnitsTable",
        "EmployeesTable",
        "SchedulesTable",
        "HolidaysTable",
        "LeavesTable",
        "DutiesTable",
        "EventsTable",
        "DailyStatusTable",
        "AdminsTable",
        "MachinePinsTable",  # the units' fingerprint cut-over dates
        "JobRunsTable",
        "LoginGuardsTable",  # the turn of each unit's day it judges (usecases/recaps.py `unit_day_turn`)
    }
    # the face retention deletes faces of the departed and audits it; it cannot touch events or the audit's entries
    assert _tables_with_any_access(resources, "FaceRetention") == {
        "EmployeesTable",
        "FaceTemplatesTable",
        "AuditTable",
        "AdminsTable",
        "JobRunsTable",
        "FingerprintsTable",  # an enrolment photo's vectors go with its face (decision 508)
    }
    # ... the replay history's rows are updated (their vectors removed), never deleted
    assert not can(resources, "FaceRetention", "dynamodb:DeleteItem", table_arn("FingerprintsTable"))
    assert can(resources, "FaceRetention", "dynamodb:DeleteItem", table_arn("FaceTemplatesTable"))
    # a deleted approved template is a change of the approved set: its log entry is put in the same transaction
    assert can(resources, "FaceRetention", "dynamodb:PutItem", table_arn("FaceTemplatesTable"))
    assert not can(resources, "FaceRetention", "dynamodb:DeleteItem", table_arn("EmployeesTable"))
    assert not can(resources, "FaceRetention", "dynamodb:UpdateItem", table_arn(AUDIT))
    for action in ("s3:GetObject", "s3:PutObject", "s3:ListBucket"):  # the enrolment photos stay evidence
        assert not can(resources, "FaceRetention", action, object_arn(PHOTO))
        assert not can(resources, "FaceRetention", action, arn_of("DataBucket"))
    for function_id in ("SimpegSync", "DailyRecap"):
        for action in ("s3:GetObject", "s3:PutObject", "s3:ListBucket"):
            assert not can(resources, function_id, action, object_arn(PHOTO))
            assert not can(resources, function_id, action, arn_of("DataBucket"))
        assert not can(resources, function_id, "s3:PutObject", object_arn(SIMPEG_IMPORT))
        assert not can(resources, function_id, "lambda:InvokeFunction", arn_of("SimpegSync"))
        if function_id != "SimpegSync":  # it names each employee a run deactivated, reactivated or moved
            assert not can(resources, function_id, "dynamodb:PutItem", table_arn(AUDIT))
        for action in (*WIPE_ACTIONS, "dynamodb:PutItem", "dynamodb:UpdateItem"):
            assert not can(resources, function_id, action, table_arn(EVENTS)), (function_id, action)
    # the SIMPEG worker reads the run it resumes and the rows the API left for it, nothing else of the bucket
    assert can(resources, "SimpegSync", "dynamodb:GetItem", table_arn("SyncRunsTable"))
    assert can(resources, "SimpegSync", "s3:GetObject", object_arn(SIMPEG_IMPORT))
    assert not can(resources, "DailyRecap", "s3:GetObject", object_arn(SIMPEG_IMPORT))
    # the recap reads the day's events through the index and writes statuses, nothing more
    assert can(resources, "DailyRecap", "dynamodb:Query", f"{table_arn(EVENTS)}/index/by_unit_date")
    assert can(resources, "DailyRecap", "dynamodb:BatchWriteItem", table_arn("DailyStatusTable"))
    # it reads its own recent runs (the days every run missed, decision 146)
    assert can(resources, "DailyRecap", "dynamodb:Query", table_arn("JobRunsTable"))
    assert not can(resources, "SimpegSync", "dynamodb:Query", table_arn("JobRunsTable"))
    assert not can(resources, "DailyRecap", "dynamodb:UpdateItem", table_arn("EmployeesTable"))
    # a re-run of a past day reads its former members' records (moved to another unit since) by key, and stamps
    # the month it changed; the worker re-runs past days too
    for function_id in ("DailyRecap", "ReportWorker"):
        assert can(resources, function_id, "dynamodb:BatchGetItem", table_arn("EmployeesTable"))
        assert can(resources, function_id, "dynamodb:UpdateItem", table_arn("DailyStatusTable"))
    assert not can(resources, "SimpegSync", "dynamodb:GetItem", table_arn("FaceTemplatesTable"))
    # the bootstrap admin: read it, create it; never change an existing admin
    for function_id in ("SimpegSync", "DailyRecap"):
        assert can(resources, function_id, "dynamodb:PutItem", table_arn("AdminsTable"))
        assert not can(resources, function_id, "dynamodb:UpdateItem", table_arn("AdminsTable"))


def test_the_day_off_watch_may_only_read_the_calendar(resources: dict[str, Any]) -> None:
    # GIVEN the day-off watch's credentials (a function run 36 times a working day) THEN it may query the holidays
    # and the schedules (the Ramadan periods)
    calendar = {"HolidaysTable", "SchedulesTable"}
    for table in calendar:
        assert can(resources, "DayOffWatch", "dynamodb:Query", table_arn(table)), table
    # AND nothing else: no other table (not even the first admin's: it does not create it), no write, no object
    assert _tables_with_any_access(resources, "DayOffWatch") == calendar
    for table in calendar:
        for action in (*WIPE_ACTIONS, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan"):
            assert not can(resources, "DayOffWatch", action, table_arn(table)), action
    for action in ("s3:GetObject", "s3:PutObject"):
        assert not can(resources, "DayOffWatch", action, object_arn(PHOTO))
    assert not can(resources, "DayOffWatch", "s3:ListBucket", arn_of("DataBucket"))
    assert not can(resources, "DayOffWatch", "lambda:InvokeFunction", arn_of("SimpegSync"))


def test_the_api_hands_long_simpeg_work_to_the_worker_and_nothing_else(resources: dict[str, Any]) -> None:
    # GIVEN the API's credentials: it may leave an import for the worker and invoke that one function
    assert can(resources, "APIHandler", "s3:PutObject", object_arn(SIMPEG_IMPORT))
    assert can(resources, "APIHandler", "lambda:InvokeFunction", arn_of("SimpegSync"))
    # AND nothing else: no other function, no delete of the waiting rows, and the worker's name in its settings
    for function_id in ("APIHandler", "DailyRecap"):
        assert not can(resources, "APIHandler", "lambda:InvokeFunction", arn_of(function_id))
    assert not can(resources, "APIHandler", "s3:DeleteObject", object_arn(SIMPEG_IMPORT))
    variables = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["SMART_SIMPEG_WORKER_FUNCTION"] == {"Ref": "SimpegSync"}
    assert "SMART_SIMPEG_WORKER_FUNCTION" not in resources["SimpegSync"]["Properties"]["Environment"]["Variables"]


def test_the_report_worker_writes_an_export_and_reads_only_what_its_recaps_need(resources: dict[str, Any]) -> None:
    # GIVEN the API hands monthly exports to the ReportWorker function, by the name in its settings
    assert can(resources, "APIHandler", "lambda:InvokeFunction", arn_of("ReportWorker"))
    variables = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["SMART_REPORT_WORKER_FUNCTION"] == {"Ref": "ReportWorker"}
    # THEN the worker reads the export's run, the units and the month's statuses, and gives the admin's slot back;
    # it reads what a daily recap reads, to judge again the recapped days a fingerprint import reaches
    assert _tables_with_any_access(resources, "ReportWorker") == _tables_with_any_access(resources, "DailyRecap") | {
        "LoginGuardsTable"
    }
    assert can(resources, "ReportWorker", "dynamodb:GetItem", table_arn("JobRunsTable"))
    assert can(resources, "ReportWorker", "dynamodb:Query", f"{table_arn(EVENTS)}/index/by_unit_date")
    for action in (*WIPE_ACTIONS, "dynamodb:PutItem", "dynamodb:UpdateItem"):
        assert not can(resources, "ReportWorker", action, table_arn(EVENTS)), action
    assert can(resources, "ReportWorker", "dynamodb:BatchWriteItem", table_arn("DailyStatusTable"))
    assert can(resources, "ReportWorker", "dynamodb:UpdateItem", table_arn("LoginGuardsTable"))
    assert can(resources, "ReportWorker", "s3:PutObject", object_arn(EXPORT))
    # AND it neither reads a photo or an attachment, nor lists the bucket, nor invokes anything, nor deletes
    for action in ("s3:GetObject", "s3:PutObject"):
        assert not can(resources, "ReportWorker", action, object_arn(PHOTO))
        assert not can(resources, "ReportWorker", action, object_arn(ATTACHMENT))
    assert not can(resources, "ReportWorker", "s3:GetObject", object_arn(EXPORT))
    assert not can(resources, "ReportWorker", "s3:ListBucket", arn_of("DataBucket"))
    assert not can(resources, "ReportWorker", "lambda:InvokeFunction", arn_of("SimpegSync"))
    for table in ("DailyStatusTable", "JobRunsTable", EVENTS, AUDIT):
        for action in ("dynamodb:DeleteItem", "dynamodb:PartiQLDelete", "dynamodb:DeleteTable"):
            assert not can(resources, "ReportWorker", action, table_arn(table)), (table, action)


# The longest each part of a resolved ARN can be: GovCloud's partition, a 14-letter region, a function name as
# CloudFormation makes it (64), a bucket's (63), the secrets path its parameter allows (100).
LONGEST = {"AWS::Partition": "aws-us-gov", "AWS::Region": "ap-southeast-3", "AWS::AccountId": "1" * 12}
LONGEST_ARN = {
    "AWS::Serverless::Function": "arn:{p}:lambda:{r}:{a}:function:" + "f" * 64,
    "AWS::Logs::LogGroup": "arn:{p}:logs:{r}:{a}:log-group:/aws/lambda/" + "f" * 64 + ":*",
    "AWS::S3::Bucket": "arn:{p}:s3:::" + "b" * 63,
    "AWS::SQS::Queue": "arn:{p}:sqs:{r}:{a}:" + "q" * 80,
}


def _longest(resources: dict[str, Any], value: Any) -> str:
    """A policy's Resource resolved with the longest names: tables by their TableName, the rest by LONGEST_ARN."""

    def arn(resource_id: str) -> str:
        resource = resources[resource_id]
        if resource["Type"] == "AWS::DynamoDB::Table":
            return "arn:{p}:dynamodb:{r}:{a}:table/" + resource["Properties"]["TableName"]
        return LONGEST_ARN[resource["Type"]]

    def part(name: str) -> str:
        if name.endswith(".Arn"):
            return arn(name.removesuffix(".Arn"))
        return {**LONGEST, "SecretsPath": "/" + "s" * 99}[name]

    if isinstance(value, str):
        text = value
    elif "Fn::GetAtt" in value:
        text = arn(value["Fn::GetAtt"][0])
    else:
        text = re.sub(r"\$\{([^}]+)\}", lambda m: part(m.group(1)), value["Fn::Sub"])
    return text.format(p=LONGEST["AWS::Partition"], r=LONGEST["AWS::Region"], a=LONGEST["AWS::AccountId"])


def test_every_policy_fits_iams_size_quota_with_the_longest_names(chalice_template: dict[str, Any]) -> None:
    # GIVEN a stage whose table prefix makes the longest table name the longest the build allows
    longest_base = max(len(model.base_name) for model in ALL_MODELS)
    prefix = "smart-kabupaten-" + "x" * (MAX_TABLE_NAME - longest_base - len("smart-kabupaten-"))
    for function in chalice_template["Resources"].values():
        variables = function.get("Properties", {}).get("Environment", {}).get("Variables", {})
        if "SMART_TABLE_PREFIX" in variables:
            variables["SMART_TABLE_PREFIX"] = prefix
    resources = merge(chalice_template, ALL_MODELS).template["Resources"]
    # WHEN every managed policy is resolved as CloudFormation would, with the longest names
    for name, policy in of_type(resources, "AWS::IAM::ManagedPolicy").items():
        document = policy["Properties"]["PolicyDocument"]
        resolved = [{**s, "Resource": [_longest(resources, r) for r in s["Resource"]]} for s in document["Statement"]]
        # THEN it fits IAM's quota (whitespace is not counted): a policy over it stops the stack's creation
        size = len(json.dumps({**document, "Statement": resolved}, separators=(",", ":")))
        assert size <= POLICY_MAX_CHARS, (name, size)


def test_no_policy_has_a_wildcard_resource_or_admin_action(resources: dict[str, Any]) -> None:
    for policy in of_type(resources, "AWS::IAM::ManagedPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            assert all("*" not in action for action in statement["Action"])
            assert all(resolve(r) not in ("*", arn_of("*")) for r in statement["Resource"])
            assert not {"dynamodb:CreateTable", "dynamodb:DeleteTable", "kms:Decrypt"} & set(statement["Action"])


def test_the_only_scans_are_on_employees_and_the_apis_on_admins(resources: dict[str, Any]) -> None:
    employees, admins = table_logical_id(EmployeeModel), table_logical_id(AdminModel)
    for function_id in FUNCTIONS:
        for model in ALL_MODELS:
            table = table_logical_id(model)
            allowed = can(resources, function_id, "dynamodb:Scan", table_arn(table))
            expected = (function_id in ("APIHandler", "FaceRetention") and table == employees) or (
                function_id == "APIHandler" and table == admins
            )
            assert allowed == expected, (function_id, table)


def _scans_in_store() -> dict[str, str]:
    """Model → where, for every `XModel.scan(...)` in chalicelib/store (read from the source)."""
    scans: dict[str, str] = {}
    for path in sorted(STORE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "scan":
                model = _model_of(node.func.value)
                if model is not None:
                    scans[model] = f"{path.name}:{node.lineno}"
    return scans


def test_every_scan_in_the_store_is_granted_to_the_api(resources: dict[str, Any]) -> None:
    # GIVEN the scans the storage code makes (one not granted fails in AWS only, as an AccessDenied the API
    # answers 503: moto checks no IAM; the admin users page did so)
    scans = _scans_in_store()
    assert {"EmployeeModel", "AdminModel"} <= set(scans)  # the walk sees the store's scans
    by_name = {model.__name__: table_logical_id(model) for model in ALL_MODELS}
    for model, where in scans.items():
        assert can(resources, "APIHandler", "dynamodb:Scan", table_arn(by_name[model])), where


def test_logs_secrets_and_dead_letters_are_each_functions_own(resources: dict[str, Any]) -> None:
    for function_id in FUNCTIONS:
        own_logs = arn_of(f"{function_id}LogGroup")
        assert can(resources, function_id, "logs:PutLogEvents", own_logs)
        for other in FUNCTIONS:
            if other != function_id:
                assert not can(resources, function_id, "logs:PutLogEvents", arn_of(f"{other}LogGroup"))
        secrets = f"arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter/smart/prod"
        assert can(resources, function_id, "ssm:GetParametersByPath", secrets)
        assert not can(resources, function_id, "ssm:GetParametersByPath", "arn:aws:ssm:x:y:parameter/smart/dev")
    for job in ("SimpegSync", "DailyRecap"):
        assert can(resources, job, "sqs:SendMessage", arn_of(f"{job}DeadLetterQueue"))
    assert not can(resources, "APIHandler", "sqs:SendMessage", arn_of("SimpegSyncDeadLetterQueue"))


def test_an_unknown_function_or_a_shared_role_stops_the_build() -> None:
    with pytest.raises(TemplateError, match="NightlyExport"):
        function_policies("NightlyExport", "NightlyExportRole", ALL_MODELS, "NightlyExportLogGroup")
    with pytest.raises(TemplateError, match="share"):
        access_policies(
            {"APIHandler": "SharedRole", "DailyRecap": "SharedRole"},
            ALL_MODELS,
            {"APIHandler": "APIHandlerLogGroup", "DailyRecap": "DailyRecapLogGroup"},
            {},
        )


def test_job_grants_name_only_models_of_the_app() -> None:
    for access in JOB_ACCESS.values():
        assert set(access.tables) <= set(ALL_MODELS)


def test_the_merged_template_is_the_one_tested(merged: MergeResult) -> None:
    # the evaluator above resolves every Resource of every policy (an unknown intrinsic would be a blind spot)
    for policy in of_type(merged.template["Resources"], "AWS::IAM::ManagedPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert all(resolve(r).startswith("arn:") for r in statement["Resource"])


def test_a_grant_that_could_erase_evidence_stops_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN someone "fixing" an access denied by granting the recap a delete on events
    recap = JOB_ACCESS["DailyRecap"]
    widened = replace(recap, tables={**recap.tables, EventModel: ("dynamodb:Query", "dynamodb:BatchWriteItem")})
    monkeypatch.setitem(JOB_ACCESS, "DailyRecap", widened)
    with pytest.raises(TemplateError, match="EventModel"):
        function_policies("DailyRecap", "DailyRecapRole", ALL_MODELS, "DailyRecapLogGroup")
    # AND granting an object delete to a function
    monkeypatch.setitem(JOB_ACCESS, "DailyRecap", replace(recap, objects={"photos/": ("s3:DeleteObject",)}))
    with pytest.raises(TemplateError, match="DeleteObject"):
        function_policies("DailyRecap", "DailyRecapRole", ALL_MODELS, "DailyRecapLogGroup")


@pytest.mark.parametrize("action", DENIED_TO_FUNCTIONS)
def test_a_grant_the_bucket_policy_denies_stops_the_build(action: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN someone granting a function what the data bucket's policy denies every function role (it would only
    # fail in production, as an AccessDenied, or be the first half of an attack the deny alone stops)
    recap = JOB_ACCESS["DailyRecap"]
    monkeypatch.setitem(JOB_ACCESS, "DailyRecap", replace(recap, objects={"photos/": (action,)}))
    # WHEN the template is built THEN it stops, naming the action
    with pytest.raises(TemplateError, match=action):
        function_policies("DailyRecap", "DailyRecapRole", ALL_MODELS, "DailyRecapLogGroup")


def _model_of(node: ast.AST) -> str | None:
    """`XModel(...)`, `XModel.get(...)` or `XModel` → "XModel"."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute) and node.attr == "get":
        node = node.value
    return node.id if isinstance(node, ast.Name) and node.id.endswith("Model") else None


def _set_element_delete(call: ast.Call) -> bool:
    """`XModel.some_set.delete({...})` / `cls.some_set.delete(elements)`: an update action removing elements
    from a set attribute (pynamodb's DELETE, always given the elements), which deletes no item. An item's
    `delete(condition=...)` takes no positional argument, and `tx.delete(XModel(...))` is called on a name."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    return isinstance(receiver, ast.Attribute) and bool(call.args) and not receiver.attr.endswith("Model")


def _batch_names(function: ast.FunctionDef) -> dict[str, str]:
    """Name → model of each `with XModel.batch_write() as name` in the function."""
    return {
        item.optional_vars.id: model
        for node in ast.walk(function)
        if isinstance(node, ast.With)
        for item in node.items
        if isinstance(item.optional_vars, ast.Name)
        and isinstance(item.context_expr, ast.Call)
        and isinstance(item.context_expr.func, ast.Attribute)
        and item.context_expr.func.attr == "batch_write"
        and (model := _model_of(item.context_expr.func.value))
    }


def _writes_in_store() -> tuple[dict[str, str], dict[str, str]]:
    """Model → where, for every delete and every batch write in chalicelib/store (read from the source)."""
    deletes: dict[str, str] = {}
    batches: dict[str, str] = {}
    for path in sorted(STORE.glob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef):
                continue
            fetched = [
                m
                for n in ast.walk(function)
                if isinstance(n, ast.Call) and (m := _model_of(n.func)) and isinstance(n.func, ast.Attribute)
            ]
            in_batch = _batch_names(function)
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                    continue
                where = f"{path.name}:{call.lineno} {function.name}"
                if call.func.attr == "batch_write" and (model := _model_of(call.func.value)):
                    batches[model] = where
                elif (
                    call.func.attr == "delete"
                    and isinstance(call.func.value, ast.Name)
                    and (model := in_batch.get(call.func.value.id))
                ):
                    batches[model] = where  # a DeleteRequest of a BatchWriteItem: IAM checks BatchWriteItem alone
                elif call.func.attr == "delete" and not _set_element_delete(call):
                    receiver = call.func.value
                    # tx.delete(XModel(...)) / tx.delete(found) with found = XModel.get(...) in the function
                    target = call.args[0] if isinstance(receiver, ast.Name) and call.args else receiver
                    model = _model_of(target) or (fetched[0] if len(set(fetched)) == 1 else None)
                    assert model is not None, f"cannot tell which table {where} deletes from: name the model"
                    deletes[model] = where
    return deletes, batches


def test_every_delete_and_batch_write_in_the_store_is_granted_to_the_api(resources: dict[str, Any]) -> None:
    # GIVEN the deletes and batch writes the storage code makes (a new one not granted would fail in AWS only:
    # the functional tests run on moto, which checks no IAM)
    deletes, batches = _writes_in_store()
    assert len(deletes) >= 5 and len(batches) >= 2  # the scan sees the store's writes
    by_name = {model.__name__: table_logical_id(model) for model in ALL_MODELS}
    for model, where in deletes.items():
        assert model not in ("AuditModel", "EventModel"), f"{where} deletes evidence"
        assert can(resources, "APIHandler", "dynamodb:DeleteItem", table_arn(by_name[model])), where
    for model, where in batches.items():
        assert can(resources, "APIHandler", "dynamodb:BatchWriteItem", table_arn(by_name[model])), where
