"""The capture card's printed words in Russian, Korean, Ukrainian and English.

Data, not gettext: one card carries two languages at once (the prisoner's and the
detaining Power's), whatever language the console is in.  The wording follows the
Annex IV-B model card of the Third Geneva Convention.
"""

from __future__ import annotations

from typing import Final

CARD_LANGUAGES: Final = ("ru", "ko", "uk", "en")

# Keys common to every language.
LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "mail": "PRISONER OF WAR MAIL",
        "postage_free": "Postage free",
        "title": "CAPTURE CARD FOR PRISONER OF WAR",
        "important": (
            "IMPORTANT: This card must be completed by each prisoner immediately after "
            "being taken prisoner and each time his address is changed (by reason of "
            "transfer to a hospital or to another camp). This card is distinct from the "
            "special card which each prisoner is allowed to send to his relatives."
        ),
        "agency": "CENTRAL PRISONERS OF WAR AGENCY",
        "icrc": "International Committee of the Red Cross",
        "geneva": "Geneva, Switzerland",
        "block_letters": "Write legibly and in block letters",
        "power": "Power on which the prisoner depends",
        "surname": "Surname",
        "first_names": "First names (in full)",
        "father_first_name": "First name of father",
        "date_of_birth": "Date of birth",
        "place_of_birth": "Place of birth",
        "rank": "Rank",
        "service_number": "Service number",
        "family_address": "Address of family",
        "taken_prisoner_on": "Taken prisoner on",
        "coming_from": "(or) Coming from (camp No., hospital, etc.)",
        "health": "State of health",
        "present_address": "My present address",
        "prisoner_number": "Prisoner No.",
        "present_place": "Name of camp or hospital",
        "date": "Date",
        "signature": "Signature",
        "strike_out": (
            "*Strike out what is not applicable. Do not add any remarks. See explanation overleaf."
        ),
    },
    "ru": {
        "mail": "ПОЧТА ВОЕННОПЛЕННЫХ",
        "postage_free": "Освобождено от почтовых сборов",
        "title": "КАРТОЧКА О ВЗЯТИИ В ПЛЕН",
        "important": (
            "ВАЖНО: Эту карточку каждый военнопленный заполняет сразу после взятия в плен "
            "и каждый раз, когда меняется его адрес (при переводе в госпиталь или в другой "
            "лагерь). Она не заменяет особую карточку, которую каждый военнопленный вправе "
            "отправить своим родным."
        ),
        "agency": "ЦЕНТРАЛЬНОЕ АГЕНТСТВО ПО ДЕЛАМ ВОЕННОПЛЕННЫХ",
        "icrc": "Международный комитет Красного Креста",
        "geneva": "Женева, Швейцария",
        "block_letters": "Пишите разборчиво, печатными буквами",
        "power": "Держава, от которой зависит военнопленный",
        "surname": "Фамилия",
        "first_names": "Имя (полностью)",
        "father_first_name": "Имя отца",
        "date_of_birth": "Дата рождения",
        "place_of_birth": "Место рождения",
        "rank": "Воинское звание",
        "service_number": "Личный номер",
        "family_address": "Адрес семьи",
        "taken_prisoner_on": "Взят в плен",
        "coming_from": "(или) Прибыл из (лагерь №, госпиталь и т. д.)",
        "health": "Состояние здоровья",
        "present_address": "Мой нынешний адрес",
        "prisoner_number": "Номер военнопленного",
        "present_place": "Лагерь или госпиталь",
        "date": "Дата",
        "signature": "Подпись",
        "strike_out": ("*Ненужное зачеркнуть. Ничего не дописывать. См. пояснение на обороте."),
    },
    "uk": {
        "mail": "ПОШТА ВІЙСЬКОВОПОЛОНЕНИХ",
        "postage_free": "Звільнено від поштових зборів",
        "title": "КАРТКА ПРО ВЗЯТТЯ В ПОЛОН",
        "important": (
            "ВАЖЛИВО: Цю картку кожен військовополонений заповнює одразу після взяття в "
            "полон і щоразу, коли змінюється його адреса (у разі переведення до шпиталю або "
            "до іншого табору). Вона не замінює окрему картку, яку кожен військовополонений "
            "має право надіслати рідним."
        ),
        "agency": "ЦЕНТРАЛЬНЕ АГЕНТСТВО У СПРАВАХ ВІЙСЬКОВОПОЛОНЕНИХ",
        "icrc": "Міжнародний комітет Червоного Хреста",
        "geneva": "Женева, Швейцарія",
        "block_letters": "Пишіть розбірливо, друкованими літерами",
        "power": "Держава, від якої залежить військовополонений",
        "surname": "Прізвище",
        "first_names": "Ім’я (повністю)",
        "father_first_name": "Ім’я батька",
        "date_of_birth": "Дата народження",
        "place_of_birth": "Місце народження",
        "rank": "Військове звання",
        "service_number": "Особистий номер",
        "family_address": "Адреса родини",
        "taken_prisoner_on": "Узятий у полон",
        "coming_from": "(або) Прибув із (табір №, шпиталь тощо)",
        "health": "Стан здоров’я",
        "present_address": "Моя теперішня адреса",
        "prisoner_number": "Номер військовополоненого",
        "present_place": "Табір або шпиталь",
        "date": "Дата",
        "signature": "Підпис",
        "strike_out": ("*Непотрібне закреслити. Нічого не дописувати. Див. пояснення на звороті."),
    },
    "ko": {
        "mail": "포로 우편",
        "postage_free": "우편 요금 면제",
        "title": "포로 통지 카드",
        "important": (
            "중요: 모든 포로는 포로가 된 직후, 그리고 주소가 바뀔 때마다(병원이나 다른 "
            "수용소로 옮겨질 때) 이 카드를 작성합니다. 이 카드는 포로가 가족에게 보낼 수 "
            "있는 별도의 카드와는 다른 것입니다."
        ),
        "agency": "중앙포로정보국",
        "icrc": "국제적십자위원회",
        "geneva": "스위스 제네바",
        "block_letters": "알아보기 쉽게 또박또박 쓰십시오",
        "power": "포로의 소속 국가",
        "surname": "성",
        "first_names": "이름(전체)",
        "father_first_name": "아버지 이름",
        "date_of_birth": "생년월일",
        "place_of_birth": "출생지",
        "rank": "계급",
        "service_number": "군번",
        "family_address": "가족 주소",
        "taken_prisoner_on": "포로가 된 날짜",
        "coming_from": "(또는) 이전 장소(수용소 번호, 병원 등)",
        "health": "건강 상태",
        "present_address": "현재 주소",
        "prisoner_number": "포로 번호",
        "present_place": "수용소 또는 병원",
        "date": "날짜",
        "signature": "서명",
        "strike_out": (
            "*해당하지 않는 것은 지우십시오. 다른 내용은 덧붙이지 마십시오. 뒷면의 설명을 보십시오."
        ),
    },
}

