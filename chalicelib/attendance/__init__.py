"""Attendance: check-in use cases, schedules, calendar, daily classification and recaps."""
