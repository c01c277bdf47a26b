"""Packaging glue that pyproject.toml cannot say: the top-level resources/ folder travels in the wheel.

It is installed as csrdesk/_resources, where csrdesk.paths.resources_dir() looks for it.
"""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["csrdesk", "csrdesk.*"]) + ["csrdesk._resources"],
    package_dir={"csrdesk._resources": "resources"},
)
