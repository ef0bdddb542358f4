"""Keyed MinHash fingerprints of first messages: near-duplicate detection without plaintext.

A message is normalised (NFKC, casefold, Russian yo folded into ie, everything but
letters dropped — digits, punctuation, symbols, emoji — and spaces collapsed) and cut
into character shingles: trigrams for alphabetic scripts (Cyrillic, Latin), bigrams of
syllables for Hangul, whose syllables carry two or three letters each.  Short messages
have too few shingles for a similarity estimate to mean anything.

The shingle set is summarised by a 64-value MinHash signature, computed as four
independent one-permutation sketches of 16 bins (one BLAKE2b call per shingle gives the
four hash values).  Bins left empty borrow the value of a donor bin chosen by a fixed
pseudo-random sequence ("optimal densification", Shrivastava 2017), which keeps the
chance that two signatures agree in a bin equal to the Jaccard similarity of the sets.

The signature is cut into 16 bands of 4 values.  Two texts with Jaccard similarity J
agree in a band with probability J⁴, and the worker calls them near-duplicates when they
share at least two bands: about 93 % likely at J = 0.7 (one word changed in a ten-word
message), 26 % at J = 0.5, under 1 % at J = 0.3 (two unrelated messages on the same
topic, measured up to 0.27 on ``bench/floods_corpus.py``).

**Only keyed values leave this module.**  Each band becomes a 64-bit keyed BLAKE2b
digest under a key derived from the programme's blind-index key (held by worker and
console, never by the intake), so a stolen database cannot be used to test guessed
texts: without the key nobody can compute the digest of a text.  Signatures and
shingles exist in memory only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
import unicodedata

from safepassage.crypto.keys import Keyring

# A message must have at least this many words and this much text (Hangul syllables
# count twice) to be compared at all: everyone writes "hello", "/start", "살고 싶어요"
# (I want to live), "я хочу сдаться в плен" (I want to surrender), so those say nothing
# about a flood, and a handful of shingles makes the similarity estimate noise.
MIN_WORDS = 4
MIN_LETTERS = 24

# Only the start of a long message is compared: a flood of 5,000-character messages
# must not cost the worker milliseconds each, and copies agree in their first 1,000
# letters anyway.
MAX_LETTERS = 1000

SHINGLE = 3
HANGUL_SHINGLE = 2
SKETCHES = 4
BINS = 16
SIGNATURE_SIZE = SKETCHES * BINS
BAND_ROWS = 4
BANDS = SIGNATURE_SIZE // BAND_ROWS
# Bands two texts must share to count as near-duplicates (see the module docstring).
MIN_SHARED_BANDS = 2

_EMPTY = (1 << 64) - 1
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_YO, _IE = "\u0451", "\u0435"
_FOUR_WORDS = struct.Struct("<4Q")
_SIGNATURE = struct.Struct(f"<{SIGNATURE_SIZE}Q")
_BAND_KEY_CONTEXT = b"safepassage.floods.minhash-band\x00v1"
_PERSONS = tuple(f"sp-band-{i:02d}".encode() for i in range(BANDS))


def _donors_of(target: int) -> tuple[int, ...]:
    """The other bins in a fixed pseudo-random order (the same in every process)."""
    ranked = sorted(
        (hashlib.blake2b(b"donor %d %d" % (target, donor), digest_size=8).digest(), donor)
        for donor in range(BINS)
        if donor != target
    )
    return tuple(donor for _rank, donor in ranked)


_DONORS = tuple(_donors_of(target) for target in range(BINS))


def normalise_text(text: str) -> str:
    """Fold the ways one message gets retyped into one string.

    NFKC (full-width and compatibility forms), casefold, yo → ie; digits, punctuation,
    symbols, emoji and anything else that is not a letter become spaces, which are
    collapsed.  "Нас 3 человека!!!" and "нас 12 человека" normalise alike: a flood script
    changes numbers first.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().replace(_YO, _IE)
    return " ".join(_NOT_LETTERS.sub(" ", folded).split())


