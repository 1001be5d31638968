"""Webhook signatures, secrets at rest, target addresses, and the retention summary."""

import ipaddress

import pytest

from workspace.retention import summary
from workspace.webhooks import InvalidWebhookUrl, SecretBox, check_url, is_public, signature, verify


def test_the_signature_is_an_hmac_of_timestamp_and_body_that_a_receiver_can_check():
    body = '{"event": "report.ready"}'
    header = signature("whsec_abc", body, 1_700_000_000)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify("whsec_abc", body, header, now=1_700_000_010)
    assert not verify("whsec_abc", body + " ", header, now=1_700_000_010)  # a changed body
    assert not verify("whsec_other", body, header, now=1_700_000_010)
    assert not verify("whsec_abc", body, header, now=1_700_000_000 + 3600)  # a replay an hour later
    assert not verify("whsec_abc", body, "v1=nothing", now=1_700_000_000)


def test_secrets_are_encrypted_at_rest_and_bound_to_their_webhook():
    box = SecretBox("server key")
    sealed = box.seal("whsec_abc", "hook-1")
    assert "whsec_abc" not in sealed and box.open(sealed, "hook-1") == "whsec_abc"
    assert box.open(sealed, "hook-2") is None  # copied onto another row: unreadable
    assert SecretBox("another key").open(sealed, "hook-1") is None


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.8", "192.168.1.2", "169.254.169.254", "::1", "fc00::1"]
)
def test_private_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))
    with pytest.raises(InvalidWebhookUrl):
        check_url(f"http://{address if ':' not in address else f'[{address}]'}/x", allow_private=False)
    assert check_url(f"http://{address if ':' not in address else f'[{address}]'}/x", allow_private=True)


def test_urls_are_http_or_https_with_a_host():
    assert check_url("https://hooks.example.com/x", allow_private=False)
    for url in ("ftp://example.com/x", "file:///etc/passwd", "https:///nohost", "javascript:alert(1)"):
        with pytest.raises(InvalidWebhookUrl):
            check_url(url, allow_private=True)


def test_the_retention_summary_keeps_scores_and_drops_the_candidates_words():
    report = {
        "overall_score": 71.0,
        "recommendation": "hire",
        "questions": [{"id": "q1", "score": 8.0, "answer": "my words", "evidence": [{"quote": "my words"}]}],
        "strengths": [{"text": "indexes", "evidence": [{"quote": "my words"}]}],
        "candidate_feedback": "You said my words",
        "attention": {"flags": [{"type": "second_face", "start": 1.0, "end": 9.0}]},
    }
    kept = summary(report)
    assert "my words" not in str(kept)
    assert kept["overall_score"] == 71.0 and kept["questions"][0] == {"id": "q1", "score": 8.0}
    assert kept["attention"]["flags"][0]["type"] == "second_face" and kept["retention"]["purged_at"]
