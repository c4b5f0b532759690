"""Benchmarks: one command per area writes results under bench/results/."""
