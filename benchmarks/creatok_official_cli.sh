#!/bin/bash
# CreatOK's official CLI (npm @creatok/cli-linux-x64, a Go binary) run UNCHANGED against our
# simulator, on loopback only: both run inside a private network namespace (`unshare -n -r`),
# with CREATOK_AUTO_UPDATE=off, a temporary HOME and CREATOK_HOME and the simulator's fake key.
# A manual check, not a test: the binary is CreatOK's and never part of this repository.
#
#   mkdir /tmp/cli && cd /tmp/cli && npm pack @creatok/cli-linux-x64@0.13.0 && tar xzf *.tgz
#   bash benchmarks/creatok_official_cli.sh /tmp/cli/package/bin/creatok
#
# Prints one line per step: its exit code, what was expected, and PASS/FAIL.
set -u
CLI=$(readlink -f "${1:?usage: $0 PATH-OF-THE-creatok-BINARY}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
WORK=$(mktemp -d)
mkdir -p "$WORK/home" "$WORK/creatok-home"
"$PYTHON" - "$WORK" "$ROOT" <<'PY'
import sys
work, root = sys.argv[1], sys.argv[2]
sys.path[:0] = [root + "/scripts", root + "/tests"]
from genmedia_skills.simulator.media import png_bytes
from creatok_helpers import mp4_bytes
open(work + "/ref.png", "wb").write(png_bytes(640, 640, "ref"))
open(work + "/ref2.png", "wb").write(png_bytes(720, 1280, "ref2"))
open(work + "/clip.mp4", "wb").write(mp4_bytes(5, 1280, 720, 30))
PY
cat > "$WORK/steps.sh" <<'STEPS'
cd "$WORK"
n=0; passed=0
step() {   # step EXPECTED-EXIT ARGS...
  local want=$1; shift; n=$((n+1))
  timeout 120 "$CLI" "$@" > "$WORK/$n.json" 2> "$WORK/$n.err"; local got=$?
  local verdict=FAIL; [ "$got" = "$want" ] && verdict=PASS && passed=$((passed+1))
  printf '%-4s [%2d] exit %s (want %s): %s\n' "$verdict" "$n" "$got" "$want" "$*" | cut -c1-200
}
V8='{"model":"veo-3.1-fast-exp","orientation":"9:16","seconds":8,"definition":"720p"}'
SD='{"model":"doubao-seedance-2","orientation":"9:16","seconds":5,"definition":"480p"}'
S2='{"model":"sora-2","orientation":"9:16","seconds":12,"definition":"720p"}'
IM='{"model":"nano-banana-2","resolution":"1K","n":1,"aspect_ratio":"1:1"}'
W="--timeout 90 --poll-interval 1"
step 0 doctor
step 0 capabilities
step 0 estimate --service image_generation --options "$IM"
step 0 estimate --service video_generation --options "$V8"
step 0 image generate --prompt "a fox" --options "$IM" $W
step 0 image generate --prompt "a fox" --options "$IM" --ref ref.png $W
step 0 image generate --prompt "a cat" --options '{"model":"gpt-image-2","resolution":"1K","n":1,"aspect_ratio":"1:1","quality":"high"}' $W
step 0 assets create --type image --file ref.png
step 0 assets create --type video --file clip.mp4
step 0 video generate --prompt "waves" --options "$V8" $W
step 0 video generate --prompt "waves" --options "$SD" $W
step 0 video generate --prompt "waves" --options "$S2" $W
step 0 video generate --prompt "waves" --options "$V8" --ref ref2.png $W
step 0 video generate --prompt "waves" --options "$S2" --ref ref2.png $W
step 0 video generate --prompt "waves" --options "$SD" --first-frame ref2.png --end-frame ref2.png $W
step 0 video generate --prompt "waves" --options "$SD" --ref-video clip.mp4 $W
step 0 video generate --prompt "waves" --options "$V8" --no-wait
TASK=$(python3 -c "import json;print(json.load(open('$WORK/$n.json'))['task_id'])")
step 0 jobs status --task "$TASK"
step 0 jobs status --task "$TASK" --type video_generation
step 0 jobs wait --task "$TASK" --type video_generation $W
step 0 jobs wait --task "$TASK" $W
# error cases: the client's own checks (exit 2) and the server's answers it maps (exit 1, 3)
step 1 jobs status --task task_does_not_exist --type video_generation
step 1 jobs status --task "$TASK" --type image_generation
step 2 image generate --prompt "a fox" --options '{"model":"gpt-image-2","resolution":"1K","n":1,"aspect_ratio":"16:9"}'
step 2 video generate --prompt "waves" --options '{"model":"veo-3.1-fast-exp","orientation":"9:16","seconds":10,"definition":"720p"}'
step 2 video generate --prompt "waves" --options '{"model":"veo-9","orientation":"9:16","seconds":8,"definition":"720p"}'
step 2 video generate --prompt "waves" --options "$S2" --first-frame ref2.png --end-frame ref2.png
step 1 estimate --service video_generation --options '{"model":"veo-3.1-fast-exp","orientation":"9:16","seconds":8,"definition":"720p","referenceImageKeys":["open-skills/uploads/images/x.png"]}'
TEMPKEY=$(python3 - <<'PY'
import json, urllib.request
H = {"Authorization": "Bearer ok_sim-creatok-0000", "Content-Type": "application/json"}
data = open("ref.png", "rb").read()
req = urllib.request.Request("http://127.0.0.1:8765/api/open/skills/upload/image/presigned", method="POST", headers=H,
                             data=json.dumps({"fileName": "ref.png", "fileType": "image/png", "fileSize": len(data)}).encode())
d = json.load(urllib.request.urlopen(req))["data"]
urllib.request.urlopen(urllib.request.Request(d["presignedUploadUrl"], method="PUT", data=data,
                                              headers={"Content-Type": "image/png"}))
print(d["objectKey"])
PY
)
step 1 image generate --prompt "a fox" --options '{"model":"nano-banana-2","resolution":"1K","n":1,"aspect_ratio":"1:1","imageObjectKeys":["'"$TEMPKEY"'"]}'
grep -q '"kind":"asset_required"' "$WORK/$n.json" || echo "     ^ expected error.kind asset_required (41003)"
step 1 estimate --service image_generation --options '{"model":"nano-banana-2","resolution":"1K","n":1,"aspect_ratio":"1:1","imageObjectKeys":["'"$TEMPKEY"'"]}'
CREATOK_API_KEY=ok_wrong step 3 capabilities
echo "$passed of $n steps as expected"
STEPS
cat > "$WORK/inner.sh" <<INNER
ip link set lo up 2>/dev/null
"$PYTHON" -m genmedia_skills.simulator --port 8765 --state-dir "$WORK/sim" --time-scale 0.01 > "$WORK/sim.log" 2>&1 &
SIM=\$!
for i in \$(seq 1 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1', 8765), 1)" 2>/dev/null && break; sleep 0.3; done
WORK="$WORK" CLI="$CLI" bash "$WORK/steps.sh"
kill \$SIM
INNER
env -i PATH=/usr/bin:/bin PYTHONPATH="$ROOT/scripts" HOME="$WORK/home" CREATOK_HOME="$WORK/creatok-home" \
    CREATOK_AUTO_UPDATE=off CREATOK_NPM_REGISTRY=http://127.0.0.1:1 CREATOK_API_KEY=ok_sim-creatok-0000 \
    CREATOK_BASE_URL=http://127.0.0.1:8765 unshare -n -r bash "$WORK/inner.sh"
echo "answers kept in $WORK"
