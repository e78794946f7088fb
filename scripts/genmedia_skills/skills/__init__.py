"""Every skill of the bundle as a module: `<skill name with _>.SKILL` is its SkillCLI.

Entry scripts, the `genmedia` console script and cross-skill tools (generation-tasks,
generation-batch) all load skills from here, so a skill is defined exactly once.
"""

import importlib

NAMES = (
    "giggle-generation-image",
    "giggle-generation-video",
    "giggle-generation-music",
    "giggle-generation-speech",
    "giggle-generation-aimv",
    "giggle-generation-aimv-30",
    "generation-tasks",
    "generation-batch",
)


def load(name):
    """The SkillCLI of skill `name` (KeyError for an unknown name)."""
    if name not in NAMES:
        raise KeyError(name)
    return importlib.import_module("." + name.replace("-", "_"), __name__).SKILL
