"""The one typed settings object of SMART, built from environment variables and validated at start-up.

Nothing else in the project reads ``os.environ``: entry points (app.py, command-line tools) call
``load_settings()`` once and hand the values down. A missing or malformed setting fails at once, naming the
variable, instead of surfacing later as a confusing error in the middle of a check-in.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The H3 resolutions a zone can be built at (lowest, highest): the geo code knows how far outside a drawn shape
# a point of each may test inside (geo.config.MAX_CELL_DIAMETER_M; tests/unit/core/test_settings_h3.py holds the
# two together). 9, 10 and 15 passed the settings before, then failed every zone drawn.
H3_RESOLUTIONS = (11, 14)

STAGES = ("local", "dev", "prod")
DEFAULT_REGION = "ap-southeast-3"  # Jakarta: the region SMART is deployed to and its tools talk to by default
LOCAL_BOOTSTRAP_PASSWORD = "admin-local"
VERSION = "0.1.0"
LIVENESS_MODES = ("required", "review", "off")
# Blink cannot be judged from five landmarks (chalicelib/face/liveness.py): it is never asked. A nod can be
# asked (SMART_LIVENESS_ACTIONS) but is not by default: measured weaker (bench/liveness_RESULTS.md).
LIVENESS_ACTIONS = ("turn_left", "turn_right", "nod")
DEFAULT_LIVENESS_ACTIONS = ("turn_left", "turn_right")
# SMART_ANTISPOOF: off (no score), shadow (every check-in selfie scored and the score stored with its event, for
# calibration: tools/antispoof_report.py), on (scored, stored, and a score at the threshold sends it to review).
ANTISPOOF_MODES = ("off", "shadow", "on")
_ANTISPOOF_ALIASES = {"false": "off", "0": "off", "true": "on", "1": "on"}  # what the earlier on/off flag took
# SMART_FACE_POLICY: the entry of the face calibration (chalicelib/face/calibration.json, decision 27) check-ins
# are scored by; the first is the default. Named here because the settings may not import the face code
# (.importlinter); tests/unit/core/test_settings_face_policy.py holds this list to the calibration's entries.
FACE_POLICIES = ("default", "cc0")
# The longest a regency may let a phone keep an offline capture (`SMART_OFFLINE_MAX_AGE_H`): the app sends it again
# under its client_request_id until then, so the store remembers a request's answer at least that long.
OFFLINE_MAX_AGE_H_LIMIT = 24 * 14
# The longest sessions a stage may be configured with (SMART_TOKEN_TTL_S, SMART_EMPLOYEE_TOKEN_TTL_S): a token
# issued under an earlier, longer setting still lives that long (`longest_token_ttl`).
ADMIN_TOKEN_TTL_LIMIT_S = 30 * 86400
EMPLOYEE_TOKEN_TTL_LIMIT_S = 90 * 86400

_N = TypeVar("_N", int, float)


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names the environment variable."""


