"""Otandastar's online Kazakh courses for `tamyr demo`: seed 003 reproduced through the real completion rules.

What comes from the seed page: the Otandastar Foundation opened 31 online Kazakh language courses for compatriots
abroad, held talk clubs in August and December, and posted 30 courses on YouTube to learn at one's own pace; about
1,400 people living in Türkiye, Russia, the United States, the United Kingdom, Belgium, Germany, France, Iran,
Kyrgyzstan, Ukraine, Mongolia and Belarus completed 780 courses and 336 received certificates. The page is of 2021
(the 30th year of independence), so the courses run in 2021.

What the demo chooses, because the page does not say it: which 31 courses (levels A1–C1, general courses taught
through Turkish, Russian and English, courses for children, the new Latin alphabet, Abai's Book of Words, work and
business, Kazakh for compatriots returning home, songs, and methods for Sunday-school teachers); two groups of
each (spring and autumn 2021) and, for the general courses, a group in spring 2027 that is open for enrollment;
two talk clubs by level with an August and a December group; 30 video courses and their topics; the lessons and
their final quizzes; and the completion rules:

- live groups: at least 80 % of the live lessons attended and the final quiz passed; a certificate is issued;
- talk clubs: at least 50 % of the sessions attended; no quiz and no certificate;
- video courses: every lesson marked done and the final quiz passed; no certificate (nobody checks who watched).

The video links are placeholders in YouTube's address format, not real Otandastar videos.

How the figures come about: 1,450 generated learners (`demo.learner.NNNN@example.org`, names written in
Kazakh Cyrillic, Kazakh Latin, Turkish, Russian and English forms from the registry demo's name tables) live in
the seed's 12 countries, Türkiye and Russia most. Each enrolls in one to three courses that suit their level and
the language they learn through; teachers mark attendance (`LessonProgress`), learners mark video lessons done and
submit quizzes (`QuizAttempt`, scored the way `services.quiz_submit` scores them). Then the completion rules
decide: `services.completion_status` — the function `services.completion_evaluate` asks — is applied to every
enrollment, and certificates are issued through `certificates.certificate_issue_for_enrollment`, the function the
task queue calls after a completion. The probabilities below (how steadily people attend, how well they answer)
were tuned so that the figures come out near the seed's; the figures themselves are whatever the rules say. With
the default seed (2026) the statistics page shows 1,402 participants from 12 countries, 782 completions, and 364
certificates held by 332 people (a test checks they stay within 3 % of the seed's 1,400, 780 and 336).

Why not call `completion_evaluate` itself: it schedules a certificate task on commit for every completion (780
tasks queued behind the demo, each finding its certificate already issued) and dates the completion to the moment
the demo runs. `evaluate_completions` below takes the same decision from the same `completion_status`, dates it to
the learner's last lesson or quiz of 2021, and queues nothing; a test checks that it agrees with
`completion_evaluate`.

Deterministic and idempotent: learner N and their courses come from `random.Random` seeded with the demo seed and
N, so a second run finds everyone again by e-mail and writes only what differs (nothing, if nothing changed).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.core.models import AuditEntry
from tamyr.learning import services, statistics
from tamyr.learning.models import (
    Certificate,
    CompletionRule,
    Course,
    CourseFormat,
    CourseGroup,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    QuestionKind,
    Quiz,
    QuizAttempt,
    QuizQuestion,
)
from tamyr.names import search_key
from tamyr.registry.demo import people as registry_people
from tamyr.registry.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Gender,
    NameVariant,
    Organization,
    Person,
)

Text = dict[str, str]
PROVIDER = "otandastar"
TEACHER = "teacher"  # the demo login of tamyr.registry.demo.users
LEARNERS = 1450  # how many learners `tamyr demo` makes; TAMYR_DEMO_LEARNERS (a setting) overrides it
LEARNER_EMAIL = "demo.learner.{number:04d}@example.org"
COMPATRIOT_EMAIL = "demo.person.0001@example.org"  # the `compatriot` login's record (registry demo)
LEVELS = ("A1", "A2", "B1", "B2", "C1")

# --- the courses ------------------------------------------------------------------------------------------------

LEVEL_WORDS: dict[str, Text] = {
    "A1": {"kk": "бастауыш деңгей", "en": "beginner", "ru": "начальный уровень", "tr": "başlangıç"},
    "A2": {"kk": "қарапайым деңгей", "en": "elementary", "ru": "элементарный уровень", "tr": "temel"},
    "B1": {"kk": "орта деңгей", "en": "intermediate", "ru": "средний уровень", "tr": "orta"},
    "B2": {"kk": "ортадан жоғары деңгей", "en": "upper intermediate", "ru": "уровень выше среднего", "tr": "orta üstü"},
    "C1": {"kk": "жоғары деңгей", "en": "advanced", "ru": "продвинутый уровень", "tr": "ileri"},
}
MEDIUM_WORDS: dict[str, Text] = {
    "tr": {"kk": "түрік тілінде", "en": "taught in Turkish", "ru": "на турецком языке", "tr": "Türkçe anlatımla"},
    "ru": {"kk": "орыс тілінде", "en": "taught in Russian", "ru": "на русском языке", "tr": "Rusça anlatımla"},
    "en": {
        "kk": "ағылшын тілінде",
        "en": "taught in English",
        "ru": "на английском языке",
        "tr": "İngilizce anlatımla",
    },
    "kk": {"kk": "қазақ тілінде", "en": "taught in Kazakh", "ru": "на казахском языке", "tr": "Kazakça anlatımla"},
}
MEDIUM_ZONE = {"tr": "Europe/Istanbul", "ru": "Europe/Moscow", "en": "Europe/London", "kk": "Asia/Almaty"}


@dataclass(frozen=True)
class Track:
    """A family of live courses, one per level."""

    key: str
    levels: tuple[str, ...]
    medium: str  # the language the teacher explains in; "kk" for learners who already speak Kazakh
    title: Text  # with {level}, {code} and {medium}
    description: Text
    children: bool = False
    weight: float = 1.0  # how popular the track is
    teacher: bool = False  # the demo `teacher` teaches its groups
    upcoming: bool = False  # has a group in spring 2027 open for enrollment


_GENERAL_TITLE = {
    "kk": "Қазақ тілі: {level} ({code}), {medium}",
    "en": "Kazakh language: {level} ({code}), {medium}",
    "ru": "Казахский язык: {level} ({code}), {medium}",
    "tr": "Kazakça: {level} ({code}), {medium}",
}
_GENERAL_DESCRIPTION = {
    "en": (
        "Twelve live online lessons, twice a week, in a small group with a teacher of the Otandastar Foundation. "
        "Listening, speaking, reading and writing; homework between lessons; a final quiz."
    ),
    "kk": (
        "«Отандастар қоры» мұғалімімен шағын топта аптасына екі рет өтетін он екі онлайн сабақ. Тыңдалым, "
        "айтылым, оқылым және жазылым; үй тапсырмасы; қорытынды тест."
    ),
    "ru": (
        "Двенадцать живых онлайн-уроков дважды в неделю в небольшой группе с преподавателем фонда «Отандастар». "
        "Аудирование, говорение, чтение и письмо; домашние задания; итоговый тест."
    ),
}
_CHILDREN_TITLE = {
    "kk": "Балаларға арналған қазақ тілі ({code}), {medium}",
    "en": "Kazakh for children ({code}), {medium}",
    "ru": "Казахский язык для детей ({code}), {medium}",
    "tr": "Çocuklar için Kazakça ({code}), {medium}",
}
_CHILDREN_DESCRIPTION = {
    "en": "Songs, games and fairy tales for children aged 7 to 14, at weekends, with a parent nearby.",
    "kk": "7–14 жастағы балаларға арналған ән, ойын және ертегі; демалыс күндері.",
    "ru": "Песни, игры и сказки для детей 7–14 лет, по выходным.",
}

TRACKS: tuple[Track, ...] = (
    Track("tr", LEVELS, "tr", _GENERAL_TITLE, _GENERAL_DESCRIPTION, weight=1.6, teacher=True, upcoming=True),
    Track("ru", LEVELS, "ru", _GENERAL_TITLE, _GENERAL_DESCRIPTION, weight=1.6, upcoming=True),
    Track("en", ("A1", "A2", "B1", "B2"), "en", _GENERAL_TITLE, _GENERAL_DESCRIPTION, weight=1.4, upcoming=True),
    Track("children-tr", ("A1", "A2"), "tr", _CHILDREN_TITLE, _CHILDREN_DESCRIPTION, children=True, teacher=True),
    Track("children-ru", ("A1", "A2"), "ru", _CHILDREN_TITLE, _CHILDREN_DESCRIPTION, children=True),
    Track("children-en", ("A1", "A2"), "en", _CHILDREN_TITLE, _CHILDREN_DESCRIPTION, children=True),
    Track(
        "latin",
        ("A2", "B1"),
        "kk",
        {
            "kk": "Латын графикасындағы қазақ әліпбиі: оқу мен жазу ({code})",
            "en": "The Kazakh Latin alphabet: reading and writing ({code})",
            "ru": "Казахский алфавит на латинице: чтение и письмо ({code})",
            "tr": "Latin harfli Kazak alfabesi: okuma ve yazma ({code})",
        },
        {
            "en": "The Latin alphabet of 2021 for those who read and write Kazakh in Cyrillic or in Arabic script.",
            "kk": "Қазақша кирилше немесе төте жазумен оқитындарға арналған 2021 жылғы латын әліпбиі.",
            "ru": "Латинский алфавит 2021 года для тех, кто пишет по-казахски кириллицей или арабским письмом.",
        },
        weight=0.8,
    ),
    Track(
        "abai",
        ("B2", "C1"),
        "kk",
        {
            "kk": "Абайдың қара сөздері: оқу және талқылау ({code})",
            "en": "Abai's Book of Words: reading and discussion ({code})",
            "ru": "«Слова назидания» Абая: чтение и обсуждение ({code})",
            "tr": "Abay'ın Kara Sözleri: okuma ve tartışma ({code})",
        },
        {
            "en": "Reading Abai Kunanbayuly's Book of Words (Қара сөздер) in the original, one word a lesson.",
            "kk": "Абай Құнанбайұлының қара сөздерін түпнұсқада оқу: әр сабақта бір сөз.",
            "ru": "Чтение «Слов назидания» Абая Кунанбайулы в оригинале, по одному слову на урок.",
        },
        weight=0.8,
    ),
    Track(
        "business",
        ("B1", "B2"),
        "ru",
        {
            "kk": "Іскери қазақ тілі ({code})",
            "en": "Kazakh for work and business ({code})",
            "ru": "Деловой казахский язык ({code})",
            "tr": "İş hayatı için Kazakça ({code})",
        },
        {
            "en": "Meetings, letters, telephone calls and documents in Kazakh.",
            "kk": "Жиналыс, іс қағаздары, телефон арқылы сөйлесу.",
            "ru": "Совещания, письма, звонки и документы на казахском языке.",
        },
        weight=0.7,
    ),
    Track(
        "qandas",
        ("A2", "B1"),
        "kk",
        {
            "kk": "Елге оралатын қандастарға: күнделікті өмірдегі қазақ тілі ({code})",
            "en": "For compatriots returning to Kazakhstan: Kazakh for everyday life ({code})",
            "ru": "Для соотечественников, возвращающихся в Казахстан: казахский язык в повседневной жизни ({code})",
            "tr": "Kazakistan'a dönen soydaşlar için: gündelik hayatta Kazakça ({code})",
        },
        {
            "en": (
                "For ethnic Kazakhs abroad who plan to return: Cyrillic script, official forms, public services, "
                "work and school in Kazakhstan."
            ),
            "kk": "Елге оралуды жоспарлаған қандастарға: кирилл жазуы, ресми құжаттар, мемлекеттік қызметтер.",
            "ru": "Для этнических казахов, которые собираются вернуться: кириллица, документы, госуслуги.",
        },
        weight=0.9,
    ),
    Track(
        "songs",
        ("A2",),
        "en",
        {
            "kk": "Әндер арқылы қазақ тілі ({code})",
            "en": "Kazakh through songs ({code})",
            "ru": "Казахский язык через песни ({code})",
            "tr": "Şarkılarla Kazakça ({code})",
        },
        {
            "en": "From Abai's «Көзімнің қарасы» to today's pop: words, grammar and singing together.",
            "kk": "Абайдың «Көзімнің қарасынан» бүгінгі әндерге дейін: сөз, грамматика, бірге ән салу.",
            "ru": "От «Көзімнің қарасы» Абая до современной эстрады: слова, грамматика и песни.",
        },
        weight=0.6,
    ),
    Track(
        "teachers",
        ("B2", "C1"),
        "kk",
        {
            "kk": "Шетелдегі жексенбілік мектеп мұғалімдеріне: қазақ тілін оқыту әдістемесі ({code})",
            "en": "For Sunday-school teachers abroad: methods of teaching Kazakh ({code})",
            "ru": "Для учителей воскресных школ за рубежом: методика преподавания казахского языка ({code})",
            "tr": "Yurt dışındaki hafta sonu okulu öğretmenleri için: Kazakça öğretim yöntemleri ({code})",
        },
        {
            "en": "For teachers at the Kazakh cultural centres' weekend schools: lesson plans, materials, games.",
            "kk": "Қазақ мәдени орталықтарының жексенбілік мектептеріндегі мұғалімдерге: сабақ жоспары, материал.",
            "ru": "Для учителей воскресных школ казахских культурных центров: планы уроков, материалы, игры.",
        },
        weight=0.5,
    ),
)

#: (kk, en, ru) topics of the twelve live lessons: the first list for A1–A2, the second for B1–C1.
LIVE_TOPICS: tuple[tuple[tuple[str, str, str], ...], ...] = (
    (
        ("Сәлемдесу және танысу", "Greetings and introductions", "Приветствие и знакомство"),
        ("Менің отбасым", "My family", "Моя семья"),
        ("Сандар және уақыт", "Numbers and time", "Числа и время"),
        ("Менің үйім", "My home", "Мой дом"),
        ("Тағам және дастарқан", "Food and the dastarkhan", "Еда и дастархан"),
        ("Қалада", "In the city", "В городе"),
        ("Дүкенде және базарда", "In the shop and at the bazaar", "В магазине и на базаре"),
        ("Ауа райы", "The weather", "Погода"),
        ("Менің күнім", "My day", "Мой день"),
        ("Хобби және демалыс", "Hobbies and free time", "Хобби и отдых"),
        ("Мерекелер: Наурыз", "Holidays: Nauryz", "Праздники: Наурыз"),
        ("Қайталау", "Review", "Повторение"),
    ),
    (
        ("Өзім туралы", "About myself", "О себе"),
        ("Туған жер және тарих", "Homeland and history", "Родина и история"),
        ("Білім және мамандық", "Education and profession", "Образование и профессия"),
        ("Қазақ әдебиеті", "Kazakh literature", "Казахская литература"),
        ("Салт-дәстүр", "Customs and traditions", "Обычаи и традиции"),
        ("Бұқаралық ақпарат құралдары", "The media", "Средства массовой информации"),
        ("Қоғам және жастар", "Society and young people", "Общество и молодёжь"),
        ("Экология және табиғат", "Ecology and nature", "Экология и природа"),
        ("Денсаулық және спорт", "Health and sport", "Здоровье и спорт"),
        ("Саяхат және туризм", "Travel and tourism", "Путешествия и туризм"),
        ("Ресми хат және құжат", "Official letters and documents", "Официальные письма и документы"),
        ("Қорытынды сабақ: таныстырылым", "Final lesson: presentations", "Итоговый урок: презентации"),
    ),
)
TALK_TOPICS: tuple[tuple[str, str, str], ...] = (
    ("Танысу", "Getting to know each other", "Знакомство"),
    ("Отбасы және туыстар", "Family and relatives", "Семья и родственники"),
    ("Қазақ асханасы", "Kazakh cuisine", "Казахская кухня"),
    ("Саяхат және туған жер", "Travel and the homeland", "Путешествия и родина"),
    ("Мерекелер мен салт-дәстүр", "Holidays and traditions", "Праздники и традиции"),
    ("Қазақ әні мен күйі", "Kazakh songs and küi", "Казахские песни и кюи"),
    ("Кітап және кино", "Books and films", "Книги и кино"),
    ("Болашаққа жоспар", "Plans for the future", "Планы на будущее"),
)

#: The 30 video courses: (key, level, kk, en, ru).
VIDEO_COURSES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "alphabet",
        "A1",
        "Қазақ әліпбиі және дыбыстар",
        "The Kazakh alphabet and its sounds",
        "Казахский алфавит и звуки",
    ),
    ("letters", "A1", "Ә, ғ, қ, ң, ө, ұ, ү, һ, і әріптері", "The letters ә ғ қ ң ө ұ ү һ і", "Буквы ә ғ қ ң ө ұ ү һ і"),
    ("greetings", "A1", "Сәлемдесу және танысу", "Greetings and introductions", "Приветствия и знакомство"),
    ("numbers", "A1", "Сандар, уақыт, күн", "Numbers, time and dates", "Числа, время и даты"),
    ("family", "A1", "Отбасы", "Family", "Семья"),
    (
        "kids",
        "A1",
        "Түстер мен жануарлар (балаларға)",
        "Colours and animals (for children)",
        "Цвета и животные (детям)",
    ),
    ("food", "A1", "Дастарқан: тағам мен сусын", "The dastarkhan: food and drink", "Дастархан: еда и напитки"),
    ("city", "A2", "Қалада: жол сұрау", "In the city: asking the way", "В городе: как спросить дорогу"),
    ("bazaar", "A2", "Базарда және дүкенде", "At the bazaar and in the shop", "На базаре и в магазине"),
    ("weather", "A2", "Ауа райы және жыл мезгілдері", "Weather and seasons", "Погода и времена года"),
    ("doctor", "A2", "Денсаулық: дәрігерде", "Health: at the doctor's", "Здоровье: у врача"),
    ("travel", "A2", "Саяхат және көлік", "Travel and transport", "Путешествия и транспорт"),
    ("nauryz", "A2", "Наурыз және басқа мерекелер", "Nauryz and other holidays", "Наурыз и другие праздники"),
    ("harmony", "A2", "Үндестік заңы", "Vowel harmony", "Закон сингармонизма"),
    ("cases", "B1", "Септіктер", "The seven cases", "Семь падежей"),
    ("tenses", "B1", "Етістіктің шақтары", "Verb tenses", "Времена глагола"),
    ("phone", "B1", "Телефонмен сөйлесу", "Talking on the phone", "Разговор по телефону"),
    ("work", "B1", "Жұмыста", "At work", "На работе"),
    ("letters-writing", "B1", "Хат жазу", "Writing letters and e-mails", "Пишем письма"),
    ("tales", "B1", "Қазақ ертегілері", "Kazakh fairy tales", "Казахские сказки"),
    ("yurt", "B1", "Киіз үй және көшпелі дәстүр", "The yurt and nomadic traditions", "Юрта и кочевые традиции"),
    ("songs", "B1", "Қазақ әндері", "Kazakh songs", "Казахские песни"),
    ("proverbs", "B1", "Мақал-мәтелдер", "Proverbs and sayings", "Пословицы и поговорки"),
    ("latin", "B1", "Жаңа латын әліпбиі", "The new Latin alphabet", "Новый латинский алфавит"),
    ("news", "B2", "Жаңалықтарды оқимыз", "Reading the news", "Читаем новости"),
    (
        "history",
        "B2",
        "Қазақстан тарихы қарапайым тілмен",
        "Kazakh history in plain words",
        "История Казахстана просто",
    ),
    ("abai", "B2", "Абай өлеңдері", "Abai's poems", "Стихи Абая"),
    ("cinema", "B2", "Қазақ киносы", "Kazakh cinema", "Казахское кино"),
    ("games", "B2", "Ұлттық ойындар", "National games: kokpar, asyk, togyzkumalak", "Национальные игры"),
    ("documents", "B2", "Ресми құжаттар", "Official documents and public services", "Официальные документы"),
)
VIDEO_LESSONS = 8
VIDEO_NOTE = {
    "en": "Demo data: the video address is a placeholder in YouTube's format, not a real Otandastar video.",
    "kk": "Демо дерек: бейне сілтемесі YouTube пішіміндегі үлгі ғана, «Отандастар» қорының нақты бейнесі емес.",
    "ru": "Демо-данные: ссылка на видео — заглушка в формате YouTube, а не настоящее видео фонда «Отандастар».",
}


@dataclass(frozen=True)
class Question:
    level: str
    text: Text
    choices: tuple[Text, ...]
    correct: tuple[int, ...]
    kind: str = QuestionKind.SINGLE


def _kk(*words: str) -> tuple[Text, ...]:
    return tuple({"kk": word} for word in words)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "A1",
        {
            "en": "How do you say “thank you” in Kazakh?",
            "ru": "Как сказать «спасибо» по-казахски?",
            "kk": "«Спасибо» қазақша қалай айтылады?",
            "tr": "Kazakçada “teşekkür ederim” nasıl söylenir?",
        },
        _kk("Сәлеметсіз бе", "Рахмет", "Кешіріңіз", "Сау болыңыз"),
        (1,),
    ),
    Question(
        "A1",
        {
            "en": "How do you greet an older person politely?",
            "ru": "Как вежливо поздороваться со старшим?",
            "kk": "Үлкен кісімен қалай амандасады?",
            "tr": "Yaşça büyük biri kibarca nasıl selamlanır?",
        },
        _kk("Сәлеметсіз бе!", "Сәлем!", "Қош бол!", "Рахмет!"),
        (0,),
    ),
    Question(
        "A1",
        {"en": "What does «су» mean?", "ru": "Что значит «су»?", "tr": "«Су» ne demek?"},
        (
            {"en": "water", "ru": "вода", "tr": "su"},
            {"en": "bread", "ru": "хлеб", "tr": "ekmek"},
            {"en": "milk", "ru": "молоко", "tr": "süt"},
            {"en": "tea", "ru": "чай", "tr": "çay"},
        ),
        (0,),
    ),
    Question(
        "A1",
        {"en": "Which word means “mother”?", "ru": "Какое слово значит «мама»?", "tr": "Hangisi “anne” demek?"},
        _kk("әке", "ана", "іні", "қарындас"),
        (1,),
    ),
    Question(
        "A1",
        {"en": "What is 10 in Kazakh?", "ru": "Как по-казахски 10?", "tr": "Kazakçada 10 nasıl söylenir?"},
        _kk("бір", "бес", "он", "жүз"),
        (2,),
    ),
    Question(
        "A1",
        {"en": "«Қайырлы таң!» means…", "ru": "«Қайырлы таң!» значит…", "tr": "«Қайырлы таң!» ne demek?"},
        (
            {"en": "Good night!", "ru": "Спокойной ночи!", "tr": "İyi geceler!"},
            {"en": "Good morning!", "ru": "Доброе утро!", "tr": "Günaydın!"},
            {"en": "Good luck!", "ru": "Удачи!", "tr": "İyi şanslar!"},
            {"en": "Enjoy your meal!", "ru": "Приятного аппетита!", "tr": "Afiyet olsun!"},
        ),
        (1,),
    ),
    Question(
        "A1",
        {"en": "«Менің атым Айгүл» means…", "ru": "«Менің атым Айгүл» значит…", "tr": "«Менің атым Айгүл» ne demek?"},
        (
            {"en": "My name is Aigul.", "ru": "Меня зовут Айгуль.", "tr": "Benim adım Aygül."},
            {"en": "I live with Aigul.", "ru": "Я живу с Айгуль.", "tr": "Aygül ile yaşıyorum."},
            {"en": "Aigul is my friend.", "ru": "Айгуль — моя подруга.", "tr": "Aygül benim arkadaşım."},
            {"en": "I am waiting for Aigul.", "ru": "Я жду Айгуль.", "tr": "Aygül'ü bekliyorum."},
        ),
        (0,),
    ),
    Question(
        "A1",
        {
            "en": "Which of these letters are in the Kazakh alphabet but not in the Russian one? (Choose all.)",
            "ru": "Какие из этих букв есть в казахском алфавите, но нет в русском? (Выберите все.)",
            "kk": "Бұл әріптердің қайсысы қазақ әліпбиінде бар, орыс әліпбиінде жоқ? (Барлығын белгілеңіз.)",
            "tr": "Bu harflerden hangileri Kazak alfabesinde var, Rus alfabesinde yok? (Hepsini seçin.)",
        },
        _kk("ә", "қ", "ы", "ө", "э"),
        (0, 1, 3),
        QuestionKind.MULTIPLE,
    ),
    Question(
        "A1",
        {"en": "«Нан» means…", "ru": "«Нан» значит…", "tr": "«Нан» ne demek?"},
        (
            {"en": "bread", "ru": "хлеб", "tr": "ekmek"},
            {"en": "meat", "ru": "мясо", "tr": "et"},
            {"en": "apple", "ru": "яблоко", "tr": "elma"},
            {"en": "salt", "ru": "соль", "tr": "tuz"},
        ),
        (0,),
    ),
    Question(
        "A1",
        {
            "en": "Which is a polite “goodbye”?",
            "ru": "Как вежливо попрощаться?",
            "tr": "Kibar bir “hoşça kalın” hangisi?",
        },
        _kk("Сәлем!", "Рахмет!", "Сау болыңыз!", "Кешіріңіз!"),
        (2,),
    ),
    Question(
        "A2",
        {
            "en": "The plural of «кітап» (book) is…",
            "ru": "Множественное число от «кітап» (книга)…",
            "tr": "«Кітап» (kitap) kelimesinin çoğulu…",
        },
        _kk("кітаптар", "кітаплар", "кітапдар", "кітаптер"),
        (0,),
    ),
    Question(
        "A2",
        {
            "en": "The plural of «бала» (child) is…",
            "ru": "Множественное число от «бала» (ребёнок)…",
            "tr": "«Бала» (çocuk) kelimesinin çoğulu…",
        },
        _kk("баладар", "балалар", "балатар", "балалер"),
        (1,),
    ),
    Question(
        "A2",
        {"en": "«Сіз қайдан келдіңіз?» means…", "ru": "«Сіз қайдан келдіңіз?» значит…", "tr": "«Сіз қайдан келдіңіз?»"},
        (
            {"en": "What is your name?", "ru": "Как вас зовут?", "tr": "Adınız ne?"},
            {"en": "Where are you from?", "ru": "Откуда вы приехали?", "tr": "Nereden geldiniz?"},
            {"en": "How old are you?", "ru": "Сколько вам лет?", "tr": "Kaç yaşındasınız?"},
            {"en": "Where are you going?", "ru": "Куда вы идёте?", "tr": "Nereye gidiyorsunuz?"},
        ),
        (1,),
    ),
    Question(
        "A2",
        {"en": "“To Astana” in Kazakh is…", "ru": "«В Астану» по-казахски…", "tr": "Kazakçada “Astana'ya”…"},
        _kk("Астанада", "Астанадан", "Астанаға", "Астананың"),
        (2,),
    ),
    Question(
        "A2",
        {"en": "“At school” in Kazakh is…", "ru": "«В школе» по-казахски…", "tr": "Kazakçada “okulda”…"},
        _kk("мектепте", "мектепке", "мектептен", "мектептің"),
        (0,),
    ),
    Question(
        "A2",
        {
            "en": "Which of these are days of the week? (Choose all.)",
            "ru": "Какие из этих слов — дни недели? (Выберите все.)",
            "kk": "Қайсысы апта күндері? (Барлығын белгілеңіз.)",
            "tr": "Hangileri haftanın günleri? (Hepsini seçin.)",
        },
        _kk("дүйсенбі", "қыркүйек", "жұма", "сенбі", "наурыз"),
        (0, 2, 3),
        QuestionKind.MULTIPLE,
    ),
    Question(
        "A2",
        {"en": "«Қанша тұрады?» means…", "ru": "«Қанша тұрады?» значит…", "tr": "«Қанша тұрады?» ne demek?"},
        (
            {"en": "What time is it?", "ru": "Который час?", "tr": "Saat kaç?"},
            {"en": "Where is it?", "ru": "Где это?", "tr": "Nerede?"},
            {"en": "Who is it?", "ru": "Кто это?", "tr": "Kim o?"},
            {"en": "How much does it cost?", "ru": "Сколько это стоит?", "tr": "Ne kadar?"},
        ),
        (3,),
    ),
    Question(
        "A2",
        {
            "en": "Which holiday is celebrated on 22 March?",
            "ru": "Какой праздник отмечают 22 марта?",
            "kk": "22 наурызда қандай мереке тойланады?",
            "tr": "22 Mart'ta hangi bayram kutlanır?",
        },
        _kk("Наурыз", "Тәуелсіздік күні", "Жаңа жыл", "Құрбан айт"),
        (0,),
    ),
    Question(
        "B1",
        {"en": "“I went” in Kazakh is…", "ru": "«Я пошёл» по-казахски…", "tr": "Kazakçada “gittim”…"},
        _kk("Мен барамын", "Мен бардым", "Мен барсам", "Мен барайын"),
        (1,),
    ),
    Question(
        "B1",
        {
            "en": "Who wrote the Book of Words («Қара сөздер»)?",
            "ru": "Кто написал «Слова назидания» («Қара сөздер»)?",
            "kk": "«Қара сөздерді» кім жазған?",
            "tr": "«Kara Sözler»i kim yazdı?",
        },
        _kk("Мұхтар Әуезов", "Шоқан Уәлиханов", "Абай Құнанбайұлы", "Ыбырай Алтынсарин"),
        (2,),
    ),
    Question(
        "B1",
        {
            "en": "Complete the proverb: «Өнер алды — …»",
            "ru": "Закончите пословицу: «Өнер алды — …»",
            "kk": "Мақалды толықтырыңыз: «Өнер алды — …»",
            "tr": "Atasözünü tamamlayın: «Өнер алды — …»",
        },
        _kk("қызыл тіл", "ақ білек", "қара жер", "көк аспан"),
        (0,),
    ),
    Question(
        "B1",
        {
            "en": "«Бүгін ауа райы жақсы» means…",
            "ru": "«Бүгін ауа райы жақсы» значит…",
            "tr": "«Бүгін ауа райы жақсы» ne demek?",
        },
        (
            {"en": "It rained yesterday.", "ru": "Вчера шёл дождь.", "tr": "Dün yağmur yağdı."},
            {"en": "The weather is good today.", "ru": "Сегодня хорошая погода.", "tr": "Bugün hava güzel."},
            {"en": "It will be cold tomorrow.", "ru": "Завтра будет холодно.", "tr": "Yarın hava soğuk olacak."},
            {"en": "I like summer.", "ru": "Я люблю лето.", "tr": "Yazı severim."},
        ),
        (1,),
    ),
    Question(
        "B1",
        {
            "en": "How is «Қазақстан» written in the Latin alphabet of 2021?",
            "ru": "Как пишется «Қазақстан» латиницей 2021 года?",
            "kk": "«Қазақстан» 2021 жылғы латын әліпбиімен қалай жазылады?",
            "tr": "«Қазақстан» 2021 Latin alfabesiyle nasıl yazılır?",
        },
        _kk("Qazaqstan", "Kazakhstan", "Qazaqistan", "Kazakstan"),
        (0,),
    ),
    Question(
        "B1",
        {
            "en": "«Кешіріңіз, кешігіп қалдым» means…",
            "ru": "«Кешіріңіз, кешігіп қалдым» значит…",
            "tr": "«Кешіріңіз, кешігіп қалдым» ne demek?",
        },
        (
            {
                "en": "Excuse me, where is the station?",
                "ru": "Извините, где вокзал?",
                "tr": "Affedersiniz, gar nerede?",
            },
            {"en": "Sorry, I do not understand.", "ru": "Извините, я не понимаю.", "tr": "Özür dilerim, anlamıyorum."},
            {"en": "Thank you for coming.", "ru": "Спасибо, что пришли.", "tr": "Geldiğiniz için teşekkürler."},
            {"en": "Sorry, I am late.", "ru": "Извините, я опоздал.", "tr": "Özür dilerim, geciktim."},
        ),
        (3,),
    ),
    Question(
        "B2",
        {"en": "«Отан» means…", "ru": "«Отан» значит…", "tr": "«Отан» ne demek?"},
        (
            {"en": "homeland", "ru": "родина", "tr": "vatan"},
            {"en": "family", "ru": "семья", "tr": "aile"},
            {"en": "school", "ru": "школа", "tr": "okul"},
            {"en": "friend", "ru": "друг", "tr": "arkadaş"},
        ),
        (0,),
    ),
    Question(
        "B2",
        {
            "en": "Which sentence says “I would like to read this book”?",
            "ru": "Какое предложение значит «Я хочу прочитать эту книгу»?",
            "kk": "«Бұл кітапты оқығым келеді» дегенді қай сөйлем дұрыс береді?",
            "tr": "“Bu kitabı okumak istiyorum” hangi cümle?",
        },
        _kk(
            "Мен бұл кітап оқимын келеді",
            "Мен бұл кітапты оқығым келеді",
            "Мен бұл кітапқа оқығым келеді",
            "Мен бұл кітаптан оқығым келеді",
        ),
        (1,),
    ),
    Question(
        "B2",
        {
            "en": "Which Kazakh instrument has two strings and is plucked?",
            "ru": "Какой казахский инструмент — щипковый, с двумя струнами?",
            "kk": "Қай қазақ аспабы екі ішекті, шертіп ойналады?",
            "tr": "Hangi Kazak çalgısı iki telli ve tezeneyle çalınır?",
        },
        _kk("домбыра", "сыбызғы", "шаңқобыз", "дауылпаз"),
        (0,),
    ),
    Question(
        "B2",
        {
            "en": "Which of these are Kazakh national games? (Choose all.)",
            "ru": "Какие из этих игр — казахские национальные? (Выберите все.)",
            "kk": "Қайсысы қазақтың ұлттық ойындары? (Барлығын белгілеңіз.)",
            "tr": "Hangileri Kazak millî oyunları? (Hepsini seçin.)",
        },
        _kk("көкпар", "асық ату", "тоғызқұмалақ", "шахмат"),
        (0, 1, 2),
        QuestionKind.MULTIPLE,
    ),
)
QUIZ_QUESTIONS = 5
PASS_MARK = 60


@dataclass(frozen=True)
class GroupSpec:
    name: str  # stable: the group is found again by (course, name)
    season: str  # spring / autumn / august / december / open / upcoming
    starts_on: dt.date
    ends_on: dt.date | None
    schedule: Text
    time_zone: str
    capacity: int | None
    self_enrollment: bool
    meeting_url: str
    teacher: bool
    hour: int  # local hour of the lessons

    def lesson_moment(self, index: int) -> dt.datetime:
        """When live lesson `index` (from 0) took place: two a week, the second two days after the first."""
        day = self.starts_on + dt.timedelta(days=7 * (index // 2) + 2 * (index % 2))
        local = dt.datetime(day.year, day.month, day.day, self.hour, tzinfo=zoneinfo.ZoneInfo(self.time_zone))
        return local.astimezone(dt.UTC)


@dataclass(frozen=True)
class RuleSpec:
    min_attendance_percent: int
    min_lessons_done_percent: int
    requires_final_quiz: bool
    issues_certificate: bool


LIVE_RULE = RuleSpec(80, 0, True, True)
TALK_RULE = RuleSpec(50, 0, False, False)
VIDEO_RULE = RuleSpec(0, 100, True, False)


@dataclass(frozen=True)
class LessonSpec:
    title: Text
    body: Text
    video_url: str
    is_live: bool


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    format: str
    level: str
    title: Text
    description: Text
    syllabus: Text
    lessons: tuple[LessonSpec, ...]
    groups: tuple[GroupSpec, ...]
    rule: RuleSpec
    questions: tuple[int, ...]  # indexes into QUESTIONS; empty: no quiz
    medium: str = ""  # live courses: the language of instruction
    children: bool = False
    weight: float = 1.0
    teacher: bool = False
    band: tuple[str, ...] = ()  # talk clubs: the levels they suit

    @property
    def level_index(self) -> int:
        return LEVELS.index(self.level)


_SCHEDULES: dict[str, Text] = {
    "tue-thu": {
        "en": "Tuesdays and Thursdays, {hour}:00",
        "kk": "Сейсенбі және бейсенбі, {hour}:00",
        "ru": "Вторник и четверг, {hour}:00",
        "tr": "Salı ve perşembe, {hour}:00",
    },
    "sat-mon": {
        "en": "Saturdays and Mondays, {hour}:00",
        "kk": "Сенбі және дүйсенбі, {hour}:00",
        "ru": "Суббота и понедельник, {hour}:00",
        "tr": "Cumartesi ve pazartesi, {hour}:00",
    },
}
_SELF_PACED_SCHEDULE = {
    "en": "At your own pace: the videos are on YouTube, open at any time.",
    "kk": "Өз қарқыныңызбен: бейнесабақтар YouTube-та, кез келген уақытта.",
    "ru": "В своём темпе: видеоуроки на YouTube, в любое время.",
}


def _schedule(pattern: str, hour: int) -> Text:
    return {lang: text.format(hour=hour) for lang, text in _SCHEDULES[pattern].items()}


def _first(year: int, month: int, weekday: int, day: int = 1) -> dt.date:
    """The first `weekday` (Monday 0) on or after `day` of the month."""
    start = dt.date(year, month, day)
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def _youtube(key: str) -> str:
    """A stable address in YouTube's format (11 characters of base64url); a placeholder, not a real video."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(f"otandastar-demo:{key}".encode()).digest()).decode()
    return f"https://www.youtube.com/watch?v={digest[:11]}"


