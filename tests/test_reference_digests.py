"""Issue 6.20 and 6.21, on the simulator over loopback.

6.20: every base64 reference is recorded by sha256, whatever its size: neither the
dry run nor stdout, result.json or result.md of a real run keeps the payload.
6.21: every simulated Signature carries `~` and `-` (CloudFront-safe base64), so
tests of byte-exact URL forwarding exercise them on every run, not by luck.
"""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from genmedia_skills.simulator.media import UrlSigner, png_bytes


@pytest.mark.parametrize("size", [8, 24])   # a few hundred bytes of base64: under the old 1 KiB line
def test_a_small_base64_reference_is_recorded_by_digest(image_cli, sim, artifacts, size):
    data = png_bytes(size, size, "ref-%d" % size)
    payload = base64.b64encode(data).decode()
    assert len(payload) < 1024
    digest = hashlib.sha256(data).hexdigest()
    dry = image_cli("run", "--dry-run", "--prompt", "same, at night", "--reference-images", "base64:" + payload)
    assert dry.code == 0, dry
    assert payload not in dry.stdout and digest in dry.stdout
    sim.outcomes.add("succeed", duration=0)
    res = image_cli("run", "--prompt", "same, at night", "--reference-images", "base64:" + payload,
                    "--timeout", "20")
    assert res.code == 0, res
    (post,) = [r for r in sim.requests if r.method == "POST"]
    assert post.body["reference_images"] == [{"base64": payload}]   # the provider still gets it all
    assert payload not in res.stdout
    assert res.json["request"]["references"] == [{"type": "base64", "sha256": digest, "bytes": len(data)}]
    for path in artifacts.rglob("*"):
        if path.is_file():
            assert payload.encode() not in path.read_bytes(), path


def signature(url):
    return parse_qs(urlsplit(url).query)["Signature"][0]


def test_every_simulated_signature_has_a_tilde_and_a_dash(image_cli, sim, tmp_path):
    sim.outcomes.add("succeed", duration=0)
    res = image_cli("run", "--prompt", "four foxes", "--generate-count", "4", "--timeout", "20")
    assert res.code == 0, res
    assert len(res.json["outputs"]) == 4
    for out in res.json["outputs"]:
        assert "~" in signature(out["url"]) and "-" in signature(out["url"]), out["url"]
        assert out["bytes"] > 0   # the simulator verified the signature byte for byte
    signer = UrlSigner(tmp_path / "signer")
    for n in range(300):
        query = signer.sign("/private/t/image-%d.png" % n, 60)
        fields = dict(part.split("=", 1) for part in query.split("&"))
        assert "~" in fields["Signature"] and "-" in fields["Signature"], fields["Signature"]
        assert signer.verify("/private/t/image-%d.png" % n, fields) is None
