#!/usr/bin/env python3
"""giggle-generation-aimv-30: 30-second AI music videos (trustee workflow, project type aimv-30): music from a description, your lyrics or an uploaded track.

    python skills/giggle-generation-aimv-30/scripts/generate_mv.py run --simulate --prompt "a dreamy synth-pop song about the sea" --yes

The workflow stops at its payment gate (exit 6) unless --yes; `wait --task-id ID --yes` pays and continues.
Commands: run, submit, status, wait, list, retry. Needs GIGGLE_API_KEY unless --simulate.
"""

import sys
from pathlib import Path

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

try:
    from genmedia_skills.skills.giggle_generation_aimv_30 import SKILL  # noqa: E402
except KeyboardInterrupt:  # Ctrl-C while the runtime loads: nothing was done yet
    sys.exit(130)

if __name__ == "__main__":
    SKILL.main()
