"""What a process keeps of its recent work: the last values built per key.

Some things a page needs cost more to build than to use and depend only on what
their key says (a view's filter form, a query's SQL statement). Each process
keeps the latest ones, least recently used out first; a key must hold everything
the value depends on, a revision included when the value follows data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """The last ``size`` values built, by key (thread-safe; a value built twice by two
    threads at once is kept once)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = build()  # outside the lock: building may take a while, or fail
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value
