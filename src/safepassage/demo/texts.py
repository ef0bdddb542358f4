"""First messages for demo cases, written as real applicants write: short, informal."""

DEMO_MESSAGES: dict[str, list[tuple[str, str]]] = {
    "ru": [
        ("surrender", "Здравствуйте. Я под Покровском, хочу сдаться. Как это сделать безопасно?"),
        ("surrender", "Нас трое из одного взвода, хотим выйти вместе. Что делать дальше?"),
        ("considering", "Если я сдамся, что будет с моей семьёй? Мать живёт в Курске."),
        ("avoiding_mobilisation", "Получил повестку, не хочу воевать. Могу ли я к вам обратиться?"),
        ("family_member", "Пишу за сына, у него забрали телефон. Он в Запорожской области."),
        ("information", "Правда, что пленных кормят и лечат? Есть ли обмен?"),
        ("surrender", "Ранен, нахожусь в подвале, связь плохая. Помогите выйти."),
        ("considering", "Сколько ждать после заявки? Командир следит за телефонами."),
        ("other", "Это канал Хочу жить? Как проверить, что вы настоящие?"),
    ],
    "ko": [
        ("surrender", "안녕하세요. 저는 쿠르스크에 있습니다. 안전하게 투항하고 싶습니다."),
        ("considering", "투항하면 북한에 있는 가족이 처벌받습니까?"),
        ("surrender", "우리는 두 명입니다. 함께 나가고 싶습니다. 어떻게 해야 합니까?"),
        ("information", "포로가 되면 음식과 치료를 받을 수 있습니까?"),
        ("considering", "한국으로 갈 수 있습니까? 돌아가고 싶지 않습니다."),
        ("surrender", "다쳤습니다. 도와주세요. 전화는 오래 쓸 수 없습니다."),
        ("other", "이것이 진짜 우크라이나 정부 프로그램입니까?"),
        ("information", "영상을 보았습니다. 무엇을 먼저 해야 합니까?"),
        ("surrender", "밤에만 연락할 수 있습니다. 흰 천을 가지고 있습니다."),
    ],
    "uk": [
        ("family_member", "Доброго дня. Мій брат мобілізований до армії РФ, хоче здатися."),
        ("information", "Чи можна передати інформацію про військовополоненого його матері?"),
        ("family_member", "Пишу від імені чоловіка з Криму, у нього немає телефону."),
        ("other", "Хочу допомогти проєкту, куди звертатися?"),
        ("information", "Як відбувається обмін полоненими і хто вирішує?"),
        ("family_member", "Мій родич у Бєлгородській області, його відправляють на фронт."),
        ("considering", "Він боїться, що його розстріляють свої. Що порадите?"),
        ("family_member", "Син дзвонив востаннє тиждень тому з-під Куп'янська."),
        ("information", "Чи зберігаєте ви листування після завершення справи?"),
    ],
    "en": [
        ("information", "Hello, I am a journalist. How many people have used this programme?"),
        ("family_member", "I am writing for my cousin serving near Bakhmut. He wants out."),
        ("surrender", "I was recruited from a prison colony. I want to surrender. Please help."),
        ("information", "Is the programme run under the Geneva Conventions?"),
        ("other", "Test message from a partner NGO, please ignore."),
        ("considering", "What happens to foreign fighters who surrender?"),
        ("family_member", "My brother-in-law is in Kursk region with the 810th brigade."),
        ("information", "Can a prisoner refuse to be exchanged?"),
        ("surrender", "Contract soldier, Zaporizhzhia direction. I want to come over alone."),
    ],
}

OPERATOR_REPLIES: dict[str, str] = {
    "ru": "Здравствуйте, это оператор проекта. Вы в безопасности, пишите, когда сможете.",
    "ko": "안녕하세요. 프로그램 운영자입니다. 안전할 때 답장하세요.",
    "uk": "Доброго дня, це оператор проєкту. Дякуємо, що написали.",
    "en": "Hello, this is an operator of the programme. Thank you for writing.",
}
