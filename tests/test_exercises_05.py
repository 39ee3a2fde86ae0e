"""Notebook 05's exercise checkers reject plausible wrong answers and accept the reference solutions."""

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

from rnn_course.exercises.lesson05 import (
    NORMALIZED_SCORE_CASES,
    attention_weight_cases,
    check_attention_weights,
    check_length_alpha,
    check_normalized_score,
)
from rnn_course.translation import corpus_scores, tokenize

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "05_seq2seq_translation.ipynb"


def attention_solution(scores, mask):  # the hidden solution cell of the notebook
    exp = np.exp(np.where(mask, scores - scores[mask].max(), -np.inf))
    return exp / exp.sum()


def softmax_ignoring_mask(scores, mask):
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def zero_padding_after_softmax(scores, mask):  # padding set to 0, but weights no longer sum to 1
    return np.where(mask, softmax_ignoring_mask(scores, mask), 0.0)


def shift_by_max_of_all_scores(scores, mask):  # padding's large score makes every exp underflow: 0 / 0
    exp = np.where(mask, np.exp(scores - scores.max()), 0.0)
    return exp / exp.sum()


def no_shift(scores, mask):  # np.exp(1000) overflows
    exp = np.where(mask, np.exp(scores), 0.0)
    return exp / exp.sum()


def normalise_scores_not_exp(scores, mask):
    kept = np.where(mask, scores, 0.0)
    return kept / kept.sum()


def stub(*args):
    ...


def score_solution(log_probs, alpha):  # the hidden solution cell of the notebook
    return float(np.sum(log_probs) / len(log_probs) ** alpha)


def mean_ignoring_alpha(log_probs, alpha):
    return float(np.mean(log_probs))


def length_without_end(log_probs, alpha):
    return float(np.sum(log_probs) / max(len(log_probs) - 1, 1) ** alpha)


def alpha_times_length(log_probs, alpha):
    return float(np.sum(log_probs) / (len(log_probs) * alpha)) if alpha else float(np.sum(log_probs))


def mean_to_the_alpha(log_probs, alpha):
    return -float(abs(np.mean(log_probs)) ** alpha)


def multiply_instead_of_divide(log_probs, alpha):
    return float(np.sum(log_probs) * len(log_probs) ** alpha)


def test_reference_solutions_pass(capsys):
    assert check_attention_weights(attention_solution)
    assert check_normalized_score(score_solution)
    assert capsys.readouterr().out.count("✅") == 2


@pytest.mark.parametrize("wrong", [softmax_ignoring_mask, zero_padding_after_softmax, shift_by_max_of_all_scores,
                                   no_shift, normalise_scores_not_exp, stub])
def test_attention_checker_rejects_wrong_answers(wrong, capsys):
    with np.errstate(all="ignore"):
        assert not check_attention_weights(wrong)
    out = capsys.readouterr().out
    assert "❌" in out and "веса внимания" in out and "Traceback" not in out


def test_attention_hints_name_the_broken_property(capsys):
    with np.errstate(all="ignore"):
        check_attention_weights(zero_padding_after_softmax)
        assert "сумма весов" in capsys.readouterr().out
        check_attention_weights(softmax_ignoring_mask)
        assert "паддинг" in capsys.readouterr().out
        check_attention_weights(no_shift)
        assert "максимум" in capsys.readouterr().out


def test_attention_cases_are_not_trivial():
    cases = attention_weight_cases()
    assert len(cases) >= 6 and sum((~mask).any() for _, mask in cases) >= 4
    assert any(np.max(scores) >= 1000 for scores, _ in cases)
    assert any(np.argmax(scores) in np.flatnonzero(~mask) for scores, mask in cases)


@pytest.mark.parametrize("wrong", [mean_ignoring_alpha, length_without_end, alpha_times_length, mean_to_the_alpha,
                                   multiply_instead_of_divide, stub])
def test_score_checker_rejects_wrong_answers(wrong, capsys):
    assert not check_normalized_score(wrong)
    out = capsys.readouterr().out
    assert "❌" in out and "нормировка на длину" in out


def test_score_cases_worked_out_by_hand():
    for (log_probs, alpha), value in NORMALIZED_SCORE_CASES:
        assert value == pytest.approx(-np.exp(np.log(-np.sum(log_probs)) - alpha * np.log(len(log_probs))))
    assert len({alpha for (_, alpha), _ in NORMALIZED_SCORE_CASES}) >= 4


# --- «какое α лучше (опыт)»: the checker scores the student's own translations with chrF ----------------------

ALPHA_REFS = [["я люблю кошек.", "мне нравятся кошки."], ["он пришёл домой вчера."], ["это очень хорошая книга."],
              ["мы идём в парк."]]
# as α grows the beam keeps longer translations: α = 0 cuts them short (the solution's table shows the same)
ALPHA_HYPS = {0.0: ["я.", "он пришёл.", "это книга.", "мы."],
              0.5: ["я люблю.", "он пришёл домой.", "это хорошая книга.", "мы идём."],
              1.0: ["я люблю кошек.", "он пришёл домой вчера.", "это очень хорошая книга.", "мы идём в парк."],
              1.5: ["я люблю кошек кошек.", "он пришёл домой вчера вчера.", "это очень очень хорошая книга.",
                    "мы идём в в парк."]}


def chrf(hyps, refs=ALPHA_REFS):  # the notebook's own metric, as the solution cell picks best_alpha
    return corpus_scores(hyps, refs)[1]


