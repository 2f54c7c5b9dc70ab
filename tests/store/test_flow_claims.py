"""Claiming a group of pending flows at once (a burst of forwarded messages), on SQLite and PostgreSQL: one
statement, so of two instances claiming the same burst, one gets all of it and the other nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

from bot.store import Store
from bot.store.models import utcnow

TTL = timedelta(minutes=15)


def _put(store: Store, key: str, n: int = 0) -> None:
    store.put_flow(key, "owner", {"n": n}, ttl=TTL)


def test_a_prefix_takes_its_flows_in_key_order_once_and_nothing_else(store):
    for key in ("conv:u_1:000000000002", "conv:u_1:000000000001", "conv:u_10:000000000001", "conv:uX1:000000000001",
                "appeal:u_1"):
        _put(store, key)
    taken = store.take_flows("conv:u_1:")
    # "_" is a LIKE wildcard: the prefix is matched literally, so uX1 stays; so does u_10 (another prefix).
    assert [f.key for f in taken] == ["conv:u_1:000000000001", "conv:u_1:000000000002"]
    assert store.take_flows("conv:u_1:") == []
    assert store.get_flow("conv:uX1:000000000001") is not None and store.get_flow("conv:u_10:000000000001")
    assert store.get_flow("appeal:u_1") is not None


def test_a_burst_is_not_taken_while_its_newest_flow_is_too_young(store):
    _put(store, "conv:u2:000000000001")
    before_second = utcnow() + TTL
    _put(store, "conv:u2:000000000002")
    assert store.take_flows("conv:u2:", unless_expiring_after=before_second) == []  # the second is newer
    assert set(store.flow_expiries("conv:u2:")) == {"conv:u2:000000000001", "conv:u2:000000000002"}
    taken = store.take_flows("conv:u2:", unless_expiring_after=utcnow() + TTL)
    assert [f.data["n"] for f in taken] == [0, 0] and len(taken) == 2
    assert store.flow_expiries("conv:u2:") == {}


def test_two_instances_claiming_the_same_bursts_split_none_of_them(db_url):
    first, second = Store.open(db_url), Store.open(db_url)
    try:
        bursts = [f"conv:user{b}:" for b in range(30)]
        for prefix in bursts:
            for n in range(4):
                _put(first, f"{prefix}{n:012d}", n)
        got: dict[str, list[list[str]]] = {"first": [], "second": []}
        start = threading.Barrier(2)

        def claim(name: str, store: Store) -> None:
            start.wait()
            for prefix in bursts:
                got[name].append([f.key for f in store.take_flows(prefix)])

        threads = [threading.Thread(target=claim, args=(name, store))
                   for name, store in (("first", first), ("second", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for index, prefix in enumerate(bursts):
            claims = [got["first"][index], got["second"][index]]
            assert sorted(claims, key=len) == [[], [f"{prefix}{n:012d}" for n in range(4)]], prefix
    finally:
        first.close()
        second.close()
