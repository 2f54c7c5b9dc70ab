"""The per-user check limit shared between bot instances through the local Redis server (real, not faked).

A Redis that cannot be reached FAILS these tests (scripts/ensure-services starts it): CI must not pass by
skipping the shared half.
"""

from __future__ import annotations

import uuid

import pytest
import redis

from bot.store import keyed_hash
from bot.telegram.ratelimit import CheckRateLimiter

REDIS_URI = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URI, decode_responses=True)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_URI} is not reachable (start it: scripts/ensure-services): {exc}")
    yield client
    client.close()


async def test_two_instances_share_one_limit_and_redis_holds_no_user_ids(redis_client) -> None:
    secret = f"test-{uuid.uuid4().hex}"  # a fresh key space per run: no counts left from an earlier run

    def key(user_id: int) -> str:
        return keyed_hash(user_id, secret)

    first, second = (CheckRateLimiter.from_uri(3, REDIS_URI, key=key) for _ in range(2))
    user_id = 917_364_501
    assert [await first.allow(user_id), await second.allow(user_id), await first.allow(user_id)] == [True] * 3
    assert not await second.allow(user_id) and not await first.allow(user_id)  # 3 a minute, whichever asks
    assert await second.allow(user_id + 1)  # another user has their own count
    assert await first.should_notify(user_id) and not await second.should_notify(user_id)  # one notice
    stored = [*redis_client.scan_iter(f"*{key(user_id)}*"), *redis_client.scan_iter(f"*{key(user_id + 1)}*")]
    assert stored and not any(str(user_id) in k for k in redis_client.scan_iter("*"))
    redis_client.delete(*stored)


def test_an_unreachable_redis_fails_at_start_up() -> None:
    with pytest.raises(ConnectionError, match="not reachable"):
        CheckRateLimiter.from_uri(20, "redis://127.0.0.1:1/0")


async def test_a_storage_that_fails_mid_run_lets_checks_through_and_warns_once(caplog) -> None:
    from limits.storage import storage_from_string

    # What from_uri builds, but over a Redis that went away after start-up.
    gone = CheckRateLimiter(1, storage=storage_from_string("redis://127.0.0.1:1/0", wrap_exceptions=True))
    with caplog.at_level("WARNING", logger="bot.telegram.ratelimit"):
        assert [await gone.allow(7) for _ in range(3)] == [True, True, True]  # the limit is 1, nobody counts
        assert not await gone.should_notify(7)
    assert [r.getMessage() for r in caplog.records] == [
        "rate limit storage unavailable (ConnectionError); letting checks through"]
