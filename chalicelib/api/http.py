"""Request plumbing shared by every route: body parsing, auth, JSON answers, error capture.

Routes are declared with ``endpoint(bp, "METHOD /path", auth_as=...)`` instead of ``bp.route``: the wrapper
reads the body itself (Chalice's own JSON parsing answers in a different error shape), enforces the size
limit, authenticates, parses the body and query into the declared models (``chalicelib.api.binding``), names
the caller to the audit log while the route works (``chalicelib.domain.audit.acting_as``: the role they act in
goes on their entries), turns every exception into the one error shape of API.md, and marks every answer
``Cache-Control: no-store``.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import typing
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any, Literal

from chalice.app import Blueprint, Chalice, Request, Response
from pydantic import BaseModel

from chalicelib import runtime
from chalicelib.api import binding
from chalicelib.api.errors import error_response, exception_response, json_response
from chalicelib.api.guards import Guard
from chalicelib.api.telemetry import RequestLog
from chalicelib.domain.audit import acting_as
from chalicelib.domain.people import Principal
from chalicelib.errors import (
    ForbiddenError,
    HeadersTooLargeError,
    PayloadTooLargeError,
    SmartError,
    UnsupportedMediaTypeError,
    UriTooLongError,
    ValidationError,
)
from chalicelib.settings import Settings, load_settings
from chalicelib.store.base import bind_cursor, unbind_cursor
from chalicelib.usecases import access, auth, mfa
from chalicelib.usecases.schemas.common import is_encodable, load_json

# "any": any role's token; every token is checked against the stored account (`auth.authenticate`).
Auth = Literal["none", "employee", "admin", "super_admin", "any"]
# Chalice would answer other content types itself, in its own error shape; Call.json() answers them instead.
ACCEPTED_CONTENT_TYPES = ["*/*"]
JSON_TYPES = ("application/json", "text/plain", "")
ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
# Below API Gateway's own limits (8,192 characters of URL, 10,240 bytes of request line and headers), so that
# the app answers 414/431 in the API's error shape for whatever the gateway lets through.
MAX_URI_CHARS = 4096
MAX_HEADER_BYTES = 8192
# Methods that only read: every other method changes state, and an auditor is refused it (own-account routes
# excepted: logout, own password, own MFA set-up), whatever the route's use case checks.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Written by SMART's CloudFront distribution on every /v1/ request (infra/web.py), overwriting whatever the
# viewer sent: the viewer's IP address and the host name the viewer addressed.
VIEWER_ADDRESS_HEADER = "x-smart-viewer-address"
VIEWER_HOST_HEADER = "x-smart-viewer-host"
# Every answer is one caller's (a token, names, NIPs, photo links, a recap file): no browser or proxy may keep it.
CACHE_CONTROL = "no-store"


class Call:
    """What a route function receives: the caller, the parsed request, the settings, the clock."""

    def __init__(self, request: Request, principal: Principal | None, settings: Settings, now: datetime):
        self.request = request
        self.principal_or_none = principal
        self.settings = settings
        self.now = now

    @property
    def principal(self) -> Principal:
        if self.principal_or_none is None:  # pragma: no cover - guarded by endpoint(auth=...)
            raise RuntimeError("route declared without auth asks for a principal")
        return self.principal_or_none

    @property
    def source_address(self) -> str | None:
        """The client's address. Behind SMART's CloudFront (`settings.trust_cdn_headers`) API Gateway's
        `sourceIp` is an edge server's, so the viewer address the distribution's function wrote
        (VIEWER_ADDRESS_HEADER) is taken; otherwise, or when that header is not an address, `sourceIp`."""
        if self.settings.trust_cdn_headers:
            viewer = _ip_address(self._header(VIEWER_ADDRESS_HEADER))
            if viewer is not None:
                return viewer
        context: Any = self.request.context or {}
        identity = context.get("identity") if isinstance(context, dict) else None
        address = identity.get("sourceIp") if isinstance(identity, dict) else None
        return str(address) if address else None

    @property
    def origin(self) -> str:
        """`scheme://host` the client addressed (`X-Forwarded-Proto` and `Host`; behind SMART's CloudFront,
        which sends API Gateway its own host name, the viewer's host from VIEWER_HOST_HEADER)."""
        scheme = (self._header("x-forwarded-proto") or "http").split(",")[0].strip()
        viewer_host = self._header(VIEWER_HOST_HEADER) if self.settings.trust_cdn_headers else None
        host = viewer_host or self._header("host") or "localhost"
        return f"{scheme}://{host}"

    def _header(self, name: str) -> str | None:
        headers: Any = self.request.headers or {}
        value = headers.get(name)
        if value is None:
            return None
        return str(value).strip() or None

    def raw_body(self) -> bytes:
        body = self.request.raw_body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        if len(body) > self.settings.max_body_bytes:
            raise PayloadTooLargeError(details={"max_bytes": self.settings.max_body_bytes})
        return body

    def content_type(self) -> str:
        headers: Any = self.request.headers or {}
        return str(headers.get("content-type", "application/json")).split(";")[0].strip().lower()

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; anything else is VALIDATION_ERROR (or 415 for another content type)."""
        raw = self.raw_body()
        if self.content_type() not in JSON_TYPES and not self.content_type().endswith("+json"):
            raise UnsupportedMediaTypeError(
                details={"content_type": self.content_type(), "expected": "application/json"}
            )
        if not raw.strip():
            raise ValidationError("Badan permintaan kosong.", {"body": "a JSON object is required"})
        data = load_json(raw)
        if not isinstance(data, dict):
            raise ValidationError("Badan permintaan harus berupa objek JSON.", {"body": "must be a JSON object"})
        return data


def _ip_address(text: str | None) -> str | None:
    """`text` as a normalised IPv4 or IPv6 address; None when it is not one."""
    try:
        return str(ipaddress.ip_address(text)) if text else None
    except ValueError:
        return None


Handler = Callable[..., Any]


def check_request(request: Request) -> None:
    """What every request must be before any route reads it: a URI of at most MAX_URI_CHARS (414), headers
    of at most MAX_HEADER_BYTES (431), and a path, query and headers that are valid text (400: an unpaired
    surrogate in them could not be logged or echoed in an answer)."""
    event: Any = request.to_original_event()
    path = str(event.get("path") or request.context.get("path") or request.path)
    params: Any = request.query_params or {}
    pairs = [(str(name), str(value)) for name in params for value in params.getlist(name)]
    if len(path) + sum(len(name) + len(value) + 2 for name, value in pairs) > MAX_URI_CHARS:
        raise UriTooLongError(details={"max_chars": MAX_URI_CHARS})
    headers: Any = request.headers or {}
    header_pairs = [(str(name), str(value)) for name, value in headers.items()]
    if sum(len(name) + len(value) + 4 for name, value in header_pairs) > MAX_HEADER_BYTES:
        raise HeadersTooLargeError(details={"max_bytes": MAX_HEADER_BYTES})
    texts = [path, *(request.uri_params or {}).values(), *(t for pair in (*pairs, *header_pairs) for t in pair)]
    if not all(is_encodable(text) for text in texts):
        raise ValidationError("Alamat atau header berisi karakter yang tidak valid.", {"request": "invalid text"})


def _authenticate(  # noqa: PLR0917 - the route declaration, passed through
    request: Request,
    settings: Settings,
    now: datetime,
    needed: Auth,
    mfa_setup: bool = False,
    auditor_may: bool = False,
) -> Principal | None:
    if needed == "none":
        return None
    headers: Any = request.headers or {}
    header = headers.get("authorization")
    principal = auth.authenticate(header, settings, now)
    if needed == "employee" and principal.role != "employee":
        raise ForbiddenError()
    if needed == "admin":
        access.require_admin(principal)
    if needed == "super_admin":
        reads = request.method.upper() in READ_METHODS
        (access.require_regency_reader if reads else access.require_super_admin)(principal)
    if request.method.upper() not in READ_METHODS and not (auditor_may or mfa_setup):
        access.require_may_change(principal)
    if not mfa_setup:
        mfa.require_set_up(principal, settings)
    return principal


def _acting(principal: Principal | None) -> AbstractContextManager[None]:
    """The request's caller named for the audit log (`chalicelib.domain.audit.acting_as`): an entry they write
    without a role keeps the one they act in now ("employee" for an employee); nothing for an anonymous call."""
    return acting_as(principal.subject, principal.role) if principal is not None else nullcontext()


def _answer(
    result: BaseModel | Response, status: int, model: type[BaseModel] | None, accepted: type[BaseModel] | None
) -> Response:
    if isinstance(result, Response):
        return result
    if accepted is not None and isinstance(result, accepted):
        binding.check_result(accepted, result)
        return json_response(202, binding.render(result))
    binding.check_result(model, result)
    return json_response(status, binding.render(result))


def _inputs(
    call: Call, body: type[BaseModel] | None, query: type[BaseModel] | None, guard: Guard | None, params: dict[str, str]
) -> dict[str, BaseModel]:
    """The parsed body and query. A malformed body is refused first, then the guard's access and existence
    checks (403/404) run, and only then the fields are validated: the order the answers always had."""
    data = call.json() if body is not None else None
    if guard is not None:
        guard.check(call.principal, **params)
    inputs: dict[str, BaseModel] = {}
    if body is not None and data is not None:
        inputs["body"] = binding.parse(body, data)
    if query is not None:
        inputs["query"] = binding.parse(query, binding.query_values(call.request.query_params))
    return inputs


def _list_scope(route: str, params: dict[str, str], query: BaseModel | None) -> str:
    """Which list a `next` cursor belongs to: the route, its path parameters and every query filter but `next`
    (a cursor of one unit's or one date's list read with another is refused, not an empty page)."""
    filters = query.model_dump_json(exclude={"next"}) if query is not None else ""
    return f"{route} {json.dumps(params, sort_keys=True)} {filters}"


def _unbound(inputs: dict[str, BaseModel], scope: str) -> dict[str, BaseModel]:
    """The inputs with a query's `next` cursor checked to be one this list handed out (`store.base.bind_cursor`)
    and unwrapped for the use case."""
    query = inputs.get("query")
    cursor = getattr(query, "next", None)
    if query is not None and isinstance(cursor, str) and cursor:
        inputs["query"] = query.model_copy(update={"next": unbind_cursor(scope, cursor)})
    return inputs


def _bound(result: BaseModel | Response, scope: str) -> BaseModel | Response:
    """A page's `next` cursor tied to this list (`_list_scope`, `store.base.bind_cursor`)."""
    cursor = getattr(result, "next", None)
    if isinstance(result, BaseModel) and isinstance(cursor, str):
        return result.model_copy(update={"next": bind_cursor(scope, cursor)})
    return result


class Routes(Blueprint):
    """The routes of one API area: a Chalice blueprint whose endpoints share one OpenAPI tag."""

    def __init__(self, import_name: str, tag: str) -> None:
        super().__init__(import_name)
        self.tag = tag


def _declared_model(annotation: object) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def endpoint(
    bp: Blueprint | Chalice,
    route: str,
    *,
    auth_as: Auth,
    status: int = 200,
    response: type[BaseModel] | None = None,
    raw_body: type[BaseModel] | None = None,
    guard: Guard | None = None,
    roles: tuple[str, ...] = (),
    errors: tuple[str, ...] = (),
    tag: str | None = None,
    accepted: type[BaseModel] | None = None,
    mfa_setup: bool = False,
    own_account: bool = False,
    changes_nothing: bool = False,
) -> Callable[[Handler], Handler]:
    """Register the route `"METHOD /path"` whose function takes (call, [body: Model], [query: Model],
    **path_params) and returns a result model (or a Response it built itself, e.g. a CSV). The body and query
    models are read from the function's parameters `body` and `query`, the result model from its return
    annotation (`response` names it when the function answers something else). `guard` runs the use case's
    access and existence checks before the fields are validated. For OpenAPI:
    `raw_body` documents a body the route reads itself, `roles` narrows the roles `auth_as` admits when the
    use case checks more, `errors` are the codes the route may answer besides the ones every route of its
    kind may, `tag` is its group (by default its area's, the tag of `bp`), `accepted` the model of a 202 answer
    the function may return instead of its result (work that goes on in the background). `mfa_setup` admits a
    super admin who must set MFA up first (every other route refuses them, see usecases/mfa.py). A route whose
    method changes state refuses an auditor (403) before its body is read, unless it acts on the caller's own
    account (`own_account`, or `mfa_setup`) or changes no data (`changes_nothing`: a POST that starts a report);
    a `super_admin` GET also admits a regency-wide auditor."""
    auditor_may = own_account or mfa_setup or changes_nothing
    method, path = route.split(" ", 1)
    group = tag if tag is not None else bp.tag if isinstance(bp, Routes) else ""
    guard_errors = guard.errors if guard is not None else ()

    def decorate(func: Handler) -> Handler:
        hints = typing.get_type_hints(func)
        body, query = _declared_model(hints.get("body")), _declared_model(hints.get("query"))
        result_model = response or _declared_model(hints.get("return"))
        binding.ENDPOINTS.append(
            binding.Endpoint(
                path,
                method,
                auth_as,
                status,
                body,
                query,
                result_model,
                raw_body,
                roles,
                (*errors, *guard_errors),
                group,
                func,
                accepted,
                auditor_may,
            )
        )

        @functools.wraps(func)
        def view(**params: str) -> Response:
            request = bp.current_request
            assert request is not None
            log = RequestLog(request, path)
            with log.context():
                principal: Principal | None = None
                try:
                    check_request(request)
                    settings = load_settings()
                    runtime.ensure_ready(settings)
                    now = datetime.now(UTC)
                    principal = _authenticate(request, settings, now, auth_as, mfa_setup, auditor_may)
                    with _acting(principal):  # the caller's role on the audit entries they write
                        call = Call(request, principal, settings, now)
                        inputs = _inputs(call, body, query, guard, params)
                        scope = _list_scope(f"{method} {path}", params, inputs.get("query"))
                        inputs = _unbound(inputs, scope)
                        result = func(call, **inputs, **params)
                        response = _answer(_bound(result, scope), status, result_model, accepted)
                except Exception as exc:  # every error becomes the API error shape
                    response = exception_response(exc)
                return _sent(log, response, principal)

        bp.route(path, methods=[method], content_types=ACCEPTED_CONTENT_TYPES)(view)
        return func

    return decorate


def _sent(log: RequestLog, response: Response, principal: Principal | None) -> Response:
    """An answer as it leaves: never to be stored (CACHE_CONTROL), with its X-Request-Id, log line and metrics."""
    response.headers.setdefault("Cache-Control", CACHE_CONTROL)
    return log.finish(response, principal)


def install_fallbacks(app: Chalice, depth: int = 7) -> None:
    """Answer unknown paths (404 NOT_FOUND) and wrong methods (405) in the API's error shape.

    Every registered path gets the methods it lacks, and catch-all routes ``/{p1}/.../{pN}`` take any
    other path (Chalice tries concrete routes first). API Gateway gateway responses in infra/ cover what
    its router answers before reaching the function.
    """
    for path, entries in list(app.routes.items()):
        missing = [m for m in ALL_METHODS if m not in entries]
        if missing:
            app.route(path, methods=missing, content_types=ACCEPTED_CONTENT_TYPES)(
                _fallback(app, path, _method_not_allowed)
            )
    for level in range(1, depth + 1):
        pattern = "".join(f"/{{p{i}}}" for i in range(1, level + 1))
        if pattern not in app.routes:
            app.route(pattern, methods=ALL_METHODS, content_types=ACCEPTED_CONTENT_TYPES)(
                _fallback(app, pattern, _not_found)
            )


def _fallback(app: Chalice, route: str, answer: Callable[[], Response]) -> Handler:
    """A fallback's view, logged like any route."""

    def view(**_: str) -> Response:
        request = app.current_request
        assert request is not None
        log = RequestLog(request, route)
        with log.context():
            try:
                check_request(request)
            except SmartError as exc:  # 414, 431 or bad text take precedence over 404/405
                return _sent(log, exception_response(exc), None)
            return _sent(log, answer(), None)

    view.__name__ = answer.__name__
    return view


def _method_not_allowed() -> Response:
    return error_response("METHOD_NOT_ALLOWED")


def _not_found() -> Response:
    return error_response("NOT_FOUND", "Alamat tidak ditemukan.")