def _fill(template: Text, code: str, medium: str) -> Text:
    return {
        lang: text.format(level=LEVEL_WORDS[code].get(lang, ""), code=code, medium=MEDIUM_WORDS[medium].get(lang, ""))
        for lang, text in template.items()
    }


def _pick_questions(slug: str, level: str) -> tuple[int, ...]:
    """Five questions for a final quiz: three of the course's level where there are enough, the rest easier."""
    rng = random.Random(f"tamyr-demo-quiz:{slug}")
    rank = LEVELS.index(level) if level in LEVELS else 0
    same = [i for i, q in enumerate(QUESTIONS) if q.level == level]
    easier = [i for i, q in enumerate(QUESTIONS) if LEVELS.index(q.level) < rank]
    picked = rng.sample(same, min(3, len(same)))
    rest = [i for i in easier + same if i not in picked]
    picked += rng.sample(rest, QUIZ_QUESTIONS - len(picked))
    return tuple(sorted(picked))


def _live_groups(slug: str, track: Track) -> tuple[GroupSpec, ...]:
    zone = MEDIUM_ZONE[track.medium]
    pattern, hour = ("sat-mon", 11) if track.children else ("tue-thu", 19)
    capacity = 15 if track.children else (30 if track.upcoming else 25)
    teacher = track.teacher
    runs = [
        ("Spring 2021", "spring", _first(2021, 3, 1 if pattern == "tue-thu" else 5), False),
        ("Autumn 2021", "autumn", _first(2021, 9, 1 if pattern == "tue-thu" else 5, 13), False),
    ]
    if track.upcoming:
        runs.append(("Spring 2027", "upcoming", _first(2027, 3, 1 if pattern == "tue-thu" else 5), True))
    groups = []
    for name, season, starts, open_now in runs:
        groups.append(
            GroupSpec(
                name=name,
                season=season,
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=7 * 5 + 2),
                schedule=_schedule(pattern, hour),
                time_zone=zone,
                capacity=capacity,
                self_enrollment=open_now,
                meeting_url=f"https://meet.example.org/otandastar/{slug}-{season}-{starts.year}",
                teacher=teacher,
                hour=hour,
            )
        )
    return tuple(groups)


