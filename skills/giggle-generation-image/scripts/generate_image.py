#!/usr/bin/env python3
"""giggle-generation-image: text-to-image and image-to-image on giggle.pro.

    python skills/giggle-generation-image/scripts/generate_image.py run --simulate --prompt "a lighthouse at dusk"

Commands: run, submit, status, wait, list (see --help). Needs GIGGLE_API_KEY unless --simulate.
"""

import sys
from pathlib import Path

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

try:
    from genmedia_skills.skills.giggle_generation_image import SKILL  # noqa: E402
except KeyboardInterrupt:  # Ctrl-C while the runtime loads: nothing was done yet
    sys.exit(130)

if __name__ == "__main__":
    SKILL.main()
