"""Eval suites of reviewer (see evals/README.md)."""
