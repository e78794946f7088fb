"""The giggle-generation-aimv-30 skill: its request options and commands (the entry script in
skills/giggle-generation-aimv-30/scripts/ only runs this)."""

from ..providers.giggle.aimv_options import aimv_skill

SKILL = aimv_skill("giggle-generation-aimv-30", "aimv-30", help="Generate 30-second AI music videos (trustee workflow, project type aimv-30): music from a description, your lyrics or an uploaded track.")
