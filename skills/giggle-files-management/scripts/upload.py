#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["genmedia-skills>=0.1.0"]
# ///
"""giggle-files-management: upload local files to giggle.pro and get their asset_ids.

    python3 scripts/upload.py upload photo.png
    python3 scripts/upload.py list

Commands: upload, list (see --help). Needs GIGGLE_API_KEY (or --simulate).
"""

SKILL_NAME = "giggle-files-management"

# ---- runtime bootstrap: the same in every entry script; only SKILL_NAME above differs ----
# The runtime is the bundle this folder sits in (checkout, plugin, whole-repo install), else the
# installed package, else the `genmedia-skills` command (uv tool, pipx); else one line, exit 4.
# Ctrl-C at any moment of start-up exits 130 quietly (nothing was done yet): the first statement
# makes SIGINT end the process at once until the runtime's main() takes it over.
try:
    import os
    import signal
    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(130))
    import sys
    from pathlib import Path

    RUNTIME = Path(__file__).resolve().parent.parent.parent.parent / "scripts"
    if (RUNTIME / "genmedia_skills").is_dir():
        sys.path.insert(0, str(RUNTIME))
    from genmedia_skills.skills import load
    SKILL = load(SKILL_NAME)
except KeyboardInterrupt:  # the signal came before the line above that takes it over
    raise SystemExit(130) from None
except (ImportError, KeyError) as missing:
    import shutil
    if __name__ == "__main__" and shutil.which("genmedia-skills"):
        os.execvp("genmedia-skills", ["genmedia-skills", SKILL_NAME] + sys.argv[1:])
    HOW = ("install it from a clone of the bundle: `uv tool install <path of the clone>` (or `pip install "
           "<path of the clone>`); once it is on PyPI: `uv tool install genmedia-skills` or `pip install genmedia-skills`")
    sys.stderr.write("%s: the genmedia-skills runtime is missing (%s: %s); %s\n"
                     % (SKILL_NAME, type(missing).__name__, missing, HOW))
    sys.exit(4)
# ---- end of runtime bootstrap ----

if __name__ == "__main__":
    SKILL.main()
