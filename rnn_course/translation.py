"""Translation helpers for notebook 05: tokens, a split by source sentence, sacreBLEU scores with bootstrap CIs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from .decoding import length_normalized

TOKEN = re.compile(r"\w+(?:['-]\w+)*|[^\w\s]")  # words with inner hyphens, apostrophes («кто-то», tom's); punctuation
N_BOOTSTRAP = 1000
BOOTSTRAP_SEED = 12345  # sacrebleu's default seed for its bootstrap


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
        metric.corpus_score(list(streams[0]), streams)
        result[name] = str(metric.get_signature())
    return result


def _bootstrap_scores(metric, hypotheses, streams, indices) -> np.ndarray:
    stats = np.array(metric._extract_corpus_statistics(list(hypotheses), streams), dtype="float64")
    return np.array([metric._compute_score_from_stats(stats[rows].sum(0)).score for rows in indices])


def paired_bootstrap(
    baseline: Sequence[str],
    system: Sequence[str],
    references: Sequence[Sequence[str]],
    n_samples: int = N_BOOTSTRAP,
    seed: int = BOOTSTRAP_SEED,
) -> dict[str, dict[str, float]]:
    """Paired bootstrap (Koehn 2004) of ``system`` against ``baseline``, as sacrebleu's ``PairedTest``.

    For each metric: both scores, their 95% CI half-widths (``baseline_ci``, ``system_ci``), sacrebleu's
    p-value, and the 95% percentile interval of the difference ``system − baseline`` over the same resamples
    (``delta``, ``delta_low``, ``delta_high``). A single system's CI: pass it as both arguments.
    """
    from sacrebleu.significance import PairedTest

    streams = reference_streams(references)
    test = PairedTest([("baseline", list(baseline)), ("system", list(system))], metrics(), streams,
                      test_type="bs", n_samples=n_samples)
    test._seed = seed
    _, table = test()
    indices = np.random.default_rng(seed).choice(len(system), size=(n_samples, len(system)), replace=True)
    result = {}
    for (name, metric), key in zip(metrics().items(), [k for k in table if k != "System"], strict=True):
        base, sys_ = table[key]
        diffs = _bootstrap_scores(metric, system, streams, indices) - _bootstrap_scores(
            metric, baseline, streams, indices)
        low, high = np.percentile(diffs, [2.5, 97.5])
        result[name] = {"baseline": base.score, "baseline_ci": float(base.ci), "system": sys_.score,
                        "system_ci": float(sys_.ci), "p_value": float(sys_.p_value),
                        "delta": sys_.score - base.score, "delta_low": float(low), "delta_high": float(high)}
    return result


def bootstrap_ci(hypotheses: Sequence[str], references: Sequence[Sequence[str]],
                 n_samples: int = N_BOOTSTRAP, seed: int = BOOTSTRAP_SEED) -> dict[str, tuple[float, float]]:
    """Each metric's score and its 95% bootstrap CI half-width for one system: ``{"BLEU": (score, ci), ...}``."""
    result = paired_bootstrap(hypotheses, hypotheses, references, n_samples, seed)
    return {name: (r["system"], r["system_ci"]) for name, r in result.items()}



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
    """``utils.decoding.beam_search`` for many sequences at once: the best tokens of each sequence.

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
    from .exercises import check_function

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


def check_normalized_score(func: Callable[[Sequence[float], float], float]) -> bool:
    """Check the student's ``normalized_score(log_probs, alpha)`` against values worked out by hand
    (:data:`NORMALIZED_SCORE_CASES`: several lengths, α = 0, 0.5, 0.7, 1, 2); print a Russian verdict."""
    from .exercises import check_function

    expected = {(tuple(log_probs), alpha): value for (log_probs, alpha), value in NORMALIZED_SCORE_CASES}
    cases = [(list(log_probs), alpha) for (log_probs, alpha), _ in NORMALIZED_SCORE_CASES]
    ok = check_function("нормировка на длину", func, lambda log_probs, alpha: expected[tuple(log_probs), alpha], cases)
    if not ok:
        try:
            if np.isclose(func([-0.1, -0.1, -0.1, -0.3], 0.0), -0.15):
                print("   подсказка: при α = 0 делитель L^0 = 1, то есть оценка — просто сумма")
            elif np.isclose(func([-2.0, -1.0], 0.7), -3.0):
                print("   подсказка: L — число слов вместе с <end>, то есть len(log_probs)")
        except Exception:
            pass
    return ok


def _is_alpha(value: object) -> bool:
    """A length-normalisation exponent: one finite real number (not a bool, not a string)."""
    return (not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, float, np.integer, np.floating))
            and bool(np.isfinite(value)))


def _hypotheses_problem(alpha: float, hyps: object, count: int) -> str | None:
    """What is wrong with one α's hypotheses (None if they are ``count`` strings), in Russian."""
    from .exercises import _is_numeric

    if isinstance(hyps, (list, tuple)) and all(isinstance(h, str) for h in hyps):
        if len(hyps) != count:
            return (f"для α = {alpha:g} переводов {len(hyps)}, а предложений dev {count}: нужен ровно один перевод "
                    "на предложение, в том же порядке, что эталоны.")
        return None
    if _is_numeric(hyps) and np.ndim(hyps) <= 1:
        return (f"для α = {alpha:g} переданы числа, а нужны сами переводы (список строк): chrF проверка "
                "посчитает сама.")
    if isinstance(hyps, (list, tuple)) and hyps and all(
            isinstance(h, (list, tuple, np.ndarray)) and _is_numeric(h) for h in hyps):
        return f"для α = {alpha:g} переданы индексы слов, а нужны строки: переведите их в текст функцией to_text."
    return f"для α = {alpha:g} нужен список переводов-строк, а получен {type(hyps).__name__}."


