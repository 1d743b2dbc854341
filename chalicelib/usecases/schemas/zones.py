"""Requests and results of work zones, unit zones and field-duty assignments (API.md "Work zones")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field

from chalicelib.geo.shapes import invalid as geo_invalid
from chalicelib.geo.shapes import is_finite_number
from chalicelib.usecases.schemas.common import (
    STRING_LIST,
    UNIQUE,
    Day,
    Nip,
    NonEmpty,
    OnePageQuery,
    Page,
    Query,
    Recapped,
    Request,
    Result,
    Text100,
    Text120,
    Text500,
    absent_when_none,
    choice,
    documented_as_required,
    enum_schema,
    invalid,
)

SHAPE_KEYS = ("polygon", "circle", "geojson", "holes")
YES_NO = ("true", "false")


# The geo package's own words for a shape that cannot be read (it checks everything else about shapes).
NOT_A_NUMBER = geo_invalid("circle", "not_a_number").message
BAD_FORMAT = geo_invalid("zone", "bad_format").message


def _coordinate(value: object) -> object:
    if not is_finite_number(value):
        raise invalid("not_a_number", NOT_A_NUMBER)
    return value


def _shaped(kind: type) -> Any:
    def check(value: object) -> object:
        if value is not None and not isinstance(value, kind):
            raise invalid("bad_format", BAD_FORMAT)
        return value

    return BeforeValidator(check)


Coordinate = Annotated[float, BeforeValidator(_coordinate)]


class Circle(Request):
    model_config = ConfigDict(
        **Request.model_config, json_schema_extra=documented_as_required("lat", "lon", "radius_m")
    )

    # Defaults only so that a missing number is answered like a wrong one (as the geo package did).
    lat: Coordinate = Field(default=None, validate_default=True, description="Latitude of the centre.")
    lon: Coordinate = Field(default=None, validate_default=True, description="Longitude of the centre.")
    radius_m: Coordinate = Field(
        default=None, validate_default=True, description="Radius in metres (the zone limits apply)."
    )


class ZoneShape(Request):
    """Exactly one form: `polygon` (+ `holes`), `circle`, or `geojson`. Ring rules, area, size and being inside
    the regency are checked when the cells are built."""

    polygon: Annotated[list[Any] | None, _shaped(list)] = Field(
        default=None, description="Outer ring: [[lat, lon], ...], at least 3 vertices."
    )
    holes: Annotated[list[Any] | None, _shaped(list)] = Field(
        default=None, description="Holes of a polygon: [[[lat, lon], ...], ...]."
    )
    circle: Annotated[Circle | None, _shaped(dict)] = None
    geojson: Annotated[dict[str, Any] | None, _shaped(dict)] = Field(
        default=None, description="A GeoJSON Polygon or a Feature holding one ([lon, lat] order)."
    )

    def shape_spec(self) -> dict[str, Any]:
        """The shape in the form the geo package reads (only the keys that were sent)."""
        spec: dict[str, Any] = {}
        for key in SHAPE_KEYS:
            if key in self.model_fields_set:
                value = getattr(self, key)
                spec[key] = value.model_dump() if isinstance(value, Circle) else value
        return spec


class CreateZoneRequest(ZoneShape):
    name: Text120


class UpdateZoneRequest(ZoneShape):
    name: Text120 | None = Field(default=None, description="Kept when absent.")
    version: int | None = Field(
        default=None,
        ge=1,
        description="The zone's version the change was drawn from: 409 CONFLICT when another admin changed the zone "
        "since (absent: whatever the current version is).",
    )


class ZoneSummary(Result):
    zone_id: str
    name: str
    kind: str = Field(json_schema_extra={"enum": ["polygon", "circle"]})
    resolution: int = Field(description="H3 resolution of the zone's cells.")
    cell_count: int
    version: int
    purpose: str = Field(json_schema_extra={"enum": ["unit", "assignment"]})


class CircleGeometry(Result):
    lat: float
    lon: float
    radius_m: float


class Geometry(Result):
    """A zone's shape as stored: `{polygon, holes?}` or `{circle}` ([lat, lon] points)."""

    polygon: list[list[float]] | None = absent_when_none("Outer ring: [[lat, lon], ...].")
    holes: list[list[list[float]]] | None = absent_when_none("Holes of the polygon, when it has any.")
    circle: CircleGeometry | None = absent_when_none()


class ZoneView(ZoneSummary):
    geometry: Geometry = Field(description="The zone as stored: `{polygon, holes?}` or `{circle}`.")
    cells: list[str] | None = absent_when_none(
        "With `cells=true` only: the zone's H3 cells as stored and judged (compacted, hexadecimal; uncompacted at"
        " `resolution` they are `cell_count` cells)."
    )


class ZoneQuery(Query):
    cells: Annotated[str | None, choice(YES_NO, "Nilai cells harus true atau false."), enum_schema(YES_NO)] = Field(
        default=None, description="`true`: the answer carries the zone's H3 cells (`cells`)."
    )


class ZonesQuery(OnePageQuery):
    geometry: Annotated[str | None, choice(YES_NO, "Nilai geometry harus true atau false."), enum_schema(YES_NO)] = (
        Field(default=None, description="`true`: each item carries its geometry (a map of every zone in one read).")
    )


class ZoneListItem(ZoneSummary):
    geometry: Geometry | None = absent_when_none("With `geometry=true` only.")


class ZonePage(Page[ZoneListItem]):
    pass


class ZoneDeleted(Result):
    zone_id: str
    deleted: bool


class UnitZonesRequest(Request):
    zone_ids: Annotated[list[NonEmpty], STRING_LIST, Field(max_length=50), UNIQUE]
    expected_zone_ids: Annotated[list[NonEmpty] | None, STRING_LIST, Field(max_length=50), UNIQUE] = Field(
        default=None,
        description="The unit's zones as the caller read them, the list it changed: 409 when they are no longer these "
        "(another change landed since that read), unless they are already `zone_ids` (a retry).",
    )


class UnitZones(Result):
    unor_id: str
    zone_ids: list[str]


class AssignmentRequest(ZoneShape):
    nips: Annotated[list[Nip], STRING_LIST, Field(max_length=90), UNIQUE] = Field(
        description="Employees on field duty."
    )
    start_date: Day
    end_date: Day = Field(description="On or after `start_date`, at most 366 days later.")
    letter_no: Text100 = Field(description="Number of the assignment letter (surat tugas).")
    reason: Text500


class AssignmentCreated(Result):
    assignment_id: str
    zone_id: str | None = Field(description="The letter's area; null for a letter without one (as the list has it).")
    cell_count: int
    recapped: Recapped
