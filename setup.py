"""Shim for ``scrapyd-deploy`` (scrapyd-client runs ``python setup.py bdist_egg``).

pyproject.toml is the only source of the package's metadata, including the ``scrapy``
entry point scrapyd reads from the egg; see docs/scheduling.md, "Deploying to scrapyd".
"""

from setuptools import setup

setup()
