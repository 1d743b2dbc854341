"""The web apps and the API on one origin (infra/web.py): CloudFront in front of the private web bucket and API
Gateway. The distribution's functions are run in Node (the web build's) on the events CloudFront gives them."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from chalicelib.api.http import VIEWER_ADDRESS_HEADER, VIEWER_HOST_HEADER
from infra.merge import MergeResult
from infra.web import (
    ALL_VIEWER_EXCEPT_HOST_HEADER,
    CACHING_DISABLED,
    CONTENT_SECURITY_POLICY,
    ORIGIN_SECRET_HEADER,
    web_bucket_name,
)
from tools.web import node_dir

REPO = Path(__file__).resolve().parents[3]
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}


def _config(resources: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = resources["WebDistribution"]["Properties"]["DistributionConfig"]
    return config


def _behaviours(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    config = _config(resources)
    found = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    found["default"] = config["DefaultCacheBehavior"]
    return found


def _origin(resources: dict[str, Any], behaviour: dict[str, Any]) -> dict[str, Any]:
    origins: list[dict[str, Any]] = _config(resources)["Origins"]
    [origin] = [o for o in origins if o["Id"] == behaviour["TargetOriginId"]]
    return origin


def test_the_api_is_one_uncached_path_of_the_distribution_and_every_method_reaches_it(
    resources: dict[str, Any],
) -> None:
    config = _config(resources)
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"]]
    assert patterns[0] == "/v1/*"  # first: CloudFront takes the first pattern that matches
    assert set(patterns) == {"/v1/*", "/app/sw.js", "/app/*", "/admin/*", "/.well-known/*"}
    assert patterns.index("/app/sw.js") < patterns.index("/app/*")
    api = _behaviours(resources)["/v1/*"]
    assert set(api["AllowedMethods"]) == ALL_METHODS
    assert api["CachePolicyId"] == CACHING_DISABLED  # AWS's managed CachingDisabled
    # forwards Authorization, Content-Type, every query string; never Host (API Gateway routes on its own name)
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert "ForwardedValues" not in api and "DefaultTTL" not in api
    assert api["ViewerProtocolPolicy"] == "https-only"
    [function] = api["FunctionAssociations"]
    assert function == {
        "EventType": "viewer-request",
        "FunctionARN": {"Fn::GetAtt": ["ApiViewerFunction", "FunctionARN"]},
    }
    origin = _origin(resources, api)
    custom = origin["CustomOriginConfig"]
    assert custom["OriginProtocolPolicy"] == "https-only" and custom["OriginSSLProtocols"] == ["TLSv1.2"]
    assert origin["DomainName"] == {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert origin["OriginPath"] == {"Fn::Sub": "/${RestAPI.Stage}"}
    assert origin["OriginCustomHeaders"] == [
        {"HeaderName": ORIGIN_SECRET_HEADER, "HeaderValue": {"Ref": "WebOriginSecret"}}
    ]
    # API errors stay the API's: no distribution-wide error page could turn a 404 or 403 into index.html
    assert "CustomErrorResponses" not in config


def test_the_web_paths_come_from_the_bucket_through_origin_access_control(resources: dict[str, Any]) -> None:
    behaviours = _behaviours(resources)
    for name in ("default", "/app/*", "/admin/*", "/.well-known/*", "/app/sw.js"):
        behaviour = behaviours[name]
        origin = _origin(resources, behaviour)
        assert origin["DomainName"] == {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]}, name
        assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]}
        assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy identity
        assert set(behaviour["AllowedMethods"]) == {"GET", "HEAD"}, name
        assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https", name
    routed = {name for name, b in behaviours.items() if b.get("FunctionAssociations")}
    assert routed == {"/v1/*", "default", "/app/*", "/admin/*"}
    oac = resources["WebOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    # The files' own Cache-Control decides: index.html, sw.js and the manifest revalidate, hashed assets stay
    files = resources["WebCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert files["MinTTL"] == 0
    key = files["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "none"}
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}


def test_the_service_worker_is_never_cached(resources: dict[str, Any]) -> None:
    worker = _behaviours(resources)["/app/sw.js"]
    assert worker["CachePolicyId"] == CACHING_DISABLED
    policy = resources[worker["ResponseHeadersPolicyId"]["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
    custom = {h["Header"]: h for h in policy["CustomHeadersConfig"]["Items"]}
    assert custom["Cache-Control"] == {"Header": "Cache-Control", "Value": "no-cache", "Override": True}
    assert "SecurityHeadersConfig" in policy  # and the security headers like every other answer


def test_the_web_bucket_is_private_and_readable_by_this_distribution_only(resources: dict[str, Any]) -> None:
    bucket = resources["WebBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}  # no ACLs
    assert bucket["LoggingConfiguration"] == {
        "DestinationBucketName": {"Ref": "AccessLogBucket"},
        "LogFilePrefix": "web-bucket/",
    }
    statements = resources["WebBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    [allow] = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"  # no listing, no writes
    assert allow["Resource"] == {"Fn::Sub": "${WebBucket.Arn}/*"}
    assert allow["Condition"] == {
        "StringEquals": {
            "AWS:SourceArn": {
                "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${WebDistribution}"
            }
        }
    }
    [deny] = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    # The access-log bucket accepts the web bucket's logs, by name, from this account only
    [delivery] = [
        s
        for s in resources["AccessLogBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow"
    ]
    assert {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{web_bucket_name('prod')}"} in delivery["Condition"]["ArnLike"][
        "aws:SourceArn"
    ]
    assert {"Fn::Sub": "${AccessLogBucket.Arn}/web-bucket/*"} in delivery["Resource"]
    assert resources["WebBucket"]["DependsOn"] == "AccessLogBucketPolicy"


def test_every_answer_carries_the_security_headers(resources: dict[str, Any]) -> None:
    for name, behaviour in _behaviours(resources).items():
        policy = resources[behaviour["ResponseHeadersPolicyId"]["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
        security = policy["SecurityHeadersConfig"]
        assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000, name
        assert security["StrictTransportSecurity"]["Override"] is True
        assert security["ContentTypeOptions"] == {"Override": True}
        assert security["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
        csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        custom = {h["Header"]: h["Value"] for h in policy["CustomHeadersConfig"]["Items"]}
        # the PWA takes a selfie and a GPS fix from its own origin; nothing else of the device
        permissions = dict(item.split("=", 1) for item in custom["Permissions-Policy"].split(", "))
        assert permissions["camera"] == "(self)" and permissions["geolocation"] == "(self)"
        assert permissions["microphone"] == "()"


class _Page(HTMLParser):
    """What of a page a CSP without 'unsafe-inline' would refuse, and where its files come from."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "style" or "style" in values or any(name.startswith("on") for name in values):
            self.inline.append(tag)
        if tag == "script":
            if values.get("src") is None:
                self.inline.append("script")
            else:
                self.sources.append(str(values["src"]))
        if tag == "link" and values.get("href"):
            self.sources.append(str(values["href"]))