def _live_lessons(level: str) -> tuple[LessonSpec, ...]:
    topics = LIVE_TOPICS[0 if level in ("A1", "A2") else 1]
    return tuple(
        LessonSpec(
            title={"kk": f"{n}-сабақ. {kk}", "en": f"Lesson {n}. {en}", "ru": f"Урок {n}. {ru}"},
            body={
                "en": f"Live online lesson: {en.lower()}. The teacher shares the slides and homework in the group.",
                "kk": f"Онлайн сабақ: {kk.lower()}. Мұғалім слайд пен үй тапсырмасын топқа жібереді.",
                "ru": f"Онлайн-урок: {ru.lower()}. Преподаватель присылает слайды и домашнее задание в группу.",
            },
            video_url="",
            is_live=True,
        )
        for n, (kk, en, ru) in enumerate(topics, start=1)
    )


def _live_courses() -> list[CourseSpec]:
    courses = []
    for track in TRACKS:
        for code in track.levels:
            slug = f"otandastar-kazakh-{track.key}-{code.lower()}"
            courses.append(
                CourseSpec(
                    slug=slug,
                    format=CourseFormat.LIVE_GROUP,
                    level=code,
                    title=_fill(track.title, code, track.medium),
                    description=track.description,
                    syllabus={
                        "en": "12 live lessons, 2 a week; attend at least 80 % and pass the final quiz (60 %) "
                        "to receive a certificate.",
                        "kk": "12 онлайн сабақ, аптасына 2 рет; сертификат алу үшін сабақтардың кемінде 80 %-ына "
                        "қатысып, қорытынды тесттен (60 %) өту керек.",
                        "ru": "12 онлайн-уроков, 2 в неделю; для сертификата — посетить не меньше 80 % уроков и "
                        "сдать итоговый тест (60 %).",
                    },
                    lessons=_live_lessons(code),
                    groups=_live_groups(slug, track),
                    rule=LIVE_RULE,
                    questions=_pick_questions(slug, "A1" if track.children else code),
                    medium=track.medium,
                    children=track.children,
                    weight=track.weight,
                    teacher=track.teacher,
                )
            )
    return courses


