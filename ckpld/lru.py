"""A small thread-safe least-recently-used cache, bounded in entries and in bytes, whose misses
are made once however many ask at the same time."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


WAIT_FOR_OTHERS = 120.0  # seconds a request waits for a value another is making (then makes it)


class LRU(Generic[T]):
    """A small thread-safe least-recently-used cache; size 0 keeps nothing.

    Bounded by a number of entries and, when `max_bytes` is set, by their total weight in
    bytes (`weigh` estimates one value's); a value heavier than the whole budget is not kept.
    """

    def __init__(
        self, size: int, max_bytes: int = 0, weigh: Callable[[T], int] | None = None
    ) -> None:
        self._size = size
        self._max_bytes = max_bytes
        self._weigh = weigh or (lambda value: 0)
        self._items: OrderedDict[tuple[Any, ...], T] = OrderedDict()
        self._weights: dict[tuple[Any, ...], int] = {}
        self._held: dict[int, list[tuple[Any, ...]]] = {}  # id of each kept value: its keys
        self._bytes = 0
        self._lock = threading.Lock()
        self._making: dict[tuple[Any, ...], threading.Event] = {}

    def keys(self) -> list[tuple[Any, ...]]:
        """What is kept, least recently used first (a snapshot)."""
        with self._lock:
            return list(self._items)

    @property
    def bytes(self) -> int:
        """The estimated weight of what is kept."""
        return self._bytes

    def get(
        self, key: tuple[Any, ...], make: Callable[[], T], keep: Callable[[T], bool] | None = None
    ) -> T:
        """The cached value for `key`, made (outside the lock) when absent.

        Requests that want a value another one is making wait for it instead of making it again
        (under gevent, sixteen clients asking for one new answer at once run one query).

        Args:
            key: What the value is for.
            make: Makes the value when it is not cached.
            keep: Whether a new value is worth keeping (default: always).
        """
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            making = self._making.get(key)
            if making is None:
                self._making[key] = threading.Event()
        if making is not None:
            making.wait(WAIT_FOR_OTHERS)
            found = self.peek(key)
            return found if found is not None else make()
        try:
            value = make()
            if keep is None or keep(value):
                self.put(key, value)
            return value
        finally:
            with self._lock:
                self._making.pop(key).set()

    def peek(self, key: tuple[Any, ...]) -> T | None:
        """The cached value for `key` (now the most recently used), or None."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def touch(self, value: object) -> bool:
        """Whether this very object (not an equal one) is kept now; if so, it is now the most
        recently used (for a cache in front of this one that answers in its stead)."""
        with self._lock:
            keys = self._held.get(id(value))
            if keys is None:
                return False
            for key in keys:
                self._items.move_to_end(key)
            return True

    def put(self, key: tuple[Any, ...], value: T) -> None:
        """Keep `value` for `key`, dropping the least recently used beyond the size."""
        if not self._size:
            return
        weight = self._weigh(value) if self._max_bytes else 0
        if self._max_bytes and weight > self._max_bytes:
            return
        with self._lock:
            if key in self._items:
                self._release(key, self._items[key])
            self._bytes += weight - self._weights.get(key, 0)
            self._items[key] = value
            self._weights[key] = weight
            self._held.setdefault(id(value), []).append(key)
            self._items.move_to_end(key)
            while len(self._items) > self._size or (
                self._max_bytes and self._bytes > self._max_bytes
            ):
                dropped, old = self._items.popitem(last=False)
                self._bytes -= self._weights.pop(dropped)
                self._release(dropped, old)

    def _release(self, key: tuple[Any, ...], value: object) -> None:
        """`key` no longer keeps `value` (under the lock)."""
        keys = self._held.pop(id(value))
        keys.remove(key)
        if keys:
            self._held[id(value)] = keys


def weight(value: Any) -> int:
    """An estimate of what a cached value holds in memory, in bytes: a rendered body (and room
    for its compressed copies), or statements at a few hundred bytes each."""
    body = getattr(value, "body", None)
    if isinstance(body, bytes):
        return 2 * len(body) + 512
    quads = getattr(value, "quads", None)
    if isinstance(quads, tuple | list):
        return 300 * len(quads) + 512
    return 4096
