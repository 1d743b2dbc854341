"""Benchmarks: run on purpose, print figures; never part of the tests."""
