"""Playwright stage: service walks, rendered audits, screenshots (and finding a Chromium)."""
