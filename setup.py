"""The one build step pyproject.toml cannot say: the top-level schemas/ (the source of truth,
which a checkout reads in place) is copied into the package, so a wheel or `pip install .`
works from any folder (config.SCHEMAS_DIR falls back to genmedia_skills/schemas/)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SCHEMAS = Path(__file__).resolve().parent / "schemas"


class BuildPyWithSchemas(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):   # an editable install reads schemas/ in place
            return
        target = Path(self.build_lib) / "genmedia_skills" / "schemas"
        shutil.rmtree(str(target), ignore_errors=True)
        shutil.copytree(str(SCHEMAS), str(target))


setup(cmdclass={"build_py": BuildPyWithSchemas})