def _hangul_count(normalised: str) -> int:
    return sum(1 for char in normalised if "\uac00" <= char <= "\ud7a3")


def is_distinctive(normalised: str) -> bool:
    """Whether a normalised text is long enough to be compared (see ``MIN_WORDS``)."""
    if normalised.count(" ") + 1 < MIN_WORDS:
        return False
    letters = len(normalised) - normalised.count(" ") + _hangul_count(normalised)
    return letters >= MIN_LETTERS


def shingles(normalised: str) -> set[str]:
    """Character shingles of a normalised text, padded with a space at each end."""
    size = HANGUL_SHINGLE if _hangul_count(normalised) * 2 > len(normalised) else SHINGLE
    padded = f" {normalised} "
    return {padded[i : i + size] for i in range(len(padded) - size + 1)}


def signature(parts: set[str]) -> list[int]:
    """The 64-value MinHash signature of a shingle set (unkeyed: never store it)."""
    mins = [_EMPTY] * SIGNATURE_SIZE
    blake2b = hashlib.blake2b
    unpack = _FOUR_WORDS.unpack
    for part in parts:
        # One digest, four independent 64-bit hashes; the low four bits pick the bin and
        # stay in the value, so a borrowed value can never equal a bin's own.
        h0, h1, h2, h3 = unpack(blake2b(part.encode(), digest_size=32).digest())
        if h0 < mins[b := h0 & 15]:
            mins[b] = h0
        if h1 < mins[b := 16 | (h1 & 15)]:
            mins[b] = h1
        if h2 < mins[b := 32 | (h2 & 15)]:
            mins[b] = h2
        if h3 < mins[b := 48 | (h3 & 15)]:
            mins[b] = h3
    if _EMPTY in mins:
        _densify(mins)
    return mins


def _densify(mins: list[int]) -> None:
    for start in range(0, SIGNATURE_SIZE, BINS):
        sketch = mins[start : start + BINS]
        if all(value == _EMPTY for value in sketch):
            continue  # no shingles at all; callers never get here with distinctive text
        for bin_, value in enumerate(sketch):
            if value == _EMPTY:
                donor = next(d for d in _DONORS[bin_] if sketch[d] != _EMPTY)
                mins[start + bin_] = sketch[donor]


def band_key(keyring: Keyring) -> bytes:
    """The 32-byte key of band digests: HMAC-SHA256 of a fixed context under the
    programme's blind-index key (as ``crypto.blind_index`` keys its HMACs)."""
    return hmac.new(keyring.index_key, _BAND_KEY_CONTEXT, hashlib.sha256).digest()


def band_digests(mins: list[int], key: bytes) -> tuple[int, ...]:
    """One keyed 64-bit digest per band (signed, to fit a database BIGINT)."""
    packed = _SIGNATURE.pack(*mins)
    width = BAND_ROWS * 8
    return tuple(
        int.from_bytes(
            hashlib.blake2b(
                packed[i * width : (i + 1) * width], digest_size=8, key=key, person=_PERSONS[i]
            ).digest(),
            "little",
            signed=True,
        )
        for i in range(BANDS)
    )


def fingerprint(text: str, keyring: Keyring) -> tuple[int, ...]:
    """The keyed band digests of a message, or ``()`` when it is too short to compare."""
    normalised = normalise_text(text)[:MAX_LETTERS].rstrip()
    if not is_distinctive(normalised):
        return ()
    return band_digests(signature(shingles(normalised)), band_key(keyring))


def arrival_digest(channel: str) -> int:
    """The fixed digest under which a case's arrival on ``channel`` is marked.

    Not secret (it stands for a channel name, which is stored beside it anyway); it
    shares the digest column so one index serves band lookups and burst counts.
    """
    digest = hashlib.blake2b(b"arrival\x00" + channel.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
