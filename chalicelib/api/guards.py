"""Access and existence checks a route runs before its fields are validated, with the codes they answer.

A guard is called as `check(principal, **path_params)`; `errors` are the codes it may answer beyond those
every route of its kind may (OpenAPI lists them with the route).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.people import Principal
from chalicelib.usecases import access, directory, zones
from chalicelib.usecases import calendar as cal
from chalicelib.usecases.schemas.common import parse_date


@dataclass(frozen=True)
class Guard:
    check: Callable[..., object]
    errors: tuple[str, ...] = ()


def _holiday_date(principal: Principal, date: str) -> object:
    return parse_date(date, "date")


def _ramadan_year(principal: Principal, year: str) -> object:
    return cal.year_of(year)


def _ramadan_period(principal: Principal, year: str, start_date: str) -> object:
    return cal.year_of(year), parse_date(start_date, "start_date")


SUPER_ADMIN = Guard(access.require_super_admin)
UNIT_IN_SCOPE = Guard(directory.unit_in_scope, ("NOT_FOUND",))
EMPLOYEE_IN_SCOPE = Guard(directory.employee_in_scope, ("NOT_FOUND",))
ZONE_TO_UPDATE = Guard(zones.zone_to_update, ("NOT_FOUND",))
HOLIDAY_DATE = Guard(_holiday_date)
RAMADAN_YEAR = Guard(_ramadan_year)
RAMADAN_PERIOD = Guard(_ramadan_period)