@pytest.mark.parametrize("app", ["app", "admin"])
def test_the_built_apps_satisfy_the_content_security_policy(app: str) -> None:
    index = REPO / "web" / "dist" / app / "index.html"
    if not index.is_file():
        pytest.skip(f"{index} is not built (make web)")
    page = _Page()
    page.feed(index.read_text(encoding="utf-8"))
    assert page.inline == []  # no inline script, style element, style attribute or event handler
    assert page.sources and all(src.startswith(f"/{app}/") for src in page.sources), page.sources  # 'self'
    # and nothing in the bundles evaluates strings as code
    bundles = "".join(p.read_text(encoding="utf-8") for p in (index.parent / "assets").glob("*.js"))
    assert "new Function(" not in bundles and not re.search(r"\beval\(", bundles)
    assert "'self'" in CONTENT_SECURITY_POLICY


def test_access_logs_and_tls_of_the_distribution(merged: MergeResult, resources: dict[str, Any]) -> None:
    config = _config(resources)
    assert config["Logging"]["Bucket"] == {"Ref": "CdnLogBucket"} and config["Logging"]["IncludeCookies"] is False
    with_domain, without = config["ViewerCertificate"]["Fn::If"][1:]
    assert with_domain["MinimumProtocolVersion"] == "TLSv1.2_2021" and with_domain["SslSupportMethod"] == "sni-only"
    assert without == {"CloudFrontDefaultCertificate": True}
    parameters = merged.template["Parameters"]
    assert parameters["WebOriginSecret"]["NoEcho"] is True and parameters["WebOriginSecret"]["MinLength"] >= 32
    assert "Default" not in parameters["WebOriginSecret"] and "Default" not in parameters["CdnLogBucket"]
    outputs = merged.template["Outputs"]
    assert outputs["WebDistributionDomainName"] == {"Value": {"Fn::GetAtt": ["WebDistribution", "DomainName"]}}
    assert "WebBucketName" in outputs and "PublicBaseUrl" in outputs


