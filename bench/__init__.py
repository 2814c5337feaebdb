"""Benchmarks: long or load runs that do not belong in the test suite."""
