#!/usr/bin/env python3
"""kie-generation-video: video generation on KIE AI (jobs API).

    python skills/kie-generation-video/scripts/generate_video.py run --simulate --prompt "a lighthouse at dusk"

Commands: run, submit, status, wait, list (see --help). Needs KIE_AI_API_KEY unless --simulate.
"""

import sys
from pathlib import Path

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

from genmedia_skills.skills.kie_generation_video import SKILL  # noqa: E402

if __name__ == "__main__":
    SKILL.main()
