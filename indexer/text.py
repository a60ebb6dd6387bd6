"""Indonesian text preparation shared by indexing and querying.

The same pipeline prepares articles at build time and queries at run time, so
"60jt", "60 jt" and "60 juta" meet in the middle. Steps:

1. :func:`normalize` - Unicode, case, number forms, punctuation (idempotent);
2. :func:`tokenize`;
3. :meth:`TextPipeline.expand` - domain abbreviations first, then slang, then
   colloquial verb forms (:meth:`TextPipeline.colloquial`);
4. :meth:`TextPipeline.correct` - query typos against the KB vocabulary;
5. :meth:`TextPipeline.stem` - Sastrawi through a cached map with overrides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from indexer.lexicon import (
    DOMAIN_ABBREVIATIONS,
    INFORMAL_WORDS,
    INTENT_WORDS,
    PLACE_NAMES,
    PROTECTED_TERMS,
    QUESTION_TYPES,
    SLANG,
    STEM_OVERRIDES,
    STOPWORDS,
    VEHICLE_WORDS,
)

_E_PREFIX = re.compile(r"\be-([a-z]+)")
_THOUSANDS = re.compile(r"(?<=[0-9])\.(?=[0-9]{3}(?![0-9]))")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_ALNUM = re.compile(r"[a-z0-9]*(?:[a-z][0-9]|[0-9][a-z])[a-z0-9]*")
# Terms such as sp2dk and kp2kp stay whole; "pph21" and "60jt" are split.
_ALNUM_TERMS = frozenset(t for t in PROTECTED_TERMS if _ALNUM.fullmatch(t))
_RP = re.compile(r"\brp\s*")
_UNITS = (
    (re.compile(r"([0-9](?:,[0-9]+)?)\s*(?:jt|jta|juta)\b"), r"\1 juta"),
    (re.compile(r"([0-9](?:,[0-9]+)?)\s*(?:rb|ribu|k)\b"), r"\1 ribu"),
    (re.compile(r"([0-9](?:,[0-9]+)?)\s*(?:m|milyar|miliar)\b"), r"\1 miliar"),
)
# Anything that is not a letter, a digit, a space or a decimal comma.
_PUNCT = re.compile(r"(?:(?<![0-9]),|,(?![0-9])|[^a-z0-9\s,])+")
_TOKEN = re.compile(r"[0-9]+(?:,[0-9]+)?(?![a-z])|[a-z0-9]+")
_NUMERIC = re.compile(r"^[0-9]+(?:,[0-9]+)?$")
# Colloquial nasal prefixes and the initials they replace, most specific first:
# "nge-" + root, "ng-" for a vowel, k or h ("ngurus", "ngirim", "ngitung"),
# "ny-" for c or s ("nyicil", "nyetor"; c first, or "nyari" would be "sari"),
# "n-" for t ("nunggak", "nanggung").
_NASAL_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nge", ("",)),
    ("ng", ("", "k", "h")),
    ("ny", ("c", "s")),
    ("n", ("t",)),
)

# The closing syllable's "e" that Jakarta speech says for "a" ("simpen",
# "bales", "dateng"): the last vowel of the word, followed by consonants only.
_CLOSING_E = re.compile(r"e([^aiueo]+)$")
# The affixes a sound-changed root is looked for between ("di-itung-annya").
_SOUND_PREFIXES = ("", "di", "ke", "ter", "ber", "se")
_SOUND_SUFFIXES = ("", "nya", "an", "annya", "kan")
# Standard prefixes in front of a whole root (the allomorphs of me-/pe-/ber-
# included): a token that is one of these plus a root ending in "-in" is a
# word of that root ("di-jamin", "pe-main"), not a colloquial "-kan".
_DERIVATION_PREFIXES = frozenset(
    {"", "di", "ke", "ter", "se", "ber", "be", "per"}
    | {"me", "mem", "men", "meng", "meny", "menge"}
    | {"pe", "pem", "pen", "peng", "peny", "penge"}
)


_QUESTION_TYPES = tuple(
    (name, re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")(?:nya)?\b"))
    for name, phrases in QUESTION_TYPES.items()
)
QUESTION_TYPE_NAMES: tuple[str, ...] = tuple(QUESTION_TYPES)


def question_types(prepared: str) -> frozenset[str]:
    """The kinds of answer a prepared text asks for (see ``QUESTION_TYPES``).

    >>> sorted(question_types("syarat balik nama bawa apa saja dan berapa biayanya"))
    ['berapa', 'syarat']
    """
    return frozenset(name for name, rx in _QUESTION_TYPES if rx.search(prepared))


def question_type_profile(prepared_texts: Sequence[str]) -> np.ndarray:
    """Share of the texts (an article's title and questions) asking each type,
    in the order of ``QUESTION_TYPE_NAMES``.

    >>> question_type_profile(["kapan batas lapor", "berapa dendanya kalau telat"]).tolist()
    [0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    out = np.zeros(len(QUESTION_TYPE_NAMES), dtype=np.float32)
    for text in prepared_texts:
        found = question_types(text)
        out += [name in found for name in QUESTION_TYPE_NAMES]
    return out / max(len(prepared_texts), 1)


def _split_letters_digits(match: re.Match[str]) -> str:
    word = match.group(0)
    return word if word in _ALNUM_TERMS else _LETTER_DIGIT.sub(" ", word)


def normalize(text: str) -> str:
    """Canonical lower-case form of a query or article text.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.

    >>> normalize("Omzet  4,8 M, bayar Rp500.000?")
    'omzet 4,8 miliar bayar rp 500000'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _E_PREFIX.sub(r"e\1", text)
    text = _THOUSANDS.sub("", text).replace("%", " persen ")
    # Punctuation goes before units, so that "0\x08k" and "0 k" end up alike.
    text = _PUNCT.sub(" ", text)
    text = _ALNUM.sub(_split_letters_digits, text)
    text = _RP.sub("rp ", text)
    for pattern, repl in _UNITS:
        text = pattern.sub(repl, text)
    return " ".join(_TOKEN.findall(text))


def tokenize(text: str) -> list[str]:
    """Tokens of an already normalised text (words and numbers)."""
    return _TOKEN.findall(text)


def is_number(token: str) -> bool:
    return bool(_NUMERIC.match(token))


WORDS_CACHE = 8192  # texts whose prepared words a pipeline remembers (the shipped KB: ~4,900)


@lru_cache(maxsize=1)
def _sastrawi_stemmer():
    # Imported lazily: building the stemmer reads its dictionary (~0.3 s).
    # One per process: its own cache of stems then outlives a pipeline, so a
    # curation publish's rebuild does not stem the whole KB again. Sastrawi's
    # stemmer keeps no state but that cache (a dict, safe under the GIL).
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=1)
def _sastrawi_dictionary() -> frozenset[str]:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset(StemmerFactory().get_words())


@dataclass(frozen=True)
class TextConfig:
    """Switches for each preparation step (used by ablations)."""

    expand_abbreviations: bool = field(default=True, metadata={"help": "abbreviation tables"})
    correct_typos: bool = field(default=True, metadata={"help": "fix query typos vs KB vocab"})
    stem: bool = field(default=True, metadata={"help": "Sastrawi stemming for BM25"})
    typo_min_length: int = field(default=4, metadata={"help": "shorter tokens are never fixed"})


@dataclass(frozen=True)
class PreparedQuery:
    """A query after every preparation step, with what was changed."""

    raw: str
    normalized: str
    tokens: tuple[str, ...]
    dense_text: str
    bm25_tokens: tuple[str, ...]
    corrections: Mapping[str, str]


class TextPipeline:
    """The preparation steps bound to one KB vocabulary and stem cache.

    Args:
        config: which steps run.
        vocabulary: token -> frequency of the KB text (after expansion); typo
            correction only maps unknown query tokens onto these.
        stem_map: a precomputed word -> stem map (saved with the index), so
            the hot path rarely calls Sastrawi.
    """

    def __init__(
        self,
        config: TextConfig | None = None,
        *,
        vocabulary: Mapping[str, int] | None = None,
        stem_map: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config or TextConfig()
        self.vocabulary: dict[str, int] = dict(vocabulary or {})
        self._vocab_list = sorted(self.vocabulary)
        self._by_initial: dict[str, list[str]] = {}
        for word in self._vocab_list:
            self._by_initial.setdefault(word[0], []).append(word)
        self._stem_cache: dict[str, str] = dict(stem_map or {})
        self._correction_cache: dict[str, str] = {}
        self._colloquial_cache: dict[str, str] = {}
        # A build prepares each title and question up to three times (for the
        # encoder, the classifiers and the question types): remembered once.
        self._words = lru_cache(maxsize=WORDS_CACHE)(self._words_uncached)
        self._stopwords = STOPWORDS - INTENT_WORDS

    # -- steps -----------------------------------------------------------------
    def expand(self, tokens: Iterable[str]) -> list[str]:
        """Domain abbreviations win over slang; protected terms pass untouched."""
        if not self.config.expand_abbreviations:
            return list(tokens)
        out: list[str] = []
        for tok in tokens:
            if tok in DOMAIN_ABBREVIATIONS:
                out.extend(DOMAIN_ABBREVIATIONS[tok].split())
            elif tok in PROTECTED_TERMS:
                out.append(tok)
            elif tok in SLANG:
                out.extend(SLANG[tok].split())
            else:
                out.append(self.colloquial(tok))
        return out

    def colloquial(self, token: str) -> str:
        """The standard form of a colloquial verb, or the token unchanged.

        Speech drops the "me-" of the nasal prefix and says "-in" for "-kan":
        "nunggak" -> "tunggak", "nyicil" -> "cicil", "ngirim" -> "kirim",
        "ngajuin" -> "ajukan", "diwakilin" -> "diwakilkan". It also says "e"
        for the "a" of a closing syllable ("disimpen" -> "disimpan", "tetep"
        -> "tetap") and drops a root's initial "h" ("diitung" -> "dihitung").
        A rewrite is only taken when it lands on a root of Sastrawi's
        dictionary (or a word whose stem is one), and only for tokens that are
        not words already, so "nomor", "nanti", "mesin", "login" and
        "diantar" (not "dihantar") pass untouched; the result is never
        rewritten again (the step is idempotent).
        """
        if (
            len(token) < 5
            or not token.isalpha()
            or token in PROTECTED_TERMS
            or token in self._known_words
            or token in self._dictionary
        ):
            return token
        cached = self._colloquial_cache.get(token)
        if cached is not None:
            return cached
        fixed = (
            self._nasal_root(token) or self._in_suffix(token) or self._sound_change(token) or token
        )
        if len(self._colloquial_cache) < 100_000:
            self._colloquial_cache[token] = fixed
        return fixed

    def _in_suffix(self, token: str) -> str | None:
        if not token.endswith("in") or len(token) < 5 or self._root_ends_in_in(token):
            return None
        candidate = token[:-2] + "kan"
        if self.stem(candidate) in self._dictionary:
            return candidate
        # both at once: "itungin" -> "hitungkan", "diitungin" -> "dihitungkan";
        # the "-kan" just written stays the suffix ("nyampein" is not
        # "campak-an")
        return self._sound_change(candidate, suffixes=("kan",))

    def _root_ends_in_in(self, token: str) -> bool:
        """Whether the "-in" is the end of a dictionary root under a standard
        prefix ("dijamin", "menjamin", "dibikin", "pemain", "pendingin"),
        not the colloquial "-kan"."""
        stem = self.stem(token)
        return (
            stem.endswith("in")
            and stem in self._dictionary
            and token.endswith(stem)
            and token[: len(token) - len(stem)] in _DERIVATION_PREFIXES
        )

    def _sound_change(self, token: str, suffixes: tuple[str, ...] = _SOUND_SUFFIXES) -> str | None:
        """Undoes "e" for a closing "a", or a dropped initial "h", in the root
        between a common prefix and suffix ("dianggep" -> "dianggap",
        "itungannya" -> "hitungannya"). Taken only when the changed root is a
        dictionary root and the token's own stem is none (a derived word
        stays as it is). Loan words of the same shape ("internet" is not
        "internat") are listed in ``INFORMAL_WORDS``."""
        if self.stem(token) in self._dictionary:
            return None
        for prefix in _SOUND_PREFIXES:
            if not token.startswith(prefix):
                continue
            for suffix in suffixes:
                root = token[len(prefix) : len(token) - len(suffix)]
                if len(root) < 4 or not token.endswith(suffix):
                    continue
                closing = _CLOSING_E.search(root)
                changed = [root[: closing.start()] + "a" + closing.group(1)] if closing else []
                if root[0] in "aiueo":
                    changed.append("h" + root)
                for new_root in changed:
                    if new_root in self._dictionary:
                        return prefix + new_root + suffix
        return None

    def _nasal_root(self, token: str) -> str | None:
        for prefix, replacements in _NASAL_PREFIXES:
            rest = token[len(prefix) :]
            if not token.startswith(prefix) or len(rest) < 3:
                continue
            if prefix != "nge" and rest[0] not in "aiueo":
                continue
            for repl in replacements:
                root = repl + rest
                if root in self._dictionary:
                    return root
                suffixed = self._in_suffix(root)
                if suffixed is not None:
                    return suffixed
        return None

    @cached_property
    def _known_words(self) -> frozenset[str]:
        expansions = {w for v in SLANG.values() for w in v.split()}
        expansions |= {w for v in DOMAIN_ABBREVIATIONS.values() for w in v.split()}
        return frozenset(
            expansions
            | STOPWORDS
            | INTENT_WORDS
            | PROTECTED_TERMS
            | PLACE_NAMES
            | VEHICLE_WORDS
            | INFORMAL_WORDS
            | set(SLANG)
        )

    @cached_property
    def _dictionary(self) -> frozenset[str]:
        return _sastrawi_dictionary()

    def _is_known(self, token: str) -> bool:
        if token in self.vocabulary or token in self._known_words:
            return True
        if token in self._dictionary:
            return True
        # A derived form of a real root ("dibekukan", "pemasukan") is a word,
        # not a typo, even when the KB never uses it.
        stem = self.stem(token)
        return stem in self.vocabulary or (stem != token and stem in self._dictionary)

    def correct_token(self, token: str) -> str:
        """The KB-vocabulary word a misspelt token stands for, or the token."""
        if (
            not self.config.correct_typos
            or not self._vocab_list
            or len(token) < self.config.typo_min_length
            or token in PROTECTED_TERMS
            or is_number(token)
        ):
            return token
        cached = self._correction_cache.get(token)
        if cached is not None:
            return cached
        fixed = token
        if not self._is_known(token):
            # One edit (a transposition counts as one) up to 8 letters, two
            # beyond; typists rarely get the first letter wrong, and a rule
            # that allows it turns "binance" into "finance".
            max_edits = 1 if len(token) <= 8 else 2
            candidates = [
                w
                for w in self._by_initial.get(token[0], ())
                if abs(len(w) - len(token)) <= max_edits
            ]
            matches = process.extract(
                token, candidates, scorer=OSA.distance, score_cutoff=max_edits, limit=5
            )
            if matches:
                # Fewest edits first, then the more frequent KB word.
                fixed = min(matches, key=lambda m: (m[1], -self.vocabulary[m[0]]))[0]
        if len(self._correction_cache) < 100_000:
            self._correction_cache[token] = fixed
        return fixed

    def correct(self, tokens: Iterable[str]) -> list[str]:
        return [self.correct_token(t) for t in tokens]

    def stem(self, token: str) -> str:
        """Stem through the cache; overrides and protected terms win over Sastrawi."""
        cached = self._stem_cache.get(token)
        if cached is not None:
            return cached
        if token in STEM_OVERRIDES:
            stem = STEM_OVERRIDES[token]
        elif token in PROTECTED_TERMS or is_number(token) or len(token) <= 3:
            stem = token
        elif token.endswith("nya") and token[:-3] in PROTECTED_TERMS:
            stem = token[:-3]
        else:
            stem = self._stemmer.stem(token) or token
        if len(self._stem_cache) < 200_000:
            self._stem_cache[token] = stem
        return stem

    @cached_property
    def _stemmer(self):
        return _sastrawi_stemmer()

    @property
    def stem_map(self) -> dict[str, str]:
        """A copy of the stem cache, to save beside the index."""
        return dict(self._stem_cache)

    # -- whole texts -------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        """Normalised, expanded tokens (no correction): the vocabulary's view."""
        return list(self._words(text))

    def _words_uncached(self, text: str) -> tuple[str, ...]:
        return tuple(self.expand(tokenize(normalize(text))))

    def question_type_profile(self, texts: Sequence[str]) -> np.ndarray:
        """:func:`question_type_profile` of raw texts (an article's title and questions)."""
        return question_type_profile([" ".join(self.words(t)) for t in texts])

    def bm25_tokens(self, tokens: Iterable[str]) -> list[str]:
        """Stemmed content tokens for BM25; intent words are kept."""
        kept = [t for t in tokens if t not in self._stopwords]
        if not self.config.stem:
            return kept
        return [self.stem(t) for t in kept]

    def prepare_document(self, text: str) -> list[str]:
        return self.bm25_tokens(self.words(text))

    def prepare_query(self, text: str) -> PreparedQuery:
        normalized = normalize(text)
        expanded = self.expand(tokenize(normalized))
        corrected = self.correct(expanded)
        corrections = {a: b for a, b in zip(expanded, corrected, strict=True) if a != b}
        return PreparedQuery(
            raw=text,
            normalized=normalized,
            tokens=tuple(corrected),
            dense_text=" ".join(corrected),
            bm25_tokens=tuple(self.bm25_tokens(corrected)),
            corrections=corrections,
        )


def build_vocabulary(texts: Iterable[str], pipeline: TextPipeline | None = None) -> dict[str, int]:
    """Token frequencies of KB texts after normalisation and expansion."""
    pipe = pipeline or TextPipeline()
    vocab: dict[str, int] = {}
    for text in texts:
        for tok in pipe.words(text):
            if not is_number(tok):
                vocab[tok] = vocab.get(tok, 0) + 1
    return vocab


def document_text(title: str, questions, keywords, answer: str) -> str:
    """The text BM25 indexes for one article: title, question variants,
    keywords and answer, joined (the same at build and at serving)."""
    return " ".join([title, *questions, *keywords, answer])
