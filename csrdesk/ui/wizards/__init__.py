"""Wizards: Qt views that only draw a Qt-free flow from csrdesk.domain (each step a page)."""
