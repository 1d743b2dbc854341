"""One origin for the web apps and the API: a CloudFront distribution in front of the web bucket and API Gateway.

UI.md: the employee app (`/app/`) and the admin console (`/admin/`) are served from the same origin as `/v1/`,
so there is no CORS anywhere. In AWS that origin is ``WebDistribution``:

- ``/v1/*`` goes to the API Gateway stage (custom origin, HTTPS only, TLS 1.2): every method, nothing cached
  (AWS's managed ``CachingDisabled``), every viewer header, cookie and query string forwarded except ``Host``
  (managed ``AllViewerExceptHostHeader``: CloudFront refuses ``Authorization`` in a custom origin request
  policy, and keying a cache policy on it is not "nothing cached"). A
  viewer-request function writes the viewer's IP address and host into SMART's own headers
  (chalicelib/api/http.py VIEWER_ADDRESS_HEADER, VIEWER_HOST_HEADER), overwriting whatever the viewer sent,
  and the distribution adds a secret origin header (``WebOriginSecret``) that the API's regional WAF requires
  (infra/protection.py): a request straight to API Gateway is refused, so those headers can be believed
  (``SMART_TRUST_CDN_HEADERS`` on the API function).
- ``/app/*``, ``/admin/*``, ``/.well-known/*`` and everything else come from ``WebBucket`` (private, reachable
  only by this distribution through Origin Access Control). A viewer-request function routes like the local
  stack (tools/devstack_web.py): a path without a file extension under ``/app/`` or ``/admin/`` is the
  single-page app's route (its ``index.html``), ``/`` and ``/app`` redirect to ``/app/``, any other path
  outside the apps answers 404 in the API's error shape. There is no distribution-wide custom error page, so
  an API error is never turned into ``index.html``. ``/app/sw.js`` (the service worker) is never cached.
- Every answer carries the security headers (HSTS, nosniff, frame DENY, a CSP the built apps satisfy,
  the camera and geolocation the PWA needs in Permissions-Policy).
- Access logs: CloudFront's standard logs go to ``CdnLogBucket`` (an existing bucket with ACLs enabled
  outside the opt-in regions: CloudFront delivers no standard logs to a bucket in Jakarta); the web bucket's
  S3 access logs go to ``AccessLogBucket`` like the data bucket's.

``python -m infra.web_upload`` puts ``web/dist`` (and ``/.well-known/assetlinks.json``) in the bucket with each
file's Cache-Control and Content-Type (infra/web_files.py; docs/deployment.md); decisions 80-81, 99.
"""

from __future__ import annotations

import json

from chalicelib.api.http import ALL_METHODS, VIEWER_ADDRESS_HEADER, VIEWER_HOST_HEADER
from chalicelib.messages import error_body

from .bucket import bucket_policy, deny_plain_http, private_bucket
from .cfn import Json, checkov_skip, get_att, ref, sub

WEB_BUCKET_ID = "WebBucket"
DISTRIBUTION_ID = "WebDistribution"
ORIGIN_ACCESS_CONTROL_ID = "WebOriginAccessControl"
WEB_CACHE_POLICY_ID = "WebCachePolicy"
HEADERS_POLICY_ID = "WebSecurityHeadersPolicy"
NO_CACHE_HEADERS_POLICY_ID = "WebNoCacheHeadersPolicy"
ROUTER_FUNCTION_ID = "WebRouterFunction"
VIEWER_FUNCTION_ID = "ApiViewerFunction"
WEB_ACCESS_LOG_PREFIX = "web-bucket/"
WEB_ORIGIN = "web-bucket"
API_ORIGIN = "api-gateway"
ORIGIN_SECRET_HEADER = "X-Smart-Origin-Verify"
ORIGIN_SECRET_PARAMETER = "WebOriginSecret"
WEB_APPS = ("app", "admin")
SERVICE_WORKER_PATH = "/app/sw.js"
# AWS managed policies (fixed ids, the same in every account).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
READ_METHODS = ["GET", "HEAD"]
# What the built apps load (web/dist/*/index.html: module scripts and stylesheets from the same origin, no
# inline script or style element; styles set from code go through the CSSOM, which CSP does not restrict).
# Images: the apps' own, blob: previews of a capture, data: icons of Leaflet, and https: for short-lived S3
# links to evidence photos and the console's configurable map tiles.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob: https:",
        "connect-src 'self'",
        "font-src 'self'",
        "media-src 'self' blob:",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "upgrade-insecure-requests",
    )
)
# The employee app takes a selfie and a GPS fix; nothing else of the device is needed by either app.
PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), interest-cohort=()"
HSTS_MAX_AGE_S = 63072000  # two years
MAX_TTL_S = 31536000  # hashed assets are uploaded with max-age of a year, immutable
DEFAULT_TTL_S = 300  # an object uploaded without Cache-Control (docs/deployment.md gives every file one)


