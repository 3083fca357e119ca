"""Package layout for setuptools (the metadata is in ``pyproject.toml``).

The shipped data stays at the top level of the repository (``resources/``,
``locales/``, ``docs/``, ``pollutants.json``) and is mapped into the package as
``ecologis.resources``, ``ecologis.locales``, ``ecologis.docs`` and
``ecologis.dictionary_data``, so a built wheel carries it and
:mod:`ecologis.paths` finds it with :func:`importlib.resources.files`.  The Python
packages themselves are discovered (``ecologis`` and every sub-package).
"""

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

DATA_PACKAGES = {
    "ecologis.resources": "resources",
    "ecologis.locales": "locales",
    "ecologis.docs": "docs",
    "ecologis.dictionary_data": ".",
}
DATA_FILES = {
    "ecologis.resources": ["**/*"],
    "ecologis.locales": ["*.json"],
    # Schemas, contract and examples the programs read; the prose (*.md) is not shipped.
    "ecologis.docs": ["**/*.json", "**/*.yaml", "**/*.csv"],
    "ecologis.dictionary_data": ["pollutants.json"],
}



class _BuildPy(build_py):
    """Data packages carry no modules (``ecologis.dictionary_data`` maps the repository
    root, whose ``setup.py`` is not part of the package)."""

    def find_package_modules(self, package, package_dir):
        if package in DATA_PACKAGES:
            return []
        return super().find_package_modules(package, package_dir)


setup(
    cmdclass={"build_py": _BuildPy},
    packages=find_packages(include=["ecologis", "ecologis.*"]) + list(DATA_PACKAGES),
    package_dir=DATA_PACKAGES,
    package_data=DATA_FILES,
    include_package_data=False,
)
