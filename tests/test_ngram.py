"""rnn_course.ngram: normalised distributions, agreement with a plain dict implementation, honest tuning."""

import collections
import math

import numpy as np
import pytest

from rnn_course import ngram

TEXT = "the cat sat on the mat. the rat ate the oat; a bat and a cat chat. " * 3 + "zebra quiz!"
ALPHABET = sorted(set(TEXT))


def reference_kneser_ney(text, order, discount, alphabet):
    """Interpolated Kneser–Ney with one discount, written the slow readable way (as in notebook 04)."""
    tables = []
    for k in range(1, order + 1):
        if k == order:
            counts = collections.Counter(text[i:i + k] for i in range(len(text) - k + 1))
        else:
            counts = collections.Counter(g[1:] for g in {text[i:i + k + 1] for i in range(len(text) - k)})
        totals, types = collections.Counter(), collections.Counter()
        for gram, count in counts.items():
            totals[gram[:-1]] += count
            types[gram[:-1]] += 1
        tables.append((counts, totals, types))

    def prob(context, char):
        p = 1 / len(alphabet)
        for k, (counts, totals, types) in enumerate(tables, start=1):
            h = context[len(context) - k + 1:] if k > 1 else ""
            if totals[h]:
                p = max(counts[h + char] - discount, 0) / totals[h] + discount * types[h] / totals[h] * p
        return p

    return prob


@pytest.mark.parametrize("order", [1, 2, 3, 5])
@pytest.mark.parametrize("discounts", [0.75, [[0.3, 1.2, 2.5]], "estimated"])
def test_distributions_sum_to_one(order, discounts):
    model = ngram.KneserNey(TEXT, 5, ALPHABET)
    if discounts == "estimated":
        discounts = model.chen_goodman_discounts(order)
    for context in ["the ", "xq", "", "zzzz", "a cat ch"]:
        p = model.probs(context, order, discounts)
        assert p.shape == (len(ALPHABET),) and (p > 0).all()
        assert abs(p.sum() - 1) < 1e-12


@pytest.mark.parametrize("order", [1, 3, 4])
def test_single_discount_matches_reference(order):
    model = ngram.KneserNey(TEXT, 4, ALPHABET)
    reference = reference_kneser_ney(TEXT, order, 0.6, ALPHABET)
    held_out = "the bat sat on a rat. quiz the zebra"
    expected = -np.mean([math.log2(reference(held_out[max(0, i - order + 1):i], held_out[i]))
                         for i in range(1, len(held_out))])
    stats = model.statistics(held_out, order)
    assert ngram.bits_per_char(stats, 0.6, len(ALPHABET)) == pytest.approx(expected, abs=1e-12)
    for i in [1, 2, 7]:
        context = held_out[max(0, i - order + 1):i]
        assert model.probs(context, order, 0.6)[ALPHABET.index(held_out[i])] == pytest.approx(
            reference(context, held_out[i]), abs=1e-12)


def test_vectorised_matches_probs_with_three_discounts():
    model = ngram.KneserNey(TEXT, 4, ALPHABET)
    discounts = [[0.2, 0.9, 1.5], [0.5, 1.1, 2.0], [0.7, 1.3, 1.1], [0.9, 1.6, 2.4]]
    held_out = "a cat sat. the oat and the zebra"
    slow = -np.mean([np.log2(model.probs(held_out[max(0, i - 3):i], 4, discounts)[ALPHABET.index(held_out[i])])
                     for i in range(1, len(held_out))])
    assert ngram.bits_per_char(model.statistics(held_out, 4), discounts, len(ALPHABET)) == pytest.approx(slow)


def test_bits_per_position_are_the_costs_of_each_character():
    model = ngram.KneserNey(TEXT, 3, ALPHABET)
    held_out = "the rat sat"
    costs = ngram.bits_per_position(model.statistics(held_out, 3), 0.7, len(ALPHABET))
    assert costs.shape == (len(held_out) - 1,)
    for i in [1, 5, len(held_out) - 1]:
        p = model.probs(held_out[max(0, i - 2):i], 3, 0.7)[ALPHABET.index(held_out[i])]
        assert costs[i - 1] == pytest.approx(-math.log2(p), abs=1e-12)
    assert costs.mean() == pytest.approx(ngram.bits_per_char(model.statistics(held_out, 3), 0.7, len(ALPHABET)))


def test_chen_goodman_estimates_formula():
    text = "".join(np.random.default_rng(0).choice(list("abcdefgh"), 1500))
    model = ngram.KneserNey(text, 3)
    counts = collections.Counter(model.raw[2].values())  # top level of an order-3 model: ordinary counts
    n1, n2, n3, n4 = (counts[r] for r in (1, 2, 3, 4))
    assert min(n1, n2, n3, n4) > 0
    y = n1 / (n1 + 2 * n2)
    expected = np.clip([1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3], ngram.MIN_DISCOUNT,
                       [1, 2, 3])
    np.testing.assert_allclose(model.chen_goodman_discounts(3)[-1], expected)


def test_bad_discounts_are_rejected():
    model = ngram.KneserNey(TEXT, 2, ALPHABET)
    stats = model.statistics("the cat", 2)
    for bad in [-0.1, 1.5, [[0.5, 2.5, 1.0]]]:
        with pytest.raises(ValueError):
            ngram.bits_per_char(stats, bad, len(ALPHABET))


def test_tuning_never_hurts_and_stays_in_range():
    model = ngram.KneserNey(TEXT[:150], 3, ALPHABET)
    stats = model.statistics(TEXT[150:], 3)
    start = model.chen_goodman_discounts(3)
    tuned = ngram.tune_discounts(stats, len(ALPHABET), start=start, grid=6, passes=2)
    assert tuned.order == 3 and tuned.discounts.shape == (3, 3)
    assert tuned.bits_per_char <= ngram.bits_per_char(stats, start, len(ALPHABET))
    assert tuned.bits_per_char == pytest.approx(ngram.bits_per_char(stats, tuned.discounts, len(ALPHABET)))
    assert (tuned.discounts >= ngram.MIN_DISCOUNT).all() and (tuned.discounts <= [1, 2, 3]).all()


def test_short_contexts_at_the_start_are_skipped():
    model = ngram.KneserNey(TEXT, 4, ALPHABET)
    stats = model.statistics("the cat", 4)
    assert (stats[3, :, :2] == 0).all()  # positions 1 and 2 have fewer than 3 characters before them
    assert stats[3, 1, 2] > 0  # position 3 ("the" -> " ") has a seen 3-character context
