"""Name keys: one spelling per name across Cyrillic, Hangul and Latin script.

A name reaches us typed by the applicant in Russian or Korean, read aloud on the
hotline, or copied by an operator from a document in Latin letters.  Before a name,
unit or service number is blind-indexed it is turned into a *name key*:

1. Unicode-normalised and case-folded (``crypto.blind_index.normalise``: NFKC,
   casefold, punctuation dropped, ``ё`` folded into ``е``);
2. transliterated to Latin letters by a published standard —

   * Cyrillic by ICAO Doc 9303 Part 3 (the table Russian and Ukrainian passports use
     for the machine-readable zone): ``Иванов`` → ``ivanov``, ``Щукин`` → ``shchukin``.
     ICAO spells Ukrainian ``и`` as ``y``; a word is taken as Ukrainian when it holds a
     letter Russian lacks (``і ї є ґ``), otherwise Russian rules apply, because most
     applicants are Russian soldiers;
   * Hangul by the Revised Romanization of Korean (2000), syllable by syllable, as that
     standard prescribes for personal names (no sound changes across syllables):
     ``김정은`` → ``gimjeongeun``;
   * Latin letters lose their diacritics (``José`` → ``jose``);

3. stripped of spaces, so that ``김정은``, ``김 정은``, ``Gim Jeong-eun`` and
   ``Gim Jeong Eun`` give the same key.

The index keeps the order the words were typed in; :func:`name_key_variants` gives the
keys of every word order so a search for "Ivan Ivanov" finds "Иванов Иван".

What this does not do (written down so nobody relies on it): it maps each script to
one standard only.  A Latin spelling from another system (``Kim Jong Un`` in the
McCune–Reischauer style, ``Honcharenko`` in Ukraine's national system) gives a
different key from the Hangul or Cyrillic original.  Customary Korean surname
spellings (Kim, Lee, Park) are not part of the Revised Romanization either.
"""

from __future__ import annotations

import itertools
import unicodedata

from safepassage.crypto.blind_index import normalise

# ICAO Doc 9303 Part 3, transliteration of Cyrillic characters (lower case; the
# normaliser has already case-folded).  "ь" and the apostrophe are omitted.
_ICAO_CYRILLIC: dict[str, str] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ў": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
# ICAO's language-specific exception for Ukrainian.
_ICAO_UKRAINIAN = {**_ICAO_CYRILLIC, "и": "y"}
_UKRAINIAN_ONLY = frozenset("іїєґ")
# Apostrophes inside Ukrainian and Russian words (the normaliser keeps U+02BC because
# it is a modifier *letter*); ICAO omits them.
_DROPPED = frozenset("\u02bc\u02b9\u02ba")

# Revised Romanization of Korean (Ministry of Culture and Tourism, 2000).
_RR_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s",
    "ss", "", "j", "jj", "ch", "k", "t", "p", "h",
)  # fmt: skip
_RR_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
# Final consonants as pronounced at the end of a syllable (RR § 3.1, note 2).
_RR_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
_HANGUL_FIRST = 0xAC00
_HANGUL_LAST = 0xD7A3
_VOWEL_COUNT = 21
_FINAL_COUNT = 28
_RIEUL_INITIAL = 5
_RIEUL_FINAL = 8
MAX_VARIANT_WORDS = 4


def _jamo(syllable: str) -> tuple[int, int, int]:
    # A syllable's code point encodes its jamo: (initial × 21 + vowel) × 28 + final
    # above U+AC00 (Unicode § 3.12, "Conjoining Jamo Behavior").
    index = ord(syllable) - _HANGUL_FIRST
    if not 0 <= index <= _HANGUL_LAST - _HANGUL_FIRST:
        raise ValueError("not a precomposed Hangul syllable")
    initial, rest = divmod(index, _VOWEL_COUNT * _FINAL_COUNT)
    vowel, final = divmod(rest, _FINAL_COUNT)
    return initial, vowel, final


def romanize_hangul_syllable(syllable: str, *, after_rieul: bool = False) -> str:
    """Revised Romanization of one precomposed Hangul syllable (U+AC00–U+D7A3).

    ``after_rieul``: the previous syllable ended in ㄹ, so an initial ㄹ is written
    ``l`` (RR: ㄹㄹ is romanized ``ll``).
    """
    initial, vowel, final = _jamo(syllable)
    head = "l" if after_rieul and initial == _RIEUL_INITIAL else _RR_INITIALS[initial]
    return head + _RR_VOWELS[vowel] + _RR_FINALS[final]


def _is_hangul(char: str) -> bool:
    return _HANGUL_FIRST <= ord(char) <= _HANGUL_LAST


def _transliterate_word(word: str) -> str:
    table = _ICAO_UKRAINIAN if _UKRAINIAN_ONLY.intersection(word) else _ICAO_CYRILLIC
    out: list[str] = []
    previous_final = -1
    for char in word:
        if char in _DROPPED:
            continue
        if _is_hangul(char):
            out.append(romanize_hangul_syllable(char, after_rieul=previous_final == _RIEUL_FINAL))
            previous_final = _jamo(char)[2]
        else:
            out.append(table.get(char, char))
            previous_final = -1
    return _strip_latin_marks("".join(out))


def _strip_latin_marks(text: str) -> str:
    # Only marks on ASCII letters go: "é" → "e", while marks that are part of another
    # script's letters (Devanagari vowel signs, say) are kept.  A mark with nothing to
    # sit on (a word that starts with one) goes too: it would otherwise attach to the
    # previous word once the spaces are removed.
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and (not out or out[-1].isascii()):
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def transliterate(value: str) -> str:
    """``value`` normalised and transliterated to Latin, words separated by one space."""
    return " ".join(_transliterate_word(word) for word in normalise(value).split())


def name_key(value: str) -> str:
    """The key a name, unit or service number is blind-indexed under ("" if none)."""
    return transliterate(value).replace(" ", "")


def name_key_variants(value: str) -> list[str]:
    """Keys of every order of the typed words (up to four words), typed order first.

    Searching by each of them finds a name however its words were ordered when it was
    stored ("Фамилия Имя" or "Given Family").  Longer names are matched as typed only:
    5 words would already mean 120 index look-ups.
    """
    words = transliterate(value).split()
    if not words:
        return []
    if len(words) > MAX_VARIANT_WORDS:
        return ["".join(words)]
    keys = ["".join(order) for order in itertools.permutations(words)]
    return list(dict.fromkeys(keys))
