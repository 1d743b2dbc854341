"""An employee's own events on the in-memory twins (the events part of usecases/me.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Principal
from chalicelib.errors import ValidationError
from chalicelib.settings import build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import me
from chalicelib.usecases.schemas.attendance import MyEventsQuery

NIP = "198501012010011001"
OTHER = "199002022015032002"
NOW = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
SETTINGS = build_settings({})
EMPLOYEE = Principal(subject=NIP, role="employee", device_id="android-0001-aaaa")


def recorded(repos: Repositories, nip: str, at: datetime) -> Event:
    local = at.astimezone(SETTINGS.tz).date().isoformat()
    e = Event(new_event_id(nip, at), nip, "in", "accepted", iso(at), iso(at), local, "U1", warnings=())
    repos.events.write_checkin(CheckinWrite(e, f"{nip}#{at.timestamp()}", "body", StoredAnswer(201, {}), at))
    return e


def test_my_events_are_those_of_the_asked_local_days(repos: Repositories) -> None:
    # GIVEN arrivals at 00:30 local time (still the day before in UTC) on Dec 2, 3, 4 and 9, and another's
    days = [datetime(2026, 12, d, 17, 30, tzinfo=UTC) for d in (1, 2, 3, 8)]  # 00:30 local the next day
    mine = [recorded(repos, NIP, at) for at in days]
    recorded(repos, OTHER, days[1])
    # WHEN the employee asks for Dec 3 to Dec 4 (local), THEN exactly those days' events come, oldest first
    page = me.my_events(EMPLOYEE, MyEventsQuery(**{"from": date(2026, 12, 3), "to": date(2026, 12, 4)}), SETTINGS, NOW)
    assert [e.event_id for e in page.items] == [mine[1].event_id, mine[2].event_id]
    # AND by default the last seven days up to today come
    default = me.my_events(EMPLOYEE, MyEventsQuery(), SETTINGS, NOW)
    assert [e.event_id for e in default.items] == [e.event_id for e in mine[2:]]


def test_a_reversed_or_too_long_range_is_refused(repos: Repositories) -> None:
    for start, end in ((date(2026, 12, 5), date(2026, 12, 4)), (date(2026, 9, 1), date(2026, 12, 4))):
        with pytest.raises(ValidationError):
            me.my_events(EMPLOYEE, MyEventsQuery(**{"from": start, "to": end}), SETTINGS, NOW)
