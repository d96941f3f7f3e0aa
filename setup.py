"""Build the package: everything is in pyproject.toml, except where the notebooks go.

The notebooks ship inside the package, as ``coursekit/notebooks/`` in a wheel, so that
``python -m coursekit get FOLDER`` copies the course out of an installed package.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["ganlib*", "coursekit*"]), "coursekit.notebooks"],
      package_dir={"coursekit.notebooks": "notebooks"},
      package_data={"coursekit.notebooks": ["*.ipynb"]})
