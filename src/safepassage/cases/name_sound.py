"""Sound keys: one key per name however it was spelt, across scripts and systems.

The name key (``cases.transliteration``) maps each script by one standard, so
``김정은`` (Hangul), ``Ким Чен Ын`` (a Russian document, Kontsevich system),
``Kim Jong Un`` (McCune–Reischauer style) and ``Gim Jeong-eun`` (Revised
Romanization) give four different keys.  A *sound key* is coarser: it keeps the
consonant skeleton a name has in every one of those systems and forgets what they
disagree on, so that all four meet.  It is used to *suggest* that two cases are the
same person, never to merge them: an operator compares the cases and decides.

How a name becomes a sound key (every rule says which spellings it reconciles):

1. A Hangul word of two to four syllables is split after its first syllable (the
   family name: one syllable for almost every Korean surname), then every word is
   transliterated to Latin by ``cases.transliteration`` (ICAO for Cyrillic, RR for
   Hangul).
2. Customary spellings of common Korean surnames are replaced by one form
   (이 / Ли / Lee / Yi / Rhee / Ri → ``i``; 박 / Пак / Park / Pak / Bak → ``pak``…):
   those spellings follow no system, so no rule could find them.
3. Russian and Ukrainian patronymics (``-ovich``, ``-ovna``, ``-ovych``…) are
   dropped: Russian documents add them, the applicant often does not.
4. Letter groups that systems write differently become one symbol: ``shch``/``sch``/
   ``sh``/``ss``/``s`` → ``s``; ``ch``/``j``/``ts``/``tz``/``dzh``/``c`` (not before
   a vowel) → ``c``; ``kh``/``h`` → ``h``; ``g``/``k``/``kk``/``q``/``ck`` → ``k``;
   ``d``/``t``/``tt`` → ``t``; ``b``/``p``/``pp`` → ``p``; ``r``/``l`` → ``l`` (Korean
   ㄹ is both); ``v``/``w``/``f``/``ff`` → ``v``; ``zh``/``z`` → ``z``; ``x`` → ``ks``;
   ``ng`` → ``n`` (Kontsevich writes ㅇ as н); Kontsevich's
   aspirates ``чх``/``кх``/``тх``/``пх`` become their plain consonant.
5. A glide (``i`` or ``y`` before ``a``, ``o``, ``u`` or ``eo``) becomes ``Y``;
   then every run of vowels (``y`` included: ``Yuriy``/``Iurii``/``Yury``) becomes ``a``,
   because Korean vowels are where the systems disagree most (어: eo / ŏ / о) and
   Russian ones where English spellings do (Yuri / Iouri).  Doubled symbols collapse.

The words are keyed in the order typed and, on search, in every order (four words at
most) as ``name_key_variants`` does.  Only the keyed blind index of the sound key is
stored, never the key or the name.  The labelled pairs in
``tests/cases/name_pairs.py`` measure how often this suggests the right people.
"""

from __future__ import annotations

import itertools
import re

from safepassage.cases.transliteration import MAX_VARIANT_WORDS, transliterate
from safepassage.crypto.blind_index import normalise

_HANGUL_FIRST = 0xAC00
_HANGUL_LAST = 0xD7A3

# Customary spellings of the commonest Korean surnames (Hangul in RR, Cyrillic in
# ICAO, as step 1 produces them), each mapped to one form.  Spellings a rule already
# reconciles (Kim / Gim / Ким, Han / Хан, Choi / Цой) need no entry.
_SURNAMES: dict[str, tuple[str, ...]] = {
    "i": ("i", "yi", "lee", "li", "ri", "rhee", "ree", "rhie", "y", "lie"),
    "pak": ("pak", "park", "bak", "bark", "pack", "bahk"),
    "no": ("no", "noh", "roh", "ro", "rho", "nho"),
    "yu": ("yu", "yoo", "you", "ryu", "ryoo", "lyu", "rju", "riu", "iu"),
    "im": ("im", "lim", "rim", "yim", "eem", "leem"),
    "o": ("o", "oh", "oe"),
    "u": ("u", "woo", "wu", "ou"),
    "sin": ("sin", "shin", "sheen", "ssin"),
    "so": ("so", "seo", "suh", "sŏ", "soh", "seoh"),
    "an": ("an", "ahn", "ahan"),
    "kan": ("kan", "kang", "gang", "gan"),
    "kon": ("kon", "kwon", "gwon", "kwun", "kvon"),
    "ton": ("ton", "tong", "dong"),
    "sim": ("sim", "shim", "sym"),
    "hvan": ("hwang", "hvan", "khvan", "hoang"),
}
_SURNAME_OF = {spelling: key for key, spellings in _SURNAMES.items() for spelling in spellings}