def _talk_clubs() -> list[CourseSpec]:
    clubs = []
    for band, title_band in ((("A2", "B1"), "A2–B1"), (("B2", "C1"), "B2–C1")):
        slug = f"otandastar-talk-club-{band[0].lower()}-{band[1].lower()}"
        groups = tuple(
            GroupSpec(
                name=name,
                season=season,
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=7 * 3 + 2),
                schedule=_schedule("tue-thu", 20),
                time_zone="Asia/Almaty",
                capacity=45,
                self_enrollment=False,
                meeting_url=f"https://meet.example.org/otandastar/{slug}-{season}-2021",
                teacher=True,
                hour=20,
            )
            for name, season, starts in (
                ("August 2021", "august", _first(2021, 8, 1, 3)),
                ("December 2021", "december", _first(2021, 12, 1, 1)),
            )
        )
        clubs.append(
            CourseSpec(
                slug=slug,
                format=CourseFormat.TALK_CLUB,
                level=band[0],
                title={
                    "kk": f"Қазақша сөйлесу клубы ({title_band})",
                    "en": f"Kazakh talk club ({title_band})",
                    "ru": f"Разговорный клуб казахского языка ({title_band})",
                    "tr": f"Kazakça sohbet kulübü ({title_band})",
                },
                description={
                    "en": "Eight evenings of conversation on one topic each, in August and again in December.",
                    "kk": "Тамыз және желтоқсан айларында сегіз кеш: әр кеште бір тақырыпқа әңгіме.",
                    "ru": "Восемь вечеров разговора, по теме на вечер, в августе и снова в декабре.",
                },
                syllabus={
                    "en": "Come to at least half of the evenings to complete the club. No quiz, no certificate.",
                    "kk": "Клубты аяқтау үшін кештердің кемінде жартысына қатысыңыз. Тест пен сертификат жоқ.",
                    "ru": "Чтобы завершить клуб, посетите хотя бы половину встреч. Без теста и сертификата.",
                },
                lessons=tuple(
                    LessonSpec(
                        title={"kk": kk, "en": en, "ru": ru},
                        body={"en": f"Conversation evening: {en.lower()}.", "kk": f"Әңгіме кеші: {kk.lower()}."},
                        video_url="",
                        is_live=True,
                    )
                    for kk, en, ru in TALK_TOPICS
                ),
                groups=groups,
                rule=TALK_RULE,
                questions=(),
                teacher=True,
                band=band,
            )
        )
    return clubs


