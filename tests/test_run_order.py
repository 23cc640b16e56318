"""The test run hands out its longest files first (tests/conftest.py): under pytest-xdist's
``--dist loadfile``, a file with a ``stores`` test runs before one with a ``slow`` test, and
that before the others, whatever their number of tests."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")


def test_files_with_stores_then_slow_tests_are_handed_out_first(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nmarkers =\n    stores: x\n    slow: x\n")
    pytester.makepyfile(
        # many tests: pytest-xdist's own order (by number of tests) would hand it out first
        test_a_plain="\n".join(f"def test_{n}(): pass" for n in range(6)),
        test_b_slow="import pytest\n\n@pytest.mark.slow\ndef test_one(): pass\n",
        test_c_stores="import pytest\n\ndef test_one(): pass\n\n"
        "@pytest.mark.stores\ndef test_two(): pass\n",
    )
    result = pytester.runpytest_subprocess("-n", "1", "--dist", "loadfile", "-v", "-p", "xdist")
    result.assert_outcomes(passed=9)
    ran = [line.split("::")[0].split()[-1] for line in result.outlines if "PASSED" in line]
    files = list(dict.fromkeys(ran))
    assert files == ["test_c_stores.py", "test_b_slow.py", "test_a_plain.py"], result.outlines
