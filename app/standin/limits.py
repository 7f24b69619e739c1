"""An optional rate limiter for chat.postMessage, as Slack applies it (off by default).

Slack allows about one message per second per channel, with bursts tolerated briefly, and a
workspace-wide cap; over either it answers HTTP 429 with `Retry-After` (whole seconds). The
fan-out benchmark turns this on to see whether the bot keeps to the limits without losing or
doubling posts. Guarded by the stand-in's lock; time comes from the stand-in's clock.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass
class PostLimits:
    per_channel: float = 1.0  # messages per second in one channel
    workspace: float = 100.0  # messages per second across the workspace
    window: float = 1.0  # seconds over which the workspace rate is counted
    _last: dict[str, float] = field(default_factory=dict)
    _recent: deque[float] = field(default_factory=deque)
    refused: int = 0

    def check(self, channel: str, now: float) -> int | None:
        """None to allow (and count) the post, or the Retry-After seconds of a 429."""
        while self._recent and now - self._recent[0] >= self.window:
            self._recent.popleft()
        waits = []
        last = self._last.get(channel)
        if last is not None and now - last < 1.0 / self.per_channel:
            waits.append(1.0 / self.per_channel - (now - last))
        if len(self._recent) >= self.workspace * self.window:
            waits.append(self.window - (now - self._recent[0]))
        if waits:
            self.refused += 1
            return max(1, math.ceil(max(waits)))
        self._last[channel] = now
        self._recent.append(now)
        return None

    def floor(self, posts: int, channels: int) -> float:
        """The least time `posts` spread over `channels` can take within these limits."""
        per_channel = math.ceil(posts / max(channels, 1)) - 1
        return max(posts / self.workspace, per_channel / self.per_channel)
