"""pytest plugin: each derivation becomes a test item (opt-in).

Enable with `pytest --derivations` (or `derivations = true` in the ini file); pytest then
collects every derivation module among the files it walks (e.g. `pytest derivations/`), except
files named like tests. A failing item reports its unexpected steps, both sides and the
counterexample, never a Python traceback. Registered through the `pytest11` entry point.
"""
from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("derivations", "derivation checking (derivation-engine)")
    group.addoption("--derivations", action="store_true", default=None,
                    help="collect derivation modules as test items")
    group.addoption("--derivations-seed", type=int, default=None,
                    help="random seed for the checkers (default: the engine's)")
    group.addoption("--derivations-cache-dir", default=None, metavar="DIR",
                    help="where verdicts are cached (default: .engine_cache in the rootdir; "
                         "shared by pytest-xdist workers and the command line)")
    group.addoption("--derivations-no-cache", action="store_true", default=False,
                    help="check every step again instead of re-using cached verdicts")
    parser.addini("derivations", type="bool", default=False,
                  help="collect derivation modules as test items")


def _enabled(config) -> bool:
    option = config.getoption("derivations")
    return bool(option) if option is not None else bool(config.getini("derivations"))


def _cache_dir(config) -> Path | None:
    """The verdict cache of the session (None with --derivations-no-cache). The keys cover
    everything a verdict depends on, so workers and the command line can share it."""
    if config.getoption("derivations_no_cache"):
        return None
    chosen = config.getoption("derivations_cache_dir")
    return Path(chosen) if chosen else Path(config.rootpath) / ".engine_cache"


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix != ".py" or not _enabled(parent.config):
        return None
    name = file_path.name
    if name.startswith(("test_", "_", ".")) or name.endswith("_test.py") or name == "conftest.py":
        return None
    return DerivationFile.from_parent(parent, path=file_path)


class DerivationFile(pytest.File):
    def collect(self):
        from .registry import collect_module
        derivations, error = collect_module(self.path)
        if error:
            raise self.CollectError(error)
        for derivation in derivations:
            yield DerivationItem.from_parent(self, name=derivation.id, derivation=derivation)


class CollectError(Exception):
    pass


DerivationFile.CollectError = CollectError


class DerivationFailed(Exception):
    def __init__(self, result):
        super().__init__(result.id)
        self.result = result


class DerivationItem(pytest.Item):
    def __init__(self, *, derivation, **kwargs):
        super().__init__(**kwargs)
        self.derivation = derivation

    def runtest(self):
        from .cache import ResultCache
        from .check import CheckSettings, check_derivations
        seed = self.config.getoption("derivations_seed")
        settings = CheckSettings() if seed is None else CheckSettings(seed=seed)
        result = check_derivations([self.derivation], settings,
                                   cache=ResultCache(_cache_dir(self.config))).derivations[0]
        if result.status != "ok":
            raise DerivationFailed(result)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, DerivationFailed):
            from .render.latex import to_text
            from .render.terminal import counterexample_lines
            result = excinfo.value.result
            lines = [f"{result.id}: {result.title} [{result.document}, {result.where}]"]
            for s in result.steps:
                if s.as_expected:
                    continue
                expected = s.expected.value if s.expected else "proved or verified"
                lines.append(f"step {s.index} ({s.chain}): {s.verdict.value}, expected "
                             f"{expected}  [{s.method}]")
                lines.append(f"    {to_text(s.lhs)}")
                lines.append(f"  {s.relation} {to_text(s.rhs)}")
                if s.justification:
                    lines.append(f"    because: {s.justification}")
                if s.detail:
                    lines.append(f"    {s.detail}")
                if s.counterexample:
                    lines.extend("    " + line for line in counterexample_lines(s.counterexample))
            return "\n".join(lines)
        if isinstance(excinfo.value, CollectError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"derivation {self.name}"
