"""Benchmarks print figures; they assert nothing about time (see docs/benchmarks.md)."""
