"""Translation helpers for notebook 05: tokens, a split by source sentence, sacreBLEU scores with bootstrap CIs."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from .decoding import length_normalized

TOKEN = re.compile(r"\w+(?:['-]\w+)*|[^\w\s]")  # words with inner hyphens, apostrophes («кто-то», tom's); punctuation
N_BOOTSTRAP = 1000
BOOTSTRAP_SEED = 12345  # sacrebleu's default SACREBLEU_SEED, the seed of its bootstrap


def tokenize(sentence: str) -> list[str]:
    """Lower-case word and punctuation tokens; a hyphen or apostrophe inside a word stays in it («кто-то», "tom's")."""
    return TOKEN.findall(sentence.lower())


def detokenize(tokens: Sequence[str]) -> str:
    """Tokens → text: closing punctuation sticks to the word before; a free-standing dash keeps its spaces.

    ``detokenize(tokenize(s)) == s.lower()`` for ordinary sentences, e.g. «Том - ваш учитель.».
    """
    text = " ".join(tokens)
    text = re.sub(r"\s+([.,!?;:)»])", r"\1", text)
    return re.sub(r"([(«])\s+", r"\1", text)


def source_key(sentence: str) -> str:
    """What makes two English sentences «the same»: equal words (case, spacing and punctuation do not matter,
    so «I'm tired.» and «I'm tired!» are one sentence and cannot end up on both sides of the split)."""
    return " ".join(token for token in tokenize(sentence) if any(ch.isalnum() for ch in token))


def group_references(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """English sentence → all its Russian translations, in file order (Tatoeba often has several).

    Sentences with the same ``source_key`` are one sentence, named by their first spelling.
    """
    names: dict[str, str] = {}
    references: dict[str, list[str]] = {}
    for en, ru in pairs:
        references.setdefault(names.setdefault(source_key(en), en), []).append(ru)
    return references


def split_by_source(
    pairs: Sequence[tuple[str, str]],
    held_out_sizes: Sequence[int],
    seed: int = 42,
    eligible: Callable[[str], bool] | None = None,
) -> tuple[list[list[tuple[str, list[str]]]], list[tuple[str, str]]]:
    """Hold out whole English sentences, with every reference they have, before anything else is done.

    The distinct English sentences are shuffled with ``seed``; the first ``eligible`` ones fill the held-out
    parts in order (``held_out_sizes`` sentences each, as ``(english, [russian, ...])``). The training part is
    every pair whose English sentence (up to ``source_key``) was not held out, so none is seen in training.
    """
    references = group_references(pairs)
    sentences = sorted(references)
    order = np.random.default_rng(seed).permutation(len(sentences))
    candidates = (sentences[i] for i in order if eligible is None or eligible(sentences[i]))
    held_out = [[] for _ in held_out_sizes]
    for part, size in zip(held_out, held_out_sizes, strict=True):
        for _ in range(size):
            en = next(candidates, None)
            if en is None:
                raise ValueError(f"не хватает предложений для отложенных частей {list(held_out_sizes)}")
            part.append((en, references[en]))
    taken = {source_key(en) for part in held_out for en, _ in part}
    return held_out, [(en, ru) for en, ru in pairs if source_key(en) not in taken]


def reference_streams(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """Per-sentence reference lists → sacrebleu's reference streams (``None`` where a sentence has fewer)."""
    width = max(len(refs) for refs in references)
    return [[refs[k] if k < len(refs) else None for refs in references] for k in range(width)]


def metrics() -> dict:
    """The metrics the course reports: sacrebleu BLEU and chrF, both on lower-cased text (``case:lc``)."""
    from sacrebleu.metrics import BLEU, CHRF

    return {"BLEU": BLEU(lowercase=True), "chrF": CHRF(lowercase=True)}