def _video_courses() -> list[CourseSpec]:
    courses = []
    for number, (key, level, kk, en, ru) in enumerate(VIDEO_COURSES, start=1):
        slug = f"otandastar-video-{number:02d}-{key}"
        courses.append(
            CourseSpec(
                slug=slug,
                format=CourseFormat.SELF_PACED,
                level=level,
                title={"kk": f"Бейнекурс: {kk}", "en": f"Video course: {en}", "ru": f"Видеокурс: {ru}"},
                description={
                    "en": f"{VIDEO_LESSONS} short video lessons posted on YouTube, to learn at your own pace. "
                    + VIDEO_NOTE["en"],
                    "kk": f"YouTube-та жарияланған {VIDEO_LESSONS} қысқа бейнесабақ: өз қарқыныңызбен үйреніңіз. "
                    + VIDEO_NOTE["kk"],
                    "ru": f"{VIDEO_LESSONS} коротких видеоуроков на YouTube — учитесь в своём темпе. "
                    + VIDEO_NOTE["ru"],
                },
                syllabus={
                    "en": "Mark every lesson done and pass the final quiz (60 %) to complete the course.",
                    "kk": "Курсты аяқтау үшін барлық сабақты белгілеп, қорытынды тесттен (60 %) өтіңіз.",
                    "ru": "Отметьте все уроки и сдайте итоговый тест (60 %), чтобы завершить курс.",
                },
                lessons=tuple(
                    LessonSpec(
                        title={"kk": f"{kk}: {n}-бөлім", "en": f"{en}: part {n}", "ru": f"{ru}: часть {n}"},
                        body=VIDEO_NOTE,
                        video_url=_youtube(f"{slug}:{n}"),
                        is_live=False,
                    )
                    for n in range(1, VIDEO_LESSONS + 1)
                ),
                groups=(
                    GroupSpec(
                        name="Open enrollment (YouTube)",
                        season="open",
                        starts_on=dt.date(2021, 2, 1),
                        ends_on=None,
                        schedule=_SELF_PACED_SCHEDULE,
                        time_zone="Asia/Almaty",
                        capacity=None,
                        self_enrollment=True,
                        meeting_url="",
                        teacher=False,
                        hour=12,
                    ),
                ),
                rule=VIDEO_RULE,
                questions=_pick_questions(slug, level),
                children=key == "kids",
            )
        )
    return courses


COURSES: tuple[CourseSpec, ...] = (*_live_courses(), *_talk_clubs(), *_video_courses())
COURSE_BY_SLUG = {course.slug: course for course in COURSES}

# --- the learners -----------------------------------------------------------------------------------------------

#: The twelve countries of seed 003, weighted: Türkiye and Russia most.
RESIDENCE_WEIGHTS: dict[str, int] = {
    "TR": 30,
    "RU": 25,
    "MN": 9,
    "DE": 8,
    "KG": 6,
    "US": 5,
    "GB": 5,
    "IR": 4,
    "FR": 3,
    "UA": 2,
    "BE": 2,
    "BY": 1,
}
#: The language a learner living there learns Kazakh through ("kk": they already speak it and want more).
MEDIUM_WEIGHTS: dict[str, dict[str, int]] = {
    "TR": {"tr": 1},
    "RU": {"ru": 1},
    "BY": {"ru": 1},
    "UA": {"ru": 1},
    "KG": {"ru": 1},
    "MN": {"ru": 4, "kk": 6},
    "IR": {"en": 4, "kk": 6},
    "US": {"en": 1},
    "GB": {"en": 1},
    "DE": {"tr": 4, "en": 4, "ru": 2},
    "FR": {"tr": 4, "en": 4, "ru": 2},
    "BE": {"tr": 4, "en": 4, "ru": 2},
}
_HEARTLAND = frozenset({"RU", "MN", "IR", "KG"})  # old, large Kazakh communities: Kazakh is often spoken at home
_CYRILLIC = frozenset({"RU", "BY", "UA", "KG", "MN"})
_CITIES = {residence.country: residence.cities for residence in registry_people.RESIDENCES}


@dataclass(frozen=True)
class Learner:
    number: int
    display_name: str
    variants: tuple[tuple[str, str, str], ...]  # (text, script, language); the display name first
    gender: str
    birth_year: int
    residence: str
    city: str
    medium: str
    level: int  # index into LEVELS: the level of Kazakh they learn at
    public_name: bool  # consented to their name on certificates

    @property
    def email(self) -> str:
        return LEARNER_EMAIL.format(number=self.number)

    @property
    def child(self) -> bool:
        return self.birth_year >= 2007  # 14 or younger in 2021


def _name(rng: random.Random, residence: str) -> tuple[str, tuple[tuple[str, str, str], ...], str]:
    """(display name, variants, gender) from the registry demo's hand-written name tables."""
    gender = rng.choice((Gender.MALE, Gender.FEMALE))
    given = rng.choice(registry_people.MALE_GIVEN if gender == Gender.MALE else registry_people.FEMALE_GIVEN)
    male, female = rng.choice(registry_people.SURNAMES)
    surname = male if gender == Gender.MALE else female
    full = {form: f"{getattr(given, form)} {getattr(surname, form)}" for form, _s, _l in registry_people.FORMS}
    script = {form: s for form, s, _l in registry_people.FORMS}
    language = {form: lang for form, _s, lang in registry_people.FORMS}
    if residence in _CYRILLIC:
        display = "kk_cyrl" if rng.random() < 0.7 else "ru"
    elif residence == "TR":
        display = "tr"
    elif residence == "IR":
        display = "kk_cyrl" if rng.random() < 0.7 else "en"
    else:
        display = rng.choices(("en", "kk_latn", "kk_cyrl"), (70, 15, 15))[0]
    others = [form for form in full if form != display]
    rng.shuffle(others)
    other_script = [form for form in others if script[form] != script[display]]
    wanted = rng.choice((1, 2))  # besides the display name: one spelling in the other script, maybe one more
    chosen = [display]
    for form in [*other_script[:1], *others]:
        if len(chosen) > wanted:
            break
        if form not in chosen and full[form] not in {full[c] for c in chosen}:
            chosen.append(form)
    variants = tuple((full[form], script[form], language[form]) for form in chosen)
    return full[display], variants, gender


def learner(number: int, seed: int) -> Learner:
    """Learner `number`: the same for the same seed, however many learners the demo makes."""
    rng = random.Random(f"tamyr-demo-learning:{seed}:{number}")
    residence = rng.choices(list(RESIDENCE_WEIGHTS), list(RESIDENCE_WEIGHTS.values()))[0]
    display_name, variants, gender = _name(rng, residence)
    media = MEDIUM_WEIGHTS[residence]
    medium = rng.choices(list(media), list(media.values()))[0]
    if medium == "kk":
        level = rng.choices((2, 3, 4), (25, 40, 35))[0]
    elif residence in _HEARTLAND:
        level = rng.choices(range(5), (12, 18, 25, 25, 20))[0]
    else:
        level = rng.choices(range(5), (38, 28, 18, 11, 5))[0]
    birth_year = int(rng.triangular(1952, 2015, 1997))
    if birth_year >= 2007:
        level = min(level, 1)
    return Learner(
        number=number,
        display_name=display_name,
        variants=variants,
        gender=gender,
        birth_year=birth_year,
        residence=residence,
        city=rng.choice(_CITIES[residence]),
        medium=medium,
        level=level,
        public_name=rng.random() < 0.6,
    )


# --- what each learner does -------------------------------------------------------------------------------------

#: How many courses a learner takes, and of which format. Tuned (with the outcomes below) so that the rules give
#: figures near the seed's; see the module docstring.
COURSES_PER_LEARNER = ((1, 2, 3), (60, 27, 13))
FORMAT_WEIGHTS = {CourseFormat.LIVE_GROUP: 35, CourseFormat.TALK_CLUB: 11, CourseFormat.SELF_PACED: 54}
WITHDRAW = {CourseFormat.LIVE_GROUP: 0.06, CourseFormat.TALK_CLUB: 0.04, CourseFormat.SELF_PACED: 0.02}
#: (share, lowest and highest chance of attending each lesson) of steady, irregular and dropping-out learners
ATTENDANCE = {
    CourseFormat.LIVE_GROUP: ((0.66, 0.80, 1.0), (0.21, 0.45, 0.85), (0.13, 0.9, 0.9)),
    CourseFormat.TALK_CLUB: ((0.50, 0.55, 1.0), (0.30, 0.25, 0.7), (0.20, 0.9, 0.9)),
}
VIDEO_FINISH = 0.31  # share of video learners who watch every lesson
QUIZ_TAKEN = 0.92  # share of those who may take the final quiz who do
RETAKE = 0.65  # share of those who failed who try once more


@dataclass(frozen=True)
class Attempt:
    answers: tuple[tuple[int, ...], ...]  # chosen choices, per question in the quiz's order
    days_after: int  # after the last lesson


@dataclass(frozen=True)
class Outcome:
    """What a learner did in a course, before anyone applies a rule."""

    withdrawn: bool
    present: tuple[bool, ...]  # live lessons marked, in order (fewer than the lessons if they withdrew)
    done_days: tuple[int, ...]  # video lessons done, in order: days after enrolling
    attempts: tuple[Attempt, ...]


def _answers(rng: random.Random, course: CourseSpec, skill: float) -> tuple[tuple[int, ...], ...]:
    result = []
    for index in course.questions:
        question = QUESTIONS[index]
        if rng.random() < skill:
            result.append(tuple(question.correct))
            continue
        if question.kind == QuestionKind.MULTIPLE:
            wrong = set(question.correct) ^ {rng.randrange(len(question.choices))}
            result.append(tuple(sorted(wrong or {0})))
        else:
            result.append((rng.choice([i for i in range(len(question.choices)) if i not in question.correct]),))
    return tuple(result)


def score(course_questions: Sequence[Sequence[int]], answers: Sequence[Sequence[int]]) -> int:
    """As `services.quiz_submit` scores: a question counts when exactly its right choices are chosen."""
    right = sum(
        1 for correct, chosen in zip(course_questions, answers, strict=True) if sorted(chosen) == sorted(correct)
    )
    return round(100 * right / len(course_questions))


def _quiz(rng: random.Random, course: CourseSpec, skill: float) -> tuple[Attempt, ...]:
    if not course.questions or rng.random() >= QUIZ_TAKEN:
        return ()
    correct = [QUESTIONS[i].correct for i in course.questions]
    first = Attempt(_answers(rng, course, skill), rng.randint(1, 4))
    if score(correct, first.answers) >= PASS_MARK or rng.random() >= RETAKE:
        return (first,)
    return first, Attempt(_answers(rng, course, min(1.0, skill + 0.15)), first.days_after + rng.randint(2, 6))


def outcome(seed: int, number: int, course: CourseSpec) -> Outcome:
    """What learner `number` does in `course`: the same whatever group they end up in."""
    rng = random.Random(f"tamyr-demo-learning:{seed}:{number}:{course.slug}")
    lessons = len(course.lessons)
    withdrawn = rng.random() < WITHDRAW[CourseFormat(course.format)]
    skill = rng.uniform(0.4, 1.0)
    if course.format == CourseFormat.SELF_PACED:
        done = lessons if rng.random() < VIDEO_FINISH else int(lessons * rng.random() ** 1.4)
        if withdrawn:
            done = min(done, lessons - 1)
        days, day = [], 0
        for _index in range(done):
            day += rng.randint(0, 9)
            days.append(day)
        watched = _quiz(rng, course, skill) if done == lessons and not withdrawn else ()
        return Outcome(withdrawn, (), tuple(days), watched)

    profiles = ATTENDANCE[CourseFormat(course.format)]
    profile = rng.choices(range(3), [share for share, _low, _high in profiles])[0]
    _share, low, high = profiles[profile]
    chance = rng.uniform(low, high)
    stop = rng.randint(2, lessons - 2) if profile == 2 else lessons
    held = rng.randint(0, 3) if withdrawn else lessons
    present = tuple(index < stop and rng.random() < chance for index in range(held))
    attempts: tuple[Attempt, ...] = ()
    if not withdrawn and sum(present) * 2 >= lessons:
        attempts = _quiz(rng, course, skill if profile == 0 else skill * 0.85)
    return Outcome(withdrawn, present, (), attempts)


