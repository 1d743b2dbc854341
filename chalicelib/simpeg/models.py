"""Plain data shared by the SIMPEG client, import parsing, sync planning and the repositories.

Kept in one module so that the pure planner, the appliers and the lead's DynamoDB adapter agree on one
vocabulary without importing each other. Everything here is a frozen dataclass or a small enum-like
`Literal`; serialisation helpers for runs live next to `SyncRun` because runs are stored and listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Literal

from chalicelib.domain.people import Unit

ChangeKind = Literal["created", "updated", "moved", "deactivated"]
RunStatus = Literal["running", "succeeded", "needs_confirmation", "confirmed", "failed"]
TriggerKind = Literal["schedule", "admin", "confirm", "import"]

#: Reasons why a plan is held back for an admin's confirmation.
GuardReason = Literal[
    "EMPTY_LISTING", "INCOMPLETE_LISTING", "TOO_MANY_DEACTIVATIONS", "MOVES_TO_UNITS_WITHOUT_ZONES", "UNITS_EMPTIED"
]


@dataclass(frozen=True)
class EmployeeRecord:
    """One employee as SIMPEG (or an import) describes them, after mapping and validation."""

    nip: str
    nama: str
    unor_id: str
    unor_nama: str
    jabatan: str = ""
    gelar_depan: str = ""
    gelar_belakang: str = ""
    active: bool = True


@dataclass(frozen=True)
class StoredEmployee(EmployeeRecord):
    """An employee as the store keeps the SIMPEG-owned fields, plus when sync last changed them.

    The store may keep more per employee (enrolment, device binding...): sync never reads or writes it.
    """

    changed_at: str = ""  # UTC ISO 8601 instant of the last change applied by sync/import
    deactivated_at: str | None = None

    def to_record(self) -> EmployeeRecord:
        """The SIMPEG-owned part, used to compare with an incoming record."""
        return EmployeeRecord(**{f.name: getattr(self, f.name) for f in fields(EmployeeRecord)})

    @staticmethod
    def from_record(record: EmployeeRecord, *, changed_at: str, deactivated_at: str | None = None) -> StoredEmployee:
        """The stored form of `record` as of `changed_at`."""
        return StoredEmployee(**asdict(record), changed_at=changed_at, deactivated_at=deactivated_at)


@dataclass(frozen=True)
class Change:
    """One employee change to apply: `after` is the complete new state of the SIMPEG-owned fields."""

    kind: ChangeKind
    after: StoredEmployee
    before: EmployeeRecord | None = None

    @property
    def nip(self) -> str:
        """The employee concerned."""
        return self.after.nip


@dataclass(frozen=True)
class RowError:
    """A record that was not applied: `row` is its position (see the parsers), `message` in Indonesian."""

    row: int
    code: str
    message: str
    nip: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The API shape `{"row", "code", "message"}` (+ "nip" when known)."""
        out: dict[str, object] = {"row": self.row, "code": self.code, "message": self.message}
        if self.nip is not None:
            out["nip"] = self.nip
        return out


@dataclass(frozen=True)
class SyncCounts:
    """Per-outcome counts of a plan or run; `errors` is the number of rejected records."""

    created: int = 0
    updated: int = 0
    moved: int = 0
    deactivated: int = 0
    unchanged: int = 0
    errors: int = 0
    units_upserted: int = 0
    stranded: int = 0  # of `moved`: active employees moved out of units with zones into units without any
    emptied_units: int = 0  # units of `GuardConfig.min_emptied_unit` or more active employees left with none

    def to_dict(self) -> dict[str, int]:
        """Plain dict for storage and the API."""
        return asdict(self)


@dataclass(frozen=True)
class SyncPlan:
    """What a sync or import would do; `blocked_by` non-empty means it must not be applied unconfirmed."""

    changes: tuple[Change, ...]
    units: tuple[Unit, ...]
    counts: SyncCounts
    errors: tuple[RowError, ...] = ()
    blocked_by: tuple[GuardReason, ...] = ()
    active_before: int = 0

    @property
    def blocked(self) -> bool:
        """True when the guard holds this plan back."""
        return bool(self.blocked_by)


