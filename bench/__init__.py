"""Benchmarks: scripts that load realistic data, drive the service and print their figures."""
