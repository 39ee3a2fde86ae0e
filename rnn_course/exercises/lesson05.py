"""Checkers of notebook 05's exercises: attention weights over a padded source, a length-normalised score, α."""

from __future__ import annotations

import contextlib
import io
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


SHORT, LONG = [-0.5], [-0.1, -0.1, -0.1, -0.3]  # the exercise's two translations
TIE_ALPHA = float(np.log(np.sum(LONG) / np.sum(SHORT)) / np.log(len(LONG)))  # 0.6 / 4^α = 0.5: 4^α = 1.2


def _tie_problem(func: Callable[[Sequence[float], float], float], tie_alpha: object) -> str | None:
    """None if ``tie_alpha`` is the α at which SHORT and LONG score the same (±0.001), else a hint in Russian."""
    if tie_alpha is None or tie_alpha is Ellipsis:
        return compare(None, 0, rtol=0, atol=0)
    if not _is_alpha(tie_alpha):
        return f"tie_alpha — одно число α, а получено {tie_alpha!r}."
    if abs(float(tie_alpha) - TIE_ALPHA) <= 1e-3:
        return None
    if not 0 < float(tie_alpha) < 1:
        return (f"при α = 0 выигрывает короткий перевод, при α = 1 — длинный: оценки равны где-то между ними, "
                f"а не при α = {float(tie_alpha):g}.")
    short, long = func(SHORT, float(tie_alpha)), func(LONG, float(tie_alpha))
    leader = "короткого" if short > long else "длинного"
    return (f"при α = {float(tie_alpha):g} оценки не равны ({short:.4f} и {long:.4f}, выше у {leader}). "
            "Решите уравнение normalized_score(короткий, α) = normalized_score(длинный, α) относительно α "
            "(или найдите α делением отрезка пополам).")


def check_normalized_score(func: Callable[[Sequence[float], float], float], tie_alpha: object = None) -> bool:
    """Check the student's ``normalized_score(log_probs, alpha)`` against values worked out by hand
    (:data:`NORMALIZED_SCORE_CASES`: several lengths, α = 0, 0.5, 0.7, 1, 2), then ``tie_alpha``: the α at which
    the exercise's short and long translations score the same (the choice flips there); print a Russian verdict."""

    task = "нормировка на длину"
    expected = {(tuple(log_probs), alpha): value for (log_probs, alpha), value in NORMALIZED_SCORE_CASES}
    cases = [(list(log_probs), alpha) for (log_probs, alpha), _ in NORMALIZED_SCORE_CASES]
    with contextlib.redirect_stdout(io.StringIO()) as printed:  # one verdict for both parts, printed below
        ok = check_function(task, func, lambda log_probs, alpha: expected[tuple(log_probs), alpha], cases)
    if not ok:
        print(printed.getvalue(), end="")
        try:
            if np.isclose(func([-0.1, -0.1, -0.1, -0.3], 0.0), -0.15):
                print("   подсказка: при α = 0 делитель L^0 = 1, то есть оценка — просто сумма")
            elif np.isclose(func([-2.0, -1.0], 0.7), -3.0):
                print("   подсказка: L — число слов вместе с <end>, то есть len(log_probs)")
        except Exception:
            pass
        return False
    problem = _tie_problem(func, tie_alpha)
    print_verdict(task, None if problem is None else f"функция верна, а tie_alpha — нет: {problem}")
    return problem is None


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


def _scores_problem(chrf_by_alpha: object, chrf: dict, alphas: list) -> str | None:
    """None if the student's ``{α: chrF}`` matches the checker's own (±0.05), else what is wrong; no number leaks."""
    if not isinstance(chrf_by_alpha, dict) or set(chrf_by_alpha) != set(alphas):
        return (f"dev_chrf_by_alpha — словарь с теми же ключами α, что у переводов: {sorted(map(float, alphas))}.")
    for alpha in sorted(alphas):
        score = chrf_by_alpha[alpha]
        if not (is_numeric(score) and np.ndim(score) == 0 and np.isfinite(float(score))):
            return f"chrF при α = {alpha:g} — одно число, а получено {score!r}."
        if abs(float(score) - chrf[alpha]) > 0.05:
            scale = " chrF здесь — от 0 до 100, не доля." if float(score) <= 1 else ""
            return (f"ваш chrF при α = {alpha:g} не сходится с подсчётом проверки.{scale} Считайте его по переводам "
                    "этого α и всем эталонам каждого предложения: corpus_scores(переводы, эталоны)[1].")
    return None


def check_length_alpha(
    hypotheses_by_alpha: object, chrf_by_alpha: object, best_alpha: object, references: Sequence[Sequence[str]],
) -> bool:
    """05 (experiment): beam-search translations of dev sentences for several length-normalisation exponents α,
    their chrF as the student computed it, and the best α.

    The checker scores every α itself (chrF, lower-cased, against all ``references`` of each sentence): the grid
    holds α = 0 (no normalisation) and at least three values, each α one string per dev sentence (not all α
    alike), the student's ``{α: chrF}`` matches the checker's, and ``best_alpha`` is the α of the highest chrF
    (any of tied ones). Only after a right answer it prints chrF and the mean length in tokens per α, and the
    references' mean length: the lengths are the explanation. Returns whether the answer is right.
    """

    task = "какое α лучше"
    if any(answer is None or answer is Ellipsis for answer in (hypotheses_by_alpha, chrf_by_alpha, best_alpha)):
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
    problem = _scores_problem(chrf_by_alpha, chrf, alphas)
    if problem is None and not (_is_alpha(best_alpha) and any(best_alpha == alpha for alpha in alphas)):
        problem = f"best_alpha — одно из α вашей сетки {sorted(map(float, alphas))}, а получено {best_alpha!r}."
    if problem is None and chrf[best_alpha] < max(chrf.values()) - 1e-9:
        problem = "best_alpha — α с наибольшим chrF в вашем dev_chrf_by_alpha, а у этого α chrF ниже."
    print_verdict(task, problem)
    if problem is not None:
        return False
    # the checker's own table, shown only now: it cannot be read off before the answer is right
    length = {alpha: float(np.mean([len(tokenize(h)) for h in hyps])) for alpha, hyps in hypotheses_by_alpha.items()}
    print(f"{'α':>5}{'chrF':>8}   {'средняя длина перевода, токенов'} "
          f"({plural(len(references), 'предложение', 'предложения', 'предложений')} dev)")
    for alpha in sorted(alphas):
        print(f"{alpha:>5g}{chrf[alpha]:>8.1f}   {length[alpha]:.2f}")
    print(f"средняя длина эталона, токенов: {np.mean([len(tokenize(r)) for refs in references for r in refs]):.2f}")
    return True
