"""What stands in front of the API function: stage throttling, access logs and a WAF web ACL.

- **Stage throttling** (``ApiThrottleRate`` requests/s, ``ApiThrottleBurst``) on every method: API Gateway
  answers 429 ``RATE_LIMITED`` (gateway.py) before the function runs.
- **Access logs**: one JSON line per request into ``ApiAccessLogGroup``: who (source IP, user agent), what
  (method, path template, status, sizes, latencies, WAF verdict), never a body or a header value (API
  Gateway's access log cannot hold bodies; the format names none). No execution logs (their log group
  would be made by API Gateway, without retention) and no per-method metrics (billed as custom metrics).
  Access logging needs the account's API Gateway CloudWatch role, which the stack sets
  (``ApiGatewayAccount``, an account-wide setting, kept when the stack is deleted).
- **WAF** (``ApiWebAcl``, REGIONAL, associated with the stage): requests without the CloudFront
  distribution's secret header are refused (403 in the API's error shape: the API is reached through
  CloudFront only, infra/web.py), a rate-based rule per viewer IP (the address the distribution writes into
  ``x-smart-viewer-address``; ``WafRateLimit`` requests per 5 minutes, answered 429 in the API's error
  shape) and AWS's known-bad-inputs rule group (Log4Shell and similar exploit payloads). Blocked and
  counted requests are logged to ``aws-waf-logs-<stack>`` with the Authorization and origin-secret headers
  redacted.
"""

from __future__ import annotations

import json

from chalicelib.api.errors import STATUS_BY_CODE
from chalicelib.api.http import VIEWER_ADDRESS_HEADER
from chalicelib.messages import error_body

from .cfn import Json, checkov_skip, get_att, ref, sub
from .web import ORIGIN_SECRET_HEADER, ORIGIN_SECRET_PARAMETER

ACCESS_LOG_GROUP_ID = "ApiAccessLogGroup"
WEB_ACL_ID = "ApiWebAcl"
WAF_LOG_GROUP_ID = "ApiWafLogGroup"
GATEWAY_ROLE_ID = "ApiGatewayCloudWatchRole"
GATEWAY_ACCOUNT_ID = "ApiGatewayAccount"
RATE_RULE = "RateLimitPerSourceIp"
RATE_WINDOW_S = 300
RATE_LIMITED_BODY_KEY = "RateLimited"
RATE_LIMITED_RETRY_AFTER_S = 60
ORIGIN_RULE = "OnlyThroughTheDistribution"
FORBIDDEN_BODY_KEY = "Forbidden"

# $context variables of one access log line. No request or response body, no header value except the
# user agent, no authorizer claims: the log tells who called what and how it went.
ACCESS_LOG_FIELDS: tuple[tuple[str, str], ...] = (
    ("request_id", "$context.requestId"),
    ("extended_request_id", "$context.extendedRequestId"),
    ("time", "$context.requestTimeEpoch"),
    ("source_ip", "$context.identity.sourceIp"),
    ("user_agent", "$context.identity.userAgent"),
    ("method", "$context.httpMethod"),
    ("route", "$context.resourcePath"),
    ("protocol", "$context.protocol"),
    ("status", "$context.status"),
    ("response_length", "$context.responseLength"),
    ("latency_ms", "$context.responseLatency"),
    ("integration_latency_ms", "$context.integration.latency"),
    ("integration_status", "$context.integration.status"),
    ("error_type", "$context.error.responseType"),
    ("waf_status", "$context.waf.status"),
)


def access_log_format() -> str:
    """One JSON object per request (numbers unquoted so Logs Insights can compare them)."""
    numeric = {"time", "status", "response_length", "latency_ms", "integration_latency_ms"}
    parts = [f'"{name}":{value}' if name in numeric else f'"{name}":"{value}"' for name, value in ACCESS_LOG_FIELDS]
    return "{" + ",".join(parts) + "}"


