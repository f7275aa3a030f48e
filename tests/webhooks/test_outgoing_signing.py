"""Secrets, signatures, the retry schedule and the URL policy, without a database."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.fakes.webhook_receiver import VERIFIED, verify
from webhooks.outgoing import schedule
from webhooks.outgoing.signing import is_valid_secret, mask, new_secret, signed_headers
from webhooks.outgoing.urls import UnsafeUrl, check_url

NOW = datetime(2026, 11, 24, 6, 30, 0, 250_000, tzinfo=UTC)
BODY = '{"type":"alert.created","timestamp":"2026-11-24T06:30:00Z","data":{"alert_id":7}}'


def test_a_secret_is_whsec_and_32_random_bytes() -> None:
    secret = new_secret()

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert new_secret() != secret
    assert is_valid_secret(secret)
    assert mask(secret) == f"whsec_…{secret[-4:]}" and secret not in mask(secret)


@pytest.mark.parametrize(
    "secret", ["", "whsec_", "whsec_not base64!", "sk_" + "A" * 44, "whsec_" + "QUJD"]
)
def test_malformed_or_short_secrets_are_refused(secret: str) -> None:
    assert not is_valid_secret(secret)


def test_headers_verify_with_an_independent_implementation_and_the_library() -> None:
    secret = new_secret()

    headers = signed_headers(event_id="msg_1", body=BODY, moment=NOW, secrets_in_use=[secret])

    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == "1795501800"  # unix seconds, fraction dropped
    assert headers["webhook-signature"].startswith("v1,")
    assert verify(secret, headers, BODY.encode(), now=NOW.timestamp()) == VERIFIED
    with time_machine.travel(NOW, tick=False):
        assert Webhook(secret).verify(BODY, headers) == {
            "type": "alert.created",
            "timestamp": "2026-11-24T06:30:00Z",
            "data": {"alert_id": 7},
        }


def test_a_moment_in_another_zone_signs_the_same_instant() -> None:
    """The library reads any datetime as UTC; signing must not shift the time by an hour."""
    secret = new_secret()
    copenhagen = NOW.astimezone(ZoneInfo("Europe/Copenhagen"))

    headers = signed_headers(
        event_id="msg_1", body=BODY, moment=copenhagen, secrets_in_use=[secret]
    )

    assert headers["webhook-timestamp"] == "1795501800"
    assert verify(secret, headers, BODY.encode(), now=NOW.timestamp()) == VERIFIED


def test_two_secrets_give_two_signatures_each_verifying_alone() -> None:
    new, old = new_secret(), new_secret()

    headers = signed_headers(event_id="msg_1", body=BODY, moment=NOW, secrets_in_use=[new, old])

    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (new, old):
        assert verify(secret, headers, BODY.encode(), now=NOW.timestamp()) == VERIFIED
    assert verify(new_secret(), headers, BODY.encode(), now=NOW.timestamp()) != VERIFIED


def test_the_independent_check_refuses_what_it_must() -> None:
    """The test receiver must be able to fail: tampering, staleness, other ids."""
    secret = new_secret()
    headers = signed_headers(event_id="msg_1", body=BODY, moment=NOW, secrets_in_use=[secret])
    now = NOW.timestamp()

    assert verify(secret, headers, BODY.encode() + b" ", now=now) == "no matching signature"
    assert verify(secret, {**headers, "webhook-id": "msg_2"}, BODY.encode(), now=now) != VERIFIED
    assert verify(secret, headers, BODY.encode(), now=now + 301) != VERIFIED
    assert verify(secret, headers, BODY.encode(), now=now - 301) != VERIFIED
    assert verify(secret, {"webhook-id": "msg_1"}, BODY.encode(), now=now) == "missing headers"
    v2 = {**headers, "webhook-signature": headers["webhook-signature"].replace("v1,", "v2,")}
    assert verify(secret, v2, BODY.encode(), now=now) != VERIFIED


def test_the_library_refuses_a_stale_timestamp() -> None:
    secret = new_secret()
    headers = signed_headers(event_id="msg_1", body=BODY, moment=NOW, secrets_in_use=[secret])

    with (
        time_machine.travel(NOW + timedelta(minutes=6), tick=False),
        pytest.raises(WebhookVerificationError),
    ):
        Webhook(secret).verify(BODY, headers)


# -- the retry schedule -----------------------------------------------------------------------


def test_the_schedule_spans_about_three_days_in_ten_attempts() -> None:
    rng = random.Random(1)
    total = sum(
        (schedule.RETRY_DELAYS[n - 1] for n in range(1, schedule.MAX_ATTEMPTS)), timedelta(0)
    )

    assert schedule.MAX_ATTEMPTS == 10
    assert timedelta(days=3) <= total <= timedelta(days=3, hours=6)
    assert schedule.retry_delay(1, rng) is not None
    assert schedule.retry_delay(schedule.MAX_ATTEMPTS, rng) is None


def test_jitter_stays_within_20_percent_and_varies() -> None:
    rng = random.Random(7)
    for attempts, base in enumerate(schedule.RETRY_DELAYS, start=1):
        delays = {schedule.retry_delay(attempts, rng) for _ in range(50)}
        assert all(d is not None and base * 0.8 <= d <= base * 1.2 for d in delays)
        assert len(delays) > 1


def test_retry_after_never_shortens_the_wait_but_can_lengthen_it() -> None:
    rng = random.Random(3)
    now = NOW
    longer = schedule.next_attempt_at(
        attempts=1, now=now, rng=rng, retry_after=timedelta(seconds=120)
    )
    shorter = schedule.next_attempt_at(
        attempts=4, now=now, rng=rng, retry_after=timedelta(seconds=120)
    )

    assert longer == now + timedelta(seconds=120)
    assert shorter is not None and shorter - now >= timedelta(hours=2) * 0.8


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("120", timedelta(seconds=120)),
        (" 7 ", timedelta(seconds=7)),
        ("Tue, 24 Nov 2026 06:40:00 GMT", timedelta(minutes=10)),
        ("Tue, 24 Nov 2026 06:00:00 GMT", timedelta(0)),  # already past: no extra wait
        ("999999999999", timedelta(hours=24)),  # capped
        ("Sat, 24 Nov 2029 06:40:00 GMT", timedelta(hours=24)),
        ("-5", None),
        ("soon", None),
        ("1.5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_seconds_or_http_date(header: str | None, wait: timedelta | None) -> None:
    assert schedule.parse_retry_after(header, NOW.replace(microsecond=0)) == wait


# -- which URLs a subscription may use ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://sag.hoeje-taastrup.dk/makker/events",
        "https://10.20.30.40:8443/hooks",  # case systems often live on the internal network
        "http://127.0.0.1:9000/",
        "http://localhost:9000/hooks?source=makker",
        "http://[::1]:9000/",
        "https://[2001:db8::1]/hooks",
    ],
)
def test_acceptable_urls(url: str) -> None:
    assert check_url(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://sag.example.dk/hooks", "https"),
        ("http://10.0.0.5/hooks", "https"),
        ("ftp://sag.example.dk/", "https"),
        ("javascript:alert(1)", "https"),
        ("sag.example.dk/hooks", "https"),
        ("https://", "host"),
        ("https://user:pw@sag.example.dk/", "password"),
        ("https://token@sag.example.dk/", "password"),
        ("https://sag.example.dk/#frag", "fragment"),
        ("https://169.254.169.254/latest/meta-data/", "cannot receive"),
        ("https://[fe80::1]/", "cannot receive"),
        ("https://0.0.0.0/", "cannot receive"),
        ("https://224.0.0.1/", "cannot receive"),
        ("https://[::ffff:169.254.169.254]/", "cannot receive"),
        ("https://240.0.0.1/", "reserved"),
        ("http://2130706433/", "four decimal"),  # 127.0.0.1 in disguise
        ("https://0x7f.1/", "four decimal"),
        ("https://sag.example.dk:99999/", "valid URL"),
        ("https://sag.example.dk/a b", "spaces"),
        ("https://sag.example.dk/\r\nX-Injected: 1", "spaces"),
        ("https://" + "a" * 2000 + ".dk/", "at most"),
        ("   ", "blank"),
    ],
)
def test_refused_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(UnsafeUrl, match=reason):
        check_url(url)
