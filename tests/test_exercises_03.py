"""Notebook 03's exercise checkers: the reference solutions pass, plausible wrong answers are rejected in Russian."""

import numpy as np
import pytest

from utils.exercises import check_gru_model_params, check_pad_pre, gru_model_params


def pad_pre(sequences, maxlen):
    """The notebook's reference solution."""
    padded = np.zeros((len(sequences), maxlen), dtype="int32")
    for row, sequence in enumerate(sequences):
        kept = list(sequence)[-maxlen:]
        if kept:
            padded[row, -len(kept):] = kept
    return padded


def pad_post(sequences, maxlen):  # zeros on the right instead of the left
    padded = np.zeros((len(sequences), maxlen), dtype="int32")
    for row, sequence in enumerate(sequences):
        kept = list(sequence)[-maxlen:]
        padded[row, : len(kept)] = kept
    return padded


def truncate_post(sequences, maxlen):  # keeps the first maxlen items instead of the last
    padded = np.zeros((len(sequences), maxlen), dtype="int32")
    for row, sequence in enumerate(sequences):
        kept = list(sequence)[:maxlen]
        if kept:
            padded[row, -len(kept):] = kept
    return padded


def empty_breaks(sequences, maxlen):  # padded[row, -0:] is the whole row: fails on an empty review
    padded = np.zeros((len(sequences), maxlen), dtype="int32")
    for row, sequence in enumerate(sequences):
        kept = list(sequence)[-maxlen:]
        padded[row, -len(kept):] = kept
    return padded


def off_by_one(sequences, maxlen):  # keeps maxlen - 1 items of a long review
    padded = np.zeros((len(sequences), maxlen), dtype="int32")
    for row, sequence in enumerate(sequences):
        kept = list(sequence)[-(maxlen - 1):] if len(sequence) > maxlen else list(sequence)
        if kept:
            padded[row, -len(kept):] = kept
    return padded


def not_written(sequences, maxlen):
    ...


def test_pad_pre_reference_passes(capsys):
    assert check_pad_pre(pad_pre)
    assert "✅ «паддинг»: верно!" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [pad_post, truncate_post, empty_breaks, off_by_one, not_written])
def test_pad_pre_rejects_wrong_answers(wrong, capsys):
    assert not check_pad_pre(wrong)
    out = capsys.readouterr().out
    assert out.startswith("❌ «паддинг»:") and "Traceback" not in out


def test_gru_params_reference_passes(capsys):
    answer = 5000 * 32 + 3 * 16 * (32 + 16 + 2) + 16 + 1
    assert gru_model_params() == answer  # Keras's count_params() agrees with the formula
    assert check_gru_model_params(answer)
    assert "✅ «параметры модели»: верно!" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, hint", [
    (5000 * 32 + 3 * 16 * (32 + 16 + 1) + 16 + 1, "reset_after"),  # GRU with one bias per gate
    (5000 * 32 + 4 * 16 * (32 + 16 + 1) + 16 + 1, "LSTM"),  # the LSTM formula
    (3 * 16 * (32 + 16 + 2) + 16 + 1, "эмбеддинг"),  # the embedding table forgotten
    (5000 * 32 + 3 * 16 * (32 + 16 + 2) + 16, ""),  # the Dense bias forgotten
    (162417.5, "целое"),
    (..., "не написан"),
])
def test_gru_params_rejects_wrong_answers(wrong, hint, capsys):
    assert not check_gru_model_params(wrong)
    out = capsys.readouterr().out
    assert out.startswith("❌ «параметры модели»:") and hint in out
