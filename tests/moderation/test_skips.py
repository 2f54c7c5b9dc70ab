"""A moderator's "skip" in the review and feedback queues is kept in the database (SQLite and PostgreSQL):
another ``Moderation`` over the same database (a restart, or another instance) still knows it, each
moderator has their own, and opening the queue again brings the skipped items back."""

from __future__ import annotations

import pytest

from bot.moderation import Moderation, NotAllowed

from .conftest import ADMIN, MODERATOR, USER


def _restarted(moderation: Moderation) -> Moderation:
    """What a restarted bot (or a second instance) builds: a new service, same database and secret."""
    return Moderation(moderation.store, admin_ids=[ADMIN], secret=moderation.secret, report_threshold=3)


def test_a_skip_outlives_the_service_that_took_it(moderation):
    moderation.skip(MODERATOR, "number:+8613800138000")
    moderation.skip(MODERATOR, "text:12")
    again = _restarted(moderation)
    assert again.skipped(MODERATOR) == {"number:+8613800138000", "text:12"}
    assert again.skipped(ADMIN) == set()  # each moderator skips for themself
    assert again.skipped(MODERATOR, "feedback") == set()  # and each queue is its own


def test_opening_the_queue_again_shows_the_skipped_items(moderation):
    moderation.skip(MODERATOR, "number:+8613800138000")
    moderation.skip(MODERATOR, "feedback:3", "feedback")
    _restarted(moderation).clear_skipped(MODERATOR)
    assert moderation.skipped(MODERATOR) == set()
    assert moderation.skipped(MODERATOR, "feedback") == {"feedback:3"}  # /queue does not reset /feedback


def test_skips_are_stored_under_a_keyed_hash_and_only_for_moderators(moderation, store):
    moderation.skip(MODERATOR, "number:+8613800138000")
    flow = store.get_flow(f"skip:review:{moderation.reporter_hash(MODERATOR)}")
    assert flow is not None and str(MODERATOR) not in flow.key
    with pytest.raises(NotAllowed):
        moderation.skip(USER, "number:+8613800138000")
