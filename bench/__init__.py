"""Benchmarks: each module has ``main(argv)`` and writes its figures to ``bench/results/``."""
