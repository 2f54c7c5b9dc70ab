"""``OcrPool`` with the real recogniser in real worker processes: reads run concurrently, a full queue refuses at
once, a killed worker is replaced."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from ocr_fixtures import FIXTURES, accuracy, entries

from bot.ocr import PictureError
from bot.ocr.pool import OcrBusy, OcrPool

FAMILY = next(e for e in entries() if e["file"] == "wechat_family.png")
MEETING = next(e for e in entries() if e["file"] == "qq_meeting.png")


def _data(entry) -> bytes:
    return (FIXTURES / entry["file"]).read_bytes()


def _plain(result) -> str:
    return "".join(line.text for line in result.lines)


@pytest.fixture
def pool():
    seconds: list[float] = []
    pool = OcrPool(workers=2, max_pending=2, on_read=seconds.append)
    pool.seconds = seconds  # type: ignore[attr-defined]
    yield pool
    pool.close()


async def test_two_reads_run_concurrently_and_each_gets_its_own_text(pool):
    first, second = await asyncio.gather(pool.read(_data(FAMILY)), pool.read(_data(MEETING)))
    assert accuracy(_plain(first), FAMILY["text"]) >= 0.9
    assert accuracy(_plain(second), MEETING["text"]) >= 0.9
    assert len(pool.worker_pids()) == 2
    assert len(pool.seconds) == 2 and pool.last_seconds is not None
    assert pool.pending == 0 and not pool.busy


async def test_a_full_queue_refuses_at_once_and_frees_up_after(pool):
    running = [asyncio.create_task(pool.read(_data(FAMILY))) for _ in range(2)]
    await asyncio.sleep(0)
    assert pool.pending == 2 and pool.busy
    with pytest.raises(OcrBusy) as caught:
        await pool.read(_data(MEETING))
    assert isinstance(caught.value, PictureError) and caught.value.reason == "busy"
    await asyncio.gather(*running)
    assert pool.pending == 0 and not pool.busy
    assert accuracy(_plain(await pool.read(_data(MEETING))), MEETING["text"]) >= 0.9


async def test_a_killed_worker_is_replaced_and_the_next_read_works(pool):
    await pool.read(_data(MEETING))
    before = pool.worker_pids()
    for pid in before:
        os.kill(pid, signal.SIGKILL)
    result = await pool.read(_data(FAMILY))
    assert accuracy(_plain(result), FAMILY["text"]) >= 0.9
    assert not set(pool.worker_pids()) & set(before)


async def test_a_bad_picture_is_refused_with_its_reason_through_the_pool(pool):
    with pytest.raises(PictureError) as caught:
        await pool.read(b"not a picture at all")
    assert caught.value.reason == "not_an_image"
    assert type(caught.value) is PictureError


def test_read_sync_for_the_command_line():
    pool = OcrPool(workers=1)
    try:
        assert accuracy(_plain(pool.read_sync(_data(MEETING))), MEETING["text"]) >= 0.9
    finally:
        pool.close()


async def test_reads_waiting_behind_a_worker_that_dies_are_read_in_a_new_one():
    """Three people send screenshots at once to a one-worker pool and the worker dies on the first: the
    reads still waiting must not fail with another picture's crash (cancelled by the pool's shutdown) but
    be read by the replacement."""
    pool = OcrPool(workers=1, max_pending=3)
    try:
        before = pool.worker_pids()
        reads = [asyncio.create_task(pool.read(_data(entry))) for entry in (MEETING, FAMILY, MEETING)]
        await asyncio.sleep(0.3)  # the first read has reached the worker, the others wait behind it
        for pid in before:
            os.kill(pid, signal.SIGKILL)
        results = await asyncio.gather(*reads, return_exceptions=True)
        assert [type(r).__name__ for r in results] == ["OcrResult"] * 3
        assert accuracy(_plain(results[1]), FAMILY["text"]) >= 0.9
        assert not set(pool.worker_pids()) & set(before)
    finally:
        pool.close()
