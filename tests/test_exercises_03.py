"""Notebook 03's exercise checkers: the reference solutions pass, plausible wrong answers are rejected in Russian."""

import functools

import keras
import numpy as np
import pytest

from rnn_course.data import imdb_lengths
from rnn_course.exercises.lesson03 import (
    check_maxlen_share,
    check_pad_pre,
    check_reversed_reviews,
    smallest_maxlen,
)


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


def wraps_keras(sequences, maxlen):  # the task forbids it: the function is Keras's own
    return keras.utils.pad_sequences(sequences, maxlen=maxlen)


def wraps_keras_alias(sequences, maxlen):  # the same, through a name imported under another name
    return pad_alias(sequences, maxlen=maxlen)


pad_alias = keras.utils.pad_sequences


def test_pad_pre_reference_passes(capsys):
    assert check_pad_pre(pad_pre)
    assert "✅ «паддинг»: верно!" in capsys.readouterr().out
    assert keras.utils.pad_sequences is pad_alias  # the checker puts Keras's function back


@pytest.mark.parametrize("wrong", [pad_post, truncate_post, empty_breaks, off_by_one, not_written, wraps_keras,
                                   wraps_keras_alias, pad_alias, functools.partial(pad_alias)])
def test_pad_pre_rejects_wrong_answers(wrong, capsys):
    assert not check_pad_pre(wrong)
    out = capsys.readouterr().out
    assert out.startswith("❌ «паддинг»:") and "Traceback" not in out
    if wrong in (wraps_keras, wraps_keras_alias, pad_alias) or isinstance(wrong, functools.partial):
        assert "pad_sequences" in out
    assert keras.utils.pad_sequences is pad_alias and pad_alias([[1, 2]], maxlen=3).tolist() == [[0, 1, 2]]


def test_maxlen_share_reference_passes(capsys):
    lengths, _ = imdb_lengths()
    answer = int(np.percentile(lengths, 90, method="inverted_cdf"))  # the notebook's solution
    assert answer == smallest_maxlen(lengths, 0.9)
    assert np.mean(lengths <= answer) >= 0.9 > np.mean(lengths <= answer - 1)
    assert check_maxlen_share(answer)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, hint", [
    ("median", "медиана"),
    ("mean", "средняя"),
    (400, "400"),  # the stored arrays' cap taken for the true lengths
    ("one more", "не наименьший"),
    ("one less", "меньше 90"),
    (459.5, "целое"),
    (..., "не написан"),
])
def test_maxlen_share_rejects_wrong_answers(wrong, hint, capsys):
    lengths, _ = imdb_lengths()
    right = smallest_maxlen(lengths, 0.9)
    wrong = {"median": int(np.median(lengths)), "mean": round(float(np.mean(lengths))), "one more": right + 1,
             "one less": right - 1}.get(wrong, wrong) if isinstance(wrong, str) else wrong
    assert not check_maxlen_share(wrong)
    out = capsys.readouterr().out
    assert out.startswith("❌ «maxlen для 90 % отзывов»:") and hint in out


# --- the experiment: reviews in reverse order -------------------------------------------------------------


def reverse_reviews(X):
    """The notebook's reference solution."""
    reversed_X = np.zeros_like(X)
    for row, review in enumerate(X):
        words = review[review != 0][::-1]
        reversed_X[row, : len(words)] = words
    return reversed_X


class FirstWordModel:
    """A stand-in for a trained model: positive when the first word's id is even (so order matters)."""

    def predict(self, X, verbose=0):
        return (X[:, :1] % 2 == 0).astype("float32")


class WordCountModel:
    """A stand-in for a bag of words: positive when the review has more than three words."""

    def predict(self, X, verbose=0):
        return ((X != 0).sum(axis=1, keepdims=True) > 3).astype("float32")


REVIEWS = reverse_reviews(np.array([[2, 3, 5, 0], [3, 5, 2, 8], [4, 0, 0, 0], [7, 9, 6, 4]]))[::-1]
LABELS = np.array([1, 0, 1, 1])
MODELS = {"LSTM": FirstWordModel(), "мешок слов": WordCountModel()}


def measured_reversed(name):
    return float(np.mean((MODELS[name].predict(reverse_reviews(REVIEWS))[:, 0] > 0.5) == LABELS))


RIGHT = {name: measured_reversed(name) for name in MODELS}


def reverse_everything(X):  # zeros move to the left: the cuDNN mask rule breaks
    return X[:, ::-1].copy()


def reverse_in_place(X):  # right answer, but the student's X_val is changed
    for row, review in enumerate(X):
        words = review[review != 0][::-1]
        X[row, : len(words)] = words
    return X


def test_reversed_reviews_reference_passes(capsys):
    assert RIGHT["LSTM"] != float(np.mean((MODELS["LSTM"].predict(REVIEWS)[:, 0] > 0.5) == LABELS))  # order matters
    assert check_reversed_reviews(reverse_reviews, RIGHT, MODELS, REVIEWS, LABELS)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("func", "accuracy", "hint"),
    [
        (lambda X: ..., RIGHT, "ещё не написан"),
        (reverse_everything, RIGHT, "нули оказались слева"),
        (reverse_in_place, RIGHT, "изменила входной массив"),
        (lambda X: X.copy(), RIGHT, "обратном порядке"),  # nothing reversed
        (reverse_reviews, {"LSTM": RIGHT["LSTM"]}, "ровно для моделей"),  # a model left out
        (reverse_reviews, {**RIGHT, "LSTM": 1 - RIGHT["LSTM"]}, "не сходится"),  # typed-in number
        (reverse_reviews, {name: 100 * v for name, v in RIGHT.items()}, "не сходится"),  # per cent
        (reverse_reviews, {"LSTM": RIGHT["LSTM"], 1: 0.5}, "ровно для моделей"),  # keys of mixed types
    ],
)
def test_reversed_reviews_rejects_wrong_answers(func, accuracy, hint, capsys):
    assert check_reversed_reviews(func, accuracy, MODELS, REVIEWS, LABELS) is False
    out = capsys.readouterr().out
    assert "❌" in out and hint in out and "Traceback" not in out
    assert "в прямом порядке" not in out, "the checker's own measurement is shown only after a right answer"
