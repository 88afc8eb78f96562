"""Python's cyclic garbage collector around large computations (issue 14).

Computing a category's result at ten times the national scale allocates a few hundred thousand small objects
(sheets, their values, Decimals, per-nominee results), none of them in a reference cycle. Each allocation burst
triggers collections, and every full collection walks every object the process holds: the app's own modules and
mappers, and the per-process cache of computed results. Measured on the 13,000 cycle's largest category, about
40% of the computation's time was the collector (0.77-0.80 s with it, 0.49 s without).

Two remedies, both plain standard-library calls:

* :func:`paused` turns the collector off for the duration of one computation. Reference counting still frees
  everything as usual; only the search for cycles waits until the computation ends. It counts nested and
  concurrent users (threads of one server process), so the collector comes back on when the last one leaves, and
  only if it was on when the first one came.
* :func:`freeze_startup` moves what the process built while starting (modules, the app, the ORM's mappers) out of
  the collector's sight (``gc.freeze``), so later full collections do not walk it again and again. The entry point
  ``wsgi.py`` calls it once the app is created (with gunicorn's ``preload_app`` that is the master, before it forks
  the workers: they share those pages). Tests create many apps and never freeze.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; it is on again afterwards if it was on before."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()


def freeze_startup() -> int:
    """Collect once, then exclude every object alive now from later collections; return how many were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
