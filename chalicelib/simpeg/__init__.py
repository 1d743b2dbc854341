"""SIMPEG capability: upstream client, import parsing, guarded idempotent sync of employees and units.

Callers (routes, schedules) use the names exported here; the storage is reached only through the
protocols in `repository.py`.
"""

from chalicelib.domain.people import Unit
from chalicelib.simpeg.client import ApiKeyAuth, ClientConfig, OAuth2ClientCredentials, SimpegClient
from chalicelib.simpeg.errors import (
    SimpegConflictError,
    SimpegError,
    SimpegNotFoundError,
    SimpegUnavailableError,
    SimpegValidationError,
)
from chalicelib.simpeg.importing import ImportRequest, parse_import_csv, parse_import_json
from chalicelib.simpeg.mapping import FieldMapping, ListingShape, default_mapping, map_listing
from chalicelib.simpeg.memory import InMemoryEmployeeRepository, InMemoryRunLog
from chalicelib.simpeg.models import (
    Change,
    Confirmation,
    EmployeeRecord,
    Listing,
    RowError,
    StoredEmployee,
    SyncCounts,
    SyncPlan,
    SyncRun,
    Trigger,
)
from chalicelib.simpeg.planning import GuardConfig, plan_sync
from chalicelib.simpeg.repository import EmployeeRepository, RunLog
from chalicelib.simpeg.sync import (
    WORKER_DEADLINE_S,
    ImportResult,
    ListingSource,
    Stores,
    SyncConfig,
    apply_import,
    apply_plan,
    confirm_run,
    confirmation_of,
    fail_run,
    plan_import,
    reopen_confirmation,
    run_import,
    run_sync,
    settle_abandoned,
    start_confirmation,
    start_run,
)
from chalicelib.simpeg.validation import RecordBatch, nip_problem

__all__ = [
    "WORKER_DEADLINE_S",
    "ApiKeyAuth",
    "Change",
    "ClientConfig",
    "Confirmation",
    "EmployeeRecord",
    "EmployeeRepository",
    "FieldMapping",
    "GuardConfig",
    "ImportRequest",
    "ImportResult",
    "InMemoryEmployeeRepository",
    "InMemoryRunLog",
    "Listing",
    "ListingShape",
    "ListingSource",
    "OAuth2ClientCredentials",
    "RecordBatch",
    "RowError",
    "RunLog",
    "SimpegClient",
    "SimpegConflictError",
    "SimpegError",
    "SimpegNotFoundError",
    "SimpegUnavailableError",
    "SimpegValidationError",
    "StoredEmployee",
    "Stores",
    "SyncConfig",
    "SyncCounts",
    "SyncPlan",
    "SyncRun",
    "Trigger",
    "Unit",
    "apply_import",
    "apply_plan",
    "confirm_run",
    "confirmation_of",
    "default_mapping",
    "fail_run",
    "map_listing",
    "nip_problem",
    "parse_import_csv",
    "parse_import_json",
    "plan_import",
    "plan_sync",
    "reopen_confirmation",
    "run_import",
    "run_sync",
    "settle_abandoned",
    "start_confirmation",
    "start_run",
]