def corpus_scores(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> tuple[float, float]:
    """Corpus BLEU and chrF (lower-cased) of hypotheses against all references of each sentence."""
    streams = reference_streams(references)
    return tuple(metric.corpus_score(list(hypotheses), streams).score for metric in metrics().values())


def signatures(references: Sequence[Sequence[str]]) -> dict[str, str]:
    """sacreBLEU signatures of the two metrics (they state lower-casing, tokenizer, number of references)."""
    streams = reference_streams(references)
    result = {}
    for name, metric in metrics().items():
        metric.corpus_score(list(streams[0]), streams)  # the number of references is known once they are scored
        result[name] = str(metric.get_signature())
    return result


@contextlib.contextmanager
def _sacrebleu_seed(seed: int):
    """``SACREBLEU_SEED`` (sacrebleu's documented seed of its resampling) set to ``seed`` inside the block only."""
    previous = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = str(seed)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SACREBLEU_SEED"]
        else:
            os.environ["SACREBLEU_SEED"] = previous


def _paired_test(named_systems: list[tuple[str, list[str]]], streams: list[list[str | None]], n_samples: int,
                 seed: int) -> list[list]:
    """sacrebleu's paired bootstrap (``PairedTest``, ``test_type="bs"``) of each system against the first one.

    One column per metric of :func:`metrics`, in its order: a sacrebleu ``Result`` per system, with ``score``
    and ``ci`` (the 95% CI half-width), and ``p_value`` for every system but the first.
    """
    from sacrebleu.significance import PairedTest

    with _sacrebleu_seed(seed):  # sacrebleu reads it as the test is built: for the first system's CI and the pairs
        _, table = PairedTest(named_systems, metrics(), streams, test_type="bs", n_samples=n_samples)()
    return [column for name, column in table.items() if name != "System"]


def _resampled_scores(metric, hypotheses: list[str], streams: list[list[str | None]],
                      indices: np.ndarray) -> np.ndarray:
    """The metric's corpus score on each resample (a row of sentence ``indices``), from per-sentence statistics.

    The course's only private sacrebleu calls. sacrebleu has no public per-resample scores or per-sentence
    statistics (chrF's scores do not carry them); its public ``corpus_score`` on each resampled list gives the
    same numbers (a test checks it) but scores every sentence anew for each resample: minutes per call instead
    of a second. Hence sacrebleu's upper bound in pyproject.toml; the two methods are the same from 2.0 to 2.6.
    """
    stats = np.array(metric._extract_corpus_statistics(hypotheses, streams), dtype="float64")
    return np.array([metric._compute_score_from_stats(stats[rows].sum(0)).score for rows in indices])


def paired_bootstrap(
    baseline: Sequence[str],
    system: Sequence[str],
    references: Sequence[Sequence[str]],
    n_samples: int = N_BOOTSTRAP,
    seed: int = BOOTSTRAP_SEED,
) -> dict[str, dict[str, float]]:
    """Paired bootstrap (Koehn 2004) of ``system`` against ``baseline``: sacrebleu's ``PairedTest``, and more.

    For each metric: both scores, their 95% CI half-widths (``baseline_ci``, ``system_ci``) and the p-value,
    all from sacrebleu; and the difference ``delta`` = ``system − baseline`` with its 95% percentile interval
    (``delta_low``, ``delta_high``) over ``n_samples`` resamples of the sentences, each the same for both
    systems. ``seed`` (a positive integer: sacrebleu takes 0 for «no seed») is sacrebleu's ``SACREBLEU_SEED``;
    the difference's resamples are drawn from it as sacrebleu draws its own. One system's CI: :func:`bootstrap_ci`.
    """
    baseline, system = list(baseline), list(system)
    streams = reference_streams(references)
    columns = _paired_test([("baseline", baseline), ("system", system)], streams, n_samples, seed)
    indices = np.random.default_rng(seed).choice(len(system), size=(n_samples, len(system)), replace=True)
    result = {}
    for (name, metric), (base, sys_) in zip(metrics().items(), columns, strict=True):
        diffs = (_resampled_scores(metric, system, streams, indices)
                 - _resampled_scores(metric, baseline, streams, indices))
        low, high = np.percentile(diffs, [2.5, 97.5])
        result[name] = {"baseline": float(base.score), "baseline_ci": float(base.ci), "system": float(sys_.score),
                        "system_ci": float(sys_.ci), "p_value": float(sys_.p_value),
                        "delta": float(sys_.score - base.score), "delta_low": float(low), "delta_high": float(high)}
    return result


def bootstrap_ci(hypotheses: Sequence[str], references: Sequence[Sequence[str]],
                 n_samples: int = N_BOOTSTRAP, seed: int = BOOTSTRAP_SEED) -> dict[str, tuple[float, float]]:
    """Each metric's score and its 95% bootstrap CI half-width for one system: ``{"BLEU": (score, ci), ...}``.

    sacrebleu's ``PairedTest`` with this system alone; ``seed`` as in :func:`paired_bootstrap`.
    """
    columns = _paired_test([("system", list(hypotheses))], reference_streams(references), n_samples, seed)
    return {name: (float(column[0].score), float(column[0].ci))
            for name, column in zip(metrics(), columns, strict=True)}


def length_batches(
    inputs: Sequence[np.ndarray],
    target: np.ndarray,
    lengths: Sequence[int],
    edges: Sequence[int],
    batch_size: int,
    extra: Sequence[int | None] = (),
    seed: int = 0,
):
    """Training batches of similar length, each cut to its bucket's width: the same data, less padding.

    ``inputs`` and ``target`` are right-padded arrays with one row per example; ``lengths[i]`` is example
    ``i``'s length, and ``edges`` are the buckets' upper bounds (ascending, the last ≥ every length).
    Each batch holds examples of one bucket; an array is cut to ``bound + extra[j]`` columns (``extra`` per
    input, then one for the target; ``None`` keeps the array whole; missing entries mean 0). The target loses
    only padding (checked), and so does every input not aligned with it; an input cut to at least the target's
    width (the decoder's input, shifted by one step) may lose its trailing ``<end>``, whose prediction is padding.
    No sample weights: with ``SparseCategoricalCrossentropy(ignore_class=PAD)`` Keras averages the loss over
    the non-padding tokens only, so a cut batch has the same loss as uncut. Batches are reshuffled every epoch
    (a ``keras.utils.PyDataset``).
    """
    import keras

    arrays = [*inputs, target]
    extra = list(extra) + [0] * (len(arrays) - len(extra))
    lengths, edges = np.asarray(lengths), list(edges)
    bucket = np.searchsorted(edges, lengths)
    if bucket.max() >= len(edges):
        raise ValueError(f"длина {lengths.max()} больше последней границы {edges[-1]}")
    for j, array in enumerate(arrays):
        # an input may lose non-zero columns only beside the target's own cut (a decoder input: whatever it
        # feeds there predicts padding, which the loss ignores); the target and other inputs lose only padding
        aligned = j < len(inputs) and extra[j] is not None and extra[j] >= extra[-1]
        for b, bound in enumerate(edges):
            if extra[j] is not None and not aligned and np.any(array[bucket == b, bound + extra[j]:]):
                raise ValueError(f"массив {j}: в корзине до {bound} обрезались бы не только нули")

    class LengthBatches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.on_epoch_end()

        def on_epoch_end(self):
            batches = []
            for b in range(len(edges)):
                rows = self.rng.permutation(np.flatnonzero(bucket == b))
                if not len(rows):
                    continue
                # every batch full (one shape per bucket: JAX compiles once per shape): the last one is topped
                # up with other examples of its bucket, so each example comes at least once per epoch
                top_up = -len(rows) % batch_size
                rows = np.concatenate([rows, self.rng.choice(rows, top_up, replace=top_up > len(rows))])
                batches += [(b, rows[i:i + batch_size]) for i in range(0, len(rows), batch_size)]
            order = list(self.rng.permutation(len(batches)))
            # Keras (TensorFlow) infers the batch shapes from the first two batches: let their widths differ
            second = next((i for i in order if batches[i][0] != batches[order[0]][0]), None)
            head = order[:1] + ([second] if second is not None else [])
            self.batches = [batches[i] for i in head + [i for i in order if i not in head]]

        def __len__(self):
            return len(self.batches)

        def __getitem__(self, index):
            b, rows = self.batches[index]
            cut = [array[rows] if e is None else array[rows, :edges[b] + e]
                   for array, e in zip(arrays, extra, strict=True)]
            return tuple(cut[:-1]), cut[-1]

    return LengthBatches()


BatchStepFn = Callable[[np.ndarray, list[np.ndarray], np.ndarray], tuple[np.ndarray, list[np.ndarray]]]


def beam_search_batch(
    step: BatchStepFn,
    initial_states: Sequence[np.ndarray],
    start_id: int,
    end_id: int,
    beam_width: int = 4,
    max_len: int = 20,
    length_alpha: float = 1.0,
) -> list[list[int]]:
    """``rnn_course.decoding.beam_search`` for many sequences at once: the best tokens of each sequence.

    The same search and the same result per sequence, but one ``step`` call per time step serves the live
    hypotheses of *every* sequence (a few calls of the model instead of one per sentence and step).
    ``step(tokens, states, rows)`` gets the last token of each live hypothesis ``(m,)``, their states
    (hypotheses on axis 0) and ``rows`` — which sequence each hypothesis belongs to (to pick its encoder
    outputs) — and returns log-probabilities ``(m, vocab)`` and the new states. ``initial_states`` hold
    one row per sequence.
    """
    if beam_width < 1:
        raise ValueError(f"ширина луча должна быть ≥ 1, получено {beam_width}")
    n = len(initial_states[0])
    states = [np.asarray(s) for s in initial_states]
    rows, last = np.arange(n), np.full(n, start_id)
    hyps: list[list[list[int]]] = [[[]] for _ in range(n)]
    totals = [np.zeros(1) for _ in range(n)]
    finished: list[list[tuple[list[int], float]]] = [[] for _ in range(n)]

    for _ in range(max_len):
        if not len(rows):
            break
        log_probs, states = step(last, states, rows)
        log_probs = np.asarray(log_probs)
        vocab = log_probs.shape[-1]
        keep, keep_rows, keep_tokens = [], [], []
        start = 0
        for seq in dict.fromkeys(rows.tolist()):  # hypotheses of one sequence are contiguous, in order
            count = len(hyps[seq])
            candidates = (totals[seq][:, None] + log_probs[start:start + count]).ravel()
            best = np.argsort(candidates)[::-1][: beam_width - len(finished[seq])]
            new_hyps, new_totals = [], []
            for flat in best:
                parent, token = divmod(int(flat), vocab)
                if token == end_id:
                    ended = hyps[seq][parent]  # <end> counts in the length
                    finished[seq].append((ended, length_normalized(candidates[flat], len(ended) + 1, length_alpha)))
                else:
                    new_hyps.append(hyps[seq][parent] + [token])
                    new_totals.append(candidates[flat])
                    keep.append(start + parent)
                    keep_rows.append(seq)
                    keep_tokens.append(token)
            hyps[seq], totals[seq] = new_hyps, np.array(new_totals)
            start += count
        states = [s[keep] for s in states]
        rows, last = np.array(keep_rows, dtype=int), np.array(keep_tokens, dtype=int)
    for seq in dict.fromkeys(rows.tolist()):  # max_len reached: unfinished hypotheses compete too
        finished[seq] += [(t, length_normalized(lp, len(t), length_alpha))
                          for t, lp in zip(hyps[seq], totals[seq], strict=True)]
    return [sorted(done, key=lambda item: item[1], reverse=True)[0][0] for done in finished]


# --- «Проверьте себя» in notebook 05: the checkers keep their expected values here, out of the student's sight ---