@dataclass(frozen=True)
class Plan:
    """A learner's enrollment in a course: the groups they would take, in order, and when they signed up."""

    person_key: str  # the e-mail of the person's record
    number: int  # learner number (0: a hand-written record)
    course: CourseSpec
    groups: tuple[str, ...]
    moment: dt.datetime
    outcome: Outcome


def _suits(course: CourseSpec, who: Learner) -> float:
    """How likely `who` picks `course` among those of its format."""
    if course.format == CourseFormat.TALK_CLUB:
        if who.child:
            return 0.0
        return 1.0 if LEVELS[who.level] in course.band else (0.1 if who.level else 0.0)
    distance = course.level_index - who.level
    if course.format == CourseFormat.SELF_PACED:
        weight = {0: 1.0, 1: 0.5, -1: 0.5, -2: 0.2}.get(distance, 0.05)
        if course.children:
            weight *= 4.0 if who.child else 0.1
        return weight
    if course.children != who.child:
        return 0.0 if course.children else 0.05
    if course.medium == who.medium:
        weight = 1.0
    elif course.medium == "kk":
        weight = 0.8 if who.level >= 2 else 0.0
    else:
        weight = 0.03
    return weight * {0: 1.0, 1: 0.35, -1: 0.2}.get(distance, 0.02) * course.weight


_WINDOWS: dict[str, tuple[dt.date, int]] = {  # when people enroll for a group: from, days
    "spring": (dt.date(2021, 1, 25), 32),
    "autumn": (dt.date(2021, 8, 9), 33),
    "august": (dt.date(2021, 7, 5), 27),
    "december": (dt.date(2021, 11, 1), 28),
    "open": (dt.date(2021, 2, 1), 300),
}


def plans_for(who: Learner, seed: int) -> list[Plan]:
    rng = random.Random(f"tamyr-demo-learning:{seed}:{who.number}:plan")
    wanted = rng.choices(*COURSES_PER_LEARNER)[0]
    taken: list[CourseSpec] = []
    for _slot in range(wanted):
        kind = rng.choices(list(FORMAT_WEIGHTS), list(FORMAT_WEIGHTS.values()))[0]
        candidates = [c for c in COURSES if c.format == kind and c not in taken]
        weights = [_suits(c, who) for c in candidates]
        if sum(weights) <= 0:  # nothing of that format suits them (a child, a beginner in a talk club): a video
            candidates = [c for c in COURSES if c.format == CourseFormat.SELF_PACED and c not in taken]
            weights = [_suits(c, who) for c in candidates]
        taken.append(rng.choices(candidates, weights)[0])
    plans = []
    for course in taken:
        seasons = [g.season for g in course.groups if g.season != "upcoming"]
        if len(seasons) > 1 and rng.random() < (0.45 if course.format == CourseFormat.LIVE_GROUP else 0.5):
            seasons.reverse()
        start, days = _WINDOWS[seasons[0]]
        moment = dt.datetime(start.year, start.month, start.day, 8, tzinfo=dt.UTC) + dt.timedelta(
            minutes=rng.randrange(days * 24 * 60)
        )
        names = {g.season: g.name for g in course.groups}
        plans.append(
            Plan(
                who.email,
                who.number,
                course,
                tuple(names[s] for s in seasons),
                moment,
                outcome(seed, who.number, course),
            )
        )
    return plans


def compatriot_plans() -> list[Plan]:
    """The `compatriot` login (Aruzhan, a student in Berlin who speaks Kazakh at home) took the Latin alphabet course
    in autumn 2021 and has started a video course on Abai's poems: something to show on her pages."""
    latin = COURSE_BY_SLUG["otandastar-kazakh-latin-b1"]
    abai = COURSE_BY_SLUG["otandastar-video-27-abai"]
    return [
        Plan(
            COMPATRIOT_EMAIL,
            0,
            latin,
            ("Autumn 2021",),
            dt.datetime(2021, 9, 1, 10, tzinfo=dt.UTC),
            Outcome(
                False,
                tuple(index != 4 for index in range(len(latin.lessons))),
                (),
                (Attempt(tuple(QUESTIONS[i].correct for i in latin.questions), 2),),
            ),
        ),
        Plan(
            COMPATRIOT_EMAIL,
            0,
            abai,
            ("Open enrollment (YouTube)",),
            dt.datetime(2021, 11, 20, 18, tzinfo=dt.UTC),
            Outcome(False, (), (0, 3, 9), ()),
        ),
    ]


# --- loading: courses -------------------------------------------------------------------------------------------


@dataclass
class LoadedCourse:
    spec: CourseSpec
    course: Course
    groups: dict[str, CourseGroup]
    lessons: list[Lesson]
    quiz: Quiz | None
    questions: list[QuizQuestion]


def _sync_keyed(
    model: type[Any],
    existing: Mapping[Any, Any],
    wanted: Mapping[Any, dict[str, Any]],
    make: Callable[..., Any],
    touched: set[Any] | None = None,
) -> dict[Any, Any]:
    """Bring rows found by a key to the wanted values in two bulk writes: create the missing (`make(key, values)`),
    update only the fields that differ. Returns {key: row}; adds the keys created or changed to `touched`."""
    now = timezone.now()
    stamped = any(f.name == "updated_at" for f in model._meta.get_fields())
    result, new, changed, fields = {}, [], [], set()
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            row = make(key, values)
            new.append(row)
            if touched is not None:
                touched.add(key)
        else:
            diff = [name for name, value in values.items() if getattr(row, name) != value]
            for name in diff:
                setattr(row, name, values[name])
            if diff:
                changed.append(row)
                if touched is not None:
                    touched.add(key)
                fields.update(diff)
                if stamped:
                    row.updated_at = now
        result[key] = row
    model._default_manager.bulk_create(new)
    if changed:
        model._default_manager.bulk_update(changed, sorted(fields | ({"updated_at"} if stamped else set())))
    return result


def _sync_teachers(
    through: type[Any], owner: str, wanted: set[tuple[int, int]], owners: Iterable[int], teacher: User
) -> None:
    """Give the demo teacher exactly the wanted courses (or groups) among the demo's; other teachers stay."""
    current = set(through.objects.filter(**{f"{owner}__in": list(owners)}, user=teacher).values_list(owner, "user_id"))
    through.objects.bulk_create([through(**{owner: pk, "user_id": user_id}) for pk, user_id in wanted - current])
    for pk, _user in current - wanted:
        through.objects.filter(**{owner: pk}, user=teacher).delete()


def _load_courses(
    specs: Sequence[CourseSpec], provider: Organization, teacher: User | None
) -> tuple[dict[str, LoadedCourse], list[Course], set[int]]:
    """Create or bring up to date the courses with their rules, groups, lessons and final quizzes: a dozen queries
    whatever the number of courses, and no write when nothing differs. Returns the courses, the new ones, and the
    ids of those whose completion must be decided again (their rule, lessons or final quiz changed)."""
    existing_courses = Course.objects.in_bulk([spec.slug for spec in specs], field_name="slug")
    created = [spec.slug for spec in specs if spec.slug not in existing_courses]
    courses = _sync_keyed(
        Course,
        existing_courses,
        {
            spec.slug: {
                "title": spec.title,
                "description": spec.description,
                "syllabus": spec.syllabus,
                "language": "kk",
                "level": spec.level,
                "format": spec.format,
                "provider_id": provider.pk,
                "is_published": True,
            }
            for spec in specs
        },
        lambda slug, values: Course(slug=slug, **values),
    )
    ids = {spec.slug: courses[spec.slug].pk for spec in specs}
    decide_again: set[int] = set()
    _sync_keyed(
        CompletionRule,
        {rule.course_id: rule for rule in CompletionRule.objects.filter(course_id__in=ids.values())},
        {
            ids[spec.slug]: {
                "min_attendance_percent": spec.rule.min_attendance_percent,
                "min_lessons_done_percent": spec.rule.min_lessons_done_percent,
                "requires_final_quiz": spec.rule.requires_final_quiz,
                "issues_certificate": spec.rule.issues_certificate,
            }
            for spec in specs
        },
        lambda course_id, values: CompletionRule(course_id=course_id, **values),
        decide_again,
    )
    groups = _sync_keyed(
        CourseGroup,
        {(g.course_id, g.name): g for g in CourseGroup.objects.filter(course_id__in=ids.values())},
        {
            (ids[spec.slug], group.name): {
                "starts_on": group.starts_on,
                "ends_on": group.ends_on,
                "schedule": group.schedule,
                "time_zone": group.time_zone,
                "capacity": group.capacity,
                "meeting_url": group.meeting_url,
                "self_enrollment": group.self_enrollment,
            }
            for spec in specs
            for group in spec.groups
        },
        lambda key, values: CourseGroup(course_id=key[0], name=key[1], **values),
    )
    current_lessons = {
        (lesson.course_id, lesson.order): lesson for lesson in Lesson.objects.filter(course_id__in=ids.values())
    }
    wanted_lessons = {
        (ids[spec.slug], order): {
            "title": lesson.title,
            "body": lesson.body,
            "video_url": lesson.video_url,
            "is_live": lesson.is_live,
        }
        for spec in specs
        for order, lesson in enumerate(spec.lessons, start=1)
    }
    gone = {key: row.pk for key, row in current_lessons.items() if key not in wanted_lessons}
    Lesson.objects.filter(pk__in=gone.values()).delete()
    lessons_touched: set[tuple[int, int]] = set(gone)
    lessons = _sync_keyed(
        Lesson,
        current_lessons,
        wanted_lessons,
        lambda key, values: Lesson(course_id=key[0], order=key[1], **values),
        lessons_touched,
    )
    decide_again |= {course_id for course_id, _order in lessons_touched}
    current_quizzes = {quiz.course_id: quiz for quiz in Quiz.objects.filter(course_id__in=ids.values(), is_final=True)}
    wanted_quizzes = {
        ids[spec.slug]: {
            "title": {"kk": "Қорытынды тест", "en": "Final quiz", "ru": "Итоговый тест", "tr": "Final sınavı"},
            "pass_mark": PASS_MARK,
            "lesson_id": lessons[ids[spec.slug], len(spec.lessons)].pk,
        }
        for spec in specs
        if spec.questions
    }
    gone_quizzes = {key: q.pk for key, q in current_quizzes.items() if key not in wanted_quizzes}
    Quiz.objects.filter(pk__in=gone_quizzes.values()).delete()
    decide_again |= set(gone_quizzes)
    quizzes = _sync_keyed(
        Quiz,
        current_quizzes,
        wanted_quizzes,
        lambda course_id, values: Quiz(course_id=course_id, is_final=True, **values),
        decide_again,
    )
    quiz_ids = {course_id: quiz.pk for course_id, quiz in quizzes.items()}
    current_questions = {(q.quiz_id, q.order): q for q in QuizQuestion.objects.filter(quiz_id__in=quiz_ids.values())}
    wanted_questions = {
        (quiz_ids[ids[spec.slug]], order): {
            "text": QUESTIONS[index].text,
            "kind": QUESTIONS[index].kind,
            "choices": [dict(choice) for choice in QUESTIONS[index].choices],
            "correct": list(QUESTIONS[index].correct),
        }
        for spec in specs
        for order, index in enumerate(spec.questions, start=1)
    }
    gone_questions = {key: q.pk for key, q in current_questions.items() if key not in wanted_questions}
    QuizQuestion.objects.filter(pk__in=gone_questions.values()).delete()
    questions_touched: set[tuple[int, int]] = set(gone_questions)
    questions = _sync_keyed(
        QuizQuestion,
        current_questions,
        wanted_questions,
        lambda key, values: QuizQuestion(quiz_id=key[0], order=key[1], **values),
        questions_touched,
    )
    course_of_quiz = {quiz_id: course_id for course_id, quiz_id in quiz_ids.items()}
    decide_again |= {course_of_quiz[quiz_id] for quiz_id, _order in questions_touched if quiz_id in course_of_quiz}
    if teacher is not None:
        _sync_teachers(
            Course.teachers.through,
            "course_id",
            {(ids[spec.slug], teacher.pk) for spec in specs if spec.teacher},
            ids.values(),
            teacher,
        )
        _sync_teachers(
            CourseGroup.teachers.through,
            "coursegroup_id",
            {(groups[ids[spec.slug], g.name].pk, teacher.pk) for spec in specs for g in spec.groups if g.teacher},
            [group.pk for group in groups.values()],
            teacher,
        )

    loaded = {}
    for spec in specs:
        course_id = ids[spec.slug]
        quiz = quizzes.get(course_id)
        loaded[spec.slug] = LoadedCourse(
            spec=spec,
            course=courses[spec.slug],
            groups={g.name: groups[course_id, g.name] for g in spec.groups},
            lessons=[lessons[course_id, order] for order in range(1, len(spec.lessons) + 1)],
            quiz=quiz,
            questions=[questions[quiz.pk, order] for order in range(1, len(spec.questions) + 1)] if quiz else [],
        )
    return loaded, [courses[slug] for slug in created], decide_again


