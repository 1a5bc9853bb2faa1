"""Packaging details pyproject.toml cannot say: `patterns/` ships as `extractor/patterns_data/`.

The rules stay at the top of the repository (where users edit them); in a wheel or a plain
`pip install .` they are package data, found by `extractor.patterns.patterns_dir()`.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["extractor", "extractor.*"]), "extractor.patterns_data"],
    package_dir={"extractor.patterns_data": "patterns"},
    package_data={"extractor": ["py.typed"], "extractor.patterns_data": ["**/*.jsonl", "**/*.csv"],
                  "extractor.report": ["templates/*"]},
)
