"""The garbage collector's pause and start-up freeze (awards/collector.py)."""

from __future__ import annotations

import gc
import threading

import pytest

from awards import collector


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_paused_turns_the_collector_off_and_back_on():
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_restore_only_when_the_outermost_ends():
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_an_exception_still_restores_the_collector():
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_overlapping_threads_leave_it_on_only_after_the_last_one():
    first_in, second_in, first_may_leave, first_left = (threading.Event() for _ in range(4))
    seen: dict[str, bool] = {}

    def first():
        with collector.paused():
            first_in.set()
            first_may_leave.wait(5)
        first_left.set()

    def second():
        first_in.wait(5)
        with collector.paused():
            second_in.set()
            first_left.wait(5)
            seen["after the first left"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_in.wait(5)
    first_may_leave.set()
    for thread in threads:
        thread.join(10)
    assert seen == {"after the first left": False}
    assert gc.isenabled()


def test_freeze_startup_moves_the_living_objects_out_of_collections():
    try:
        frozen = collector.freeze_startup()
        assert frozen == gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
