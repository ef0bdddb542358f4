"""Language routing: short, real-world-like first messages in the four queue languages.

The detector (lingua restricted to ru/uk/ko/en, Hangul by script) must route at least
90 % of them to the right queue without any fallback; the figure is printed with -s.
"""

from __future__ import annotations

from safepassage.worker.language import detect_language

LABELLED = {
    "ru": [
        "Здравствуйте, я хочу сдаться в плен",
        "Как мне к вам выйти, чтобы не убили?",
        "Меня мобилизовали в сентябре, я не хочу воевать",
        "Пишу за брата, он под Покровском, связи нет",
        "Что будет со мной после плена?",
        "Можно ли сдаться вместе с товарищами? Нас трое",
        "Нас отправляют штурмовать завтра утром",
        "Гарантируете ли вы, что меня не обменяют обратно?",
        "Я контрактник, срок кончился, а не отпускают",
        "Помогите, муж пропал без вести две недели назад",
        "У меня нет телефона, пишу с телефона сослуживца",
        "Какие координаты? Куда идти?",
        "Я боюсь, что семье что-то сделают",
        "Сколько нужно ждать ответа оператора?",
        "Можно ли выйти с оружием или его надо бросить?",
        "Сын срочник, его перевели в Курскую область",
        "Спасибо, я понял, буду на связи",
        "Не могу долго писать, командир рядом",
        "Мне обещали, что отправят только охранять",
        "Хочу жить. Что делать?",
    ],
    "uk": [
        "Доброго дня, мій брат у полоні, як дізнатися де він?",
        "Чи можна передати йому лист?",
        "Я мама військовополоненого, що мені робити?",
        "Будь ласка, підкажіть, куди звертатися",
        "Дякую за відповідь, чекатиму",
        "Мій чоловік зник безвісти під Бахмутом",
        "Чи є у вас гаряча лінія для родичів?",
        "Хочу допомогти, маю інформацію про позиції",
        "Як підтвердити, що він живий?",
        "Напишіть, будь ласка, українською",
        "Він хоче здатися, але боїться",
        "Скільки часу займає обмін?",
        "Я не можу додзвонитися на ваш номер",
        "Отримала ваше повідомлення, дякую",
        "Чи безпечно писати сюди?",
        "Мені потрібна консультація щодо обміну полоненими",
        "Де можна подивитися списки?",
        "Будь ласка, зателефонуйте мені ввечері",
        "Він писав, що їх везуть на схід",
        "Що потрібно від мене, щоб допомогти йому?",
    ],
    "ko": [
        "항복하고 싶습니다",
        "살고 싶어요. 어떻게 해야 합니까?",
        "저는 조선 사람입니다. 도와주십시오",
        "우리 부대는 쿠르스크에 있습니다",
        "가족이 걱정됩니다",
        "포로가 되면 어떻게 됩니까?",
        "한국으로 갈 수 있습니까?",
        "러시아어를 모릅니다",
        "전화가 없어서 친구 전화로 씁니다",
        "언제 답장해 주실 수 있나요?",
        "우리는 세 명입니다",
        "지휘관이 옆에 있어서 길게 못 씁니다",
        "무기를 버리고 가야 합니까?",
        "고맙습니다",
        "어디로 가야 합니까?",
        "밤에 움직일 수 있습니다",
        "저를 돌려보내지 마십시오",
        "부상을 입었습니다",
        "이 번호로 연락해도 안전합니까?",
        "네, 알겠습니다",
    ],
    "en": [
        "Hello, I want to surrender",
        "How can I contact you safely?",
        "My brother is a Russian soldier and wants out",
        "Is this the hotline for prisoners of war?",
        "Please reply in English, I don't read Russian",
        "I am a journalist, who can I talk to?",
        "Thank you, I will wait for your answer",
        "Where should we go? There are four of us",
        "Can you guarantee he will not be sent back?",
        "I have information about his unit",
        "Is it safe to write here?",
        "He has no phone, I am writing for him",
        "What happens after someone surrenders?",
        "We are near the river, the shelling is heavy",
        "Please help my son",
        "How long does an exchange take?",
        "I lost contact with my husband two weeks ago",
        "Can I send you a photo of his documents?",
        "OK, understood, I will be in touch",
        "Who is this? How did you get my number?",
    ],
}


def routing_accuracy() -> tuple[float, list[tuple[str, str, str]]]:
    misses = []
    total = 0
    for expected, texts in LABELLED.items():
        for text in texts:
            total += 1
            got = detect_language(text, fallback="")
            if got != expected:
                misses.append((expected, got, text))
    return 1 - len(misses) / total, misses


def test_labelled_set_has_eighty_messages_in_four_languages() -> None:
    assert sorted(LABELLED) == ["en", "ko", "ru", "uk"]
    assert sum(len(texts) for texts in LABELLED.values()) == 80


def test_language_routing_accuracy_on_short_messages() -> None:
    accuracy, misses = routing_accuracy()
    print(f"\nlanguage routing accuracy: {accuracy:.1%} ({len(misses)} misses)")
    for expected, got, text in misses:
        print(f"  expected {expected}, got {got or 'none'}: {text}")
    assert accuracy >= 0.9, misses


def test_ambiguous_short_text_falls_back_to_the_chat_language() -> None:
    assert detect_language("ok", fallback="ko") == "ko"
    assert detect_language("👍", fallback="uk") == "uk"