@dataclass(frozen=True)
class Settings:
    """Every tunable of a SMART deployment. Defaults are the documented ones for the `local` stage."""

    stage: str
    region: str
    table_prefix: str
    bucket: str
    token_secret: str
    token_ttl_s: int
    bootstrap_admin_password: str | None
    model_dir: Path
    face_threads: int
    face_policy: str
    timezone: str
    challenge_ttl_s: int
    max_body_bytes: int
    login_max_failures: int
    login_lockout_s: int
    login_address_max_failures: int
    activation_ttl_s: int
    presign_ttl_s: int
    simpeg_url: str | None
    simpeg_api_key: str | None
    simpeg_client_id: str | None
    simpeg_client_secret: str | None
    simpeg_token_url: str | None
    simpeg_max_deactivate_share: float
    gps_max_accuracy_m: float
    max_speed_kmh: float
    h3_resolution: int
    photo_retention_days: int
    # SMART_FACE_RETENTION_DAYS: how long the face templates (biometric vectors) of an employee SIMPEG deactivated
    # are kept, in case the deactivation is undone; a nightly job then deletes them (usecases/faces.py
    # `forget_departed`).
    face_retention_days: int
    # SMART_EXPORT_RETENTION_DAYS: how long the bucket keeps a generated file under exports/ (the stack's
    # ExportRetentionDays): an export older than that is answered as expired, not with a link to nothing.
    export_retention_days: int
    # The regency's rule table as a JSON object's text (chalicelib.attendance.rules, built by runtime.rule_table):
    # SMART_RULES itself, or the content of the file SMART_RULES_FILE; None: the DOMAIN.md defaults.
    rules: str | None
    offline_max_age_h: int
    # SIMPEG imports and syncs: how long a request waits for one (API Gateway cuts at 29 s), how many changes an
    # import applies within the request before handing them to the worker, and the worker function (the
    # SimpegSync Lambda, invoked asynchronously; none: a thread of this process, as in `make run` and tests).
    simpeg_wait_s: float = 25.0
    simpeg_inline_changes: int = 1000
    simpeg_worker_function: str | None = None
    # SMART_REPORT_WORKER_FUNCTION: the function that builds monthly exports in the background (deployed: the
    # ReportWorker Lambda, invoked asynchronously; none: a thread of this process, as in `make run` and tests).
    report_worker_function: str | None = None
    # SMART_MFA_REQUIRED_SUPER_ADMIN: a super admin without confirmed TOTP may only set it up (prod: on).
    mfa_required_super_admin: bool = False
    # SMART_LIVENESS: required (frames must show the asked movement) | review (missing/failed -> review) | off;
    # SMART_LIVENESS_ACTIONS: the movements a challenge may ask, comma-separated.
    liveness: str = "required"
    liveness_actions: tuple[str, ...] = DEFAULT_LIVENESS_ACTIONS
    # SMART_ANTISPOOF (ANTISPOOF_MODES): score check-in selfies with the passive anti-spoof models; when "on", a
    # score at or above SMART_ANTISPOOF_THRESHOLD sends the check-in to review (SPOOF_SUSPECTED). Off by default: on
    # our genuine photos no threshold both caught the spoof samples and stayed under 2 % false spoofs
    # (bench/antispoof_RESULTS.md); "shadow" measures a deployment's own selfies first.
    antispoof: str = "off"
    antispoof_threshold: float = 0.9
    # SMART_PUBLIC_BASE_URL: the origin the web apps are served from (QR codes of the activation sheet); none:
    # the origin of the request that asks for the sheet.
    public_base_url: str | None = None
    # SMART_TRUST_CDN_HEADERS: the API is reached only through SMART's CloudFront (the deployment: its WAF
    # refuses requests without the distribution's secret header), so the viewer's address and host that the
    # distribution writes into its own headers are believed (chalicelib/api/http.py). Off: API Gateway's view.
    trust_cdn_headers: bool = False
    # SMART_EMPLOYEE_TOKEN_TTL_S: an employee's session lasts 30 days by default (an admin's `token_ttl_s`, 12 h):
    # a teacher at the school gate on a weak signal should not type an 18-digit NIP and a password every morning.
    # The session is still ended at once by logout, a password change, a device reset or deactivation, and a
    # stolen one checks in only with the employee's live face.
    employee_token_ttl_s: int = 30 * 86400

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def token_ttl_for(self, role: str) -> int:
        """How long a session of `role` lasts: an employee's `employee_token_ttl_s`, an admin's `token_ttl_s`."""
        return self.employee_token_ttl_s if role == "employee" else self.token_ttl_s

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    @property
    def scores_spoofing(self) -> bool:
        """Check-in selfies get a passive anti-spoof score (SMART_ANTISPOOF shadow or on)."""
        return self.antispoof != "off"


def longest_token_ttl(role: str) -> int:
    """How long a token of `role` may live whatever the setting now: one issued before the setting was shortened
    keeps its own expiry."""
    return EMPLOYEE_TOKEN_TTL_LIMIT_S if role == "employee" else ADMIN_TOKEN_TTL_LIMIT_S


