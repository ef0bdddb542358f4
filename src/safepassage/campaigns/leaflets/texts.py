"""Leaflet wording in Russian, Korean, Ukrainian and English.

Written for a soldier reading in a trench or a barracks: short sentences, calm and
factual, no promises the programme cannot keep.  The Korean text is addressed to North
Korean soldiers: formal style, 조선말 alongside 한국어, and no English loanwords where a
Korean word exists.  Kept here as data (not in gettext catalogues) because a leaflet's
language is the campaign's, not the reader's browser's, and every leaflet must carry
all of its sections.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LeafletText:
    """Every piece of text on a leaflet in one language.  ``{code}`` is the campaign code."""

    headline: str
    appeal: str
    geneva_title: str
    geneva: str
    reach_title: str
    web_label: str
    telegram_label: str
    sms_label: str
    sms_number: str
    onion_label: str
    safety_title: str
    safety: tuple[str, ...]
    footer: str


TEXTS: dict[str, LeafletText] = {
    "ru": LeafletText(
        headline="Выбери жизнь. Выход есть.",
        appeal=(
            "Эта война не стоит твоей жизни. Многие военнослужащие уже связались с нами, "
            "договорились о безопасной сдаче в плен и сегодня живы. Ты тоже можешь. "
            "Напиши нам: тебе круглосуточно ответит оператор, который говорит на твоём языке."
        ),
        geneva_title="Твои права по Женевской конвенции",
        geneva=(
            "Сдавшийся военнослужащий — военнопленный по Третьей Женевской конвенции. "
            "Ему гарантированы безопасность, питание, медицинская помощь и гуманное "
            "обращение, а также право на переписку с родными. Твоё желание о том, что "
            "будет после войны, — вернуться домой по обмену или нет — записывается."
        ),
        reach_title="Как с нами связаться",
        web_label="Сайт: наведи камеру телефона на квадратный код",
        telegram_label="Telegram-бот",
        sms_label="Нет интернета? Отправь SMS с кодом {code}",
        sms_number="Номер для SMS: {number}",
        onion_label="Через Tor:",
        safety_title="Как сделать это безопасно",
        safety=(
            "Никому не показывай эту листовку и никому не говори о своём решении.",
            "Запомни или перепиши код {code}, а листовку уничтожь.",
            "После переписки удаляй сообщения и историю браузера.",
            "Не иди сдаваться, не договорившись с оператором: он скажет, где, когда "
            "и как сделать это безопасно.",
            "Если можешь, пользуйся Tor или VPN.",
        ),
        footer="Код листовки: {code}",
    ),
    "ko": LeafletText(
        headline="살고 싶다면 길이 있습니다.",
        appeal=(
            "이 전쟁은 당신의 목숨을 바칠 전쟁이 아닙니다. 이미 많은 군인이 우리에게 "
            "연락하여 안전하게 투항하였고 지금 살아 있습니다. 당신도 그렇게 할 수 "
            "있습니다. 연락하면 조선말(한국어)을 하는 상담원이 밤낮없이 답해 드립니다."
        ),
        geneva_title="제네바 협약에 따른 당신의 권리",
        geneva=(
            "투항한 군인은 제3 제네바 협약에 따라 전쟁포로로 대우받습니다. 안전과 "
            "식사, 치료, 인도적인 대우가 보장되며 가족과 편지를 주고받을 권리가 "
            "있습니다. 전쟁이 끝난 뒤 포로 교환으로 고향에 돌아갈지에 대한 본인의 "
            "희망은 기록됩니다."
        ),
        reach_title="연락 방법",
        web_label="웹사이트: 휴대전화 사진기로 네모난 무늬를 찍으십시오",
        telegram_label="텔레그램 봇",
        sms_label="인터넷이 안 되면 암호 {code} 를 문자(SMS)로 보내십시오.",
        sms_number="문자 보낼 번호: {number}",
        onion_label="Tor 주소:",
        safety_title="안전하게 연락하는 방법",
        safety=(
            "이 전단을 누구에게도 보여 주지 말고, 결심을 누구에게도 말하지 마십시오.",
            "암호 {code} 를 외우거나 적어 두고 전단은 없애십시오.",
            "연락한 뒤에는 주고받은 글과 검색 기록을 지우십시오.",
            "상담원과 약속하기 전에는 투항하러 나서지 마십시오. 언제, 어디로, "
            "어떻게 가야 안전한지 상담원이 알려 드립니다.",
            "할 수 있으면 Tor나 VPN을 쓰십시오.",
        ),
        footer="전단 암호: {code}",
    ),
    "uk": LeafletText(
        headline="Обери життя. Вихід є.",
        appeal=(
            "Ця війна не варта твого життя. Багато військових уже зв'язалися з нами, "
            "домовилися про безпечну здачу в полон і сьогодні живі. Ти теж можеш. "
            "Напиши нам: тобі цілодобово відповість оператор, який розмовляє твоєю мовою."
        ),
        geneva_title="Твої права за Женевською конвенцією",
        geneva=(
            "Військовий, який здався, є військовополоненим за Третьою Женевською "
            "конвенцією. Йому гарантовано безпеку, харчування, медичну допомогу й "
            "гуманне поводження, а також право листуватися з рідними. Твоє бажання щодо "
            "того, що буде після війни, — повернутися додому за обміном чи ні — "
            "записують."
        ),
        reach_title="Як з нами зв'язатися",
        web_label="Сайт: наведи камеру телефона на квадратний код",
        telegram_label="Telegram-бот",
        sms_label="Немає інтернету? Надішли SMS з кодом {code}",
        sms_number="Номер для SMS: {number}",
        onion_label="Через Tor:",
        safety_title="Як зробити це безпечно",
        safety=(
            "Нікому не показуй цю листівку й нікому не кажи про своє рішення.",
            "Запам'ятай або перепиши код {code}, а листівку знищ.",
            "Після листування видаляй повідомлення та історію браузера.",
            "Не йди здаватися, не домовившись з оператором: він скаже, де, коли "
            "і як зробити це безпечно.",
            "Якщо можеш, користуйся Tor або VPN.",
        ),
        footer="Код листівки: {code}",
    ),
    "en": LeafletText(
        headline="Choose to live. There is a way out.",
        appeal=(
            "This war is not worth your life. Many soldiers have already contacted us, "
            "agreed a safe surrender and are alive today. You can do the same. Write to "
            "us: an operator who speaks your language answers day and night."
        ),
        geneva_title="Your rights under the Geneva Conventions",
        geneva=(
            "A soldier who surrenders is a prisoner of war under the Third Geneva "
            "Convention, guaranteed safety, food, medical care, humane treatment and the "
            "right to write to his family. Your wish for after the war — to go home in an "
            "exchange or not — is recorded."
        ),
        reach_title="How to reach us",
        web_label="Website: point your phone's camera at the square code",
        telegram_label="Telegram bot",
        sms_label="No internet? Send an SMS with the code {code}",
        sms_number="SMS number: {number}",
        onion_label="Through Tor:",
        safety_title="How to do it safely",
        safety=(
            "Show this leaflet to no one and tell no one about your decision.",
            "Memorise or copy the code {code}, then destroy the leaflet.",
            "After writing to us, delete the messages and your browser history.",
            "Do not set out to surrender before agreeing it with an operator: they "
            "will tell you where, when and how to do it safely.",
            "If you can, use Tor or a VPN.",
        ),
        footer="Leaflet code: {code}",
    ),
}

LEAFLET_LANGUAGES: tuple[str, ...] = tuple(TEXTS)
