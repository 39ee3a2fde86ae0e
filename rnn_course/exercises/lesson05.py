"""Checkers of notebook 05's exercises: attention weights over a padded source, a length-normalised score, α."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..russian import plural
from ..translation import corpus_scores, tokenize
from .common import check_function, compare, is_numeric, print_verdict


def _masked_softmax(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Expected attention weights, computed another way than the notebook's solution: through log-sum-exp."""
    scores, mask = np.asarray(scores, dtype="float64"), np.asarray(mask, dtype=bool)
    log_norm = np.logaddexp.reduce(scores[mask])
    return np.where(mask, np.exp(np.where(mask, scores, 0.0) - log_norm), 0.0)


def attention_weight_cases(seed: int = 5) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cases for ``attention_weights(scores, mask)``: the exercise's three, then random lengths and masks with
    non-zero scores, a single unmasked position, large scores (1000: ``exp`` overflows unless shifted) and a
    padded position holding a score so large that shifting by the maximum over *all* positions leaves 0 / 0."""
    rng = np.random.default_rng(seed)
    cases = [(np.array([1.0, 2.0, 3.0]), np.array([True, True, True])),
             (np.array([5.0, 1.0, 100.0]), np.array([True, True, False])),
             (np.array([-3.0, 0.0, 2.0, 7.0]), np.array([True, False, True, False]))]
    for length in (2, 5, 9):
        mask = rng.random(length) < 0.6
        mask[rng.integers(length)] = True
        cases.append((rng.normal(0.0, 2.0, length), mask))
    cases += [(np.array([0.3, -1.2, 4.0]), np.array([False, True, False])),
              (np.array([1000.0, 998.0, 990.0, 0.0]), np.array([True, True, True, False])),
              (np.array([2.0, -1.0, 900.0, 0.5]), np.array([True, True, False, True]))]
    return cases


def _attention_hint(func: Callable, cases: Sequence[tuple[np.ndarray, np.ndarray]]) -> str | None:
    """A Russian hint for a wrong ``attention_weights``: which property of the weights it breaks first."""
    for scores, mask in cases:
        try:
            got = np.asarray(func(scores, mask), dtype="float64")
        except Exception:
            return None
        if got.shape != np.shape(scores):
            return None
        if not np.all(np.isfinite(got)):
            return ("получились NaN или бесконечность: вычтите из оценок максимум по позициям маски "
                    "(не по всем позициям) перед np.exp")
        if np.any(got[~mask] != 0):
            return "паддинг (mask == False) должен получить ровно 0"
        if not np.isclose(got.sum(), 1.0):
            return f"сумма весов {got.sum():.4g}, а должна быть 1: нормируйте только по позициям маски"
    return None


def check_attention_weights(func: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> bool:
    """Check the student's ``attention_weights(scores, mask)`` on :func:`attention_weight_cases`; print a verdict
    (and a hint which property is broken) in Russian; return whether it is right."""

    cases = attention_weight_cases()
    if check_function("веса внимания", func, _masked_softmax, cases):
        return True
    hint = _attention_hint(func, cases)
    if hint:
        print(f"   подсказка: {hint}")
    return False


# (log_probs, alpha) → the length-normalised score, worked out by hand: sum / L ** alpha
NORMALIZED_SCORE_CASES = [
    (([-0.5], 0.0), -0.5),
    (([-0.1, -0.1, -0.1, -0.3], 0.0), -0.6),
    (([-0.1, -0.1, -0.1, -0.3], 1.0), -0.15),
    (([-0.5], 1.0), -0.5),
    (([-2.0, -1.0], 0.7), -3.0 / 2**0.7),
    (([-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0], 0.5), -36.0 / 8**0.5),
    (([-0.25, -0.75, -1.0], 2.0), -2.0 / 9.0),
]


def check_normalized_score(func: Callable[[Sequence[float], float], float]) -> bool:
    """Check the student's ``normalized_score(log_probs, alpha)`` against values worked out by hand
    (:data:`NORMALIZED_SCORE_CASES`: several lengths, α = 0, 0.5, 0.7, 1, 2); print a Russian verdict."""

    expected = {(tuple(log_probs), alpha): value for (log_probs, alpha), value in NORMALIZED_SCORE_CASES}
    cases = [(list(log_probs), alpha) for (log_probs, alpha), _ in NORMALIZED_SCORE_CASES]
    ok = check_function("нормировка на длину", func, lambda log_probs, alpha: expected[tuple(log_probs), alpha], cases)
    if not ok:
        try:
            if np.isclose(func([-0.1, -0.1, -0.1, -0.3], 0.0), -0.15):
                print("   подсказка: при α = 0 делитель L^0 = 1, то есть оценка — просто сумма")
            elif np.isclose(func([-2.0, -1.0], 0.7), -3.0):
                print("   подсказка: L — число слов вместе с <end>, то есть len(log_probs)")
        except Exception:
            pass
    return ok


def _is_alpha(value: object) -> bool:
    """A length-normalisation exponent: one finite real number (not a bool, not a string)."""
    return (not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, float, np.integer, np.floating))
            and bool(np.isfinite(value)))


def _hypotheses_problem(alpha: float, hyps: object, count: int) -> str | None:
    """What is wrong with one α's hypotheses (None if they are ``count`` strings), in Russian."""

    if isinstance(hyps, (list, tuple)) and all(isinstance(h, str) for h in hyps):
        if len(hyps) != count:
            return (f"для α = {alpha:g} переводов {len(hyps)}, а предложений dev {count}: нужен ровно один перевод "
                    "на предложение, в том же порядке, что эталоны.")
        return None
    if is_numeric(hyps) and np.ndim(hyps) <= 1:
        return (f"для α = {alpha:g} переданы числа, а нужны сами переводы (список строк): chrF проверка "
                "посчитает сама.")
    if isinstance(hyps, (list, tuple)) and hyps and all(
            isinstance(h, (list, tuple, np.ndarray)) and is_numeric(h) for h in hyps):
        return f"для α = {alpha:g} переданы индексы слов, а нужны строки: переведите их в текст функцией to_text."
    return f"для α = {alpha:g} нужен список переводов-строк, а получен {type(hyps).__name__}."


