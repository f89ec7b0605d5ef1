"""Each structured-matrix generator produces what it promises, for many seeds and sizes."""
import numpy as np
import pytest

from engine.sampling import (random_invertible, random_orthogonal, random_psd, random_spd,
                             random_structured, random_symmetric, simple_structured)

CASES = [(seed, n) for seed in range(12) for n in (1, 2, 3, 5, 8)]


@pytest.mark.parametrize("seed,n", CASES)
def test_orthogonal_generator_gives_orthogonal_matrices(seed, n):
    q = random_orthogonal(np.random.default_rng(seed), n)
    assert np.allclose(q @ q.T, np.eye(n)) and np.allclose(q.T @ q, np.eye(n))


@pytest.mark.parametrize("seed,n", CASES)
def test_spd_generator_is_symmetric_with_positive_eigenvalues(seed, n):
    m = random_spd(np.random.default_rng(seed), n)
    assert np.allclose(m, m.T)
    assert np.linalg.eigvalsh(m).min() > 0.4


@pytest.mark.parametrize("seed,n", CASES)
def test_psd_generator_is_symmetric_with_nonnegative_eigenvalues(seed, n):
    m = random_psd(np.random.default_rng(seed), n)
    assert np.allclose(m, m.T)
    assert np.linalg.eigvalsh(m).min() > -1e-9


def test_psd_generator_produces_singular_matrices_sometimes():
    ranks = {np.linalg.matrix_rank(random_psd(np.random.default_rng(s), 3)) for s in range(40)}
    assert min(ranks) < 3 and max(ranks) == 3


@pytest.mark.parametrize("seed,n", CASES)
def test_symmetric_and_invertible_generators(seed, n):
    rng = np.random.default_rng(seed)
    s = random_symmetric(rng, n)
    assert np.allclose(s, s.T)
    m = random_invertible(rng, n)
    assert abs(np.linalg.det(m)) > 1e-3 and np.linalg.cond(m) < 10


STRUCTURES = [
    {"diagonal"}, {"symmetric"}, {"orthogonal"}, {"invertible"}, {"positive_definite"},
    {"positive_semidefinite"}, {"diagonal", "positive_definite"}, {"orthogonal", "symmetric"},
    {"orthogonal", "diagonal"}, {"symmetric", "invertible"}, {"diagonal", "invertible"},
]


def _has(m, structure):
    n = len(m)
    symmetric = np.allclose(m, m.T)
    checks = {
        "symmetric": symmetric,
        "diagonal": np.allclose(m, np.diag(np.diag(m))),
        "orthogonal": np.allclose(m @ m.T, np.eye(n)),
        "invertible": abs(np.linalg.det(m)) > 1e-6,
        "positive_definite": symmetric and np.linalg.eigvalsh(m).min() > 1e-9,
        "positive_semidefinite": symmetric and np.linalg.eigvalsh(m).min() > -1e-9,
    }
    return all(checks[p] for p in structure)


@pytest.mark.parametrize("structure", STRUCTURES, ids=lambda s: "+".join(sorted(s)))
@pytest.mark.parametrize("simple", [False, True], ids=["random", "small-integer"])
def test_every_structure_combination_is_honoured(structure, simple):
    draw = simple_structured if simple else random_structured
    for seed in range(25):
        for n in (1, 2, 3, 4):
            m = draw(np.random.default_rng(seed), n, n, frozenset(structure))
            assert m.shape == (n, n)
            assert _has(m, structure), (structure, seed, n, m)
            if simple:
                assert np.allclose(m, np.round(m)), "simple matrices have integer entries"


@pytest.mark.parametrize("seed,n", [(seed, n) for seed in range(6) for n in (1, 2, 3, 5)])
def test_orthogonal_variants_give_both_determinant_signs(seed, n):
    rng = np.random.default_rng(seed)
    dets = [np.linalg.det(random_structured(rng, n, n, frozenset({"orthogonal"}), k))
            for k in range(2)]
    assert np.allclose(sorted(dets), [-1, 1])


@pytest.mark.parametrize("seed", range(6))
def test_semidefinite_variants_include_singular_and_near_singular(seed):
    rng = np.random.default_rng(seed)
    smallest = [np.linalg.eigvalsh(random_structured(rng, 3, 3, frozenset(
        {"symmetric", "positive_semidefinite"}), k)).min() for k in (1, 2)]
    assert abs(smallest[0]) < 1e-12 and -1e-12 < smallest[1] < 1e-6


def test_wide_scalars_cover_many_decades_and_special_values():
    from engine.sampling import random_scalar
    rng = np.random.default_rng(0)
    draws = np.array([random_scalar(rng, "real") for _ in range(2000)])
    magnitudes = np.log10(np.abs(draws[draws != 0]))
    assert magnitudes.min() < -10 and magnitudes.max() > 10
    assert (draws < 0).any() and (draws == np.round(draws)).mean() > 0.05
    integers = [random_scalar(rng, "positive_integer") for _ in range(2000)]
    assert max(integers) > 10**5 and min(integers) >= 1
