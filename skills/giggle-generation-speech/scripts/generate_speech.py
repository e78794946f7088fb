#!/usr/bin/env python3
"""giggle-generation-speech: text-to-speech on giggle.pro.

    python skills/giggle-generation-speech/scripts/generate_speech.py voices --simulate --language en
    python skills/giggle-generation-speech/scripts/generate_speech.py run --simulate --text "Hello there" --voice-id Calm_Woman

Commands: run, submit, status, wait, list, voices. Needs GIGGLE_API_KEY unless --simulate.
"""

import sys
from pathlib import Path

# The bundle's own runtime first, so a copied bundle works without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

try:
    from genmedia_skills.skills.giggle_generation_speech import SKILL  # noqa: E402
except KeyboardInterrupt:  # Ctrl-C while the runtime loads: nothing was done yet
    sys.exit(130)

if __name__ == "__main__":
    SKILL.main()
