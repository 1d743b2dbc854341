"""Child process of the local stack: `chalice local`'s server, in several worker processes on one port.

Why not `chalice local` itself: it is one Python process whose threads take turns under the GIL. With eight
phones at once, every check-in's dozen storage round trips each waited for the GIL behind another request's
Python work, and the API stalled at ~11.6 check-ins/s while the machine had CPU to spare (decision 35). On
AWS each request runs in a Lambda container of its own, so several processes are also closer to production.

The parent loads the app and binds the port (chalice's own server objects, routes validated as `chalice local`
does), then forks the workers, which all accept on that socket; models and caches load lazily in each worker.
The workers die with the parent (PR_SET_PDEATHSIG); if one exits, the others are stopped and the parent exits
with an error, so the stack sees a dead API instead of one serving at reduced strength.
Dev tooling only; never shipped to Lambda.

Logs: everything goes to stdout (the stack writes it to `<data dir>/logs/api.log`) as one JSON object per line,
as in the function's CloudWatch log group: the app's lines (chalicelib/observability.py; one "request" line
per request), its CloudWatch EMF metric lines (the ones with an "_aws" key), and, formatted alike, other
libraries' warnings and this supervisor's own lines. Chalice's plain access line is not written: the app's
"request" line says more. Only a crash's traceback or a native library's message can be plain text.

Run (from the project directory): python -m tools.devstack_api --port 8000 --workers 4 [--stage local]
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import signal
import sys
from contextlib import suppress
from pathlib import Path
from types import FrameType
from typing import Any

from tools.devstack import fork_dying_with_parent

log = logging.getLogger("devstack.api")

# What http.server itself refuses before the app sees the request, as the API's error codes (API Gateway's
# gateway responses do the same in AWS: infra/gateway.py). Anything else it refuses: a broken request, 400.
SERVER_REFUSALS = {501: "METHOD_NOT_ALLOWED", 414: "URI_TOO_LONG", 431: "HEADERS_TOO_LARGE"}


def _json_logs() -> None:
    """Root logger as JSON lines on stdout (third-party warnings, this supervisor); no plain access lines."""
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
    from chalice.local import ChaliceRequestHandler

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(LambdaPowertoolsFormatter(service="devstack", utc=True, use_rfc3339=True))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    log.setLevel(logging.INFO)
    ChaliceRequestHandler.log_request = _no_access_line  # type: ignore[method-assign]
    from chalice.local import ThreadedHTTPServer

    ThreadedHTTPServer.handle_error = _request_failed  # type: ignore[method-assign]


def _request_failed(self: Any, request: Any, client_address: Any) -> None:
    """socketserver's report of an exception while serving a request, as a JSON line: it printed a plain
    traceback between lines of dashes into api.log. A client that went away meanwhile (a page closed, a read the
    console aborted) is no error: the answer had nobody to reach."""
    if isinstance(sys.exc_info()[1], ConnectionError):
        return
    log.error("request processing failed", exc_info=True)


def _no_access_line(self: Any, code: int | str = "-", size: int | str = "-") -> None:
    """BaseHTTPRequestHandler.log_request, silenced."""


def _handler_class() -> Any:
    """chalice's request handler, with GET/HEAD of the built web apps (`/app/...`) answered from web/dist
    (tools.devstack_web) before the API sees them: one origin for the app and /v1/, as behind CloudFront."""
    from chalice.local import ChaliceRequestHandler, ForbiddenError, LocalGatewayException

    from tools.assetlinks import from_env
    from tools.devstack_web import StaticAnswer, static_answer

    from_env(os.environ)  # a malformed SMART_TWA_* setting stops the stack here, not on Android's first fetch

    class Handler(ChaliceRequestHandler):
        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """http.server's own refusals (a method the app has no handler for, e.g. TRACE; more than 100
            headers; a request line over 64 KiB; a broken request) in the API's error shape, never HTML."""
            self._api_error(SERVER_REFUSALS.get(code, "VALIDATION_ERROR"))

        def _send_error_response(self, error: LocalGatewayException) -> None:
            """The local gateway's own refusal of a path no route matches (deeper than the API's catch-all
            routes) in the API's error shape, as infra/gateway.py makes API Gateway's: 404 NOT_FOUND."""
            if isinstance(error, ForbiddenError):
                self._api_error("NOT_FOUND")
            else:
                super()._send_error_response(error)

        def _api_error(self, code: str) -> None:
            from chalicelib.api.errors import error_response

            answer = error_response(code)
            body = str(answer.body).encode("utf-8")
            self.close_connection = True
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                self.send_header(name, str(value))
            self.send_header("Connection", "close")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _web(self, answer: StaticAnswer, with_body: bool) -> None:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if with_body:
                self.wfile.write(answer.body)

        def do_GET(self) -> None:  # noqa: N802 (BaseHTTPRequestHandler's name)
            answer = static_answer(self.path)
            if answer is None:
                self._generic_handle()
            else:
                self._web(answer, with_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            answer = static_answer(self.path)
            if answer is None:
                self._generic_handle()
            else:
                self._web(answer, with_body=False)

    return Handler


def _server(project_dir: Path, host: str, port: int, stage: str) -> Any:
    """chalice's LocalDevServer for the app in `project_dir`, its socket bound (as `chalice local` makes it),
    its handler also serving the web apps."""
    from chalice.cli.factory import CLIFactory
    from chalice.deploy.validate import validate_routes
    from chalice.local import ThreadedHTTPServer, create_local_server

    # socketserver's default backlog is 5 connections: a burst of phones (or of a test's threads) at once
    # overflowed it and connections were reset. The kernel caps it at net.core.somaxconn.
    ThreadedHTTPServer.request_queue_size = 128
    os.environ["AWS_CHALICE_CLI_MODE"] = "true"  # what the chalice CLI sets for any command
    config = CLIFactory(str(project_dir), environ=os.environ).create_config_obj(chalice_stage_name=stage)
    app = config.chalice_app
    validate_routes(app.routes)  # as `chalice local` does: what `chalice deploy` would refuse fails here too
    server = create_local_server(app, config, host, port)
    server.server.RequestHandlerClass = functools.partial(_handler_class(), app_object=app, config=config)
    return server


def _fork_worker(server: Any) -> int:
    pid = fork_dying_with_parent()
    if pid:
        return pid
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        server.server.serve_forever()
    finally:
        os._exit(1)  # a worker never returns into the parent's code


def _stop(workers: list[int]) -> None:
    for pid in workers:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in workers:
        with suppress(ChildProcessError):
            os.waitpid(pid, 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stage", default="local")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    _json_logs()
    server = _server(Path.cwd(), args.host, args.port, args.stage)
    workers = [_fork_worker(server) for _ in range(args.workers)]
    server.server.socket.close()  # the workers hold it; the parent only supervises
    log.info(f"Serving on http://{args.host}:{args.port} with {args.workers} worker processes")

    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        _stop(workers)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        pid, status = os.wait()
    except ChildProcessError:
        return 0
    if stopping:
        return 0
    log.error(f"devstack_api: worker {pid} exited (status {status}); stopping the others")
    workers.remove(pid)
    _stop(workers)
    return 1


if __name__ == "__main__":
    sys.exit(main())