def _get(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def _require(env: Mapping[str, str], name: str, default: str | None = None) -> str:
    value = _get(env, name, default)
    if value is None:
        raise SettingsError(f"{name} must be set")
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    return _number(env, name, default, low, high, parse=int, what="an integer")


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    return _number(env, name, default, low, high, parse=float, what="a number")


def _number(
    env: Mapping[str, str], name: str, default: _N, low: _N, high: _N, *, parse: Callable[[str], _N], what: str
) -> _N:
    """The variable parsed by `parse` (refused with "must be <what>" when it does not parse), within [low, high]."""
    raw = _require(env, name, str(default))
    try:
        value = parse(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be {what}, got {raw!r}") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _require(env, name, "true" if default else "false").lower()
    if raw not in ("true", "false", "1", "0", "on", "off"):
        raise SettingsError(f"{name} must be true or false, got {raw!r}")
    return raw in ("true", "1", "on")


def _stage(env: Mapping[str, str]) -> str:
    stage = _require(env, "SMART_STAGE", "local")
    if stage not in STAGES:
        raise SettingsError(f"SMART_STAGE must be one of {', '.join(STAGES)}, got {stage!r}")
    return stage


def _token_secret(env: Mapping[str, str], stage: str) -> str:
    secret = _get(env, "SMART_TOKEN_SECRET")
    if secret is None:
        if stage != "local":
            raise SettingsError("SMART_TOKEN_SECRET must be set outside the local stage")
        # A fresh random secret per process would log everyone out on every restart of `make run`;
        # the local stage therefore derives a fixed, clearly non-production secret.
        return "local-only-signing-secret-not-for-production"
    if len(secret) < 32:
        raise SettingsError("SMART_TOKEN_SECRET must be at least 32 characters")
    return secret


def _bootstrap_password(env: Mapping[str, str], stage: str) -> str | None:
    password = _get(env, "SMART_BOOTSTRAP_ADMIN_PASSWORD")
    if stage == "local":
        return password or LOCAL_BOOTSTRAP_PASSWORD
    if password == LOCAL_BOOTSTRAP_PASSWORD:
        raise SettingsError("SMART_BOOTSTRAP_ADMIN_PASSWORD may not be the local default outside the local stage")
    if password is not None and len(password) < 12:
        raise SettingsError("SMART_BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters")
    return password


def _timezone(env: Mapping[str, str], stage: str) -> str:
    """The regency's zone; Asia/Jakarta by default on the local stack only. A deployed stage's functions get it from
    the stack's `Timezone`; an operator's tool run from a shell against a stage in WITA or WIT without it would
    judge days in WIB unnoticed (a check-in at 00:30 WITA taken for the day before), so there it must be set."""
    name = _require(env, "SMART_TIMEZONE", "Asia/Jakarta" if stage == "local" else None)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"SMART_TIMEZONE is not a known time zone: {name!r}") from exc
    return name


def build_settings(env: Mapping[str, str]) -> Settings:
    """Build and validate settings from a mapping of environment variables."""
    stage = _stage(env)
    return Settings(
        stage=stage,
        region=_require(env, "AWS_DEFAULT_REGION", _get(env, "AWS_REGION", DEFAULT_REGION)),
        table_prefix=_require(env, "SMART_TABLE_PREFIX", f"smart-{stage}-"),
        bucket=_require(env, "SMART_BUCKET", f"smart-{stage}-data"),
        token_secret=_token_secret(env, stage),
        token_ttl_s=_int(env, "SMART_TOKEN_TTL_S", 12 * 3600, 60, ADMIN_TOKEN_TTL_LIMIT_S),
        employee_token_ttl_s=_int(env, "SMART_EMPLOYEE_TOKEN_TTL_S", 30 * 86400, 60, EMPLOYEE_TOKEN_TTL_LIMIT_S),
        bootstrap_admin_password=_bootstrap_password(env, stage),
        model_dir=Path(_require(env, "SMART_MODEL_DIR", str(Path.home() / ".cache" / "smart" / "models"))),
        face_threads=_int(env, "SMART_FACE_THREADS", 1, 1, 16),
        face_policy=_one_of(env, "SMART_FACE_POLICY", FACE_POLICIES),
        timezone=_timezone(env, stage),
        # A check-in counts at its challenge's issue time: the TTL is how much earlier than its arrival a
        # check-in may count (decision 169: the app uses a challenge within 30 s, its upload gives up at 60 s).
        challenge_ttl_s=_int(env, "SMART_CHALLENGE_TTL_S", 180, 30, 600),
        max_body_bytes=_int(env, "SMART_MAX_BODY_BYTES", 4 * 1024 * 1024, 1024, 6 * 1024 * 1024),
        login_max_failures=_int(env, "SMART_LOGIN_MAX_FAILURES", 5, 1, 100),
        login_lockout_s=_int(env, "SMART_LOGIN_LOCKOUT_S", 900, 1, 86400),
        login_address_max_failures=_int(env, "SMART_LOGIN_ADDRESS_MAX_FAILURES", 30, 1, 10000),
        activation_ttl_s=_int(env, "SMART_ACTIVATION_TTL_S", 7 * 86400, 60, 90 * 86400),
        presign_ttl_s=_int(env, "SMART_PRESIGN_TTL_S", 300, 30, 3600),
        simpeg_url=_get(env, "SMART_SIMPEG_URL"),
        simpeg_api_key=_get(env, "SMART_SIMPEG_API_KEY"),
        simpeg_client_id=_get(env, "SMART_SIMPEG_CLIENT_ID"),
        simpeg_client_secret=_get(env, "SMART_SIMPEG_CLIENT_SECRET"),
        simpeg_token_url=_get(env, "SMART_SIMPEG_TOKEN_URL"),
        simpeg_max_deactivate_share=_float(env, "SMART_SIMPEG_MAX_DEACTIVATE_SHARE", 0.05, 0.0, 1.0),
        gps_max_accuracy_m=_float(env, "SMART_GPS_MAX_ACCURACY_M", 100.0, 5.0, 5000.0),
        max_speed_kmh=_float(env, "SMART_MAX_SPEED_KMH", 250.0, 10.0, 2000.0),
        h3_resolution=_int(env, "SMART_H3_RESOLUTION", 13, *H3_RESOLUTIONS),
        photo_retention_days=_int(env, "SMART_PHOTO_RETENTION_DAYS", 730, 30, 3650),
        face_retention_days=_int(env, "SMART_FACE_RETENTION_DAYS", 90, 1, 3650),
        export_retention_days=_int(env, "SMART_EXPORT_RETENTION_DAYS", 7, 1, 365),
        rules=_rules(env),
        offline_max_age_h=_int(env, "SMART_OFFLINE_MAX_AGE_H", 72, 1, OFFLINE_MAX_AGE_H_LIMIT),
        simpeg_wait_s=_float(env, "SMART_SIMPEG_WAIT_S", 25.0, 0.0, 25.0),
        simpeg_inline_changes=_int(env, "SMART_SIMPEG_INLINE_CHANGES", 1000, 0, 100_000),
        simpeg_worker_function=_get(env, "SMART_SIMPEG_WORKER_FUNCTION"),
        report_worker_function=_get(env, "SMART_REPORT_WORKER_FUNCTION"),
        mfa_required_super_admin=_flag(env, "SMART_MFA_REQUIRED_SUPER_ADMIN", stage == "prod"),
        liveness=_one_of(env, "SMART_LIVENESS", LIVENESS_MODES),
        liveness_actions=_liveness_actions(env),
        antispoof=_antispoof(env),
        antispoof_threshold=_float(env, "SMART_ANTISPOOF_THRESHOLD", 0.9, 0.0, 1.0),
        public_base_url=_get(env, "SMART_PUBLIC_BASE_URL"),
        trust_cdn_headers=_flag(env, "SMART_TRUST_CDN_HEADERS", False),
    )


def _antispoof(env: Mapping[str, str]) -> str:
    raw = _require(env, "SMART_ANTISPOOF", "off").lower()
    return _one_of({"SMART_ANTISPOOF": _ANTISPOOF_ALIASES.get(raw, raw)}, "SMART_ANTISPOOF", ANTISPOOF_MODES)


def _one_of(env: Mapping[str, str], name: str, options: tuple[str, ...]) -> str:
    """The variable, one of `options` (the first is the default)."""
    value = _require(env, name, options[0]).lower()
    if value not in options:
        raise SettingsError(f"{name} must be one of {', '.join(options)}, got {value!r}")
    return value


def _liveness_actions(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = _require(env, "SMART_LIVENESS_ACTIONS", ",".join(DEFAULT_LIVENESS_ACTIONS))
    actions = tuple(dict.fromkeys(a.strip() for a in raw.split(",") if a.strip()))
    unknown = [a for a in actions if a not in LIVENESS_ACTIONS]
    if not actions or unknown:
        raise SettingsError(f"SMART_LIVENESS_ACTIONS must list some of {', '.join(LIVENESS_ACTIONS)}, got {raw!r}")
    return actions


def _rules(env: Mapping[str, str]) -> str | None:
    """The rule table's text: SMART_RULES (e.g. an SSM parameter), or the file SMART_RULES_FILE names."""
    inline, raw_path = _get(env, "SMART_RULES"), _get(env, "SMART_RULES_FILE")
    if inline is not None and raw_path is not None:
        raise SettingsError("Set SMART_RULES or SMART_RULES_FILE, not both")
    if raw_path is not None:
        path = Path(raw_path)
        if not path.is_file():
            raise SettingsError(f"SMART_RULES_FILE does not name a readable file: {raw_path!r}")
        inline, name = path.read_text(encoding="utf-8"), "SMART_RULES_FILE"
    else:
        name = "SMART_RULES"
    if inline is None:
        return None
    try:
        document = json.loads(inline)
    except ValueError as exc:
        raise SettingsError(f"{name} is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise SettingsError(f"{name} must be a JSON object of rule table fields")
    return inline


SECRET_NAME = re.compile(r"^SMART_[A-Z0-9_]+$")

# The settings the deployed template gives every function (infra/merge.py, infra/web.py): the stage's names from
# .chalice/config.json that name the stack's resources, and what the stack wires from its own resources and
# parameters. An SSM parameter of one of these names would part the app from the stack without a word (judging in
# WITA while the schedules run in the stack's WIB, a photo retention the bucket does not keep, metrics of another
# stage that no alarm reads), so the secrets path may not hold one: the start fails naming it. By name, where the
# stack takes it from. infra/merge.py refuses to build a template that sets a setting missing here.
TEMPLATE_SETTINGS: Mapping[str, str] = MappingProxyType(
    {
        "SMART_STAGE": "the stage deployed",
        "SMART_TABLE_PREFIX": "from the stage's environment_variables in .chalice/config.json: change it there",
        "SMART_MODEL_DIR": "from the stage's environment_variables in .chalice/config.json: change it there",
        "SMART_BUCKET": "to its own DataBucket",
        "SMART_TIMEZONE": "from the stack parameter Timezone, which the schedules follow too: change that instead",
        "SMART_PHOTO_RETENTION_DAYS": "from the stack parameter PhotoRetentionDays, which the bucket keeps too: "
        "change that instead",
        "SMART_EXPORT_RETENTION_DAYS": "from the stack parameter ExportRetentionDays, which the bucket keeps too: "
        "change that instead",
        "SMART_SECRETS_SSM_PATH": "from the stack parameter SecretsPath",
        "SMART_SIMPEG_WORKER_FUNCTION": "to its own SimpegSync function",
        "SMART_REPORT_WORKER_FUNCTION": "to its own ReportWorker function",
        "SMART_TRUST_CDN_HEADERS": "on the API behind its WebDistribution",
        "SMART_PUBLIC_BASE_URL": "from the stack parameter WebDomainName: change that instead",
    }
)


def _refuse_template_settings(from_ssm: Mapping[str, str], path: str) -> None:
    """Refuse SSM parameters that would override a setting the template owns (TEMPLATE_SETTINGS)."""
    owned = sorted(name for name in from_ssm if name in TEMPLATE_SETTINGS)
    if owned:
        name, also = owned[0], f" (and {', '.join(owned[1:])})" if owned[1:] else ""
        raise SettingsError(
            f"{name} may not be an SSM parameter{also}: the stack sets it ({TEMPLATE_SETTINGS[name]}). "
            f"Delete {path.rstrip('/')}/{name}."
        )


def _ssm_secrets(path: str, region: str | None) -> dict[str, str]:
    """SMART_* values kept as SSM parameters under `path` (SecureStrings decrypted), by last path segment."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client = boto3.session.Session().client("ssm", region_name=region)
        values: dict[str, str] = {}
        for page in client.get_paginator("get_parameters_by_path").paginate(
            Path=path, Recursive=False, WithDecryption=True
        ):
            for parameter in page.get("Parameters", []):
                name = str(parameter["Name"]).rsplit("/", 1)[-1]
                if SECRET_NAME.match(name):
                    values[name] = str(parameter["Value"])
        return values
    except (BotoCoreError, ClientError) as exc:
        raise SettingsError(f"SMART_SECRETS_SSM_PATH {path!r} could not be read: {type(exc).__name__}") from exc


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    """Settings of this process, from os.environ plus the SSM secrets path when one is set, whose values override
    the environment but for TEMPLATE_SETTINGS, which they may not hold (cached per process: Lambda containers
    reuse them; a failure is not cached, so the next request retries)."""
    env = dict(os.environ)
    path = _get(env, "SMART_SECRETS_SSM_PATH")
    if path:
        from_ssm = _ssm_secrets(path, _get(env, "AWS_DEFAULT_REGION", _get(env, "AWS_REGION")))
        _refuse_template_settings(from_ssm, path)
        env.update(from_ssm)
    return build_settings(env)


def random_secret() -> str:
    """A fresh signing secret, for operators generating one (`python -m chalicelib.settings`)."""
    return secrets.token_urlsafe(48)


if __name__ == "__main__":
    print(random_secret())