def check_length_alpha(hypotheses_by_alpha: object, best_alpha: object, references: Sequence[Sequence[str]]) -> bool:
    """05 (experiment): beam-search translations of dev sentences for several length-normalisation exponents α.

    The checker scores every α itself (chrF, lower-cased, against all ``references`` of each sentence), so it
    takes real translations and never typed-in scores: the grid holds α = 0 (no normalisation) and at least
    three values, each α one string per dev sentence (not all α alike), and ``best_alpha`` is the α of the
    highest chrF (any of tied ones). It prints chrF and the mean length in tokens per α, and the references'
    mean length: the lengths are the explanation. Prints a Russian verdict, returns whether it is right.
    """

    task = "какое α лучше"
    if hypotheses_by_alpha is None or hypotheses_by_alpha is Ellipsis:
        print_verdict(task, compare(None, 0, rtol=0, atol=0))
        return False
    if not isinstance(hypotheses_by_alpha, dict) or not hypotheses_by_alpha:
        print_verdict(task, "нужен словарь {α: список переводов dev}, например {0.0: [...], 0.5: [...], ...}.")
        return False
    alphas = list(hypotheses_by_alpha)
    if not all(_is_alpha(alpha) for alpha in alphas):
        print_verdict(task, f"ключи словаря — числа α (0, 0.5, 1, …), а получены {alphas!r}.")
        return False
    if len(alphas) < 3:
        grid = plural(len(alphas), "значение", "значения", "значений")
        print_verdict(task, f"в сетке {grid} α, а нужно не меньше трёх, чтобы увидеть зависимость.")
        return False
    if not any(alpha == 0 for alpha in alphas):
        print_verdict(task, f"в сетке {sorted(map(float, alphas))} нет α = 0 (без нормировки): добавьте его — "
                             "с ним и сравниваем.")
        return False
    for alpha in alphas:
        problem = _hypotheses_problem(alpha, hypotheses_by_alpha[alpha], len(references))
        if problem:
            print_verdict(task, problem)
            return False
    if len({tuple(hyps) for hyps in hypotheses_by_alpha.values()}) == 1:
        print_verdict(task, "переводы при всех α одинаковы: передаёте ли вы α в beam_search_batch "
                             "(аргумент length_alpha)?")
        return False
    chrf = {alpha: corpus_scores(hyps, references)[1] for alpha, hyps in hypotheses_by_alpha.items()}
    length = {alpha: float(np.mean([len(tokenize(h)) for h in hyps])) for alpha, hyps in hypotheses_by_alpha.items()}
    print(f"{'α':>5}{'chrF':>8}   средняя длина перевода, токенов (предложений dev: {len(references)})")
    for alpha in sorted(alphas):
        print(f"{alpha:>5g}{chrf[alpha]:>8.1f}   {length[alpha]:.2f}")
    print(f"средняя длина эталона, токенов: {np.mean([len(tokenize(r)) for refs in references for r in refs]):.2f}")
    if best_alpha is None or best_alpha is Ellipsis:
        print_verdict(task, "впишите в best_alpha то α из сетки, при котором chrF выше.")
        return False
    if not _is_alpha(best_alpha) or not any(best_alpha == alpha for alpha in alphas):
        print_verdict(task, f"best_alpha — одно из α вашей сетки {sorted(map(float, alphas))}, а получено "
                             f"{best_alpha!r}.")
        return False
    top = max(chrf.values())
    if chrf[best_alpha] < top - 1e-9:
        winner = max(alphas, key=chrf.__getitem__)
        print_verdict(task, f"у α = {best_alpha:g} chrF {chrf[best_alpha]:.1f}, а у α = {winner:g} — {top:.1f}: "
                             "best_alpha — α с наибольшим chrF (таблица выше посчитана проверкой).")
        return False
    print_verdict(task, None)
    return True
