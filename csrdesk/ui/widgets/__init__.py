"""Reusable widgets of the assessment, CAP and library pages."""