def check_length_alpha(hypotheses_by_alpha: object, best_alpha: object, references: Sequence[Sequence[str]]) -> bool:
    """05 (experiment): beam-search translations of dev sentences for several length-normalisation exponents α.

    The checker scores every α itself (chrF, lower-cased, against all ``references`` of each sentence), so it
    takes real translations and never typed-in scores: the grid holds α = 0 (no normalisation) and at least
    three values, each α one string per dev sentence (not all α alike), and ``best_alpha`` is the α of the
    highest chrF (any of tied ones). It prints chrF and the mean length in tokens per α, and the references'
    mean length: the lengths are the explanation. Prints a Russian verdict, returns whether it is right.
    """
    from .exercises import _compare, _print_verdict

    task = "какое α лучше"
    if hypotheses_by_alpha is None or hypotheses_by_alpha is Ellipsis:
        _print_verdict(task, _compare(None, 0, rtol=0, atol=0))
        return False
    if not isinstance(hypotheses_by_alpha, dict) or not hypotheses_by_alpha:
        _print_verdict(task, "нужен словарь {α: список переводов dev}, например {0.0: [...], 0.5: [...], ...}.")
        return False
    alphas = list(hypotheses_by_alpha)
    if not all(_is_alpha(alpha) for alpha in alphas):
        _print_verdict(task, f"ключи словаря — числа α (0, 0.5, 1, …), а получены {alphas!r}.")
        return False
    if len(alphas) < 3:
        _print_verdict(task, f"в сетке {len(alphas)} значения α, а нужно не меньше трёх, чтобы увидеть зависимость.")
        return False
    if not any(alpha == 0 for alpha in alphas):
        _print_verdict(task, f"в сетке {sorted(map(float, alphas))} нет α = 0 (без нормировки): добавьте его — "
                             "с ним и сравниваем.")
        return False
    for alpha in alphas:
        problem = _hypotheses_problem(alpha, hypotheses_by_alpha[alpha], len(references))
        if problem:
            _print_verdict(task, problem)
            return False
    if len({tuple(hyps) for hyps in hypotheses_by_alpha.values()}) == 1:
        _print_verdict(task, "переводы при всех α одинаковы: передаёте ли вы α в beam_search_batch "
                             "(аргумент length_alpha)?")
        return False
    chrf = {alpha: corpus_scores(hyps, references)[1] for alpha, hyps in hypotheses_by_alpha.items()}
    length = {alpha: float(np.mean([len(tokenize(h)) for h in hyps])) for alpha, hyps in hypotheses_by_alpha.items()}
    print(f"{'α':>5}{'chrF':>8}   средняя длина перевода, токенов (предложений dev: {len(references)})")
    for alpha in sorted(alphas):
        print(f"{alpha:>5g}{chrf[alpha]:>8.1f}   {length[alpha]:.2f}")
    print(f"средняя длина эталона, токенов: {np.mean([len(tokenize(r)) for refs in references for r in refs]):.2f}")
    if best_alpha is None or best_alpha is Ellipsis:
        _print_verdict(task, "впишите в best_alpha то α из сетки, при котором chrF выше.")
        return False
    if not _is_alpha(best_alpha) or not any(best_alpha == alpha for alpha in alphas):
        _print_verdict(task, f"best_alpha — одно из α вашей сетки {sorted(map(float, alphas))}, а получено "
                             f"{best_alpha!r}.")
        return False
    top = max(chrf.values())
    if chrf[best_alpha] < top - 1e-9:
        winner = max(alphas, key=chrf.__getitem__)
        _print_verdict(task, f"у α = {best_alpha:g} chrF {chrf[best_alpha]:.1f}, а у α = {winner:g} — {top:.1f}: "
                             "best_alpha — α с наибольшим chrF (таблица выше посчитана проверкой).")
        return False
    _print_verdict(task, None)
    return True
