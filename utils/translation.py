"""Translation helpers for notebook 05: tokens, a split by source sentence, sacreBLEU scores with bootstrap CIs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

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
