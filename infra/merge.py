"""Merge `chalice package` output with everything Chalice does not create.

Input: the SAM template Chalice writes (functions, roles, REST API). Output: one deployable template
that also holds the DynamoDB tables (from chalicelib.store.models), the data bucket (Object Lock) and its
access-log bucket, the face-model layer, log groups with retention, one least-privilege policy per function
role, reserved concurrency, local-time schedules with dead-letter queues, alarms, stage throttling, access
logs, a WAF web ACL and API Gateway's own error answers in the API's shape. checkov findings that are
accepted are suppressed on the resource with their reason (``Metadata.checkov.skip``).

The merge is a pure function of the Chalice template, the models and a small config, so it is tested on
a recorded Chalice template without building anything.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalice.utils import to_cfn_resource_name
from pynamodb.models import Model

from chalicelib.runtime import scheduled_job_event
from chalicelib.settings import TEMPLATE_SETTINGS

from .access import API_FUNCTION_ID, DEAD_LETTER_POLICY_SUFFIX, REPORT_WORKER_ID, WORKER_FUNCTION_ID, access_policies
from .alarms import TOPIC_ID, alarm_conditions, alarm_parameters, alarm_resources
from .bucket import BUCKET_ID, bucket_resources
from .cfn import Json, checkov_skip, ref, sub
from .dead_letters import attach, dead_letter_resources, queue_id
from .errors import ScheduleError, TemplateError
from .gateway import COMPRESSION_KEY, GATEWAY_RESPONSES_KEY, MINIMUM_COMPRESSION_BYTES, gateway_responses
from .protection import GATEWAY_ACCOUNT_ID, LOG_GROUP_KMS_REASON, api_metadata, protect_api, protection_resources
from .schedules import SCHEDULES, LocalSchedule, check_expression
from .tables import table_resources
from .web import (
    WEB_ACCESS_LOG_PREFIX,
    put_behind_the_distribution,
    web_bucket_name,
    web_conditions,
    web_outputs,
    web_parameters,
    web_resources,
    web_rules,
)

FUNCTION_TYPE = "AWS::Serverless::Function"
LAYER_ID = "FaceModelsLayer"
INDONESIAN_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")  # WIB, WITA, WIT
LOG_RETENTION_VALUES = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653)
REQUIRED_ENV = ("SMART_STAGE", "SMART_TABLE_PREFIX", "SMART_BUCKET", "SMART_MODEL_DIR", "SMART_TIMEZONE")


@dataclass(frozen=True)
class MergeConfig:
    """What the merge needs besides the Chalice template; defaults are the documented deployment."""

    runtime: str = "python3.12"
    architecture: str = "x86_64"
    layer_uri: str = "./face-models-layer.zip"
    schedules: tuple[LocalSchedule, ...] = SCHEDULES
    photo_retention_days: int = 730
    export_retention_days: int = 7
    noncurrent_version_days: int = 30
    log_retention_days: int = 90
    access_log_retention_days: int = 90  # the logs name NIPs (object keys): as long as the WAF log, no longer
    # The 07:00 rush (bench/): ~24 check-ins/s at most, 0.46 s p95, so 50 concurrent executions serve
    # ~100 requests/s; the stage throttle matches it and bursts to twice that.
    api_reserved_concurrency: int = 50
    api_throttle_rate: int = 100
    api_throttle_burst: int = 200
    # Requests per source IP per 5 minutes. A whole office checks in behind one NAT address (and mobile
    # carriers share addresses too): 3,000 lets ~750 people make their four calls in five minutes while a
    # single flooding client is cut off (docs/decision_log.md).
    waf_rate_limit: int = 3000


@dataclass
class MergeResult:
    """The deployable template and what the build should tell the operator."""

    template: Json
    warnings: list[str] = field(default_factory=list)


def functions_of(template: Json) -> dict[str, Json]:
    """The Lambda functions of a Chalice template, by logical id."""
    resources: dict[str, Json] = template.get("Resources", {})
    functions = {rid: res for rid, res in resources.items() if res.get("Type") == FUNCTION_TYPE}
    if not functions:
        raise TemplateError("the Chalice template has no AWS::Serverless::Function")
    return functions


def _check_function(function_id: str, properties: Json, config: MergeConfig) -> None:
    if properties.get("Runtime") != config.runtime:
        raise TemplateError(
            f"{function_id} has runtime {properties.get('Runtime')!r}, expected {config.runtime!r}: "
            "run chalice package with a Python of that version (see infra/package.py)"
        )
    if properties.get("Architectures", ["x86_64"]) != [config.architecture]:
        raise TemplateError(f"{function_id} is not built for {config.architecture}")


def stage_environment(functions: dict[str, Json]) -> dict[str, str]:
    """The environment Chalice put on the functions (from .chalice/config.json); all must agree on it."""
    environments = [fn["Properties"].get("Environment", {}).get("Variables", {}) for fn in functions.values()]
    env: dict[str, str] = dict(environments[0])  # a copy: wiring the functions rewrites theirs
    for name in REQUIRED_ENV:
        if not env.get(name):
            raise TemplateError(f"{name} is missing from the stage's environment_variables in .chalice/config.json")
        if any(other.get(name) != env[name] for other in environments):
            raise TemplateError(f"functions disagree on {name}; set it once per stage")
    if not env["SMART_MODEL_DIR"].startswith("/opt/"):
        raise TemplateError("SMART_MODEL_DIR must lie under /opt/ where Lambda unpacks layers")
    return env


def template_settings(functions: dict[str, Json], stage_env: dict[str, str]) -> set[str]:
    """The settings this template owns: those it reads from the stage's environment to name the stack's resources
    (REQUIRED_ENV) and those it sets on a function itself (any value other than the stage's `stage_env`)."""
    owned = set(REQUIRED_ENV)
    for function in functions.values():
        variables: Json = function["Properties"].get("Environment", {}).get("Variables", {})
        owned.update(name for name, value in variables.items() if stage_env.get(name) != value)
    return owned


def _check_template_settings(functions: dict[str, Json], stage_env: dict[str, str]) -> None:
    """Every setting the template owns is one the app refuses from SSM (chalicelib.settings.TEMPLATE_SETTINGS):
    an SSM parameter must not override what the stack decides."""
    missing = sorted(template_settings(functions, stage_env) - set(TEMPLATE_SETTINGS))
    if missing:
        raise TemplateError(
            f"the template sets {missing} but chalicelib.settings.TEMPLATE_SETTINGS does not list them: "
            "an SSM parameter would override the stack's value"
        )


def timezones(env: dict[str, str]) -> list[str]:
    """The zones the Timezone parameter allows: the stage's first, then WIB, WITA and WIT."""
    return list(dict.fromkeys([env["SMART_TIMEZONE"], *INDONESIAN_ZONES]))


def _parameters(env: dict[str, str], config: MergeConfig) -> Json:
    zones = timezones(env)
    return {
        **alarm_parameters(env["SMART_STAGE"]),
        "PhotoRetentionDays": {
            "Type": "Number",
            "Default": config.photo_retention_days,
            "MinValue": 30,
            "MaxValue": 3650,
            "Description": "Days attendance and enrolment photos (photos/) are kept",
        },
        "ExportRetentionDays": {
            "Type": "Number",
            "Default": config.export_retention_days,
            "MinValue": 1,
            "MaxValue": 365,
            "Description": "Days report exports (exports/) are kept",
        },
        "NoncurrentVersionDays": {
            "Type": "Number",
            "Default": config.noncurrent_version_days,
            "MinValue": 1,
            "MaxValue": 365,
            "Description": "Days an overwritten or deleted object version is kept (undo window)",
        },
        "Timezone": {
            "Type": "String",
            "Default": env["SMART_TIMEZONE"],
            "AllowedValues": zones,
            "Description": "The regency's time zone: business dates and the local time of the schedules",
        },
        "SecretsPath": {
            "Type": "String",
            "Default": f"/smart/{env['SMART_STAGE']}",
            "AllowedPattern": "^(/[A-Za-z0-9_.-]+)+$",
            "MaxLength": 100,  # the policies' sizes count on it (access.REFERENCE_MAX_CHARS)
            "Description": "SSM Parameter Store path holding the SecureString secrets (SMART_TOKEN_SECRET, ...)",
        },
        "LogRetentionDays": {
            "Type": "Number",
            "Default": config.log_retention_days,
            "AllowedValues": list(LOG_RETENTION_VALUES),
            "Description": "Days function logs are kept",
        },
        "AlarmEmail": {
            "Type": "String",
            "Default": "",
            "Description": "E-mail that receives alarms (empty: none)",
        },
        "AccessLogRetentionDays": {
            "Type": "Number",
            "Default": config.access_log_retention_days,
            "MinValue": 1,
            "MaxValue": 3650,
            "Description": "Days the data bucket's S3 server access logs are kept",
        },
        "ApiReservedConcurrency": {
            "Type": "Number",
            "Default": config.api_reserved_concurrency,
            "MinValue": 0,
            "MaxValue": 1000,
            "Description": "Concurrent executions reserved for the API (check-in) function; 0: no reservation "
            "(then the jobs are not reserved either)",
        },
        "ApiThrottleRate": {
            "Type": "Number",
            "Default": config.api_throttle_rate,
            "MinValue": 1,
            "MaxValue": 10000,
            "Description": "Steady requests per second the API stage accepts before answering 429",
        },
        "ApiThrottleBurst": {
            "Type": "Number",
            "Default": config.api_throttle_burst,
            "MinValue": 1,
            "MaxValue": 5000,
            "Description": "Burst of requests the API stage accepts above the steady rate",
        },
        "WafRateLimit": {
            "Type": "Number",
            "Default": config.waf_rate_limit,
            "MinValue": 100,
            "MaxValue": 2000000000,
            "Description": "Requests per source IP per 5 minutes before WAF answers 429",
        },
    }


def _schedule_event(schedule: LocalSchedule) -> Json:
    properties: Json = {
        "ScheduleExpression": schedule.local_expression(),
        "ScheduleExpressionTimezone": ref("Timezone"),
        "Description": schedule.purpose,
        "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600},
        # Without it SAM names the schedule after its logical id, in the default group: a second stack in the
        # account and region (dev beside prod, decision 269) fails on "already exists". CloudFormation names it.
        "OmitName": True,
    }
    if schedule.extra:  # a second schedule of the function: its input names the job (jobs.recap_event reads it)
        properties["Input"] = json.dumps(scheduled_job_event(schedule.job_name), sort_keys=True)
    return {"Type": "ScheduleV2", "Properties": properties}


def _localise_schedules(functions: dict[str, Json], config: MergeConfig) -> list[str]:
    """Replace Chalice's UTC Schedule events by local-time ScheduleV2 events in the stack's `Timezone`, and add
    the functions' second schedules (`LocalSchedule.extra`); return warnings. app.py's expressions are checked
    against WIB (`schedules.APP_ZONE`), which they are written for, whatever the stage's zone."""
    known = {to_cfn_resource_name(s.function): s for s in config.schedules if not s.extra}
    extras: dict[str, list[LocalSchedule]] = {}
    for extra in (s for s in config.schedules if s.extra):
        extras.setdefault(to_cfn_resource_name(extra.function), []).append(extra)
    seen: set[str] = set()
    for function_id, function in functions.items():
        events: Json = function["Properties"].get("Events", {})
        for event_id, event in list(events.items()):
            if event.get("Type") != "Schedule":
                continue
            schedule = known.get(function_id)
            if schedule is None:
                raise ScheduleError(
                    f"{function_id} is scheduled in app.py but has no local time in infra/schedules.py",
                    {"function": function_id},
                )
            check_expression(schedule, str(event["Properties"]["Schedule"]))
            events[event_id] = _schedule_event(schedule)
            seen.add(function_id)
        if function_id in seen:
            events.update(
                {f"{to_cfn_resource_name(s.job_name)}Event": _schedule_event(s) for s in extras.get(function_id, [])}
            )
    return [
        f"no scheduled function {s.function!r} in app.py yet: its schedule is not deployed"
        for fid, s in known.items()
        if fid not in seen
    ]


def _role_id(function_id: str, properties: Json) -> str:
    role = properties.get("Role")
    if not (isinstance(role, dict) and "Fn::GetAtt" in role):
        raise TemplateError(f"{function_id} does not use a role of the template (autogen_policy false expected)")
    return str(role["Fn::GetAtt"][0])


# checkov findings that hold for every function, with the reason they are accepted.
FUNCTION_SKIPS: tuple[tuple[str, str], ...] = (
    (
        "CKV_AWS_117",
        "no VPC: the functions reach only DynamoDB, S3, SSM and SIMPEG over TLS with IAM-signed requests; a VPC "
        "would need a NAT gateway for SIMPEG (docs/deployment.md)",
    ),
    (
        "CKV_AWS_173",
        "the environment holds names and settings only; secrets are read from SSM SecureStrings at start",
    ),
)
REPORT_WORKER_SKIPS: tuple[tuple[str, str], ...] = (
    (
        "CKV_AWS_115",
        "the report worker takes from the unreserved pool on purpose (decision 117): a month's end of exports must "
        "not be throttled; each admin has at most 3 exports at once, and the API keeps its own reservation",
    ),
)
API_SKIPS: tuple[tuple[str, str], ...] = (
    (
        "CKV_AWS_116",
        "API Gateway invokes the API function synchronously and the client gets the error; a dead-letter "
        "queue only receives failed asynchronous invocations",
    ),
)


def _wire_function(function_id: str, properties: Json) -> Json:
    """Point a function at the stack's own bucket, zone, retention and secrets; add the model layer;
    return its log group."""
    variables: Json = properties.setdefault("Environment", {}).setdefault("Variables", {})
    variables.update(
        {
            "SMART_BUCKET": ref(BUCKET_ID),
            "SMART_TIMEZONE": ref("Timezone"),
            "SMART_PHOTO_RETENTION_DAYS": ref("PhotoRetentionDays"),
            "SMART_EXPORT_RETENTION_DAYS": ref("ExportRetentionDays"),
            "SMART_SECRETS_SSM_PATH": ref("SecretsPath"),
        }
    )
    properties["Layers"] = [*properties.get("Layers", []), ref(LAYER_ID)]
    return {
        "Type": "AWS::Logs::LogGroup",
        "Metadata": checkov_skip(("CKV_AWS_158", LOG_GROUP_KMS_REASON)),
        "Properties": {
            "LogGroupName": sub(f"/aws/lambda/${{{function_id}}}"),
            "RetentionInDays": ref("LogRetentionDays"),
        },
    }


def _name_the_workers(functions: dict[str, Json]) -> None:
    """The API hands long SIMPEG imports and syncs to the SimpegSync function (decision 53) and monthly exports to
    the ReportWorker function (decision 117): tell it their names."""
    if API_FUNCTION_ID not in functions:
        return
    variables = functions[API_FUNCTION_ID]["Properties"]["Environment"]["Variables"]
    for variable, worker in (
        ("SMART_SIMPEG_WORKER_FUNCTION", WORKER_FUNCTION_ID),
        ("SMART_REPORT_WORKER_FUNCTION", REPORT_WORKER_ID),
    ):
        if worker in functions:
            variables[variable] = ref(worker)


def _reserve_concurrency(function_id: str, function: Json) -> None:
    """The API keeps its reserved executions whatever else runs; a job runs at most once at a time. The report
    worker reserves none: at a month's end many admins export at once, and a throttled export would wait (and
    alarm) while the account has room; the API's reservation keeps check-ins safe from it."""
    if function_id == REPORT_WORKER_ID:
        return
    amount: object = ref("ApiReservedConcurrency") if function_id == API_FUNCTION_ID else 1
    function["Properties"]["ReservedConcurrentExecutions"] = {
        "Fn::If": ["ReservesConcurrency", amount, ref("AWS::NoValue")]
    }


def _accept_findings(function_id: str, function: Json) -> None:
    own = {API_FUNCTION_ID: API_SKIPS, REPORT_WORKER_ID: REPORT_WORKER_SKIPS}.get(function_id, ())
    skips = FUNCTION_SKIPS + own
    function["Metadata"] = {**function.get("Metadata", {}), **checkov_skip(*skips)}


def _invoked_asynchronously(functions: dict[str, Json]) -> list[str]:
    """The scheduled jobs and the report worker: a failed invocation of theirs is kept in a dead-letter queue."""
    return sorted(
        fid
        for fid, fn in functions.items()
        if fid == REPORT_WORKER_ID
        or any(e.get("Type") == "ScheduleV2" for e in fn["Properties"].get("Events", {}).values())
    )


def _strip_placeholder_policies(resources: Json, role_ids: Iterable[str]) -> None:
    for role_id in role_ids:
        role = resources.get(role_id)
        if role is None or role.get("Type") != "AWS::IAM::Role":
            raise TemplateError(f"role {role_id} is not defined in the Chalice template")
        role["Properties"].pop("Policies", None)


def _api_id(resources: Json) -> str | None:
    apis = [rid for rid, r in resources.items() if r.get("Type") == "AWS::Serverless::Api"]
    if len(apis) > 1:
        raise TemplateError(f"expected one REST API, found {apis}")
    return apis[0] if apis else None


def _name_the_api(resources: Json, api_id: str | None, stage: str) -> tuple[str, str] | None:
    """Name the REST API after its stage (`smart-prod`) and return its name and API Gateway stage, the dimensions
    of its metrics. Chalice names it after the app alone and gives dev and prod the same API Gateway stage (`v`):
    in one account the two stages' APIs would share their metrics, and dev's 5xx would raise prod's alarm. The
    OpenAPI title gets the name too, so the imported definition cannot name it otherwise."""
    if api_id is None:
        return None
    properties = resources[api_id]["Properties"]
    info = properties["DefinitionBody"]["info"]
    name = f"{info['title']}-{stage}"
    properties["Name"] = info["title"] = name
    return name, str(properties["StageName"])


def _layer(config: MergeConfig) -> Json:
    return {
        "Type": "AWS::Serverless::LayerVersion",
        "Properties": {
            "Description": "SMART face models (ONNX), unpacked under /opt",
            "ContentUri": config.layer_uri,
            "CompatibleRuntimes": [config.runtime],
            "CompatibleArchitectures": [config.architecture],
            # Old versions stay so that rolling the stack back still finds the models it ran with.
            "RetentionPolicy": "Retain",
        },
    }


def _outputs(table_ids: Iterable[str]) -> Json:
    outputs: Json = {
        "DataBucketName": {"Value": ref(BUCKET_ID)},
        "AlarmTopicArn": {"Value": ref(TOPIC_ID)},
    }
    outputs.update({f"{table_id}Name": {"Value": ref(table_id)} for table_id in table_ids})
    return outputs


def _add(resources: Json, new: Json) -> None:
    """Add resources, refusing to overwrite one Chalice made (e.g. its own log groups, which come from
    `log_retention_in_days`: the stack's `LogRetentionDays` parameter replaces that setting)."""
    clash = sorted(set(resources) & set(new))
    if clash:
        raise TemplateError(f"the Chalice template already defines {clash}; remove the Chalice setting that makes them")
    resources.update(new)


def _serve_through_the_distribution(template: Json, api_id: str, functions: dict[str, Json], stage: str) -> None:
    """The web apps and the API on one origin (CloudFront, infra/web.py), the API reached through it only."""
    put_behind_the_distribution(template["Resources"][api_id]["Properties"], functions[API_FUNCTION_ID]["Properties"])
    _add(template["Resources"], web_resources(api_id, stage))
    sections = (
        ("Parameters", web_parameters()),
        ("Conditions", web_conditions()),
        ("Rules", web_rules()),
        ("Outputs", web_outputs()),
    )
    for section, entries in sections:
        template.setdefault(section, {}).update(entries)


def merge(chalice_template: Json, models: Iterable[type[Model]], config: MergeConfig | None = None) -> MergeResult:
    """The deployable template: Chalice's resources plus tables, buckets, layer, logs, IAM, schedules,
    dead-letter queues, alarms and the API's protection."""
    config = config or MergeConfig()
    template: Json = copy.deepcopy(chalice_template)
    resources: dict[str, Any] = template["Resources"]
    functions = functions_of(template)
    for function_id, function in functions.items():
        _check_function(function_id, function["Properties"], config)
    env = stage_environment(functions)
    warnings = _localise_schedules(functions, config)
    models = tuple(models)
    tables = table_resources(models, env["SMART_TABLE_PREFIX"])
    roles = {fid: _role_id(fid, fn["Properties"]) for fid, fn in functions.items()}
    _strip_placeholder_policies(resources, set(roles.values()))
    log_groups = {f"{fid}LogGroup": _wire_function(fid, fn["Properties"]) for fid, fn in functions.items()}
    asynchronous = _invoked_asynchronously(functions)
    for function_id in asynchronous:
        attach(function_id, functions[function_id]["Properties"])
    for function_id, function in functions.items():
        _reserve_concurrency(function_id, function)
        _accept_findings(function_id, function)
    _name_the_workers(functions)
    dead_letter_queues = {fid: queue_id(fid) for fid in asynchronous}
    api_id = _api_id(resources)
    web_logs = {} if api_id is None else {WEB_ACCESS_LOG_PREFIX: web_bucket_name(env["SMART_STAGE"])}
    _add(resources, tables)
    _add(resources, bucket_resources(env["SMART_BUCKET"], roles.values(), web_logs))
    _add(resources, log_groups)
    _add(resources, dead_letter_resources(asynchronous))
    _add(resources, {LAYER_ID: _layer(config)})
    _add(resources, access_policies(roles, models, {fid: f"{fid}LogGroup" for fid in functions}, dead_letter_queues))
    for function_id in asynchronous:
        # Lambda refuses a dead-letter queue the role cannot send to yet.
        depends = functions[function_id].get("DependsOn", [])
        depends = depends if isinstance(depends, list) else [depends]
        functions[function_id]["DependsOn"] = sorted({*depends, f"{function_id}{DEAD_LETTER_POLICY_SUFFIX}"})
    api = _name_the_api(resources, api_id, env["SMART_STAGE"])
    _add(
        resources, alarm_resources(functions, tables, api, env["SMART_STAGE"], dead_letter_queues, zones=timezones(env))
    )
    if api_id is not None and api is not None:
        api_resource = resources[api_id]
        definition = api_resource["Properties"]["DefinitionBody"]
        definition[GATEWAY_RESPONSES_KEY] = gateway_responses()
        definition[COMPRESSION_KEY] = MINIMUM_COMPRESSION_BYTES
        protect_api(api_resource["Properties"])
        # Access logging is refused until the account's API Gateway CloudWatch role is set.
        api_resource["DependsOn"] = sorted({*api_resource.get("DependsOn", []), GATEWAY_ACCOUNT_ID})
        api_resource["Metadata"] = {**api_resource.get("Metadata", {}), **api_metadata()}
        _add(resources, protection_resources(api_id, api[1]))
        _serve_through_the_distribution(template, api_id, functions, env["SMART_STAGE"])
    _check_template_settings(functions, env)
    template["Description"] = f"SMART attendance backend, stage {env['SMART_STAGE']} (generated by infra/merge.py)"
    template.setdefault("Parameters", {}).update(_parameters(env, config))
    conditions = template.setdefault("Conditions", {})
    conditions["HasAlarmEmail"] = {"Fn::Not": [{"Fn::Equals": [ref("AlarmEmail"), ""]}]}
    conditions.update(alarm_conditions(timezones(env)))
    conditions["ReservesConcurrency"] = {"Fn::Not": [{"Fn::Equals": [ref("ApiReservedConcurrency"), "0"]}]}
    template.setdefault("Outputs", {}).update(_outputs(tables))
    return MergeResult(template, warnings)
