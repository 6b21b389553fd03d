"""Batch review of many reports: ``runner`` (discovery, worker processes, resumable store), ``worker`` (one file),
``store`` (SQLite), ``cross`` (cross-year and cross-office checks), ``summary`` (CSV, XLSX, dashboard)."""