def test_the_api_is_regional_behind_the_distribution_and_reached_through_it_only(resources: dict[str, Any]) -> None:
    assert resources["RestAPI"]["Properties"]["EndpointConfiguration"] == "REGIONAL"
    variables = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["SMART_TRUST_CDN_HEADERS"] == "true"
    acl = resources["ApiWebAcl"]["Properties"]
    first = min(acl["Rules"], key=lambda r: r["Priority"])
    assert first["Name"] == "OnlyThroughTheDistribution"
    assert first["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 403
    match = first["Statement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": ORIGIN_SECRET_HEADER.lower()}}
    assert match["SearchString"] == {"Ref": "WebOriginSecret"} and match["PositionalConstraint"] == "EXACTLY"
    # the secret never reaches the WAF's log (a request CloudFront let through may still be blocked by the rate)
    redacted = resources["ApiWebAclLogging"]["Properties"]["RedactedFields"]
    assert {"SingleHeader": {"Name": ORIGIN_SECRET_HEADER.lower()}} in redacted
    body = json.loads(
        acl["CustomResponseBodies"][first["Action"]["Block"]["CustomResponse"]["CustomResponseBodyKey"]]["Content"]
    )
    assert body["error"]["code"] == "FORBIDDEN"


def _run_function(resources: dict[str, Any], function_id: str, event: dict[str, Any]) -> dict[str, Any]:
    """The function's code as CloudFront runs it (a `handler(event)`), in Node."""
    code = resources[function_id]["Properties"]["FunctionCode"]
    script = f"{code}\nprocess.stdout.write(JSON.stringify(handler({json.dumps(event)})));"
    node = node_dir() / "bin" / "node"
    done = subprocess.run([str(node), "-e", script], capture_output=True, text=True, check=True, timeout=60)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _viewer_request(uri: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "203.0.113.7"},
        "request": {
            "method": "GET",
            "uri": uri,
            "querystring": {},
            "headers": {name: {"value": value} for name, value in (headers or {}).items()},
            "cookies": {},
        },
    }


def test_the_router_serves_the_single_page_apps_like_the_local_stack(resources: dict[str, Any]) -> None:
    def route(uri: str) -> dict[str, Any]:
        return _run_function(resources, "WebRouterFunction", _viewer_request(uri))

    for uri, expected in (
        ("/app/", "/app/index.html"),
        ("/app/aktivasi", "/app/index.html"),
        ("/admin/pegawai/198001012005011001", "/admin/index.html"),
        ("/app/assets/index-abc123.js", "/app/assets/index-abc123.js"),
        ("/app/manifest.webmanifest", "/app/manifest.webmanifest"),
    ):
        assert route(uri)["uri"] == expected, uri
    root = route("/")
    assert root["statusCode"] == 302 and root["headers"]["location"] == {"value": "/app/"}
    bare = route("/admin")
    assert bare["statusCode"] == 301 and bare["headers"]["location"] == {"value": "/admin/"}
    for uri in ("/favicon.ico", "/application", "/v2/health", "/administrasi/x"):
        answer = route(uri)
        assert answer["statusCode"] == 404, uri
        assert answer["headers"]["content-type"]["value"].startswith("application/json")
        assert json.loads(answer["body"]["data"])["error"]["code"] == "NOT_FOUND"


def test_the_viewer_cannot_choose_the_address_and_host_the_api_believes(resources: dict[str, Any]) -> None:
    spoofed = {VIEWER_ADDRESS_HEADER: "10.9.9.9", VIEWER_HOST_HEADER: "evil.example", "host": "smart.example.go.id"}
    request = _run_function(resources, "ApiViewerFunction", _viewer_request("/v1/auth/login", spoofed))
    assert request["headers"][VIEWER_ADDRESS_HEADER] == {"value": "203.0.113.7"}  # CloudFront's event.viewer.ip
    assert request["headers"][VIEWER_HOST_HEADER] == {"value": "smart.example.go.id"}
    assert request["uri"] == "/v1/auth/login"
