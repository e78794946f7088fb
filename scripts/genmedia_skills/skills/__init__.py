"""Every skill of the bundle as a module: `<skill name with _>.SKILL` is its SkillCLI.

Entry scripts, the `genmedia` console script and cross-skill tools (generation-tasks,
generation-batch) all load skills from here, so a skill is defined exactly once.
"""

import importlib
import importlib.util

NAMES = (
    "giggle-generation-image",
    "giggle-generation-video",
    "giggle-generation-music",
    "giggle-generation-speech",
    "giggle-generation-aimv",
    "giggle-generation-aimv-30",
    "giggle-voice-clone",
    "giggle-generation-avatar",
    "giggle-generation-drama",
    "kie-generation-image",
    "kie-generation-video",
    "kie-generation-music",
    "creatok-generate-image",
    "creatok-generate-video",
    "generation-tasks",
    "generation-batch",
)

# The skills that submit nothing themselves: they work on the runs of all the others.
CROSS_SKILL = ("generation-tasks", "generation-batch")

# What the runtime imports (pyproject's dependencies); requests and jsonschema load lazily.
# referencing comes with jsonschema >= 4.18 (older ones, as Debian ships, lack it).
DEPENDENCIES = ("typer", "requests", "jsonschema", "referencing")


def load(name):
    """The SkillCLI of skill `name` (KeyError for an unknown name). ModuleNotFoundError when a
    dependency is missing: raised now, not halfway through a run that has already submitted."""
    if name not in NAMES:
        raise KeyError(name)
    for module in DEPENDENCIES:
        if importlib.util.find_spec(module) is None:
            raise ModuleNotFoundError("No module named %r" % module, name=module)
    return importlib.import_module("." + name.replace("-", "_"), __name__).SKILL