# The seven Annex IV-B health categories, in card order, with each language's letters.
HEALTH_ORDER: Final = (
    "good",
    "not_wounded",
    "recovered",
    "convalescent",
    "sick",
    "slightly_wounded",
    "seriously_wounded",
)
HEALTH_LETTERS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("a", "b", "c", "d", "e", "f", "g"),
    "ru": ("а", "б", "в", "г", "д", "е", "ж"),
    "uk": ("а", "б", "в", "г", "ґ", "д", "е"),
    "ko": ("가", "나", "다", "라", "마", "바", "사"),
}
HEALTH_LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "good": "Good health",
        "not_wounded": "Not wounded",
        "recovered": "Recovered",
        "convalescent": "Convalescent",
        "sick": "Sick",
        "slightly_wounded": "Slightly wounded",
        "seriously_wounded": "Seriously wounded",
    },
    "ru": {
        "good": "Здоров",
        "not_wounded": "Не ранен",
        "recovered": "Выздоровел",
        "convalescent": "Выздоравливает",
        "sick": "Болен",
        "slightly_wounded": "Легко ранен",
        "seriously_wounded": "Тяжело ранен",
    },
    "uk": {
        "good": "Здоровий",
        "not_wounded": "Не поранений",
        "recovered": "Одужав",
        "convalescent": "Одужує",
        "sick": "Хворий",
        "slightly_wounded": "Легко поранений",
        "seriously_wounded": "Тяжко поранений",
    },
    "ko": {
        "good": "건강함",
        "not_wounded": "부상 없음",
        "recovered": "회복됨",
        "convalescent": "회복 중",
        "sick": "병에 걸림",
        "slightly_wounded": "가벼운 부상",
        "seriously_wounded": "심한 부상",
    },
}


def label(key: str, language: str) -> str:
    """One printed word or sentence in ``language`` (KeyError for an unknown one)."""
    return LABELS[language][key]


def health_option(code: str, language: str) -> str:
    """A health category with its letter, e.g. ``"д) Болен"``."""
    letter = HEALTH_LETTERS[language][HEALTH_ORDER.index(code)]
    return f"{letter}) {HEALTH_LABELS[language][code]}"
