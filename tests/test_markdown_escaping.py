"""Issue 6.4: provider text reaches neither the terminal nor result.md as markup.

A hostile provider puts escape sequences in its status word and task_id, raw HTML and
`javascript:` links in a result URL and in a failure message. stderr must carry no
control character but newlines; result.md, rendered as a viewer would (markdown-it with
raw HTML enabled), must contain no HTML and no link that is not http(s) or a run file.
"""

import pytest
from markdown_it import MarkdownIt

from conftest import IMAGE_SCRIPT, TEST_KEY, Cli, base_env
from hostile_provider import QUERY, T2I, HostileProvider, envelope, json_answer

HOSTILE_URL = "http://x/a.png)\n\n<img src=x onerror=alert(1)>[x](javascript:alert(1))"
HOSTILE_TEXT = "<script>alert(1)</script> [click](javascript:alert(2)) ![i](javascript:x) <b>bold</b>"
TASK_ID = "t\x1b[8m-1\x07"
STATUS = "processing\x1b]0;pwned\x07\x1b[2J\x9b1m\u202e"


@pytest.fixture
def cli(artifacts, tmp_path):
    with HostileProvider() as provider:
        env = base_env(artifacts)
        env.update(GIGGLE_API_KEY=TEST_KEY, GIGGLE_BASE_URL=provider.base_url)
        yield provider, Cli(IMAGE_SCRIPT, env, tmp_path)


def scripted(*answers):
    """Answers in order, the last one repeated."""
    answers = list(answers)

    def answer(request):
        return json_answer(envelope(answers.pop(0) if len(answers) > 1 else answers[0]))
    return answer


def rendered_problems(markdown):
    """HTML or non-web links in `markdown` as a CommonMark viewer with raw HTML on sees it."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True   # see every link, even ones a viewer would drop
    problems = []
    for token in md.parse(markdown):
        for child in [token] + list(token.children or []):
            if child.type in ("html_block", "html_inline"):
                problems.append("raw HTML: %r" % child.content)
            target = child.attrGet("href") if child.type == "link_open" else (
                child.attrGet("src") if child.type == "image" else None)
            if target is not None and not target.startswith(("http://", "https://", "outputs/")):
                problems.append("link to %r" % target)
    return problems


def control_characters(text):
    return sorted({hex(ord(c)) for c in text if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) <= 0x9f
                   or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"})


def test_a_hostile_result_url_and_status_stay_inert(cli):
    provider, run = cli
    provider.on("POST " + T2I, json_answer(envelope({"task_id": TASK_ID})))
    provider.on("GET " + QUERY, scripted({"status": STATUS}, {"status": STATUS},
                                         {"status": "completed", "urls": [HOSTILE_URL]}))
    res = run("run", "--prompt", "a fox", "--timeout", "10", "--no-download")
    assert res.code == 0, res
    assert res.json["outputs"][0]["url"] == HOSTILE_URL   # stdout keeps the provider's URL exactly
    assert control_characters(res.stderr) == []
    assert "submitted task t[8m-1 " in res.stderr   # the id stays readable, its escapes do not
    markdown = open(res.json["artifacts"]["md"], encoding="utf-8").read()
    assert rendered_problems(markdown) == []
    assert control_characters(markdown) == []
    assert "<img" not in markdown and "](javascript:" not in markdown


def test_a_hostile_failure_message_stays_inert(cli):
    provider, run = cli
    provider.on("POST " + T2I, json_answer(envelope({"task_id": "t-2"})))
    provider.on("GET " + QUERY, scripted({"status": "failed", "err_msg": HOSTILE_TEXT + "\x1b[31m"}))
    res = run("run", "--prompt", "[a](javascript:alert(3)) <i>fox</i>", "--timeout", "10")
    assert res.code == 1, res
    assert control_characters(res.stderr) == []
    markdown = open(res.json["artifacts"]["md"], encoding="utf-8").read()
    assert rendered_problems(markdown) == []
    assert "alert(1)" in markdown   # shown, as text


def test_a_hostile_error_message_reaches_stderr_without_escapes(cli):
    provider, run = cli
    provider.on("GET " + QUERY, json_answer(envelope(None, code=404, msg="task not found\x1b]0;pwned\x07\x1b[2J\r\n!"),
                                            status=404))
    res = run("status", "--task-id", "t-9")
    assert res.code == 4, res
    assert "not found" in res.stderr and control_characters(res.stderr) == []
