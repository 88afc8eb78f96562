"""One page of a long list, shaped for the ``pager`` macro in ``templates/_macros.html``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Page:
    """One page of a list, shaped for the ``pager`` macro (``number``, ``pages``, ``window``)."""

    items: list
    total: int
    number: int
    size: int
    window: list[int | None] = field(init=False)

    def __post_init__(self) -> None:
        self.window = page_window(self.number, self.pages)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first_index(self) -> int:
        """1-based position of the first row on this page (0 when empty)."""
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.size + len(self.items)


def page_window(number: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last and ``radius`` around ``number``; None marks a gap."""
    shown = {1, pages, *range(max(1, number - radius), min(pages, number + radius) + 1)}
    window: list[int | None] = []
    previous = 0
    for n in sorted(shown):
        if n - previous == 2:  # a gap of one page: show the page rather than an ellipsis
            window.append(n - 1)
        elif n - previous > 2:
            window.append(None)
        window.append(n)
        previous = n
    return window
