"""Exports for the report team and evaluators: xlsx, CSV, JSON, report.html, audit pages."""