def protect_api(properties: Json) -> None:
    """Add throttling and the access log to the SAM Api's properties."""
    properties["MethodSettings"] = [
        {
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": ref("ApiThrottleRate"),
            "ThrottlingBurstLimit": ref("ApiThrottleBurst"),
            # Per-method metrics are billed as custom metrics (7 per route); the API's own metrics stay free.
            "MetricsEnabled": False,
            # Execution logs would go to a log group API Gateway creates without retention; the access log
            # and the app's log say what they would. Data tracing would log bodies.
            "LoggingLevel": "OFF",
            "DataTraceEnabled": False,
        }
    ]
    properties["AccessLogSetting"] = {
        "DestinationArn": get_att(ACCESS_LOG_GROUP_ID, "Arn"),
        "Format": access_log_format(),
    }


def api_metadata() -> Json:
    """checkov suppressions of the REST API, each with its reason."""
    return checkov_skip(
        (
            "CKV_AWS_120",
            "no API cache: every answer depends on the caller's token, a cache could serve one employee's data "
            "to another",
        ),
        (
            "CKV_AWS_73",
            "no X-Ray: request id, route, status and latency are in the app's JSON logs and the access log; "
            "tracing every check-in of the 07:00 rush costs more than it tells",
        ),
    )


def _log_group(name: Json | None, reason: str) -> Json:
    properties: Json = {"RetentionInDays": ref("LogRetentionDays")}
    if name is not None:
        properties["LogGroupName"] = name
    return {
        "Type": "AWS::Logs::LogGroup",
        "Metadata": checkov_skip(("CKV_AWS_158", reason)),
        "Properties": properties,
    }


LOG_GROUP_KMS_REASON = (
    "encrypted at rest by CloudWatch Logs' own keys; the lines hold no bodies, tokens or photos, so a "
    "customer managed key would add a key policy to keep in step without protecting anything more"
)


