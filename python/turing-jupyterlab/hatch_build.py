"""Refuses to build a wheel without the staged labextensions.

scripts/build-wheel.sh copies each built extension (with its install.json)
into turing_jupyterlab/labextensions/@turing/<name>; without them the wheel
would silently carry no extensions at all.
"""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

EXTENSIONS = ("client", "environments", "jobs", "models")
REQUIRED_FILES = ("package.json", "install.json")


class StagedLabextensionsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        staged = Path(self.root) / "turing_jupyterlab" / "labextensions" / "@turing"
        missing = [
            str(staged / name / file)
            for name in EXTENSIONS
            for file in REQUIRED_FILES
            if not (staged / name / file).is_file()
        ]
        if missing:
            raise RuntimeError(
                "turing-jupyterlab: labextensions not staged (missing "
                + ", ".join(missing)
                + "); build with scripts/build-wheel.sh"
            )
