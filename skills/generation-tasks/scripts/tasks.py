#!/usr/bin/env python3
"""generation-tasks: list, show, check and resume any saved generation task by its task_id.

    python skills/generation-tasks/scripts/tasks.py list
    python skills/generation-tasks/scripts/tasks.py wait --task-id ID

Commands: list, show, status, wait (see --help). Keys as for the skill that made the task.
"""

import sys
from pathlib import Path

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

from genmedia_skills.skills.generation_tasks import SKILL  # noqa: E402

if __name__ == "__main__":
    SKILL.main()
