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

from publisher.services.publishing.faq_text import (
    accented,
    canonical,
    edits1,
    features,
    has_diacritics,
    syllables,
    words,
)

K1 = 1.2
B = 0.3
#: Bigrams weigh less than syllables in the confidence: a paraphrase changes word order.
BIGRAM_WEIGHT = 0.6
#: A corrected typo counts for this much of the word it was corrected to.
FUZZY_WEIGHT = 0.8
#: Words as written with diacritics (only when the question has them) weigh this much.
ACCENT_WEIGHT = 0.5
#: The best answers by BM25 whose confidence is worked out; the final order weighs both.
CANDIDATES = 20
RANK_WEIGHT = 3.0
#: Confidence = query coverage ** Q_EXP * answer-question coverage ** (1 - Q_EXP).
Q_EXP = 0.8
#: A confidence this high means the question is one of the answer's questions word for word
#: (rounded to 4 places in Hit).
EXACT_CONFIDENCE = 0.9999


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
    #: The question's features this answer's questions have.
    matched: frozenset[str] = frozenset()


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
                terms = Counter(features(syllables(text)) + accented(text))
                if terms:
                    q_docs.append(terms)
                    self.doc_entry.append(i)
                    self.doc_terms.append(frozenset(terms))
        self.questions = _Bm25(q_docs)
        self.entry_docs: dict[int, list[int]] = defaultdict(list)
        for doc, owner in enumerate(self.doc_entry):
            self.entry_docs[owner].append(doc)
        self.doc_weight = [sum(self._weight(t) for t in terms) or 1.0 for terms in self.doc_terms]
        self.entry_terms = [
            frozenset().union(*(self.doc_terms[d] for d in self.entry_docs[i]))
            for i in range(len(entries))
        ]
        # One document per answer: its question and variants together (the ranking).
        merged_docs: list[Counter[str]] = [Counter() for _ in entries]
        for doc, owner in enumerate(self.doc_entry):
            merged_docs[owner].update(q_docs[doc])
        self.merged = _Bm25(merged_docs)
        # The words typos are corrected against: as written (before synonyms, stop words).
        self.vocab: dict[str, int] = {}
        for entry_ in entries:
            for text in [entry_.question, *variants.get(entry_.answer_id, [])]:
                for word in set(words(text)):
                    self.vocab[word] = self.vocab.get(word, 0) + 1
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
        fixed_words: list[str] = []
        weights: dict[str, float] = {}
        for raw in words(text):
            fixed, weight = self._correct(raw)
            fixed_words.extend(fixed)
            if weight < 1.0:
                for w in fixed:
                    weights[w] = min(weights.get(w, 1.0), weight)
        terms: dict[str, float] = {}
        for term in features(canonical(fixed_words)):
            parts = term.split("_")
            weight = min(weights.get(p, 1.0) for p in parts)
            terms[term] = max(terms.get(term, 0.0), weight)
        if has_diacritics(text):
            for term in accented(text):
                terms[term] = ACCENT_WEIGHT
        return terms

    def _weight(self, term: str) -> float:
        idf = self.questions.idf(term)
        if term.startswith("~"):
            return idf * ACCENT_WEIGHT
        return idf * (BIGRAM_WEIGHT if "_" in term else 1.0)

    def search(self, text: str, allowed: set[int], limit: int = 5) -> list[Hit]:
        """The best answers among the entries at positions ``allowed``, best first."""
        terms = self._query(text)
        if not terms or not self.entries:
            return []
        merged = {e: v for e, v in self.merged.scores(terms).items() if e in allowed}
        if not merged:
            return []
        candidates = sorted(merged, key=lambda e: merged[e], reverse=True)[:CANDIDATES]
        total = sum(self._weight(t) * w for t, w in terms.items()) or 1.0
        top_rank = merged[candidates[0]] or 1.0
        hits = []
        for entry in candidates:
            confidence = self._confidence(terms, total, entry)
            matched = frozenset(t for t in terms if t in self.entry_terms[entry])
            hits.append(Hit(self.entries[entry], merged[entry], round(confidence, 4), matched))
        hits.sort(key=lambda h: h.confidence + RANK_WEIGHT * h.rank / top_rank, reverse=True)
        return hits[:limit]

    @staticmethod
    def ambiguous(hits: list[Hit]) -> bool:
        """Whether the question cannot tell the best answer from the next one: the next
        has every word of the question the best has («ngày nào?» with many «... là ngày
        nào?»). Then suggestions, not an answer. Not when the best is one of its questions
        word for word (confidence 1) and the next is not («VNeID là gì?» beside «Sổ sức khỏe
        điện tử trên VNeID là gì?»)."""
        if len(hits) < 2 or not hits[0].matched <= hits[1].matched:
            return False
        return not (hits[0].confidence >= EXACT_CONFIDENCE > hits[1].confidence)

    def _confidence(self, terms: dict[str, float], total: float, entry: int) -> float:
        """How much of the question's weight the answer's questions cover (all of them
        together), times how much of its best-matching question the question covers."""
        union = self.entry_terms[entry]
        matched = sum(self._weight(t) * w for t, w in terms.items() if t in union)
        best_doc = 0.0
        for doc in self.entry_docs[entry]:
            doc_matched = sum(self._weight(t) for t in self.doc_terms[doc] if t in terms)
            best_doc = max(best_doc, doc_matched / self.doc_weight[doc])
        return float((matched / total) ** Q_EXP * best_doc ** (1 - Q_EXP))
