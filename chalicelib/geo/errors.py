"""Errors of the geo package.

Every error that can reach a client carries a stable `code` from API.md and a `details` dict; the HTTP
status is chosen once, elsewhere, from `code`. What the employee reads is the code's text in
chalicelib.messages (this package may not import it); a validation error carries words of its own.

Tree::

    GeoError
    ├── GeoValidationError      VALIDATION_ERROR  (bad zone geometry, bad coordinates)
    ├── OutsideZoneError        OUTSIDE_ZONE
    ├── MockLocationError       MOCK_LOCATION
    ├── ImpossibleTravelError   IMPOSSIBLE_TRAVEL
    ├── GpsInaccurateError      GPS_INACCURATE
    ├── StaticFixError          STATIC_FIX        (only when a policy refuses it; default is review)
    ├── StoredCellsError        INTERNAL          (corrupt stored cell data: a server fault)
    └── GeoConfigError          INTERNAL          (bad configuration: fails at start-up, never a client's fault)
"""

from __future__ import annotations

from chalicelib.errors import CodedError


class GeoError(CodedError):
    """Base of every error raised by the geo package."""


class GeoValidationError(GeoError, code="VALIDATION_ERROR", default_message="Data lokasi tidak valid"):
    """A zone geometry or a reported position is malformed; `details` name the field and the problem."""


class OutsideZoneError(GeoError, code="OUTSIDE_ZONE"):
    """The position is in none of the employee's work zones for that day."""


class MockLocationError(GeoError, code="MOCK_LOCATION"):
    """The phone reported that its location is mocked (fake GPS)."""


class ImpossibleTravelError(GeoError, code="IMPOSSIBLE_TRAVEL"):
    """The position is too far from the previous one for the time elapsed."""


class GpsInaccurateError(GeoError, code="GPS_INACCURATE"):
    """The reported GPS accuracy is worse than the configured limit."""


class StaticFixError(GeoError, code="STATIC_FIX"):
    """The exact same coordinates were reported on several earlier days (a sign of fake GPS)."""


class StoredCellsError(GeoError, code="INTERNAL", default_message="Data zona tersimpan rusak"):
    """Stored cell data of a zone cannot be decoded (a server-side fault, not the client's)."""


class GeoConfigError(GeoError, ValueError, code="INTERNAL", default_message="Konfigurasi lokasi tidak valid"):
    """A geo configuration value is out of range (raised when the settings are built, at start-up)."""
