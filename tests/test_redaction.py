"""genmedia_skills.core.redaction and the key handling of genmedia_skills.core.config."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from genmedia_skills.core import config, exit_codes
from genmedia_skills.core.config import Credentials, credentials
from genmedia_skills.core.errors import AuthError, UsageError
from genmedia_skills.core.redaction import redact, register_secret

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
SIGNED = ("https://cdn.giggle.pro/private/a/image-1.png?Policy=eyJTdGF0ZW1lbnQiOlt7~abc_&"
          "Signature=Zm9vYmFy~x-y_&Key-Pair-Id=K2ABCDEF&response-content-disposition=attachment")


def unique_secret(prefix="sk-test-"):
    return prefix + uuid.uuid4().hex


def test_registered_secret_is_masked_everywhere():
    secret = unique_secret()
    register_secret(secret)
    text = "key=%s; again %s; header x-auth: %s" % (secret, secret, secret)
    out = redact(text)
    assert secret not in out
    assert out.count("***") >= 3
    assert redact(text, urls=False).count(secret) == 0


def test_unregistered_text_is_unchanged():
    assert redact("nothing secret here") == "nothing secret here"
    assert redact("") == ""
    assert redact(None) is None


def test_short_keys_are_masked_too():
    register_secret("Q%~")      # a 3-character key is still the user's key (issue 6.2)
    register_secret("")
    register_secret(None)
    assert redact("Q%~ and Q%25~") == "*** and ***"


def test_non_string_input_is_stringified():
    secret = unique_secret()
    register_secret(secret)
    out = redact(ValueError("bad key " + secret))
    assert isinstance(out, str) and secret not in out


@pytest.mark.parametrize("param", ["Signature", "Policy", "Key-Pair-Id"])
def test_signed_url_parameters_are_masked(param):
    out = redact("GET %s failed" % SIGNED)
    value = dict(p.split("=", 1) for p in SIGNED.split("?", 1)[1].split("&"))[param]
    assert value not in out
    assert param + "=***" in out
    assert "https://cdn.giggle.pro/private/a/image-1.png?" in out
    assert "response-content-disposition=attachment" in out
    assert out.endswith(" failed")


def test_signed_url_masking_is_case_insensitive_and_covers_aws():
    out = redact("x?signature=abcdef&X-Amz-Signature=0123456789&X-Amz-Credential=AKIA/2024&token=t0k3n")
    for leaked in ("abcdef", "0123456789", "AKIA/2024", "t0k3n"):
        assert leaked not in out


def test_urls_false_keeps_urls_verbatim():
    assert redact(SIGNED, urls=False) == SIGNED
    assert redact("see %s" % SIGNED, urls=False) == "see %s" % SIGNED


def test_urls_false_still_masks_registered_secrets():
    secret = unique_secret()
    register_secret(secret)
    out = redact("%s&k=%s" % (SIGNED, secret), urls=False)
    assert SIGNED in out and secret not in out


@pytest.mark.parametrize("header", ["Authorization: Bearer sk-abcdefghijklmnop",
                                    "authorization: bearer abc.def-ghi_jkl~mno+pqr/stu=",
                                    "BEARER   0123456789abcdef"])
def test_bearer_tokens_are_masked(header):
    out = redact(header)
    token = header.split()[-1]
    assert token not in out
    assert out.endswith("***")
    assert redact(header, urls=False).endswith("***")


def test_bearer_word_alone_is_left_alone():
    assert redact("the bearer of bad news") == "the bearer of bad news"


def test_overlapping_secrets_never_leak_a_suffix():
    """A secret that contains another registered secret must be masked whole.

    redact() replaces secrets in set-iteration order; when the shorter one is replaced
    first, the tail of the longer one leaks. Set order depends on PYTHONHASHSEED, so
    this runs under several fixed seeds (deterministic per seed)."""
    code = (
        "import sys\n"
        "from genmedia_skills.core.redaction import redact, register_secret\n"
        "long = 'sk-live-ABCD-1234-SECRET-TAIL-9999'\n"
        "register_secret(long[:16])   # e.g. one provider's key is a prefix of another's\n"
        "register_secret(long)\n"
        "out = redact('key is ' + long + '.')\n"
        "sys.stdout.write(out)\n"
    )
    leaks = {}
    for seed in range(12):
        env = dict(os.environ, PYTHONHASHSEED=str(seed), PYTHONPATH=str(SCRIPTS))
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             timeout=30, check=True).stdout
        if "TAIL" in out or "9999" in out:
            leaks[seed] = out
    assert leaks == {}, "secret tails leaked: %r" % leaks


# --------------------------------------------------------------------------- config


def test_credentials_repr_hides_the_key():
    creds = Credentials("https://giggle.pro/", "sk-very-secret-value")
    assert "sk-very-secret-value" not in repr(creds)
    assert "sk-very-secret-value" not in str(creds)
    assert creds.base_url == "https://giggle.pro"
    assert "giggle.pro" in repr(creds)


def test_credentials_missing_key_is_auth_error(monkeypatch):
    monkeypatch.delenv("GM_TEST_KEY", raising=False)
    monkeypatch.delenv("GM_TEST_BASE", raising=False)
    with pytest.raises(AuthError) as info:
        credentials("GM_TEST_KEY", "GM_TEST_BASE", "https://giggle.pro", key_help="get one at giggle.pro")
    err = info.value
    assert err.exit_code == 3 == exit_codes.AUTH
    assert "GM_TEST_KEY" in err.message and "get one at giggle.pro" in err.message
    assert err.kind == "missing_key"


def test_credentials_blank_key_counts_as_missing(monkeypatch):
    monkeypatch.setenv("GM_TEST_KEY", "   ")
    with pytest.raises(AuthError):
        credentials("GM_TEST_KEY", "GM_TEST_BASE", "https://giggle.pro", key_help="h")


def test_credentials_optional_key(monkeypatch):
    monkeypatch.delenv("GM_TEST_KEY", raising=False)
    creds = credentials("GM_TEST_KEY", "GM_TEST_BASE", "https://giggle.pro", key_help="h", required=False)
    assert creds.api_key is None and creds.base_url == "https://giggle.pro"


def test_credentials_present_key_is_registered_for_redaction(monkeypatch):
    key = unique_secret("sk-env-")
    monkeypatch.setenv("GM_TEST_KEY", "  %s \n" % key)
    monkeypatch.setenv("GM_TEST_BASE", "http://127.0.0.1:8080/")
    creds = credentials("GM_TEST_KEY", "GM_TEST_BASE", "https://giggle.pro", key_help="h")
    assert creds.api_key == key
    assert creds.base_url == "http://127.0.0.1:8080"
    assert key not in repr(creds)
    assert key not in redact("sending x-auth: %s" % key)


def test_credentials_default_base(monkeypatch):
    monkeypatch.setenv("GM_TEST_KEY", unique_secret())
    monkeypatch.delenv("GM_TEST_BASE", raising=False)
    assert credentials("GM_TEST_KEY", "GM_TEST_BASE", "https://giggle.pro", key_help="h").base_url == \
        "https://giggle.pro"


@pytest.mark.parametrize("base", ["giggle.pro", "ftp://giggle.pro", "//giggle.pro", "file:///etc"])
def test_credentials_bad_base_url_is_usage_error(monkeypatch, base):
    monkeypatch.setenv("GM_TEST_KEY", unique_secret())
    monkeypatch.setenv("GM_TEST_BASE", base)
    with pytest.raises(UsageError) as info:
        credentials("GM_TEST_KEY", "GM_TEST_BASE", "https://giggle.pro", key_help="h")
    assert info.value.exit_code == 2
    assert "GM_TEST_BASE" in info.value.message and base in info.value.message


def test_bad_base_url_is_reported_before_a_missing_key(monkeypatch):
    monkeypatch.delenv("GM_TEST_KEY", raising=False)
    monkeypatch.setenv("GM_TEST_BASE", "not-a-url")
    with pytest.raises(UsageError):
        credentials("GM_TEST_KEY", "GM_TEST_BASE", "https://giggle.pro", key_help="h")


@pytest.mark.parametrize("raw,expected", [("", (10.0, 30.0)), ("2.5", (2.5, 2.5))])
def test_http_timeouts(monkeypatch, raw, expected):
    monkeypatch.setenv("GENMEDIA_CONNECT_TIMEOUT", raw)
    monkeypatch.setenv("GENMEDIA_READ_TIMEOUT", raw)
    assert config.http_timeouts() == expected


@pytest.mark.parametrize("raw", ["abc", "-1", "0", "nan"])
def test_http_timeouts_bad_values(monkeypatch, raw):
    monkeypatch.setenv("GENMEDIA_READ_TIMEOUT", raw)
    with pytest.raises(UsageError) as info:
        config.http_timeouts()
    assert "GENMEDIA_READ_TIMEOUT" in info.value.message
