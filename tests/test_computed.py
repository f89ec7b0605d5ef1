"""Numbers from Python computations (engine.computed): cached by the source that produces them,
shown with their values when compared, and plot data computed only when drawn."""
import importlib
import sys

import numpy as np
import sympy as sp

from engine import Relation, Scope, Verdict
from engine.check import check_relation
from engine.computed import Lazy

EXPERIMENT = '''
from engine.computed import computation

def _helper(x):
    return x * {factor}

@computation
def experiment(x):
    return _helper(x)
'''


def _load(tmp_path, factor: int):
    (tmp_path / "experiment_module.py").write_text(EXPERIMENT.format(factor=factor))
    sys.path.insert(0, str(tmp_path))
    try:
        sys.modules.pop("experiment_module", None)
        importlib.invalidate_caches()
        return importlib.import_module("experiment_module").experiment
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("experiment_module", None)


def test_editing_a_helper_the_computation_calls_changes_its_cache_fingerprint(tmp_path):
    before = _load(tmp_path, 2).fingerprint()
    assert _load(tmp_path, 2).fingerprint() == before          # stable for the same source
    assert _load(tmp_path, 3).fingerprint() != before          # the helper changed, not the function


def test_compared_computation_reports_both_values(tmp_path):
    experiment = _load(tmp_path, 2)
    rng = np.random.default_rng(0)
    holds = check_relation(Relation.parse(">="), experiment(5), 9, Scope(), rng)
    assert holds.verdict == Verdict.VERIFIED
    assert "left side = 10, right side = 9" in holds.detail and "left 10, right 9" in holds.method
    fails = check_relation(Relation.parse(">="), experiment(5), 11, Scope(), rng)
    assert fails.verdict == Verdict.REFUTED


def test_lazy_plot_data_is_computed_once_and_only_when_read():
    calls = []

    def curves():
        calls.append(1)
        return [{"title": "t", "series": [{"label": "a", "points": [(1, sp.Integer(2))]}]}]

    plots = Lazy(curves)
    assert calls == []
    assert len(plots) == 1 and plots[0]["title"] == "t" and list(plots)[0]["series"][0]["label"] == "a"
    assert calls == [1]
