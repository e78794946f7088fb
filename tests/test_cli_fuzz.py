"""Property: whatever arguments an agent throws at the entry script, the outcome is
exit 0 or 2 with one JSON document on stdout, a one-line message and no traceback.

Every generated command line carries --dry-run (or is --help), so nothing is sent;
the offline fixture points the provider at a dead port to make sure of it.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TOKENS = st.one_of(
    st.sampled_from(["seedream45", "midjourney", "nano-banana-2-fast", "MIDJOURNEY", "dall-e", "16:9",
                     "21:9", "5:4", "2K", "4k", "8K", "0", "1", "4", "5", "-1", "1e3", "nan", "",
                     "https://example.com/a.png", "data:image/png;base64,AAAA", "asset_id:abc",
                     "base64:!!", "file:/nonexistent.png", "/etc/passwd", "../../x.png", "--", "-",
                     "ünïcødé ✨", "a\nb", "%s%n", "$(rm -rf /)"]),
    # argv cannot carry NUL bytes or lone surrogates; everything else is fair game
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)
OPTIONS = st.sampled_from(["--prompt", "--model", "--aspect-ratio", "--resolution", "--generate-count",
                           "--reference-images", "--watermark", "--timeout", "--quiet", "--no-download",
                           "--yes", "--simulate", "--bogus", "--task-id"])
ARGS = st.lists(st.one_of(OPTIONS, TOKENS), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["run", "submit"]), args=ARGS)
def test_random_arguments_never_crash(offline_cli, command, args):
    res = offline_cli(command, "--dry-run", *args)
    assert res.code in (0, 2), res
    assert res.json is not None, res
    if res.code == 2:
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and "error:" in lines[0], res
        assert res.json["error"]["kind"] == "usage"
    else:
        assert res.json.get("dry_run") is True


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=ARGS)
def test_random_arguments_to_other_commands_never_crash(offline_cli, args):
    res = offline_cli("list", *[a for a in args if a != "--simulate"])
    assert res.code in (0, 2), res
    assert res.json is not None, res
