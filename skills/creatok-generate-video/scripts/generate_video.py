#!/usr/bin/env python3
"""creatok-generate-video: video generation on CreatOK, with a cost estimate and a confirmation gate.

    python skills/creatok-generate-video/scripts/generate_video.py run --simulate --yes --prompt "a lighthouse at dusk"

Commands: run, submit, status, wait, list, models (see --help). Needs CREATOK_API_KEY unless --simulate.
"""

import sys
from pathlib import Path

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

from genmedia_skills.skills.creatok_generate_video import SKILL  # noqa: E402

if __name__ == "__main__":
    SKILL.main()