# --- loading: learners ------------------------------------------------------------------------------------------


def _sync_rows(
    model: type[models.Model],
    fields: Sequence[str],
    wanted: Mapping[int, list[tuple[Any, ...]]],
    build: Callable[[int, tuple[Any, ...]], models.Model],
) -> set[int]:
    """Replace a person's rows of `model` only where they differ from the wanted ones; returns whose changed."""
    current: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = (
        model._default_manager.filter(person_id__in=list(wanted))
        .order_by("person_id", "id")
        .values_list("person_id", *fields)
    )
    for row in rows:
        current[row[0]].append(tuple(row[1:]))
    stale = {pk for pk, want in wanted.items() if current.get(pk, []) != want}
    if stale:
        model._default_manager.filter(person_id__in=stale).delete()
        model._default_manager.bulk_create([build(pk, row) for pk in sorted(stale) for row in wanted[pk]])
    return stale


_CONSENT_NOTE = "Demo record: signed up for the Otandastar Foundation's online Kazakh courses."


def _load_learners(
    specs: Sequence[Learner], provider: Organization, signed_up: Mapping[int, dt.datetime]
) -> dict[str, Person]:
    """Create or bring up to date the learners' records (found again by e-mail), with name variants and consents
    (given when they signed up: `signed_up[number]`), in bulk, with the audit rows `person_create` would write."""
    existing: dict[str, Person] = {}
    for person in Person.objects.filter(email__in=[s.email for s in specs], erased_at__isnull=True).order_by("id"):
        existing.setdefault(person.email, person)
    fields = ("display_name", "registered_by_id", "residence_country_id", "residence_city", "gender", "birth_year")
    new: list[Person] = []
    changed: list[Person] = []
    now = timezone.now()
    pairs: list[tuple[Person, Learner]] = []
    for spec in specs:
        values: dict[str, Any] = {
            "display_name": spec.display_name,
            "registered_by_id": provider.pk,
            "residence_country_id": spec.residence,
            "residence_city": spec.city,
            "gender": spec.gender,
            "birth_year": spec.birth_year,
        }
        found = existing.get(spec.email)
        if found is None:
            person = Person(email=spec.email, **values)
            new.append(person)
        else:
            person = found
            if any(getattr(person, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(person, name, value)
                person.updated_at = now
                changed.append(person)
        pairs.append((person, spec))
    Person.objects.bulk_create(new)
    if changed:
        Person.objects.bulk_update(changed, [*fields, "updated_at"])

    by_pk = {person.pk: spec for person, spec in pairs}
    touched = _sync_rows(
        NameVariant,
        ("text", "script", "language"),
        {pk: [tuple(v) for v in spec.variants] for pk, spec in by_pk.items()},
        lambda pk, row: NameVariant(person_id=pk, text=row[0], script=row[1], language=row[2], key=search_key(row[0])),
    )
    touched |= _sync_rows(
        Consent,
        ("purpose", "method", "given_at", "note", "withdrawn_at"),
        {
            pk: [
                (purpose, ConsentMethod.WEB_FORM.value, signed_up[spec.number], _CONSENT_NOTE, None)
                for purpose in (ConsentPurpose.REGISTRY.value, ConsentPurpose.PUBLIC_PROFILE.value)
                if purpose == ConsentPurpose.REGISTRY.value or spec.public_name
            ]
            for pk, spec in by_pk.items()
        },
        lambda pk, row: Consent(
            person_id=pk, purpose=row[0], method=row[1], given_at=row[2], note=row[3], withdrawn_at=row[4]
        ),
    )
    created = {person.pk for person in new}
    changed_pks = ({person.pk for person in changed} | touched) - created
    persons = {person.pk: person for person, _spec in pairs}
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            actor_label="system",
            action=action,
            target_type=Person._meta.label_lower,
            target_id=str(pk),
            target_label=persons[pk].display_name[:300],
            data={"source": "demo"},
        )
        for action, pks in (("registry.person_created", created), ("registry.person_changed", changed_pks))
        for pk in sorted(pks)
    )
    return {person.email: person for person, _spec in pairs}


# --- loading: enrollments, attendance, quizzes ------------------------------------------------------------------


@dataclass
class _Wanted:
    person_id: int
    group: CourseGroup
    loaded: LoadedCourse
    status: str
    moment: dt.datetime
    outcome: Outcome
    group_spec: GroupSpec
    teacher_id: int | None
    progress: dict[int, tuple[bool | None, dt.datetime | None, int | None]] = field(default_factory=dict)
    attempts: list[tuple[int, dict[str, list[int]], int, bool, dt.datetime]] = field(default_factory=list)
    finished: dt.datetime | None = None


def _assign_groups(plans: Sequence[Plan]) -> dict[tuple[str, str], tuple[str, str]]:
    """First come, first served: {(person, course): (group name, status)}. Someone who withdrew leaves their seat to
    the next in line (as `enrollment_withdraw` promotes the first waiting), so only those who stay fill seats; when
    every group they would take is full, they wait on the first."""
    seats: Counter[tuple[str, str]] = Counter()
    result: dict[tuple[str, str], tuple[str, str]] = {}
    for plan in sorted(plans, key=lambda p: (p.moment, p.number, p.course.slug)):
        key = (plan.person_key, plan.course.slug)
        capacities = {g.name: g.capacity for g in plan.course.groups}
        if plan.outcome.withdrawn:
            result[key] = (plan.groups[0], EnrollmentStatus.WITHDRAWN)
            continue
        for name in plan.groups:
            capacity = capacities[name]
            if capacity is None or seats[plan.course.slug, name] < capacity:
                seats[plan.course.slug, name] += 1
                result[key] = (name, EnrollmentStatus.ACTIVE)
                break
        else:
            result[key] = (plan.groups[0], EnrollmentStatus.WAITLISTED)
    return result


def _wanted(
    plans: Sequence[Plan], people: Mapping[str, Person], courses: Mapping[str, LoadedCourse], teacher: User | None
) -> list[_Wanted]:
    assignment = _assign_groups(plans)
    result = []
    for plan in plans:
        person = people.get(plan.person_key)
        if person is None:
            continue
        name, status = assignment[plan.person_key, plan.course.slug]
        loaded = courses[plan.course.slug]
        group_spec = next(g for g in plan.course.groups if g.name == name)
        wanted = _Wanted(
            person_id=person.pk,
            group=loaded.groups[name],
            loaded=loaded,
            status=status,
            moment=plan.moment,
            outcome=plan.outcome,
            group_spec=group_spec,
            teacher_id=teacher.pk if teacher is not None and group_spec.teacher else None,
        )
        if status != EnrollmentStatus.WAITLISTED:
            _fill_progress(wanted)
        result.append(wanted)
    return result


def _fill_progress(wanted: _Wanted) -> None:
    """Attendance rows, lessons done and quiz attempts, dated by the group's timetable."""
    loaded, result = wanted.loaded, wanted.outcome
    last = wanted.moment
    if loaded.spec.format == CourseFormat.SELF_PACED:
        for lesson, days in zip(loaded.lessons, result.done_days, strict=False):
            done_at = wanted.moment + dt.timedelta(days=days, minutes=37)
            wanted.progress[lesson.pk] = (None, done_at, None)
            last = done_at
    else:
        for index, (lesson, present) in enumerate(zip(loaded.lessons, result.present, strict=False)):
            wanted.progress[lesson.pk] = (present, None, wanted.teacher_id)
            last = max(last, wanted.group_spec.lesson_moment(index) + dt.timedelta(hours=1))
    if loaded.quiz is not None:
        for attempt in result.attempts:
            answers = {str(q.pk): list(chosen) for q, chosen in zip(loaded.questions, attempt.answers, strict=True)}
            percent = score([q.correct for q in loaded.questions], attempt.answers)
            submitted = last + dt.timedelta(days=attempt.days_after, hours=2)
            wanted.attempts.append((loaded.quiz.pk, answers, percent, percent >= loaded.quiz.pass_mark, submitted))
        if wanted.attempts:
            last = max(last, wanted.attempts[-1][4])
    wanted.finished = last


