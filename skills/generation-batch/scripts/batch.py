#!/usr/bin/env python3
"""generation-batch: generate a manifest's list of assets together; a re-run resumes.

    python skills/generation-batch/scripts/batch.py run assets.json --simulate --yes

Commands: run, validate (see --help). Keys as for the skills the items use.
"""

import sys
from pathlib import Path

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

from genmedia_skills.skills.generation_batch import SKILL  # noqa: E402

if __name__ == "__main__":
    SKILL.main()
