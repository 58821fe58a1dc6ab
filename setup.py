"""Packages of the wheel: crawler*, scoring*, and the repository's config/ as crawler.defaults.

Mapping (not moving) config/ keeps the one folder the project, its tests and its docs edit, and
ships whatever is added under it. Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["crawler*", "scoring*"]), "crawler.defaults"],
    package_dir={"crawler.defaults": "config"},
)