def alpha_solution(hypotheses_by_alpha, refs=ALPHA_REFS):  # the hidden solution cell's choice
    return max(hypotheses_by_alpha, key=lambda a: chrf(hypotheses_by_alpha[a], refs))


def test_alpha_solution_passes_and_prints_chrf_and_length(capsys):
    best = alpha_solution(ALPHA_HYPS)
    assert best == 1.0
    assert check_length_alpha(ALPHA_HYPS, best, ALPHA_REFS)
    out = capsys.readouterr().out
    assert "✅" in out and "❌" not in out
    rows = out.splitlines()[1:-2]  # the table: α, chrF and the mean length in tokens, computed by the checker
    reference_length = np.mean([len(tokenize(r)) for refs in ALPHA_REFS for r in refs])
    assert out.splitlines()[-2] == f"средняя длина эталона, токенов: {reference_length:.2f}"
    assert rows == [f"{alpha:>5g}{chrf(hyps):>8.1f}   {np.mean([len(tokenize(h)) for h in hyps]):.2f}"
                    for alpha, hyps in sorted(ALPHA_HYPS.items())]
    lengths = [float(row.split()[-1]) for row in rows]
    assert lengths == sorted(lengths) and lengths[0] < lengths[-1]  # α = 0: the shortest translations


def test_alpha_ties_accept_any_of_the_tied(capsys):
    tied = {**ALPHA_HYPS, 2.0: ALPHA_HYPS[1.0]}
    assert check_length_alpha(tied, 2.0, ALPHA_REFS) and check_length_alpha(tied, 1, ALPHA_REFS)


def test_alpha_checker_scores_itself_with_the_references_given(capsys):
    # against other references another α wins: the checker follows the references, not a stored answer
    refs = [["я."], ["он пришёл."], ["это книга."], ["мы."]]
    assert alpha_solution(ALPHA_HYPS, refs) == 0.0
    assert check_length_alpha(ALPHA_HYPS, 0.0, refs)
    assert not check_length_alpha(ALPHA_HYPS, 1.0, refs)


@pytest.mark.parametrize(
    ("hypotheses", "best", "message"),
    [
        (ALPHA_HYPS, 0.0, "наибольшим chrF"),  # not the argmax: the shortest outputs
        (ALPHA_HYPS, 1.5, "наибольшим chrF"),  # not the argmax: the largest α
        ({a: h for a, h in ALPHA_HYPS.items() if a}, 1.0, "нет α = 0"),  # a grid without α = 0
        ({0.0: ALPHA_HYPS[0.0], 1.0: ALPHA_HYPS[1.0]}, 1.0, "не меньше трёх"),  # too few values
        ({**ALPHA_HYPS, 0.5: ALPHA_HYPS[0.5][:3]}, 1.0, "один перевод на предложение"),  # a list too short
        ({a: h * 2 for a, h in ALPHA_HYPS.items()}, 1.0, "один перевод на предложение"),  # the whole dev
        ({a: chrf(h) for a, h in ALPHA_HYPS.items()}, 1.0, "переданы числа"),  # typed-in chrF
        ({0.0: 41.2, 0.5: 44.0, 1.0: 45.1, 1.5: 44.7}, 1.0, "переданы числа"),
        ({a: [[5, 9, 3]] * 4 for a in ALPHA_HYPS}, 1.0, "индексы слов"),  # ids, not text
        ({a: ALPHA_HYPS[1.0] for a in ALPHA_HYPS}, 1.0, "length_alpha"),  # α never reached the search
        (ALPHA_HYPS, chrf(ALPHA_HYPS[1.0]), "одно из α"),  # the score instead of α
        (ALPHA_HYPS, "1.0", "одно из α"),
        ({"0": ALPHA_HYPS[0.0], "1": ALPHA_HYPS[1.0], "2": ALPHA_HYPS[1.5]}, "1", "числа α"),
        ([ALPHA_HYPS[a] for a in ALPHA_HYPS], 1.0, "нужен словарь"),
        (ALPHA_HYPS, ..., "впишите в best_alpha"),
        (..., ..., "ещё не написан"),
    ],
)
def test_alpha_checker_rejects_wrong_answers(hypotheses, best, message, capsys):
    assert check_length_alpha(hypotheses, best, ALPHA_REFS) is False
    out = capsys.readouterr().out
    assert "❌ «какое α лучше»" in out and message in out and "Traceback" not in out


def test_alpha_exercise_in_the_notebook():
    """The stub leaves the sweep to the student; the solution sweeps α = 0 and ≥ 3 values through the batched
    beam search, picks best_alpha by chrF and passes the same dev references as the stub."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    stub = next(s for s in code if "check_length_alpha(" in s and not s.startswith("# Решение"))
    solution = next(s for s in code if "check_length_alpha(" in s and s.startswith("# Решение"))
    assert "dev_hypotheses_by_alpha = ..." in stub and "best_alpha = ..." in stub
    assert "length_alpha=" not in stub and "beam_search_batch" not in stub
    grid = ast.literal_eval(re.search(r"for alpha in (\([^)]*\))", solution).group(1))
    reused = [float(a) for a in re.findall(r"dev_hypotheses_by_alpha = \{([\d.]+): beam_hyps", solution)]
    assert 0.0 in grid and len(set(grid) | set(reused)) >= 3
    assert "beam_search_batch(" in solution and "length_alpha=alpha" in solution
    call = "check_length_alpha(dev_hypotheses_by_alpha, best_alpha, dev_refs[:ALPHA_DEV])"
    assert call in stub and call in solution
