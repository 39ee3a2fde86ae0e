"""Notebook 05's exercise checkers reject plausible wrong answers and accept the reference solutions."""

import numpy as np
import pytest

from utils.translation import (
    NORMALIZED_SCORE_CASES,
    attention_weight_cases,
    check_attention_weights,
    check_normalized_score,
)


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
