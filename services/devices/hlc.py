"""A hybrid logical clock (Kulkarni et al., 2014): wall-clock milliseconds and a counter in
one integer. Times only grow on a device, and after merging another device's time a
device's next time is later than it, whatever the two wall clocks say; so an edit made
after seeing another is ordered after it even when the clocks disagree."""

from __future__ import annotations

import time
from collections.abc import Callable

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def split(value: int) -> tuple[int, int]:
    return value >> COUNTER_BITS, value & COUNTER_MASK


def join(wall: int, counter: int) -> int:
    return (wall << COUNTER_BITS) | counter


def to_millis(value: int) -> int:
    return value >> COUNTER_BITS


class HybridClock:
    def __init__(self, last: int = 0, now_ms: Callable[[], int] = wall_ms):
        self.last = last
        self._now_ms = now_ms

    def tick(self) -> int:
        """A new time for a local event, later than every time seen so far."""
        wall = self._now_ms()
        last_wall, counter = split(self.last)
        self.last = join(wall, 0) if wall > last_wall else join(last_wall, counter + 1)
        return self.last

    def receive(self, remote: int) -> None:
        """Another device's time was seen: later local times come after it."""
        if remote > self.last:
            self.last = remote
