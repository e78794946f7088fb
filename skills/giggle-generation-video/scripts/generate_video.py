#!/usr/bin/env python3
"""giggle-generation-video: text-to-video and image-to-video (start/end frame) on giggle.pro.

    python skills/giggle-generation-video/scripts/generate_video.py run --simulate --prompt "waves at sunset"

Commands: run, submit, status, wait, list (see --help). Needs GIGGLE_API_KEY unless --simulate.
"""

import sys
from pathlib import Path

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

try:
    from genmedia_skills.skills.giggle_generation_video import SKILL  # noqa: E402
except KeyboardInterrupt:  # Ctrl-C while the runtime loads: nothing was done yet
    sys.exit(130)

if __name__ == "__main__":
    SKILL.main()