def _router_code() -> str:
    """viewer-request of the web behaviours (cloudfront-js-2.0), the same routing as tools/devstack_web.py."""
    not_found = json.dumps(json.dumps(error_body("NOT_FOUND", "Alamat tidak ditemukan.")))
    apps = json.dumps(list(WEB_APPS))
    return f"""var APPS = {apps};
var NOT_FOUND = {not_found};
function answer(status, description, headers, body) {{
  headers['cache-control'] = {{value: 'no-cache'}};
  var response = {{statusCode: status, statusDescription: description, headers: headers}};
  if (body !== undefined) {{ response.body = {{encoding: 'text', data: body}}; }}
  return response;
}}
function handler(event) {{
  var request = event.request;
  var uri = request.uri;
  if (uri === '/') {{ return answer(302, 'Found', {{location: {{value: '/app/'}}}}); }}
  var app = uri.split('/')[1];
  if (APPS.indexOf(app) === -1) {{
    return answer(404, 'Not Found', {{'content-type': {{value: 'application/json; charset=utf-8'}}}}, NOT_FOUND);
  }}
  if (uri === '/' + app) {{ return answer(301, 'Moved Permanently', {{location: {{value: uri + '/'}}}}); }}
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {{ request.uri = '/' + app + '/index.html'; }}
  return request;
}}
"""


def _viewer_code() -> str:
    """viewer-request of /v1/*: the viewer's address and host, in headers the viewer cannot set."""
    return f"""function handler(event) {{
  var request = event.request;
  var host = request.headers.host ? request.headers.host.value : '';
  request.headers['{VIEWER_ADDRESS_HEADER}'] = {{value: event.viewer.ip}};
  request.headers['{VIEWER_HOST_HEADER}'] = {{value: host}};
  return request;
}}
"""


def _function(name: str, comment: str, code: str) -> Json:
    return {
        "Type": "AWS::CloudFront::Function",
        "Properties": {
            "Name": sub(f"${{AWS::StackName}}-{name}"),
            "AutoPublish": True,
            "FunctionConfig": {"Comment": comment, "Runtime": "cloudfront-js-2.0"},
            "FunctionCode": code,
        },
    }


def _web_bucket(stage: str) -> Json:
    lifecycle: Json = {
        "Rules": [
            {
                # Each release replaces the files; the previous ones stay for a rollback window.
                "Id": "ExpireReplacedReleases",
                "Status": "Enabled",
                "NoncurrentVersionExpiration": {"NoncurrentDays": ref("NoncurrentVersionDays")},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            },
            {"Id": "RemoveExpiredDeleteMarkers", "Status": "Enabled", "ExpiredObjectDeleteMarker": True},
        ]
    }
    return private_bucket(
        web_bucket_name(stage), {"LifecycleConfiguration": lifecycle}, logged_as=WEB_ACCESS_LOG_PREFIX
    )


def web_bucket_name(stage: str) -> str:
    """The web bucket's name (a Fn::Sub text): unique per account and region, like the data bucket's."""
    return f"smart-{stage}-web-${{AWS::AccountId}}-${{AWS::Region}}"


