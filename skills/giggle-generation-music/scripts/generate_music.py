#!/usr/bin/env python3
"""giggle-generation-music: songs and instrumentals on giggle.pro.

    python skills/giggle-generation-music/scripts/generate_music.py run --simulate --prompt "upbeat summer pop"

Modes: --prompt (a description, passed verbatim); --lyrics + --style + --title (your song);
--prompt + --instrumental (no vocals). Commands: run, submit, status, wait, list.
"""

import sys
from pathlib import Path

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

try:
    from genmedia_skills.skills.giggle_generation_music import SKILL  # noqa: E402
except KeyboardInterrupt:  # Ctrl-C while the runtime loads: nothing was done yet
    sys.exit(130)

if __name__ == "__main__":
    SKILL.main()
