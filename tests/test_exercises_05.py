"""Notebook 05's exercise checkers reject plausible wrong answers and accept the reference solutions."""

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

from rnn_course.exercises.lesson05 import (
    NORMALIZED_SCORE_CASES,
    TIE_ALPHA,
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


def hidden_solution(marker: str) -> str:
    """The notebook's one hidden solution cell that contains ``marker``."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["metadata"].get("jupyter", {}).get("source_hidden")]
    matches = [s for s in sources if marker in s]
    assert len(matches) == 1, marker
    assert matches[0].startswith("# @title Решение\n"), "a solution starts with «# @title Решение»"
    return matches[0]


def test_reference_solutions_pass(capsys):
    assert check_attention_weights(attention_solution)
    assert check_normalized_score(score_solution, np.log(1.2) / np.log(4))
    out = capsys.readouterr().out
    assert out.count("✅") == 2 and "❌" not in out


def test_score_solution_of_the_notebook_passes(capsys):
    namespace = {"np": np}
    exec("\n".join(line for line in hidden_solution("tie_alpha =").splitlines() if "check_" not in line), namespace)
    assert check_normalized_score(namespace["normalized_score"], namespace["tie_alpha"])
    out = capsys.readouterr().out
    assert "✅" in out and "❌" not in out


def test_tie_alpha_is_where_the_two_translations_score_the_same():
    short, long = [-0.5], [-0.1, -0.1, -0.1, -0.3]
    assert score_solution(short, TIE_ALPHA) == pytest.approx(score_solution(long, TIE_ALPHA))
    assert score_solution(short, 0.0) > score_solution(long, 0.0) and score_solution(short, 1) < score_solution(long, 1)


@pytest.mark.parametrize(("tie", "message"), [
    (0.5, "не равны"),  # a guess halfway
    (1.2 / 4, "не равны"),  # 4^α = 1.2 solved as 4·α = 1.2
    (np.log(1.2), "не равны"),  # ln 4 forgotten
    (1.0, "между ними"),  # «at α = 1 the long one wins» read as the tie
    (0.0, "между ними"),
    ("0.13", "одно число"),
    (..., "ещё не написан"),
])
def test_score_checker_rejects_a_wrong_tie_alpha(tie, message, capsys):
    assert check_normalized_score(score_solution, tie) is False
    out = capsys.readouterr().out
    assert "❌ «нормировка на длину»: функция верна" in out and message in out and "✅" not in out


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
    assert not check_normalized_score(wrong, TIE_ALPHA)
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


def chrf(hyps, refs=ALPHA_REFS):  # the notebook's own metric, as the solution cell computes it
    return corpus_scores(hyps, refs)[1]


ALPHA_CHRF = {alpha: chrf(hyps) for alpha, hyps in ALPHA_HYPS.items()}


def alpha_solution(hypotheses_by_alpha, refs=ALPHA_REFS):  # the hidden solution cell's choice
    return max(hypotheses_by_alpha, key=lambda a: chrf(hypotheses_by_alpha[a], refs))


def test_alpha_solution_passes_and_then_prints_chrf_and_length(capsys):
    best = alpha_solution(ALPHA_HYPS)
    assert best == 1.0
    assert check_length_alpha(ALPHA_HYPS, ALPHA_CHRF, best, ALPHA_REFS)
    out = capsys.readouterr().out
    assert out.startswith("✅") and "❌" not in out  # the verdict first, the checker's table after it
    rows = out.splitlines()[2:-1]  # the table: α, chrF and the mean length in tokens, computed by the checker
    reference_length = np.mean([len(tokenize(r)) for refs in ALPHA_REFS for r in refs])
    assert out.splitlines()[-1] == f"средняя длина эталона, токенов: {reference_length:.2f}"
    assert "4 предложения dev" in out.splitlines()[1]
    assert rows == [f"{alpha:>5g}{chrf(hyps):>8.1f}   {np.mean([len(tokenize(h)) for h in hyps]):.2f}"
                    for alpha, hyps in sorted(ALPHA_HYPS.items())]
    lengths = [float(row.split()[-1]) for row in rows]
    assert lengths == sorted(lengths) and lengths[0] < lengths[-1]  # α = 0: the shortest translations


def test_alpha_ties_accept_any_of_the_tied(capsys):
    tied = {**ALPHA_HYPS, 2.0: ALPHA_HYPS[1.0]}
    scores = {**ALPHA_CHRF, 2.0: ALPHA_CHRF[1.0]}
    assert check_length_alpha(tied, scores, 2.0, ALPHA_REFS) and check_length_alpha(tied, scores, 1, ALPHA_REFS)


def test_alpha_checker_scores_itself_with_the_references_given(capsys):
    # against other references another α wins: the checker follows the references, not a stored answer
    refs = [["я."], ["он пришёл."], ["это книга."], ["мы."]]
    scores = {alpha: chrf(hyps, refs) for alpha, hyps in ALPHA_HYPS.items()}
    assert alpha_solution(ALPHA_HYPS, refs) == 0.0
    assert check_length_alpha(ALPHA_HYPS, scores, 0.0, refs)
    assert not check_length_alpha(ALPHA_HYPS, scores, 1.0, refs)
    assert not check_length_alpha(ALPHA_HYPS, ALPHA_CHRF, 0.0, refs)  # scores against the other references


BLEU = {alpha: corpus_scores(hyps, ALPHA_REFS)[0] for alpha, hyps in ALPHA_HYPS.items()}
LAST_REFERENCE_ONLY = {alpha: chrf(hyps, [refs[-1:] for refs in ALPHA_REFS]) for alpha, hyps in ALPHA_HYPS.items()}
SENTENCE_MEAN = {alpha: float(np.mean([chrf([h], [r]) for h, r in zip(hyps, ALPHA_REFS, strict=True)]))
                 for alpha, hyps in ALPHA_HYPS.items()}


@pytest.mark.parametrize(
    ("hypotheses", "scores", "best", "message"),
    [
        (ALPHA_HYPS, ALPHA_CHRF, 0.0, "наибольшим chrF"),  # not the argmax: the shortest outputs
        (ALPHA_HYPS, ALPHA_CHRF, 1.5, "наибольшим chrF"),  # not the argmax: the largest α
        (ALPHA_HYPS, BLEU, 1.0, "не сходится"),  # BLEU in place of chrF
        (ALPHA_HYPS, LAST_REFERENCE_ONLY, 1.0, "не сходится"),  # one reference of several
        (ALPHA_HYPS, SENTENCE_MEAN, 1.0, "не сходится"),  # the mean of sentence chrF, not the corpus chrF
        (ALPHA_HYPS, {a: v / 100 for a, v in ALPHA_CHRF.items()}, 1.0, "не доля"),
        (ALPHA_HYPS, {0.0: 41.2, 0.5: 44.0, 1.0: 45.1, 1.5: 44.7}, 1.0, "не сходится"),  # typed-in numbers
        (ALPHA_HYPS, {a: v for a, v in ALPHA_CHRF.items() if a}, 1.0, "теми же ключами"),
        (ALPHA_HYPS, {a: str(v) for a, v in ALPHA_CHRF.items()}, 1.0, "одно число"),
        ({a: h for a, h in ALPHA_HYPS.items() if a}, ALPHA_CHRF, 1.0, "нет α = 0"),  # a grid without α = 0
        ({0.0: ALPHA_HYPS[0.0], 1.0: ALPHA_HYPS[1.0]}, ALPHA_CHRF, 1.0, "не меньше трёх"),  # too few values
        ({**ALPHA_HYPS, 0.5: ALPHA_HYPS[0.5][:3]}, ALPHA_CHRF, 1.0, "один перевод на предложение"),  # too short
        ({a: h * 2 for a, h in ALPHA_HYPS.items()}, ALPHA_CHRF, 1.0, "один перевод на предложение"),  # whole dev
        ({a: chrf(h) for a, h in ALPHA_HYPS.items()}, ALPHA_CHRF, 1.0, "переданы числа"),  # scores, not text
        ({a: [[5, 9, 3]] * 4 for a in ALPHA_HYPS}, ALPHA_CHRF, 1.0, "индексы слов"),  # ids, not text
        ({a: ALPHA_HYPS[1.0] for a in ALPHA_HYPS}, ALPHA_CHRF, 1.0, "length_alpha"),  # α never reached the search
        (ALPHA_HYPS, ALPHA_CHRF, ALPHA_CHRF[1.0], "одно из α"),  # the score instead of α
        (ALPHA_HYPS, ALPHA_CHRF, "1.0", "одно из α"),
        ({"0": ALPHA_HYPS[0.0], "1": ALPHA_HYPS[1.0], "2": ALPHA_HYPS[1.5]}, ALPHA_CHRF, "1", "числа α"),
        ([ALPHA_HYPS[a] for a in ALPHA_HYPS], ALPHA_CHRF, 1.0, "нужен словарь"),
        (ALPHA_HYPS, ALPHA_CHRF, ..., "ещё не написан"),
        (ALPHA_HYPS, ..., 1.0, "ещё не написан"),
        (..., ..., ..., "ещё не написан"),
    ],
)
def test_alpha_checker_rejects_wrong_answers_without_showing_its_table(hypotheses, scores, best, message, capsys):
    assert check_length_alpha(hypotheses, scores, best, ALPHA_REFS) is False
    out = capsys.readouterr().out
    assert "❌ «какое α лучше»" in out and message in out and "Traceback" not in out
    assert "средняя длина" not in out, "the checker's own chrF table is shown only after a right answer"


def test_alpha_exercise_in_the_notebook():
    """The stub leaves the sweep to the student; the solution sweeps α = 0 and ≥ 3 values through the batched
    beam search, computes chrF itself, picks best_alpha by it and passes the same dev references as the stub."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    stub = next(s for s in code if "check_length_alpha(" in s and not s.startswith("# @title Решение"))
    solution = hidden_solution("check_length_alpha(")
    assert "dev_hypotheses_by_alpha = ..." in stub and "dev_chrf_by_alpha = ..." in stub and "best_alpha = ..." in stub
    assert "length_alpha=" not in stub and "beam_search_batch" not in stub
    grid = ast.literal_eval(re.search(r"for alpha in (\([^)]*\))", solution).group(1))
    reused = [float(a) for a in re.findall(r"dev_hypotheses_by_alpha = \{([\d.]+): beam_hyps", solution)]
    assert 0.0 in grid and len(set(grid) | set(reused)) >= 3
    assert "beam_search_batch(" in solution and "length_alpha=alpha" in solution and "corpus_scores(" in solution
    call = "check_length_alpha(dev_hypotheses_by_alpha, dev_chrf_by_alpha, best_alpha, dev_refs[:ALPHA_DEV])"
    assert call in stub and call in solution
