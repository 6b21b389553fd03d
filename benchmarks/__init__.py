"""Benchmarks and synthetic data for ``reviewer`` (see :mod:`benchmarks.synth`)."""