def _web_bucket_policy() -> Json:
    read_by_distribution = {
        "Sid": "ReadByTheDistributionOnly",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": sub(f"${{{WEB_BUCKET_ID}.Arn}}/*"),
        "Condition": {
            "StringEquals": {
                "AWS:SourceArn": sub(
                    f"arn:${{AWS::Partition}}:cloudfront::${{AWS::AccountId}}:distribution/${{{DISTRIBUTION_ID}}}"
                )
            }
        },
    }
    return bucket_policy(WEB_BUCKET_ID, [deny_plain_http(WEB_BUCKET_ID), read_by_distribution])


def _security_headers(extra: list[Json]) -> Json:
    return {
        "SecurityHeadersConfig": {
            "StrictTransportSecurity": {
                "AccessControlMaxAgeSec": HSTS_MAX_AGE_S,
                "IncludeSubdomains": True,
                "Preload": False,
                "Override": True,
            },
            "ContentTypeOptions": {"Override": True},
            "FrameOptions": {"FrameOption": "DENY", "Override": True},
            "ReferrerPolicy": {"ReferrerPolicy": "no-referrer", "Override": True},
            "ContentSecurityPolicy": {"ContentSecurityPolicy": CONTENT_SECURITY_POLICY, "Override": True},
        },
        "CustomHeadersConfig": {
            "Items": [
                {"Header": "Permissions-Policy", "Value": PERMISSIONS_POLICY, "Override": True},
                {"Header": "Cross-Origin-Opener-Policy", "Value": "same-origin", "Override": True},
                *extra,
            ]
        },
    }


def _headers_policy(name: str, comment: str, extra: list[Json]) -> Json:
    return {
        "Type": "AWS::CloudFront::ResponseHeadersPolicy",
        "Properties": {
            "ResponseHeadersPolicyConfig": {
                "Name": sub(f"${{AWS::StackName}}-{name}"),
                "Comment": comment,
                **_security_headers(extra),
            }
        },
    }


def _web_cache_policy() -> Json:
    """The files' own Cache-Control decides (set at upload); nothing of the request but the path is a key."""
    return {
        "Type": "AWS::CloudFront::CachePolicy",
        "Properties": {
            "CachePolicyConfig": {
                "Name": sub("${AWS::StackName}-web-files"),
                "Comment": "SMART web apps: the Cache-Control of each uploaded file decides",
                "MinTTL": 0,
                "DefaultTTL": DEFAULT_TTL_S,
                "MaxTTL": MAX_TTL_S,
                "ParametersInCacheKeyAndForwardedToOrigin": {
                    "EnableAcceptEncodingGzip": True,
                    "EnableAcceptEncodingBrotli": True,
                    "HeadersConfig": {"HeaderBehavior": "none"},
                    "CookiesConfig": {"CookieBehavior": "none"},
                    "QueryStringsConfig": {"QueryStringBehavior": "none"},
                },
            }
        },
    }


def _function_association(function_id: str) -> list[Json]:
    return [{"EventType": "viewer-request", "FunctionARN": get_att(function_id, "FunctionARN")}]


def _web_behaviour(path: str | None, *, cache_policy: str | Json, headers_policy: str, router: bool) -> Json:
    behaviour: Json = {
        "TargetOriginId": WEB_ORIGIN,
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": READ_METHODS,
        "CachedMethods": READ_METHODS,
        "Compress": True,
        "CachePolicyId": cache_policy,
        "ResponseHeadersPolicyId": ref(headers_policy),
    }
    if router:
        behaviour["FunctionAssociations"] = _function_association(ROUTER_FUNCTION_ID)
    return behaviour if path is None else {"PathPattern": path, **behaviour}


def _api_behaviour() -> Json:
    return {
        "PathPattern": "/v1/*",
        "TargetOriginId": API_ORIGIN,
        # Never a redirect: a POST redirected to HTTPS would lose its body, and a token sent over HTTP is
        # already exposed. The apps only ever call their own HTTPS origin.
        "ViewerProtocolPolicy": "https-only",
        "AllowedMethods": list(ALL_METHODS),  # the seven CloudFront allows: every method the API routes
        "CachedMethods": READ_METHODS,
        "Compress": True,
        "CachePolicyId": CACHING_DISABLED,
        "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST_HEADER,
        "ResponseHeadersPolicyId": ref(HEADERS_POLICY_ID),
        "FunctionAssociations": _function_association(VIEWER_FUNCTION_ID),
    }


def _origins(api_id: str) -> list[Json]:
    return [
        {
            "Id": WEB_ORIGIN,
            "DomainName": get_att(WEB_BUCKET_ID, "RegionalDomainName"),
            "S3OriginConfig": {"OriginAccessIdentity": ""},  # empty: Origin Access Control signs instead
            "OriginAccessControlId": get_att(ORIGIN_ACCESS_CONTROL_ID, "Id"),
        },
        {
            "Id": API_ORIGIN,
            "DomainName": sub(f"${{{api_id}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}"),
            # ${<api>.Stage} is SAM's name for the stage it generates: /v1/x is /<stage>/v1/x at API Gateway.
            "OriginPath": sub(f"/${{{api_id}.Stage}}"),
            "CustomOriginConfig": {
                "OriginProtocolPolicy": "https-only",
                "OriginSSLProtocols": ["TLSv1.2"],
                "HTTPSPort": 443,
                "OriginReadTimeout": 30,  # API Gateway answers within 29 s
                "OriginKeepaliveTimeout": 5,
            },
            "OriginCustomHeaders": [{"HeaderName": ORIGIN_SECRET_HEADER, "HeaderValue": ref(ORIGIN_SECRET_PARAMETER)}],
        },
    ]


def _if_domain(with_domain: object, without: object) -> Json:
    return {"Fn::If": ["HasWebDomain", with_domain, without]}


def _distribution(api_id: str, stage: str) -> Json:
    return {
        "Type": "AWS::CloudFront::Distribution",
        "Metadata": checkov_skip(
            (
                "CKV_AWS_174",
                "TLS 1.2 minimum (TLSv1.2_2021) whenever the custom domain is used (WebDomainName); the default "
                "cloudfront.net certificate has CloudFront's own fixed policy, documented in docs/deployment.md",
            ),
        ),
        "Properties": {
            "DistributionConfig": {
                "Enabled": True,
                "Comment": sub(f"SMART {stage}: web apps and API on one origin (${{AWS::StackName}})"),
                "HttpVersion": "http2and3",
                "IPV6Enabled": True,
                "PriceClass": ref("CdnPriceClass"),
                "Aliases": _if_domain([ref("WebDomainName")], ref("AWS::NoValue")),
                "ViewerCertificate": _if_domain(
                    {
                        "AcmCertificateArn": ref("WebCertificateArn"),
                        "SslSupportMethod": "sni-only",
                        "MinimumProtocolVersion": "TLSv1.2_2021",
                    },
                    {"CloudFrontDefaultCertificate": True},
                ),
                "Origins": _origins(api_id),
                "DefaultCacheBehavior": _web_behaviour(
                    None, cache_policy=ref(WEB_CACHE_POLICY_ID), headers_policy=HEADERS_POLICY_ID, router=True
                ),
                # Most specific first: CloudFront takes the first pattern that matches.
                "CacheBehaviors": [
                    _api_behaviour(),
                    _web_behaviour(
                        SERVICE_WORKER_PATH,
                        cache_policy=CACHING_DISABLED,
                        headers_policy=NO_CACHE_HEADERS_POLICY_ID,
                        router=False,
                    ),
                    *(
                        _web_behaviour(
                            f"/{app}/*",
                            cache_policy=ref(WEB_CACHE_POLICY_ID),
                            headers_policy=HEADERS_POLICY_ID,
                            router=True,
                        )
                        for app in WEB_APPS
                    ),
                    _web_behaviour(
                        "/.well-known/*",
                        cache_policy=ref(WEB_CACHE_POLICY_ID),
                        headers_policy=HEADERS_POLICY_ID,
                        router=False,
                    ),
                ],
                "Logging": {"Bucket": ref("CdnLogBucket"), "Prefix": sub(f"smart-{stage}/"), "IncludeCookies": False},
                "WebACLId": {"Fn::If": ["HasCdnWebAcl", ref("CdnWebAclArn"), ref("AWS::NoValue")]},
            }
        },
    }


def web_resources(api_id: str, stage: str) -> dict[str, Json]:
    """The web bucket, its policy, the distribution and everything it refers to."""
    return {
        WEB_BUCKET_ID: _web_bucket(stage),
        f"{WEB_BUCKET_ID}Policy": _web_bucket_policy(),
        ORIGIN_ACCESS_CONTROL_ID: {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": sub("${AWS::StackName}-web"),
                    "Description": "CloudFront signs its requests to the web bucket",
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        WEB_CACHE_POLICY_ID: _web_cache_policy(),
        HEADERS_POLICY_ID: _headers_policy("security", "SMART: HSTS, nosniff, frame DENY, CSP, permissions", []),
        NO_CACHE_HEADERS_POLICY_ID: _headers_policy(
            "no-cache",
            "SMART's service worker: the security headers and never cached by the browser",
            [{"Header": "Cache-Control", "Value": "no-cache", "Override": True}],
        ),
        ROUTER_FUNCTION_ID: _function(
            "web-router", "SMART: SPA routes, / to /app/, 404 outside the apps", _router_code()
        ),
        VIEWER_FUNCTION_ID: _function("api-viewer", "SMART: the viewer's address and host for the API", _viewer_code()),
        DISTRIBUTION_ID: _distribution(api_id, stage),
    }


def web_parameters() -> Json:
    return {
        ORIGIN_SECRET_PARAMETER: {
            "Type": "String",
            "NoEcho": True,
            "MinLength": 32,
            "MaxLength": 128,
            "AllowedPattern": "^[A-Za-z0-9_-]+$",
            "Description": "Secret header value CloudFront sends to the API; the API's WAF refuses requests "
            "without it (e.g. openssl rand -hex 32)",
        },
        "CdnLogBucket": {
            "Type": "String",
            "AllowedPattern": r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\.s3(\.[a-z0-9-]+)?\.amazonaws\.com$",
            "Description": "Domain name (<bucket>.s3.amazonaws.com) of an existing bucket with ACLs enabled, "
            "outside the opt-in regions, for CloudFront's access logs (docs/deployment.md)",
        },
        "CdnPriceClass": {
            "Type": "String",
            "Default": "PriceClass_200",
            "AllowedValues": ["PriceClass_100", "PriceClass_200", "PriceClass_All"],
            "Description": "CloudFront edge locations; PriceClass_200 includes Jakarta",
        },
        "WebDomainName": {
            "Type": "String",
            "Default": "",
            "Description": "Custom domain of the web apps and API (e.g. smart.example.go.id); empty: the "
            "cloudfront.net name",
        },
        "WebCertificateArn": {
            "Type": "String",
            "Default": "",
            "Description": "ACM certificate of WebDomainName, issued in us-east-1 (CloudFront's region)",
        },
        "CdnWebAclArn": {
            "Type": "String",
            "Default": "",
            "Description": "Optional CLOUDFRONT-scope web ACL (made in us-east-1) for the whole distribution",
        },
    }


def web_conditions() -> Json:
    return {
        # Both or neither (the rule in web_rules): cfn-lint then knows the certificate is set where it is used.
        "HasWebDomain": {
            "Fn::And": [
                {"Fn::Not": [{"Fn::Equals": [ref("WebDomainName"), ""]}]},
                {"Fn::Not": [{"Fn::Equals": [ref("WebCertificateArn"), ""]}]},
            ]
        },
        "HasCdnWebAcl": {"Fn::Not": [{"Fn::Equals": [ref("CdnWebAclArn"), ""]}]},
    }


def web_rules() -> Json:
    """A custom domain needs its certificate and a certificate its domain: refused before anything is made."""
    has = {name: {"Fn::Not": [{"Fn::Equals": [ref(name), ""]}]} for name in ("WebDomainName", "WebCertificateArn")}
    return {
        "CustomDomainHasACertificate": {
            "RuleCondition": has["WebDomainName"],
            "Assertions": [
                {"Assert": has["WebCertificateArn"], "AssertDescription": "WebDomainName needs WebCertificateArn"}
            ],
        },
        "CertificateHasACustomDomain": {
            "RuleCondition": has["WebCertificateArn"],
            "Assertions": [
                {"Assert": has["WebDomainName"], "AssertDescription": "WebCertificateArn needs WebDomainName"}
            ],
        },
    }


def public_base_url() -> Json:
    """The origin users reach: the custom domain when there is one, else the distribution's name."""
    return _if_domain(sub("https://${WebDomainName}"), sub(f"https://${{{DISTRIBUTION_ID}.DomainName}}"))


def web_outputs() -> Json:
    return {
        "WebDistributionDomainName": {"Value": get_att(DISTRIBUTION_ID, "DomainName")},
        "WebDistributionId": {"Value": ref(DISTRIBUTION_ID)},
        "WebBucketName": {"Value": ref(WEB_BUCKET_ID)},
        "PublicBaseUrl": {"Value": public_base_url()},
    }


def put_behind_the_distribution(api_properties: Json, api_function_properties: Json) -> None:
    """The REST API becomes REGIONAL (CloudFront is its edge; an edge-optimised API would put a second
    CloudFront in the path) and the API function believes the distribution's viewer headers."""
    api_properties["EndpointConfiguration"] = "REGIONAL"
    variables: Json = api_function_properties.setdefault("Environment", {}).setdefault("Variables", {})
    variables["SMART_TRUST_CDN_HEADERS"] = "true"
    # Behind a custom domain the activation sheet's QR codes point at it; on the cloudfront.net name the app
    # takes the viewer's host from the distribution's header (the function cannot refer to the distribution:
    # the distribution refers to the API, which refers to the function).
    variables["SMART_PUBLIC_BASE_URL"] = _if_domain(sub("https://${WebDomainName}"), "")
