"""Batch review of many reports (see the batch issue); not implemented yet."""
