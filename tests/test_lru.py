"""The least-recently-used cache: its bounds, its identity lookups, and making a value once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from ckpld.lru import LRU


def test_keeps_the_newest_entries() -> None:
    cache: LRU[int] = LRU(2)
    made: list[int] = []

    def make(value: int) -> Callable[[], int]:
        def build() -> int:
            made.append(value)
            return value

        return build

    assert cache.get(("a",), make(1)) == 1
    assert cache.get(("b",), make(2)) == 2
    assert cache.get(("a",), make(9)) == 1  # hit, and now most recent
    assert cache.get(("c",), make(3)) == 3  # evicts b
    assert cache.get(("b",), make(4)) == 4
    assert made == [1, 2, 3, 4]
    nothing: LRU[int] = LRU(0)
    assert nothing.get(("a",), make(5)) == 5 and nothing.get(("a",), make(6)) == 6


def test_keeps_within_a_byte_budget() -> None:
    cache: LRU[bytes] = LRU(100, max_bytes=10, weigh=len)
    for key in "abc":
        cache.put((key,), b"xxxx")  # 4 bytes each: the third pushes out the first
    assert cache.peek(("a",)) is None and cache.peek(("b",)) == b"xxxx" and cache.bytes == 8
    cache.put(("b",), b"xx")  # replaced: counted once, at its new weight
    assert cache.bytes == 6
    cache.put(("huge",), b"x" * 11)  # heavier than the whole budget: not kept, nothing dropped
    assert cache.peek(("huge",)) is None and cache.bytes == 6


def test_makes_a_value_once_for_requests_that_want_it_at_once() -> None:
    cache: LRU[str] = LRU(10)
    made: list[str] = []
    started = threading.Event()

    def slow() -> str:
        made.append("x")
        started.set()
        time.sleep(0.3)
        return "value"

    got: list[str] = []
    first = threading.Thread(target=lambda: got.append(cache.get(("k",), slow)))
    first.start()
    started.wait(5)
    others = [
        threading.Thread(target=lambda: got.append(cache.get(("k",), slow))) for _ in range(3)
    ]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join()
    assert got == ["value"] * 4 and made == ["x"]  # made once, waited for by the others


def test_a_failed_making_lets_the_next_request_try() -> None:
    cache: LRU[str] = LRU(10)

    def fail() -> str:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cache.get(("k",), fail)
    assert cache.get(("k",), lambda: "now") == "now"


def test_touch_knows_the_very_object_and_marks_it_recently_used() -> None:
    cache: LRU[list[int]] = LRU(2)
    first, second = [1], [2]
    cache.put(("a",), first)
    cache.put(("b",), second)
    assert cache.touch(first) and not cache.touch([1])  # an equal list is not the kept one
    cache.put(("c",), [3])  # "a" was touched last but one: "b" goes
    assert cache.peek(("a",)) is first and cache.peek(("b",)) is None
    assert not cache.touch(second)  # dropped: no longer known


def test_touch_follows_a_value_kept_under_two_keys_until_both_let_it_go() -> None:
    cache: LRU[list[int]] = LRU(3)
    shared = [0]
    cache.put(("a",), shared)
    cache.put(("b",), shared)
    cache.put(("a",), [1])  # replaced under "a": "b" still keeps it
    assert cache.touch(shared)
    cache.put(("b",), [2])
    assert not cache.touch(shared)
    nothing: LRU[list[int]] = LRU(0)
    nothing.put(("a",), shared)
    assert not nothing.touch(shared)
