"""A few dozen cases of the mutation fuzzer (tests/fuzz.py) on every run; ``make fuzz`` runs
thousands under three fresh seeds."""

from __future__ import annotations

from fuzz import run_seed


def test_a_fuzz_sample_keeps_the_promise() -> None:
    # the output-path cases are test_hostile.py's; here mutants of files and arguments
    outcome = run_seed(2027, scenarios=15, azure=6, args=12, paths=False)
    assert outcome.cases > 30
    assert dict(outcome.counts) == {}, outcome.examples