def _sync_enrollments(
    wanted: Sequence[_Wanted], managed: set[int], groups: set[int]
) -> tuple[dict[int, _Wanted], set[int]]:
    """Create, change or remove the demo's enrollments, attendance and attempts. Returns {enrollment id: wanted}
    and the ids of the enrollments whose records changed (their completion must be decided again).

    `managed` are the generated learners: their enrollments in the demo's groups are all the demo's, and those it
    no longer wants are removed with what hangs on them (progress, attempts, a certificate). Anyone else (the
    `compatriot` login) keeps the enrollments they made themselves."""
    by_key = {(w.person_id, w.group.pk): w for w in wanted}
    existing = {
        (e.person_id, e.group_id): e
        for e in Enrollment.objects.filter(
            person_id__in=managed | {person_id for person_id, _group in by_key}, group_id__in=groups
        ).order_by("id")
    }
    stale = [e.pk for key, e in existing.items() if key not in by_key and e.person_id in managed]
    if stale:  # a generated learner's certificate is the demo's too: it goes with the enrollment that earned it
        Certificate.objects.filter(enrollment_id__in=stale).delete()
        Enrollment.objects.filter(pk__in=stale).delete()

    new: list[Enrollment] = []
    changed: list[Enrollment] = []
    for key, item in by_key.items():
        enrollment = existing.get(key)
        waitlisted_at = item.moment if item.status == EnrollmentStatus.WAITLISTED else None
        if enrollment is None:
            new.append(
                Enrollment(person_id=item.person_id, group=item.group, status=item.status, waitlisted_at=waitlisted_at)
            )
            continue
        keeps = item.status == EnrollmentStatus.ACTIVE and enrollment.status in (
            EnrollmentStatus.ACTIVE,
            EnrollmentStatus.COMPLETED,
        )
        diff = {
            "status": enrollment.status if keeps else item.status,
            "waitlisted_at": waitlisted_at,
            "created_at": item.moment,
            "enrolled_by_id": None,
        }
        if not keeps and enrollment.status == EnrollmentStatus.COMPLETED:
            diff["completed_at"] = None
        if any(getattr(enrollment, name) != value for name, value in diff.items()):
            for name, value in diff.items():
                setattr(enrollment, name, value)
            changed.append(enrollment)
    Enrollment.objects.bulk_create(new)
    for enrollment in new:  # enrolled when the demo says, not when it ran (bulk_update leaves auto_now_add alone)
        enrollment.created_at = by_key[enrollment.person_id, enrollment.group_id].moment
    if new:
        Enrollment.objects.bulk_update(new, ["created_at"])
    if changed:
        Enrollment.objects.bulk_update(
            changed, ["status", "waitlisted_at", "created_at", "enrolled_by", "completed_at"]
        )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            actor_label="system",
            action="learning.enrolled",
            target_type=Enrollment._meta.label_lower,
            target_id=str(e.pk),
            target_label=f"{e.person_id} — {e.group_id}",
            data={"source": "demo", "status": e.status},
        )
        for e in new
    )

    enrollments = {
        **{key: e for key, e in existing.items() if key in by_key},
        **{(e.person_id, e.group_id): e for e in new},
    }
    by_enrollment = {enrollments[key].pk: item for key, item in by_key.items()}
    touched = {e.pk for e in new} | {e.pk for e in changed}
    touched |= _sync_progress(by_enrollment)
    touched |= _sync_attempts(by_enrollment)
    return by_enrollment, touched


def _sync_progress(by_enrollment: Mapping[int, _Wanted]) -> set[int]:
    """Attendance and lessons done; returns the enrollments whose rows changed."""
    current = {
        (row[0], row[1]): row[2:]
        for row in LessonProgress.objects.filter(enrollment_id__in=list(by_enrollment)).values_list(
            "enrollment_id", "lesson_id", "attended", "done_at", "marked_by_id", "pk"
        )
    }
    wanted = {
        (enrollment_id, lesson_id): values
        for enrollment_id, item in by_enrollment.items()
        for lesson_id, values in item.progress.items()
    }
    stale = {key: row[3] for key, row in current.items() if key not in wanted}
    if stale:
        LessonProgress.objects.filter(pk__in=stale.values()).delete()
    touched = {enrollment_id for enrollment_id, _lesson in stale}
    new, changed = [], []
    for (enrollment_id, lesson_id), (attended, done_at, marked_by) in wanted.items():
        row = current.get((enrollment_id, lesson_id))
        if row is None:
            new.append(
                LessonProgress(
                    enrollment_id=enrollment_id,
                    lesson_id=lesson_id,
                    attended=attended,
                    done_at=done_at,
                    marked_by_id=marked_by,
                )
            )
        elif tuple(row[:3]) != (attended, done_at, marked_by):
            changed.append(LessonProgress(pk=row[3], attended=attended, done_at=done_at, marked_by_id=marked_by))
        else:
            continue
        touched.add(enrollment_id)
    LessonProgress.objects.bulk_create(new, batch_size=2000)
    if changed:
        LessonProgress.objects.bulk_update(changed, ["attended", "done_at", "marked_by"], batch_size=2000)
    return touched


def _sync_attempts(by_enrollment: Mapping[int, _Wanted]) -> set[int]:
    """Quiz attempts; returns the enrollments whose attempts changed."""
    current: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in (
        QuizAttempt.objects.filter(enrollment_id__in=list(by_enrollment))
        .order_by("enrollment_id", "submitted_at", "id")
        .values_list("enrollment_id", "quiz_id", "answers", "score_percent", "passed", "submitted_at")
    ):
        current[row[0]].append(tuple(row[1:]))
    stale = [pk for pk, item in by_enrollment.items() if current.get(pk, []) != [tuple(a) for a in item.attempts]]
    if not stale:
        return set()
    QuizAttempt.objects.filter(enrollment_id__in=stale).delete()
    new = [
        QuizAttempt(enrollment_id=pk, quiz_id=quiz_id, answers=answers, score_percent=percent, passed=passed)
        for pk in stale
        for quiz_id, answers, percent, passed, _submitted in by_enrollment[pk].attempts
    ]
    QuizAttempt.objects.bulk_create(new, batch_size=2000)
    submitted = [s for pk in stale for *_rest, s in by_enrollment[pk].attempts]
    for attempt, moment in zip(new, submitted, strict=True):
        attempt.submitted_at = moment  # submitted when the demo says (auto_now_add set the moment of the run)
    QuizAttempt.objects.bulk_update(new, ["submitted_at"], batch_size=2000)
    return set(stale)


# --- the rules decide -------------------------------------------------------------------------------------------


def evaluate_completions(
    enrollment_ids: Iterable[int], completed_at: Mapping[int, dt.datetime] | None = None
) -> list[int]:
    """`services.completion_evaluate` for many enrollments at once: the same decision from the same
    `services.completion_status`, with an override winning over the rule, withdrawn and waiting enrollments left
    alone. Differences, on purpose: a completion is dated `completed_at[id]` (when the learner finished) rather than
    now, no certificate task is queued (the caller issues them), and the changes are written in one bulk update.
    Returns the ids of the enrollments that became completed."""
    completed_at = completed_at or {}
    now = timezone.now()
    enrollments = (
        Enrollment.objects.filter(pk__in=list(enrollment_ids))
        .exclude(status__in=(EnrollmentStatus.WITHDRAWN, EnrollmentStatus.WAITLISTED))
        .select_related("group__course")
        .prefetch_related("progress", "group__course__lessons", "group__course__quizzes")
        .order_by("pk")
    )
    changed: list[Enrollment] = []
    became_completed = []
    for enrollment in enrollments:
        met, progress = services.completion_status(enrollment)
        complete = enrollment.override if enrollment.override is not None else met
        before = (enrollment.status, enrollment.progress_percent)
        enrollment.progress_percent = progress
        if complete and enrollment.status != EnrollmentStatus.COMPLETED:
            enrollment.status = EnrollmentStatus.COMPLETED
            enrollment.completed_at = completed_at.get(enrollment.pk, now)
            became_completed.append(enrollment.pk)
        elif not complete and enrollment.status == EnrollmentStatus.COMPLETED:
            enrollment.status = EnrollmentStatus.ACTIVE
            enrollment.completed_at = None
        if (enrollment.status, enrollment.progress_percent) != before:
            enrollment.updated_at = now
            changed.append(enrollment)
    Enrollment.objects.bulk_update(
        changed, ["status", "completed_at", "progress_percent", "updated_at"], batch_size=1000
    )
    return became_completed


def issue_certificates(enrollment_ids: Iterable[int]) -> int:
    """Issue, through the real issue path, the certificates these completed enrollments earned and do not have yet
    (the course's rule says whether completion earns one). Returns how many were issued."""
    from tamyr.learning.certificates import certificate_issue_for_enrollment

    pending = list(
        Enrollment.objects.filter(
            pk__in=list(enrollment_ids),
            status=EnrollmentStatus.COMPLETED,
            group__course__completion_rule__issues_certificate=True,
            certificate__isnull=True,
        )
        .order_by("completed_at", "pk")
        .values_list("pk", flat=True)
    )
    for enrollment_id in pending:
        certificate_issue_for_enrollment(enrollment_id=enrollment_id)
    return Certificate.objects.filter(enrollment_id__in=pending).count()


# --- the builder ------------------------------------------------------------------------------------------------


def build(*, seed: int, learners: int | None = None) -> dict[str, int]:
    """Load or bring up to date Otandastar's courses, the learners and what they did; let the rules decide who
    completed and issue the certificates earned. Returns the counts `tamyr demo` prints."""
    count = learners if learners is not None else getattr(settings, "TAMYR_DEMO_LEARNERS", LEARNERS)
    provider = Organization.objects.filter(slug=PROVIDER).first()
    if provider is None:
        raise LookupError(
            f"The registry demo has not loaded the organization {PROVIDER!r}; run the whole `tamyr demo`."
        )
    teacher = User.objects.filter(username=TEACHER).first()

    courses, created_courses, decide_again = _load_courses(COURSES, provider, teacher)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            actor_label="system",
            action="learning.course_created",
            target_type=Course._meta.label_lower,
            target_id=str(course.pk),
            target_label=course.display_title[:300],
            data={"source": "demo"},
        )
        for course in created_courses
    )

    specs = [learner(number, seed) for number in range(1, count + 1)]
    plans = [plan for spec in specs for plan in plans_for(spec, seed)]
    first_enrolled: dict[int, dt.datetime] = {}
    for plan in plans:
        first_enrolled[plan.number] = min(plan.moment, first_enrolled.get(plan.number, plan.moment))
    signed_up = {  # an hour before their first enrollment: the sign-up form asks for the consents
        spec.number: first_enrolled.get(spec.number, dt.datetime(2021, 1, 25, 8, tzinfo=dt.UTC)) - dt.timedelta(hours=1)
        for spec in specs
    }
    people = _load_learners(specs, provider, signed_up)
    compatriot = Person.objects.filter(email=COMPATRIOT_EMAIL, erased_at__isnull=True).order_by("id").first()
    if compatriot is not None:
        people[COMPATRIOT_EMAIL] = compatriot
        plans += compatriot_plans()

    wanted = _wanted(plans, people, courses, teacher)
    learner_ids = {person.pk for email, person in people.items() if email != COMPATRIOT_EMAIL}
    group_ids = {group.pk for loaded in courses.values() for group in loaded.groups.values()}
    by_enrollment, touched = _sync_enrollments(wanted, learner_ids, group_ids)

    # the rules decide wherever the records (or a course's rule, lessons or quiz) changed: on the first run,
    # everywhere; on a second, nowhere
    evaluate = touched | {pk for pk, item in by_enrollment.items() if item.loaded.course.pk in decide_again}
    finished = {pk: item.finished for pk, item in by_enrollment.items() if item.finished is not None}
    evaluate_completions(evaluate, finished)
    issue_certificates(by_enrollment)

    stats = statistics.learning_statistics(providers=[provider.pk], tables=False)
    return {
        "courses": len(courses),
        "groups": len(group_ids),
        "lessons": sum(len(loaded.lessons) for loaded in courses.values()),
        "learners": len(specs),
        "participants": stats.participants,
        "countries": stats.countries,
        "enrollments": stats.enrollments,
        "completions": stats.completions,
        "certificates": stats.certificates,
        "people with certificates": stats.certified_people,
    }
