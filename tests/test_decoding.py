import numpy as np
import pytest

from rnn_course.decoding import beam_search

START, END = 0, 1


def markov_step(transitions):
    """A toy decoder: log p(next | last token) from a transition matrix; the state is the last token."""
    log_t = np.log(np.asarray(transitions, dtype=float) + 1e-12)

    def step(tokens, states):
        return log_t[tokens], [tokens.copy()]

    return step


def greedy(transitions, max_len):
    out, current = [], START
    for _ in range(max_len):
        current = int(np.argmax(transitions[current]))
        if current == END:
            break
        out.append(current)
    return out


def random_chain(seed, vocab=6):
    rng = np.random.default_rng(seed)
    t = rng.dirichlet(np.ones(vocab) * 0.5, size=vocab)
    t[:, START] = 0  # <start> is never generated
    return t / t.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", range(5))
def test_width_one_is_greedy(seed):
    t = random_chain(seed)
    [(tokens, _)] = beam_search(markov_step(t), [np.array([START])], START, END, beam_width=1, max_len=8)
    assert tokens == greedy(t, 8)


def test_stops_at_end_and_drops_it():
    t = np.zeros((4, 4))
    t[START, 2], t[2, 3], t[3, END] = 1, 1, 1  # start → 2 → 3 → end, deterministic
    t[END, END] = 1
    results = beam_search(markov_step(t), [np.array([START])], START, END, beam_width=3, max_len=10)
    assert results[0][0] == [2, 3]
    assert results[0][1] == pytest.approx(0.0, abs=1e-9)  # log 1 = 0 at every step


def test_scores_are_length_normalised():
    # short: start → end with p 0.4 (total log 0.4 ≈ −0.92 over 1 token)
    # long:  start → 2 (0.6) → 3 (1.0) → 4 (1.0) → end (1.0): total log 0.6 ≈ −0.51 over 4 tokens
    t = np.zeros((5, 5))
    t[START, END], t[START, 2] = 0.4, 0.6
    t[2, 3] = t[3, 4] = t[4, END] = t[END, END] = 1.0
    normalised = beam_search(markov_step(t), [np.array([START])], START, END, beam_width=2, max_len=10)
    assert normalised[0][0] == [2, 3, 4]
    assert normalised[0][1] == pytest.approx(np.log(0.6) / 4)
    # a case where only normalisation changes the winner: short 0.55, long path loses more in total
    t2 = np.zeros((5, 5))
    t2[START, END], t2[START, 2] = 0.55, 0.45
    t2[2, 3] = t2[3, 4] = t2[4, END] = t2[END, END] = 1.0
    by_mean = beam_search(markov_step(t2), [np.array([START])], START, END, beam_width=2, max_len=10)
    by_sum = beam_search(markov_step(t2), [np.array([START])], START, END, beam_width=2, max_len=10, length_alpha=0)
    assert by_mean[0][0] == [2, 3, 4] and by_sum[0][0] == []


def test_wider_beam_finds_a_better_sequence_than_greedy():
    # greedy takes 2 (0.6) and then has only weak continuations; 3 (0.4) leads to a sure end
    t = np.zeros((6, 6))
    t[START, 2], t[START, 3] = 0.6, 0.4
    t[2, 4], t[2, 5] = 0.5, 0.5
    t[4, END] = t[5, END] = t[3, END] = t[END, END] = 1.0
    greedy_result = beam_search(markov_step(t), [np.array([START])], START, END, beam_width=1, max_len=5)
    beam_result = beam_search(markov_step(t), [np.array([START])], START, END, beam_width=3, max_len=5, length_alpha=0)
    assert greedy_result[0][0] in ([2, 4], [2, 5])
    assert beam_result[0][0] == [3]  # log 0.4 > log 0.3


def test_reaching_max_len_returns_the_unfinished_hypotheses():
    t = np.zeros((3, 3))
    t[START, 2] = t[2, 2] = 1.0  # never ends
    results = beam_search(markov_step(t), [np.array([START])], START, END, beam_width=2, max_len=4)
    assert results[0][0] == [2, 2, 2, 2]


def test_states_follow_their_hypotheses():
    # the state counts steps per hypothesis; the step function checks it stays consistent
    vocab = 5

    def step(tokens, states):
        counts = states[0]
        assert counts.shape == (len(tokens),)
        log_p = np.full((len(tokens), vocab), np.log(1 / (vocab - 1)))
        log_p[:, START] = -np.inf
        return log_p, [counts + 1]

    results = beam_search(step, [np.array([0])], START, END, beam_width=3, max_len=6)
    assert len(results) == 3


def test_rejects_a_zero_width_beam():
    with pytest.raises(ValueError, match="ширина луча"):
        beam_search(markov_step(np.eye(3)), [np.array([START])], START, END, beam_width=0)


def test_the_beam_shrinks_as_hypotheses_finish_and_stops_at_k_finished():
    # start → end (0.5), → 2 (0.3), → 3 (0.2); 2 → end. Width 2: step 1 finishes [] and keeps [2] alone,
    # step 2 finishes [2]: two finished, the search stops although [3] was never extended
    t = np.zeros((4, 4))
    t[START, END], t[START, 2], t[START, 3] = 0.5, 0.3, 0.2
    t[2, END] = t[3, END] = t[END, END] = 1.0
    live = []
    step = markov_step(t)

    def counting_step(tokens, states):
        live.append(len(tokens))
        return step(tokens, states)

    results = beam_search(counting_step, [np.array([START])], START, END, beam_width=2, max_len=10)
    assert live == [1, 1]  # one live hypothesis at each call: the finished one left the beam
    assert sorted(tokens for tokens, _ in results) == [[], [2]]


@pytest.mark.parametrize("seed", range(5))
def test_length_normalisation_only_reranks_the_finished(seed):
    # pruning uses raw sums of log p, so α changes neither which hypotheses finish nor their raw sums
    t = random_chain(seed)
    runs = {alpha: beam_search(markov_step(t), [np.array([START])], START, END, beam_width=3, max_len=6,
                               length_alpha=alpha) for alpha in (0.0, 1.0)}
    assert sorted(tokens for tokens, _ in runs[0.0]) == sorted(tokens for tokens, _ in runs[1.0])
    raw = {tuple(tokens): score for tokens, score in runs[0.0]}
    for tokens, score in runs[1.0]:
        length = len(tokens) + (len(tokens) < 6)  # <end> counts, unless max_len cut the hypothesis
        assert score == pytest.approx(raw[tuple(tokens)] / length)
