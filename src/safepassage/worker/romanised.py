"""Russian and Ukrainian typed in Latin letters ("ya hochu sdatsya v plen").

A soldier on a phone without a Cyrillic keyboard, or who fears one on his screen,
writes Russian in Latin letters.  The general detector calls that English and the
message lands in a queue no Russian-reading operator works.  So before the general
detector runs on Latin-only text, we count words that are common Russian or Ukrainian
words as people romanise them (every usual spelling: ``ya``/``ja``/``ia``, ``kh``/``h``/``x``,
``sh``/``ch``/``shch``, ``'`` or nothing for the soft sign…) against common English words.

The word lists are generated from Cyrillic, so a spelling nobody wrote down is still
covered; the labelled test set in ``tests/worker/romanised_corpus.py`` measures it.
"""

from __future__ import annotations

import functools
import itertools
import re

# How people write each letter in Latin script (first: the most common).
_RU_LETTERS: dict[str, tuple[str, ...]] = {
    "а": ("a",), "б": ("b",), "в": ("v", "w"), "г": ("g",), "д": ("d",),
    "е": ("e", "ye", "je"), "ё": ("yo", "e", "jo", "io"), "ж": ("zh", "j", "z"),
    "з": ("z",), "и": ("i", "y"), "й": ("y", "j", "i", ""), "к": ("k",), "л": ("l",),
    "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",), "р": ("r",), "с": ("s",),
    "т": ("t",), "у": ("u",), "ф": ("f",), "х": ("h", "kh", "x"), "ц": ("ts", "c", "tz"),
    "ч": ("ch",), "ш": ("sh",), "щ": ("sch", "shch", "sh"), "ъ": ("",), "ы": ("y", "i"),
    "ь": ("",), "э": ("e",), "ю": ("yu", "ju", "iu"), "я": ("ya", "ja", "ia"),
}  # fmt: skip
_UK_LETTERS: dict[str, tuple[str, ...]] = {
    **_RU_LETTERS,
    "г": ("h", "g"), "ґ": ("g",), "и": ("y", "i"), "і": ("i",),
    "ї": ("yi", "i", "ji"), "є": ("ye", "ie", "je", "e"), "'": ("",),
}  # fmt: skip

# Frequent words of a message to the programme, in Cyrillic.
_RUSSIAN = """
я ты вы мы он она они меня мне нас вас нам вам мой моя мои наш ваш свой себя хочу хотим
хотел хотела хочет сдаться сдаюсь сдамся сдадимся сдаваться плен плену пленный пленные в
во на не ни как что чтобы где когда почему зачем кто куда откуда сколько помогите помощь
помочь пожалуйста здравствуйте привет добрый доброе день вечер утро да нет можно нужно
надо будет будем есть был была были это этот эта там здесь тут сейчас завтра сегодня
ночью утром телефон номер связь написать позвонить ответьте ответ жду ждать и а но или
если то за из с со у к по об от до для без про только уже ещё еще очень тоже сын муж
брат отец мать мама папа жена сестра семья родители солдат солдаты армия армии война
войны фронт фронте позиции мобилизован мобилизовали контракт часть рота взвод батальон
полк командир командиры жить живой живым спасите боюсь страшно убьют плохо хорошо
спасибо понял понятно ладно инструкция инструкции делать сказать говорить знаю знать
могу может вернуться домой дом обмен украина украину украине россия русский русские
курск курской области граница бежать уйти выйти оружие дезертир забрали отправили скоро
хочется прошу пишу пишите напишите напишу ответа ответить инструкцию идти иду пойти
опасно безопасно быстро быстрее срочно позже потом дальше после плена обмена воевать
умирать человек человека подписал теперь правда тайно поговорить днём днем связи готов
слышите можете
""".split()  # noqa: SIM905 - a word list reads best as words
_UKRAINIAN = """
я ти ви ми він вона вони мене мені нас вас мій моя мої наш ваш хочу хочемо хотів здатися
здатись здаюся полон полоні полонений в у на не як що де коли чому хто куди допоможіть
допомога допомогти будь ласка вітаю привіт добрий день так ні можна треба буде є був
була це тут там зараз завтра сьогодні телефон номер зв'язок написати подзвонити
відповідь чекаю і й та але чи якщо з зі до для без про тільки вже ще дуже син чоловік
брат батько мати мама тато дружина сім'я батьки солдат армія війна фронт мобілізований
жити живий боюся страшно дякую зрозумів добре робити сказати знаю можу повернутися
додому обмін україна росія кордон зброя прошу пишу
""".split()  # noqa: SIM905 - a word list reads best as words
# Common English words of such messages (and of English generally).
_ENGLISH = frozenset(
    """
i me my we you your he she they it is am are was were be been have has had do does did
will would can could should want wants to the a an and or but if of in on at for with
from by about as this that these those there here what where when why how who which not
no yes please help hello hi thanks thank son husband brother father mother family
soldier army war front surrender give up live alive how contact phone number call write
answer wait now today tomorrow night morning am okay ok sorry need know think go come
get out home back exchange prisoner captured russia ukraine russian ukrainian just only
also very so too all some any more much many one two
""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z']+")
_MAX_SPELLINGS = 256


def _spellings(word: str, letters: dict[str, tuple[str, ...]]) -> set[str]:
    options = [letters.get(letter, (letter,)) for letter in word]
    found = set()
    for parts in itertools.islice(itertools.product(*options), _MAX_SPELLINGS):
        found.add("".join(parts))
    return {spelling for spelling in found if spelling}


@functools.cache
def _lexicons() -> tuple[frozenset[str], frozenset[str]]:
    russian = set()
    for word in _RUSSIAN:
        russian |= _spellings(word, _RU_LETTERS)
    ukrainian = set()
    for word in _UKRAINIAN:
        ukrainian |= _spellings(word.replace("'", ""), _UK_LETTERS)
    return frozenset(russian), frozenset(ukrainian)


def romanised_language(text: str) -> str | None:
    """``"ru"`` or ``"uk"`` when ``text`` is Russian or Ukrainian in Latin letters, else
    ``None`` (English, another script, or too little to tell)."""
    if any("\u0400" <= ch <= "\u04ff" or "\uac00" <= ch <= "\ud7a3" for ch in text):
        return None
    words = [word.replace("'", "") for word in _WORD.findall(text.lower())]
    words = [word for word in words if word]
    if not words:
        return None
    russian, ukrainian = _lexicons()
    ru = uk = en = 0
    for word in words:
        in_slavic = word in russian or word in ukrainian
        if word in _ENGLISH:
            # "i", "a", "to", "no" are words in both; they decide nothing.
            if not in_slavic:
                en += 1
            continue
        ru += word in russian
        uk += word in ukrainian
    slavic = max(ru, uk)
    # Two Slavic words more than English ones, or a short message of nothing else.
    if (slavic >= 2 and slavic > en) or (slavic >= 1 and en == 0 and slavic == len(words)):
        ukrainian_only = sum(1 for w in words if w in ukrainian and w not in russian)
        russian_only = sum(1 for w in words if w in russian and w not in ukrainian)
        return "uk" if ukrainian_only > russian_only else "ru"
    return None
