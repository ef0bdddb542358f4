"""First messages for the flood tests: realistic, about ten words, in four languages.

Written for the tests (no real applicant's words).  Any two of them are unrelated in the
sense that matters here, although they share topic and vocabulary.
"""

from __future__ import annotations

import random

MESSAGES = {
    "ru": [
        "Здравствуйте, я мобилизованный из Белгородской области, хочу сдаться, "
        "подскажите что делать",
        "Нас трое в подразделении, все хотим сдаться, связь есть только ночью",
        "Пишу за мужа, его забрали по мобилизации два месяца назад, он боится",
        "Как мне безопасно перейти на вашу сторону, у меня есть оружие и рация",
        "Наш командир отправляет нас в штурм завтра утром, я не хочу умирать",
        "Мой сын контрактник пропал под Курском, может он у вас в плену",
    ],
    "ko": [
        "안녕하세요 저는 쿠르스크에 있는 북한 군인입니다 항복하고 싶은데 어떻게 해야 합니까",
        "우리 소대에 세 명이 있는데 모두 살고 싶습니다 밤에만 연락할 수 있습니다",
        "지휘관이 내일 아침에 공격하라고 명령했습니다 저는 죽고 싶지 않습니다",
        "제 동생이 러시아로 파병되었는데 소식이 없습니다 혹시 포로로 잡혔는지 알 수 있을까요",
    ],
    "uk": [
        "Доброго дня, мій брат потрапив у полон під Курськом, як дізнатися де він зараз",
        "Пишу за чоловіка, його мобілізували в Росії, він хоче здатися, але боїться за родину",
        "Чи можна передати листа полоненому, ми не маємо від нього звістки три місяці",
    ],
    "en": [
        "Hello, I was mobilised from Belgorod region and I want to surrender, what do I do",
        "There are three of us in the unit, we all want to surrender, we talk only at night",
        "My son signed a contract, went missing near Kursk, is he a prisoner with you",
        "How can I safely cross to your side, I have a rifle and a radio and I am alone",
    ],
}
ALL_MESSAGES = [text for texts in MESSAGES.values() for text in texts]

# Words a flood script (or a copying person) swaps in.
REPLACEMENTS = {
    "ru": ["брат", "Курской", "четверо", "автомат", "вечером", "муж", "срочно"],
    "ko": ["조선", "네", "저녁에", "아들이", "병사", "빨리"],
    "uk": ["син", "посилку", "селі", "дуже", "чотири"],
    "en": ["brother", "Kursk", "four", "drone", "morning", "husband", "please"],
}

# What everyone writes: never a near-duplicate signal, however often it is repeated.
SHORT = [
    "hello",
    "/start",
    "/start LEAF24",
    "살고 싶어요",
    "항복하고 싶습니다 도와주세요",
    "Я хочу сдаться в плен",
    "Хочу жить. Помогите!",
    "I want to surrender",
    "Доброго дня, допоможіть",
    "😀😀😀 ??? 12345",
    "",
]


def one_word_changed(text: str, language: str, rng: random.Random) -> str:
    """``text`` with one word (not the first) replaced by another word."""
    words = text.split()
    position = rng.randrange(1, len(words))
    choices = [word for word in REPLACEMENTS[language] if word != words[position]]
    words[position] = rng.choice(choices)
    return " ".join(words)