def _visibility(name: str) -> Json:
    # Metrics, no samples: a sampled request shows its headers unredacted (the bearer token, the origin secret)
    # to whoever may read WAF samples; the WAF log (below) keeps blocked requests with both redacted.
    return {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": True, "MetricName": name}


def _only_through_the_distribution() -> Json:
    """Refuse (403 FORBIDDEN in the API's shape) a request that lacks the distribution's secret header: the
    API is reached through CloudFront only, so its viewer headers can be believed."""
    return {
        "Name": ORIGIN_RULE,
        "Priority": 0,
        "Action": {
            "Block": {
                "CustomResponse": {
                    "ResponseCode": STATUS_BY_CODE["FORBIDDEN"],
                    "CustomResponseBodyKey": FORBIDDEN_BODY_KEY,
                }
            }
        },
        "Statement": {
            "NotStatement": {
                "Statement": {
                    "ByteMatchStatement": {
                        "FieldToMatch": {"SingleHeader": {"Name": ORIGIN_SECRET_HEADER.lower()}},
                        "PositionalConstraint": "EXACTLY",
                        "SearchString": ref(ORIGIN_SECRET_PARAMETER),
                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                    }
                }
            }
        },
        "VisibilityConfig": _visibility(ORIGIN_RULE),
    }


def web_acl_name(stage: str) -> Json:
    """The web ACL's name, and its metric name (the `WebACL` dimension of its metrics, infra/alarms.py): one per
    stack, so two stacks' ACLs in one account and region count apart."""
    return sub(f"smart-{stage}-api-${{AWS::StackName}}")


def _web_acl(stage: str) -> Json:
    rate_limited = json.dumps(error_body("RATE_LIMITED", details={"retry_after_s": RATE_LIMITED_RETRY_AFTER_S}))

    return {
        "Type": "AWS::WAFv2::WebACL",
        "Properties": {
            "Name": web_acl_name(stage),
            "Description": "SMART API: per-IP rate limit and known bad inputs",
            "Scope": "REGIONAL",
            "DefaultAction": {"Allow": {}},
            "VisibilityConfig": {**_visibility(""), "MetricName": web_acl_name(stage)},
            "CustomResponseBodies": {
                RATE_LIMITED_BODY_KEY: {"ContentType": "APPLICATION_JSON", "Content": rate_limited},
                FORBIDDEN_BODY_KEY: {"ContentType": "APPLICATION_JSON", "Content": json.dumps(error_body("FORBIDDEN"))},
            },
            "Rules": [
                _only_through_the_distribution(),
                {
                    "Name": RATE_RULE,
                    "Priority": 1,
                    "Action": {
                        "Block": {
                            "CustomResponse": {
                                "ResponseCode": STATUS_BY_CODE["RATE_LIMITED"],
                                "CustomResponseBodyKey": RATE_LIMITED_BODY_KEY,
                                "ResponseHeaders": [{"Name": "Retry-After", "Value": str(RATE_LIMITED_RETRY_AFTER_S)}],
                            }
                        }
                    },
                    "Statement": {
                        "RateBasedStatement": {
                            "Limit": ref("WafRateLimit"),
                            # The connection comes from a CloudFront edge server: the viewer's address is the
                            # one the distribution's function wrote (infra/web.py), which no viewer can set.
                            "AggregateKeyType": "FORWARDED_IP",
                            "ForwardedIPConfig": {"HeaderName": VIEWER_ADDRESS_HEADER, "FallbackBehavior": "MATCH"},
                            "EvaluationWindowSec": RATE_WINDOW_S,
                        }
                    },
                    "VisibilityConfig": _visibility(RATE_RULE),
                },
                {
                    "Name": "KnownBadInputs",
                    "Priority": 2,
                    "OverrideAction": {"None": {}},
                    "Statement": {
                        "ManagedRuleGroupStatement": {
                            "VendorName": "AWS",
                            "Name": "AWSManagedRulesKnownBadInputsRuleSet",
                        }
                    },
                    "VisibilityConfig": _visibility("KnownBadInputs"),
                },
            ],
        },
    }


def protection_resources(api_id: str, stage: str) -> dict[str, Json]:
    """Log groups, the account's API Gateway logging role, the web ACL, its association and its logging."""
    waf_log_group_name = sub("aws-waf-logs-${AWS::StackName}")  # WAF requires the aws-waf-logs- prefix
    return {
        ACCESS_LOG_GROUP_ID: _log_group(None, LOG_GROUP_KMS_REASON),
        WAF_LOG_GROUP_ID: _log_group(waf_log_group_name, LOG_GROUP_KMS_REASON),
        GATEWAY_ROLE_ID: {
            "Type": "AWS::IAM::Role",
            # Kept on stack delete: the account setting below would otherwise point at a deleted role.
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": "Lets API Gateway write the access and execution logs of this account's APIs",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            # No aws:SourceAccount condition: AWS documents this trust without one, and
                            # API Gateway checks the role by assuming it when the account setting is made.
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
                ],
            },
        },
        GATEWAY_ACCOUNT_ID: {
            "Type": "AWS::ApiGateway::Account",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {"CloudWatchRoleArn": get_att(GATEWAY_ROLE_ID, "Arn")},
        },
        WEB_ACL_ID: _web_acl(stage),
        f"{WEB_ACL_ID}Association": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Properties": {
                # ${<api>.Stage} is SAM's name for the stage it generates: the association waits for it.
                "ResourceArn": sub(
                    f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}::/restapis/${{{api_id}}}/stages/${{{api_id}.Stage}}"
                ),
                "WebACLArn": get_att(WEB_ACL_ID, "Arn"),
            },
        },
        f"{WEB_ACL_ID}Logging": {
            "Type": "AWS::WAFv2::LoggingConfiguration",
            "Properties": {
                "ResourceArn": get_att(WEB_ACL_ID, "Arn"),
                "LogDestinationConfigs": [
                    sub(
                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
                        f"${{{WAF_LOG_GROUP_ID}}}"
                    )
                ],
                # The token, and the distribution's secret (a request it let through can be blocked by the rate).
                "RedactedFields": [
                    {"SingleHeader": {"Name": "authorization"}},
                    {"SingleHeader": {"Name": ORIGIN_SECRET_HEADER.lower()}},
                ],
                "LoggingFilter": {
                    "DefaultBehavior": "DROP",
                    "Filters": [
                        {
                            "Behavior": "KEEP",
                            "Requirement": "MEETS_ANY",
                            "Conditions": [
                                {"ActionCondition": {"Action": "BLOCK"}},
                                {"ActionCondition": {"Action": "COUNT"}},
                            ],
                        }
                    ],
                },
            },
        },
    }
