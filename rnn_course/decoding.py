"""Beam search for any step-by-step decoder (notebooks 05 and 06)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

StepFn = Callable[[np.ndarray, list[np.ndarray]], tuple[np.ndarray, list[np.ndarray]]]


def length_normalized(total: float, length: int, alpha: float) -> float:
    """A hypothesis's score: ``sum(log p) / length ** alpha`` (the length counts ``<end>``; alpha = 0 — plain sum)."""
    return total / max(length, 1) ** alpha


def beam_search(
    step: StepFn,
    initial_state: Sequence[np.ndarray],
    start_id: int,
    end_id: int,
    beam_width: int = 4,
    max_len: int = 20,
    length_alpha: float = 1.0,
) -> list[tuple[list[int], float]]:
    """Decode one sequence with beam search; return ``(tokens, score)`` pairs, best first.

    ``step(tokens, states)`` gets the last token of each live hypothesis (shape ``(k,)``)
    and their states (arrays with the hypotheses on axis 0) and returns log-probabilities
    of the next token, shape ``(k, vocab)``, and the new states. ``initial_state`` holds
    one hypothesis (axis 0 of size 1). A hypothesis ends when it emits ``end_id``
    (not included in its tokens) or reaches ``max_len`` tokens. Scores are
    length-normalised: ``sum(log p) / length ** length_alpha``, where the length counts
    ``<end>``; ``length_alpha=0`` ranks by the plain sum, which favours short outputs.
    With ``beam_width=1`` this is exactly greedy decoding.
    """
    if beam_width < 1:
        raise ValueError(f"ширина луча должна быть ≥ 1, получено {beam_width}")
    tokens: list[list[int]] = [[]]
    log_probs = np.zeros(1)
    states = [np.asarray(s) for s in initial_state]
    last = np.array([start_id])
    finished: list[tuple[list[int], float]] = []

    for _ in range(max_len):
        step_log_probs, states = step(last, states)
        candidates = (log_probs[:, None] + np.asarray(step_log_probs)).ravel()
        vocab = step_log_probs.shape[-1]
        best = np.argsort(candidates)[::-1][: beam_width - len(finished)]
        keep_parents, keep_tokens, keep_totals = [], [], []
        for flat in best:
            parent, token = divmod(int(flat), vocab)
            if token == end_id:
                ended = tokens[parent]  # <end> counts in the length
                finished.append((ended, length_normalized(candidates[flat], len(ended) + 1, length_alpha)))
            else:
                keep_parents.append(parent)
                keep_tokens.append(token)
                keep_totals.append(candidates[flat])
        if not keep_parents or len(finished) >= beam_width:
            break
        tokens = [tokens[p] + [t] for p, t in zip(keep_parents, keep_tokens, strict=True)]
        log_probs = np.array(keep_totals)
        states = [s[keep_parents] for s in states]
        last = np.array(keep_tokens)
    else:  # max_len reached: unfinished hypotheses compete too
        finished += [(t, length_normalized(lp, len(t), length_alpha)) for t, lp in zip(tokens, log_probs, strict=True)]
    return sorted(finished, key=lambda item: item[1], reverse=True)
