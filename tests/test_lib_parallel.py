"""kg.publishing.parallel: a step runs in a forked process where it can, and its errors reach
the caller."""

from __future__ import annotations

import os
from functools import partial

import pytest

from kg.publishing import parallel


def _pid() -> int:
    return os.getpid()


class _TwoArgumentError(Exception):
    """Cannot be unpickled (its __init__ needs two arguments), so it cannot cross back."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")


def _fails() -> None:
    raise _TwoArgumentError("step", "failed")


@pytest.mark.skipif(parallel._cores() < 2, reason="one core: steps run in this process")
def test_a_step_runs_in_another_process() -> None:
    assert parallel.start(_pid)() != os.getpid()


def test_a_failing_step_raises_its_own_error_here() -> None:
    with pytest.raises(_TwoArgumentError, match="step: failed"):
        parallel.start(_fails)()


def test_on_one_core_the_step_runs_when_its_result_is_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "_cores", lambda: 1)
    calls: list[int] = []
    result = parallel.start(partial(calls.append, 1))
    assert calls == []
    result()
    assert calls == [1]
    assert parallel.start(_pid)() == os.getpid()