@dataclass(frozen=True)
class Listing:
    """Raw upstream records plus what the upstream announced, so truncation can be detected."""

    items: tuple[Mapping[str, object], ...]
    announced_total: int | None
    complete: bool
    problem: str | None = None


@dataclass(frozen=True)
class Trigger:
    """Who or what started a run: the schedule, an admin (by username), or a confirmation of a run."""

    kind: TriggerKind
    actor: str | None = None
    confirms_run_id: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Plain dict for storage and the API."""
        return asdict(self)


@dataclass(frozen=True)
class Confirmation:
    """An admin's explicit go-ahead for a held-back plan.

    It authorises an incomplete listing and at most `max_deactivations` deactivations (the number the
    admin was shown): if a fresh plan would deactivate more, it is held back again.
    """

    max_deactivations: int
    actor: str | None = None


#: How many row errors a run keeps (the counts keep the total); keeps a stored run item small.
MAX_RUN_ERRORS = 100


@dataclass(frozen=True)
class SyncRun:
    """The record of one sync or import run, as stored by the run log and listed by the API."""

    run_id: str
    status: RunStatus
    trigger: Trigger
    started_at: str
    finished_at: str | None = None
    counts: SyncCounts = field(default_factory=SyncCounts)
    errors: tuple[RowError, ...] = ()
    blocked_by: tuple[GuardReason, ...] = ()
    fetched: int = 0
    announced_total: int | None = None
    message: str | None = None
    confirmed_by: str | None = None
    followed_by: str | None = None
    # An import's `status` values taken as inactive, with their rows (`importing.ImportRequest.inactive_statuses`).
    inactive_statuses: Mapping[str, int] = field(default_factory=dict)

    def with_(self, **changes: object) -> SyncRun:
        """A copy with some fields changed (typed wrapper around dataclasses.replace)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict; `from_dict` reads it back. Also the API item shape."""
        return {
            "run_id": self.run_id,
            "status": self.status,
            "trigger": self.trigger.to_dict(),
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "counts": self.counts.to_dict(),
            "errors": [e.to_dict() for e in self.errors],
            "blocked_by": list(self.blocked_by),
            "fetched": self.fetched,
            "announced_total": self.announced_total,
            "message": self.message,
            "confirmed_by": self.confirmed_by,
            "followed_by": self.followed_by,
            "inactive_statuses": dict(self.inactive_statuses),
        }

    @staticmethod
    def from_dict(data: Mapping[str, object]) -> SyncRun:
        """Inverse of `to_dict` (for stores that keep runs as JSON documents)."""
        trigger = data["trigger"]
        counts = data.get("counts") or {}
        errors = data.get("errors") or []
        assert isinstance(trigger, Mapping) and isinstance(counts, Mapping) and isinstance(errors, list)
        total = data.get("announced_total")
        inactive = data.get("inactive_statuses") or {}
        assert isinstance(inactive, Mapping)
        return SyncRun(
            run_id=str(data["run_id"]),
            status=data["status"],  # type: ignore[arg-type]
            trigger=Trigger(**trigger),
            started_at=str(data["started_at"]),
            finished_at=_opt_str(data.get("finished_at")),
            counts=SyncCounts(**counts),
            errors=tuple(RowError(**e) for e in errors),
            blocked_by=tuple(data.get("blocked_by") or ()),  # type: ignore[arg-type]
            fetched=int(data.get("fetched") or 0),  # type: ignore[call-overload]
            announced_total=None if total is None else int(total),  # type: ignore[call-overload]
            message=_opt_str(data.get("message")),
            confirmed_by=_opt_str(data.get("confirmed_by")),
            followed_by=_opt_str(data.get("followed_by")),
            inactive_statuses={str(value): int(rows) for value, rows in inactive.items()},
        )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
