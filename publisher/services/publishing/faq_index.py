"""An in-memory lexical index over approved answers (BM25 over syllables and bigrams).

Written by hand rather than taken from rank-bm25/bm25s because what matters here sits around
the ranking formula, not in it: each answer is several documents (its question and every
variant; the best one counts), typo correction needs the index's vocabulary, and the answer/
«không biết» decision needs a *confidence* comparable across questions (how much of the
question's weight the best answer covers), which those libraries do not give. The whole index
is a few dictionaries; a 300-answer base builds in milliseconds and answers in well under one.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from publisher.services.publishing.faq_text import edits1, features, syllables

K1 = 1.2
B = 0.75
#: How much the answer's own text counts beside its questions (it is long and worded
#: differently from how people ask).
BODY_WEIGHT = 0.25
#: Bigrams weigh less than syllables in the confidence: a paraphrase changes word order.
BIGRAM_WEIGHT = 0.6
#: A corrected typo counts for this much of the word it was corrected to.
FUZZY_WEIGHT = 0.8


@dataclass(frozen=True)
class Entry:
    """One approved answer as the index holds it."""

    answer_id: int
    org_id: int
    question: str
    answer: str
    source_url: str
    valid_from: date | None
    valid_until: date | None

    def valid_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class Hit:
    entry: Entry
    #: BM25 (the ranking).
    rank: float
    #: 0..1: how much of the question's weight this answer's best question covers.
    confidence: float


class _Bm25:
    def __init__(self, docs: list[Counter[str]]) -> None:
        self.n = len(docs)
        self.lengths = [sum(d.values()) for d in docs]
        self.avg = (sum(self.lengths) / self.n) if self.n else 1.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for term, tf in doc.items():
                self.postings[term].append((i, tf))

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, terms: dict[str, float]) -> dict[int, float]:
        out: dict[int, float] = defaultdict(float)
        for term, weight in terms.items():
            idf = self.idf(term)
            for doc, tf in self.postings.get(term, ()):
                norm = K1 * (1 - B + B * self.lengths[doc] / self.avg)
                out[doc] += weight * idf * tf * (K1 + 1) / (tf + norm)
        return out


class FaqIndex:
    """The index of one set of answers; immutable once built."""

    def __init__(self, entries: list[Entry], variants: dict[int, list[str]]) -> None:
        self.entries = entries
        q_docs: list[Counter[str]] = []
        self.doc_entry: list[int] = []
        self.doc_terms: list[frozenset[str]] = []
        for i, entry in enumerate(entries):
            for text in [entry.question, *variants.get(entry.answer_id, [])]:
                terms = Counter(features(syllables(text)))
                if terms:
                    q_docs.append(terms)
                    self.doc_entry.append(i)
                    self.doc_terms.append(frozenset(terms))
        self.questions = _Bm25(q_docs)
        self.bodies = _Bm25([Counter(features(syllables(e.answer))) for e in entries])
        self.vocab: dict[str, int] = {}
        for doc in q_docs:
            for term in doc:
                if "_" not in term:
                    self.vocab[term] = self.vocab.get(term, 0) + 1
        self.deletes: dict[str, list[str]] = defaultdict(list)
        for word in self.vocab:
            if len(word) >= 3:
                for d in edits1(word) | {word}:
                    self.deletes[d].append(word)

    # --- the question side ---
    def _correct(self, word: str) -> tuple[list[str], float]:
        """``word`` as the index knows it: itself, a one-edit correction, or two words run
        together; with the weight it keeps."""
        if word in self.vocab or len(word) < 3 or word.isdigit():
            return [word], 1.0
        candidates = {w for d in edits1(word) | {word} for w in self.deletes.get(d, ())}
        if candidates:
            return [max(candidates, key=lambda w: (self.vocab[w], w))], FUZZY_WEIGHT
        for cut in range(1, len(word)):
            left, right = word[:cut], word[cut:]
            if left in self.vocab and right in self.vocab:
                return [left, right], FUZZY_WEIGHT
        return [word], 1.0

    def _query(self, text: str) -> dict[str, float]:
        words: list[str] = []
        weights: dict[str, float] = {}
        for raw in syllables(text):
            fixed, weight = self._correct(raw)
            words.extend(fixed)
            for w in fixed:
                weights[w] = min(weights.get(w, 1.0), weight)
        terms: dict[str, float] = {}
        for term in features(words):
            parts = term.split("_")
            weight = min(weights.get(p, 1.0) for p in parts)
            terms[term] = max(terms.get(term, 0.0), weight)
        return terms

    def _weight(self, term: str) -> float:
        return self.questions.idf(term) * (BIGRAM_WEIGHT if "_" in term else 1.0)

    def search(self, text: str, allowed: set[int], limit: int = 5) -> list[Hit]:
        """The best answers among the entries at positions ``allowed``, best first."""
        terms = self._query(text)
        if not terms or not self.entries:
            return []
        best_doc: dict[int, tuple[float, int]] = {}
        for doc, score in self.questions.scores(terms).items():
            entry = self.doc_entry[doc]
            if entry in allowed and score > best_doc.get(entry, (-1.0, 0))[0]:
                best_doc[entry] = (score, doc)
        body = self.bodies.scores(terms)
        ranked = sorted(
            (
                (score + BODY_WEIGHT * body.get(entry, 0.0), entry, doc)
                for entry, (score, doc) in best_doc.items()
            ),
            reverse=True,
        )[:limit]
        total = sum(self._weight(t) * w for t, w in terms.items()) or 1.0
        hits = []
        for rank, entry, doc in ranked:
            doc_terms = self.doc_terms[doc]
            matched = sum(self._weight(t) * w for t, w in terms.items() if t in doc_terms)
            doc_total = sum(self._weight(t) for t in doc_terms) or 1.0
            doc_matched = sum(self._weight(t) for t in doc_terms if t in terms)
            confidence = (matched / total) ** 0.7 * (doc_matched / doc_total) ** 0.3
            hits.append(Hit(self.entries[entry], rank, round(confidence, 4)))
        return hits
