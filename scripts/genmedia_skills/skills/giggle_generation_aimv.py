"""The giggle-generation-aimv skill: its request options and commands (the entry script in
skills/giggle-generation-aimv/scripts/ only runs this)."""

from ..providers.giggle.aimv_options import aimv_skill

SKILL = aimv_skill("giggle-generation-aimv", "mv", help="Generate AI music videos (trustee workflow, project type mv): music from a description, your lyrics or an uploaded track, turned into a full video.")