# Patronymic endings (ICAO transliteration of Russian and Ukrainian).
_PATRONYMIC = re.compile(r"(ovich|evich|ovych|evych|ovna|evna|ichna|ivna|ich|ych)$")
_MIN_PATRONYMIC = 6

# Longest groups first: each is replaced before its parts are.
_GROUPS: tuple[tuple[str, str], ...] = (
    # Kontsevich writes the aspirated ㅊ ㅋ ㅌ ㅍ as чх кх тх пх.
    ("chkh", "C"),
    ("kkh", "K"),
    ("tkh", "T"),
    ("pkh", "P"),
    ("shch", "S"),
    ("dzh", "C"),
    ("sch", "S"),
    ("tch", "C"),
    ("kh", "H"),
    ("zh", "Z"),
    ("sh", "S"),
    ("ch", "C"),
    ("ts", "C"),
    ("tz", "C"),
    ("dz", "C"),
    ("ck", "K"),
    ("ph", "V"),
    ("rh", "L"),
    ("th", "T"),
    ("x", "KS"),
)
_LETTERS = {
    "j": "C",
    "g": "K",
    "k": "K",
    "q": "K",
    "d": "T",
    "t": "T",
    "b": "P",
    "p": "P",
    "r": "L",
    "l": "L",
    "v": "V",
    "w": "V",
    "f": "V",
    "z": "Z",
    "s": "S",
    "h": "H",
    "m": "M",
    "n": "N",
}
# "ii" before a vowel is ICAO's "ия" (Мария → mariia), one glide like "Mariya".
_DOUBLE_GLIDE = re.compile(r"[iy]{2,}(?=[aou])")
_VOWELS = frozenset("aeiouyŏŭəæøöüäé")


def _split_hangul_surname(word: str) -> str:
    if 2 <= len(word) <= 4 and all(_HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST for ch in word):
        return f"{word[0]} {word[1:]}"
    return word


def _iotated(word: str, index: int) -> bool:
    # "ya", "iu", "yo", "yeo": a glide before a vowel (Юрий / Yuriy / Iurii, 연 / Yeon /
    # Ён), kept apart from plain vowels so that Yuri and Ilya do not meet.  "ye" alone
    # is not, because Russian Е is written "e" and "ye" alike (Evgeny / Yevgeny).
    rest = word[index + 1 : index + 3]
    return rest[:1] in ("a", "o", "u") or rest == "eo"


def _skeleton(word: str) -> str:
    word = _DOUBLE_GLIDE.sub("y", word.replace("ng", "n"))
    for group, symbol in _GROUPS:
        word = word.replace(group, symbol)
    out: list[str] = []
    for index, char in enumerate(word):
        if char == "c":
            # "c" before e/i is ц in Polish-style spellings, else k ("Victor").
            following = word[index + 1] if index + 1 < len(word) else ""
            symbol = "C" if following in "ei" and following else "K"
        elif char in "iy" and _iotated(word, index):
            symbol = "Y"
        elif char in _VOWELS:
            symbol = "a"
        elif char.isupper():
            symbol = char
        else:
            symbol = _LETTERS.get(char, char)
        for part in symbol:
            if not out or out[-1] != part:
                out.append(part)
    return "".join(out).lower()


def sound_words(name: str) -> list[str]:
    """The sound key of each word of ``name``, in typed order (patronymics dropped)."""
    # ё is "yo" in Kontsevich (명 → Мён) and in Latin spellings (Semyon); the name key's
    # normaliser folds it into е, so it is spelt out first.
    spelt = name.replace("ё", "йо").replace("Ё", "Йо")
    words = " ".join(_split_hangul_surname(word) for word in normalise(spelt).split())
    latin = transliterate(words).split()
    keys: list[str] = []
    for word in latin:
        if len(latin) > 1 and len(word) >= _MIN_PATRONYMIC and _PATRONYMIC.search(word):
            continue
        surname = _SURNAME_OF.get(word)
        keys.append(surname if surname is not None else _skeleton(word))
    return [key for key in keys if key]


def _joined(words: tuple[str, ...] | list[str]) -> str:
    # Words are joined and doubled symbols collapsed again, so that word boundaries do
    # not count: "Jong Nam", "Jong-nam" and 종남 give one key.
    out: list[str] = []
    for char in "".join(words):
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


def sound_key(name: str) -> str:
    """The sound key of ``name`` in typed order (``""`` when nothing is left)."""
    return _joined(sound_words(name))


def sound_key_variants(name: str) -> list[str]:
    """Sound keys of every order of the words (up to four words), typed order first.

    Searching by each of them finds a name however its words were ordered when it was
    stored (family name first in Russian and Korean documents, last in English ones).
    """
    words = sound_words(name)
    if not words:
        return []
    if len(words) > MAX_VARIANT_WORDS:
        return [_joined(words)]
    keys = [_joined(order) for order in itertools.permutations(words)]
    return list(dict.fromkeys(keys))
