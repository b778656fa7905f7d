"""The seeds' events for `tamyr demo`: venues, timetables, speakers, delegations, registrations and attendance.

What comes from the seed pages: the events, their places and days, who spoke and with which title (copied as the
pages say it), who co-chaired, who represented whom, the Vienna programme (a gala concert at the MuTh hall on day
one, the training at the Azerbaijan Cultural Center on day two), the Baku panel and its six speakers, the scholars
forum's 40+ foreign scholars and about 100 Kazakhstani researchers, the kurultai's 100+ representatives and the
Tattimbet orchestra.

What the demo chooses, because the pages do not say it: the hours of the sessions; the names of venues the pages
do not name ("Forum venue, Baku"); the organizer of the Baku forum (the OTS secretariat, with the six NGOs of its
panel as co-organizers); the day of the kurultai (the page, of 2021, says "in September") and of the film week
(the page says only that it opened in London; the Kazakh embassies are part of the foreign ministry, which
organizes it here); the online links (example.org); and one future event, a talk club of Otandastar's online
Kazakh courses in August 2027, which stays open so that a demo login can register.

Registrations and attendance are generated from the demo's compatriots (e-mails `demo.person.NNNN@example.org`),
deterministically: each person's choice for each event comes from `random.Random` seeded with the demo seed, the
event and the person's number. They are written in bulk rather than through `registration_create`, whose rules
refuse past events, but they keep its invariants: never more confirmed than the event's or a category's seats,
one registration per person and event, the waiting list in the order people registered. Person 1 (the
`compatriot` login) is left off the future event.

Running it again changes only what differs: events, venues, categories and questions are found by their keys and
updated in place; a timetable is replaced only when it differs; registrations are found by person.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from tamyr.core.models import AuditEntry
from tamyr.events.models import (
    Delegation,
    Event,
    EventKind,
    EventStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    Session,
    SessionKind,
    SessionSpeaker,
    Venue,
)
from tamyr.registry.demo.network import upsert
from tamyr.registry.models import Country, Organization, Person

Text = dict[str, str]
GENERATED_EMAIL = "demo.person.{number:04d}@example.org"
COMPATRIOT_NUMBER = 1  # the person of the `compatriot` demo login

# --- venues -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VenueSpec:
    name: str
    city: str
    country: str
    time_zone: str
    address: str = ""


VENUES: dict[str, VenueSpec] = {
    "muth": VenueSpec(
        "MuTh Concert and Theater Hall", "Vienna", "AT", "Europe/Vienna", "Am Augartenspitz 1, 1020 Vienna"
    ),
    "acc-vienna": VenueSpec("Azerbaijan Cultural Center", "Vienna", "AT", "Europe/Vienna"),
    "budapest": VenueSpec("Meeting venue, Budapest", "Budapest", "HU", "Europe/Budapest"),
    "baku": VenueSpec("Forum venue, Baku", "Baku", "AZ", "Asia/Baku"),
    "astana": VenueSpec("Forum venue, Astana", "Astana", "KZ", "Asia/Almaty"),
    "istanbul": VenueSpec("Kurultai venue, Istanbul", "Istanbul", "TR", "Europe/Istanbul"),
}

# --- events -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionSpec:
    title: Text
    kind: str
    starts: str  # local time at the venue, "YYYY-MM-DD HH:MM"
    minutes: int
    venue: str | None = None  # a key of VENUES; None: the event's venue
    description: Text = field(default_factory=dict)
    speakers: tuple[tuple[str, str], ...] = ()  # (display name of a person named in the seeds, title as said)
    language: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    label: Text
    kind: str
    choices: tuple[Text, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class DelegationSpec:
    country: str | None
    organization: str | None
    head: str = ""  # display name of a person named in the seeds
    head_title: str = ""
    size_limit: int | None = None


@dataclass(frozen=True)
class NamedRegistration:
    """A person named in the seeds who took part: (display name, organization represented, delegation key)."""

    name: str
    organization: str
    delegation: tuple[str | None, str | None] | None = None  # (country, organization) of a DelegationSpec


@dataclass(frozen=True)
class Candidate:
    """A generated compatriot as the audience rules see them."""

    person_id: int
    number: int
    residence: str
    citizenships: frozenset[str]
    registered_by_id: int | None

    @property
    def kazakhstani(self) -> bool:
        return self.residence == "KZ" or "KZ" in self.citizenships


@dataclass(frozen=True)
class Audience:
    """Who of the generated compatriots registers, and what happens to them."""

    chance: Callable[[Candidate], float]
    category: Callable[[Candidate], int] = lambda candidate: 0  # index into the event's categories
    waitlist_limit: int = 0  # how many more than the seats still join the waiting list (per category)
    attend: float = 0.85  # share of the confirmed who are checked in (past events only)
    cancel: float = 0.04
    represent_keeper: bool = False  # register as representing the organization that keeps their record
    answers: Callable[[random.Random, dict[int, int]], dict[str, Any]] | None = None
    exclude_compatriot: bool = False


@dataclass(frozen=True)
class EventSpec:
    slug: str
    title: Text
    description: Text
    kind: str
    organizer: str
    starts: str
    ends: str
    time_zone: str
    venue: str | None
    sessions: tuple[SessionSpec, ...]
    co_organizers: tuple[str, ...] = ()
    co_chairs: tuple[str, ...] = ()
    online_url: str = ""
    is_public: bool = True
    capacity: int | None = None
    registration_opens: str | None = None
    registration_closes: str | None = None
    categories: tuple[tuple[Text, int | None], ...] = ()
    questions: tuple[QuestionSpec, ...] = ()
    delegations: tuple[DelegationSpec, ...] = ()
    named: tuple[NamedRegistration, ...] = ()
    audience: Audience | None = None


EUROPE = frozenset({"AT", "DE", "HU", "FR", "BE", "GB", "UA", "BY"})


def _vienna_answers(rng: random.Random, questions: dict[int, int]) -> dict[str, Any]:
    diet = rng.choices((0, 1, 2, 3), weights=(60, 15, 20, 5))[0]
    arrival = rng.choice(("12 January", "13 January", "13 January", "14 January (morning)"))
    return {
        str(questions[0]): diet,
        str(questions[1]): arrival,
        str(questions[2]): arrival != "14 January (morning)" and rng.random() < 0.9,
    }


_OMURALIEV_TITLE = "Ambassador, Secretary General of the Organization of Turkic States"

EVENTS: tuple[EventSpec, ...] = (
    EventSpec(
        slug="ots-diaspora-ministerial-2025-budapest",
        title={
            "en": "7th Meeting of Ministers and Heads of Diaspora Institutions of the Organization of Turkic States",
            "kk": "Түркі мемлекеттері ұйымы министрлері мен диаспора институттары басшыларының 7-кездесуі",
            "ru": "7-я встреча министров и руководителей диаспорных институтов Организации тюркских государств",
            "tr": "Türk Devletleri Teşkilatı Bakanlar ve Diaspora Kurumları Başkanları 7. Toplantısı",
            "hu": "A Türk Államok Szervezete diaszpóraügyi minisztereinek és diaszpóraintézmény-vezetőinek 7. ülése",
        },
        description={
            "en": (
                "The first high-level diaspora event of the OTS held in Hungary, co-chaired by Lőrinc Nacsa, State "
                "Secretary for Hungarian Communities Abroad. Kazakhstan was represented by Daniyar Kadyrov, "
                "President of the Otandastar Foundation, and Abzal Saparbekuly, Ambassador of Kazakhstan to "
                "Hungary; Azerbaijan, Uzbekistan, Kyrgyzstan and Türkiye took part on behalf of the member states, "
                "with the OTS Secretary-General Kubanychbek Omuraliev and Balázs Hendrich, Executive Director of "
                "the OTS Office in Budapest. The parties agreed to enhance collaboration between diaspora "
                "institutions, develop youth programmes and scholarship initiatives and expand cultural and "
                "humanitarian projects, and approved the Joint Action Plan on the diaspora agenda for 2026."
            ),
            "ru": (
                "Первое диаспорное мероприятие ОТГ высокого уровня в Венгрии; сопредседатель — Лёринц Нача, "
                "государственный секретарь по делам венгерских общин за рубежом. Казахстан представляли президент "
                "фонда «Отандастар» Данияр Кадыров и посол Казахстана в Венгрии Абзал Сапарбекулы. Стороны "
                "договорились развивать сотрудничество диаспорных институтов, молодёжные и стипендиальные "
                "программы и утвердили Совместный план действий по диаспорной повестке на 2026 год."
            ),
            "kk": (
                "ТМҰ-ның Венгрияда өткен алғашқы жоғары деңгейдегі диаспора іс-шарасы. Қазақстан атынан «Отандастар "
                "қоры» президенті Данияр Қадыров пен Қазақстанның Венгриядағы елшісі Абзал Сапарбекұлы қатысты. "
                "Тараптар диаспоралық күн тәртібі бойынша 2026 жылға арналған Бірлескен іс-қимыл жоспарын бекітті."
            ),
            "hu": (
                "A TÁSZ első Magyarországon tartott magas szintű diaszpóraügyi rendezvénye, társelnöke Nacsa Lőrinc, "
                "a külhoni magyarokért felelős államtitkár. A felek jóváhagyták a diaszpóraügyi együttműködés 2026. "
                "évi közös cselekvési tervét."
            ),
        },
        kind=EventKind.MINISTERIAL_MEETING,
        organizer="ots-secretariat",
        co_organizers=("hungarian-communities-abroad", "ots-budapest-office"),
        co_chairs=("Lőrinc Nacsa", "Daniyar Kadyrov"),
        starts="2025-12-04 10:00",
        ends="2025-12-04 16:30",
        time_zone="Europe/Budapest",
        venue="budapest",
        is_public=False,
        sessions=(
            SessionSpec(
                {"en": "Opening by the co-chairs", "ru": "Открытие сопредседателями", "hu": "Társelnöki megnyitó"},
                SessionKind.OPENING,
                "2025-12-04 10:00",
                30,
                speakers=(
                    ("Lőrinc Nacsa", "State Secretary for Hungarian Communities Abroad of Hungary"),
                    ("Daniyar Kadyrov", "President of the \u201cOtandastar Foundation\u201d NJSC"),
                ),
            ),
            SessionSpec(
                {
                    "en": "Statements by the heads of delegations",
                    "ru": "Выступления глав делегаций",
                    "kk": "Делегация басшыларының сөз сөйлеуі",
                },
                SessionKind.PLENARY,
                "2025-12-04 10:30",
                120,
                description={
                    "en": (
                        "Engagement with diaspora communities as a direction of humanitarian diplomacy; the role of "
                        "diasporas as bridges between countries."
                    )
                },
                speakers=(("Daniyar Kadyrov", "President of the \u201cOtandastar Foundation\u201d NJSC"),),
            ),
            SessionSpec(
                {
                    "en": "Cooperation among the diaspora structures of the Turkic states",
                    "ru": "Сотрудничество диаспорных структур тюркских государств",
                },
                SessionKind.PLENARY,
                "2025-12-04 14:00",
                90,
                description={
                    "en": (
                        "Collaboration between diaspora institutions, youth programmes and scholarship initiatives, "
                        "cultural and humanitarian projects, coordination and regular exchange of experience."
                    )
                },
            ),
            SessionSpec(
                {
                    "en": "Approval of the Joint Action Plan on the diaspora agenda for 2026",
                    "ru": "Утверждение Совместного плана действий по диаспорной повестке на 2026 год",
                    "kk": "Диаспоралық күн тәртібі бойынша 2026 жылға арналған Бірлескен іс-қимыл жоспарын бекіту",
                },
                SessionKind.CLOSING,
                "2025-12-04 15:30",
                60,
            ),
        ),
        delegations=(
            DelegationSpec("AZ", "diaspora-committee-azerbaijan"),
            DelegationSpec(
                "KZ", "otandastar", "Daniyar Kadyrov", "President of the \u201cOtandastar Foundation\u201d NJSC"
            ),
            DelegationSpec("KG", "ministry-labour-kyrgyzstan"),
            DelegationSpec("TR", "ytb"),
            DelegationSpec("UZ", "vatandoshlar"),
            DelegationSpec(
                "HU",
                "hungarian-communities-abroad",
                "Lőrinc Nacsa",
                "State Secretary for Hungarian Communities Abroad",
            ),
            DelegationSpec(None, "ots-secretariat", "Kubanychbek Omuraliev", "Secretary-General of the OTS"),
        ),
        named=(
            NamedRegistration("Daniyar Kadyrov", "otandastar", ("KZ", "otandastar")),
            NamedRegistration("Abzal Saparbekuly", "embassy-kazakhstan-hungary", ("KZ", "otandastar")),
            NamedRegistration("Lőrinc Nacsa", "hungarian-communities-abroad", ("HU", "hungarian-communities-abroad")),
            NamedRegistration("Kubanychbek Omuraliev", "ots-secretariat", (None, "ots-secretariat")),
            NamedRegistration("Balázs Hendrich", "ots-budapest-office", (None, "ots-secretariat")),
        ),
    ),
    EventSpec(
        slug="diaspora-capacity-building-2026-vienna",
        title={
            "en": "3rd Diaspora Capacity Building Training Program",
            "kk": "Диаспоралардың әлеуетін арттыру жөніндегі 3-оқу бағдарламасы",
            "ru": "3-я учебная программа по укреплению потенциала диаспор",
            "tr": "3. Diaspora Kapasite Geliştirme Eğitim Programı",
            "az": "3-cü Diaspor Potensialının Gücləndirilməsi Təlim Proqramı",
            "hu": "3. Diaszpóra-kapacitásépítő Képzési Program",
        },
        description={
            "en": (
                "The OTS programme for the diaspora institutions of its member states and observers and for Turkic "
                "diaspora NGOs in Europe and Austria. It opens on 13 January 2026 with a Gala Concert of Turkic "
                "Artists at the MuTh Concert and Theater Hall; the training follows on 14 January at the Azerbaijan "
                "Cultural Center: opening addresses, presentations by the heads of delegations, interactive "
                "sessions, an exchange of experiences and a family photo. It advances the OTS's efforts to build a "
                "more structured, connected and empowered Turkic diaspora network."
            ),
            "ru": (
                "Программа ОТГ для диаспорных институтов государств-членов и наблюдателей и для тюркских "
                "диаспорных НПО Европы и Австрии. 13 января 2026 года — гала-концерт тюркских артистов в зале MuTh, "
                "14 января — обучение в Азербайджанском культурном центре: приветствия, презентации глав делегаций, "
                "интерактивные сессии, обмен опытом и общее фото."
            ),
            "az": (
                "TDT-nin üzv və müşahidəçi dövlətlərin diaspor qurumları, Avropa və Avstriyadakı türk diaspor "
                "QHT-ləri üçün proqramı: 13 yanvar 2026-cı ildə MuTh zalında Türk sənətçilərinin qala konserti, "
                "14 yanvarda Azərbaycan Mədəniyyət Mərkəzində təlim."
            ),
        },
        kind=EventKind.TRAINING,
        organizer="ots-secretariat",
        co_organizers=("azerbaijan-cultural-center-vienna",),
        starts="2026-01-13 19:00",
        ends="2026-01-14 17:00",
        time_zone="Europe/Vienna",
        venue="acc-vienna",
        capacity=120,
        registration_opens="2025-12-01 09:00",
        registration_closes="2026-01-09 18:00",
        sessions=(
            SessionSpec(
                {
                    "en": "Gala Concert of Turkic Artists",
                    "ru": "Гала-концерт тюркских артистов",
                    "kk": "Түркі әртістерінің гала-концерті",
                    "tr": "Türk Sanatçıları Gala Konseri",
                    "az": "Türk sənətçilərinin qala konserti",
                },
                SessionKind.CONCERT,
                "2026-01-13 19:00",
                150,
                venue="muth",
                description={
                    "en": (
                        "Attended by representatives of Vienna-based international organizations, members of the "
                        "diplomatic corps, heads of diaspora institutions of the OTS Member States and Observers, "
                        "and representatives of Turkic diaspora NGOs in Europe and Austria. The Secretary General "
                        "addresses the audience on the unifying power of culture and on cultural diplomacy."
                    )
                },
                speakers=(("Kubanychbek Omuraliev", _OMURALIEV_TITLE),),
            ),
            SessionSpec(
                {"en": "Opening session", "ru": "Открытие", "kk": "Ашылу сессиясы", "tr": "Açılış oturumu"},
                SessionKind.OPENING,
                "2026-01-14 09:30",
                60,
                description={
                    "en": (
                        "The strategic importance of Turkic diasporas as partners in strengthening people-to-people "
                        "ties, promoting the shared cultural heritage of the Turkic World, and enhancing cooperation "
                        "and visibility in Europe."
                    )
                },
                speakers=(
                    ("Kubanychbek Omuraliev", _OMURALIEV_TITLE),
                    (
                        "Rovshan Sadigbayli",
                        "Ambassador, Permanent Representative of the Republic of Azerbaijan to the United Nations "
                        "Office and Other International Organizations in Vienna, representing Azerbaijan\u2019s "
                        "Chairmanship of the OTS",
                    ),
                    ("Gürsel Dönmez", "Ambassador of the Republic of Türkiye to the Republic of Austria"),
                    (
                        "Levent Eler",
                        "Ambassador, Permanent Representative of the Republic of Türkiye to the United Nations "
                        "Office and Other International Organizations in Vienna",
                    ),
                    (
                        "Nurjan Shaildabekova",
                        "Ambassador of the Kyrgyz Republic to the Republic of Austria and Permanent Representative "
                        "to the OSCE and other international organizations in Vienna",
                    ),
                ),
                language="en",
            ),
            SessionSpec(
                {
                    "en": "Presentations by the Heads of Delegations of the OTS Member States and Observers",
                    "ru": "Презентации глав делегаций государств-членов и наблюдателей ОТГ",
                },
                SessionKind.PRESENTATION,
                "2026-01-14 10:45",
                105,
                description={
                    "en": "National approaches, institutional frameworks and best practices in diaspora engagement."
                },
                language="en",
            ),
            SessionSpec(
                {"en": "Interactive sessions", "ru": "Интерактивные сессии", "tr": "Etkileşimli oturumlar"},
                SessionKind.INTERACTIVE,
                "2026-01-14 13:30",
                120,
                description={
                    "en": (
                        "The current state and activities of Turkic diasporas in Europe; strengthening coordination "
                        "and cooperation among diaspora organizations; the role of the diaspora institutions of the "
                        "OTS Member States and Observers in supporting community resilience, youth engagement and "
                        "public diplomacy."
                    )
                },
                language="en",
            ),
            SessionSpec(
                {
                    "en": "Exchange of experiences among diaspora representatives",
                    "ru": "Обмен опытом между представителями диаспор",
                },
                SessionKind.CLOSING,
                "2026-01-14 15:45",
                60,
            ),
            SessionSpec(
                {"en": "Family photo", "ru": "Общее фото", "kk": "Ортақ фото", "tr": "Aile fotoğrafı"},
                SessionKind.PHOTO,
                "2026-01-14 16:45",
                15,
            ),
        ),
        questions=(
            QuestionSpec(
                {"en": "Dietary needs", "ru": "Особенности питания", "kk": "Тамақтану ерекшеліктері"},
                QuestionKind.SINGLE,
                (
                    {"en": "None", "ru": "Нет", "kk": "Жоқ"},
                    {"en": "Vegetarian", "ru": "Вегетарианское", "kk": "Вегетариандық"},
                    {"en": "Halal", "ru": "Халяль", "kk": "Халал"},
                    {"en": "Other (tell us at the desk)", "ru": "Другое (скажите на стойке регистрации)"},
                ),
                required=True,
            ),
            QuestionSpec(
                {"en": "Arrival date in Vienna", "ru": "Дата прибытия в Вену", "kk": "Венаға келу күні"},
                QuestionKind.TEXT,
            ),
            QuestionSpec(
                {
                    "en": "Will you attend the gala concert at the MuTh hall on 13 January?",
                    "ru": "Придёте ли вы на гала-концерт в зале MuTh 13 января?",
                    "kk": "13 қаңтарда MuTh залындағы гала-концертке қатысасыз ба?",
                },
                QuestionKind.YES_NO,
            ),
        ),
        delegations=(
            DelegationSpec("AZ", "diaspora-committee-azerbaijan"),
            DelegationSpec("KZ", "otandastar"),
            DelegationSpec("KG", "ministry-labour-kyrgyzstan"),
            DelegationSpec("TR", "ytb"),
            DelegationSpec("UZ", "vatandoshlar"),
            DelegationSpec("HU", "hungarian-communities-abroad"),
        ),
        audience=Audience(
            chance=lambda c: 0.55 if c.residence in EUROPE else 0.08,
            represent_keeper=True,
            answers=_vienna_answers,
        ),
    ),
    EventSpec(
        slug="ots-ngo-solidarity-forum-2025-baku",
        title={
            "en": "Solidarity Forum of NGOs of the OTS Member States",
            "az": "TDT üzv dövlətlərinin QHT-lərinin Həmrəylik Forumu",
            "kk": "ТМҰ-ға мүше мемлекеттердің ҮЕҰ ынтымақ форумы",
            "ru": "Форум солидарности НПО государств — членов ОТГ",
            "tr": "TDT Üye Devletleri STK'ları Dayanışma Forumu",
        },
        description={
            "en": (
                "The first Solidarity Forum of NGOs from the member countries of the Organization of Turkic States, "
                "on coordination among NGOs, communication mechanisms, analytical and methodological exchange and "
                "joint programmes for human capital and social resilience in the region; with the panel "
                "\u201cAzerbaijan–Kazakhstan NGO Cooperation Forum\u201d."
            ),
            "az": (
                "Türk Dövlətləri Təşkilatına üzv ölkələrin QHT-lərinin ilk Həmrəylik Forumu; "
                "\u201cAzərbaycan–Qazaxıstan QHT Əməkdaşlıq Forumu\u201d paneli ilə."
            ),
            "ru": (
                "Первый Форум солидарности НПО государств — членов Организации тюркских государств с панелью "
                "«Форум сотрудничества НПО Азербайджана и Казахстана»."
            ),
        },
        kind=EventKind.FORUM,
        organizer="ots-secretariat",
        co_organizers=(
            "common-values",
            "public-relations-development",
            "youth-socio-economic-development",
            "future-with-you",
            "community-hub",
            "second-republic",
        ),
        starts="2025-11-24 10:00",
        ends="2025-11-24 18:00",
        time_zone="Asia/Baku",
        venue="baku",
        capacity=200,
        registration_opens="2025-10-20 09:00",
        registration_closes="2025-11-21 18:00",
        sessions=(
            SessionSpec(
                {"en": "Opening of the forum", "az": "Forumun açılışı", "ru": "Открытие форума"},
                SessionKind.OPENING,
                "2025-11-24 10:00",
                60,
            ),
            SessionSpec(
                {
                    "en": "Azerbaijan–Kazakhstan NGO Cooperation Forum",
                    "az": "Azərbaycan–Qazaxıstan QHT Əməkdaşlıq Forumu",
                    "kk": "Әзербайжан–Қазақстан ҮЕҰ ынтымақтастық форумы",
                    "ru": "Форум сотрудничества НПО Азербайджана и Казахстана",
                },
                SessionKind.PANEL,
                "2025-11-24 15:00",
                90,
                description={
                    "en": (
                        "New opportunities for cooperation between civil society in Azerbaijan and Kazakhstan: "
                        "harmonizing public-initiative approaches, experience-sharing, an open academy for cultural "
                        "heritage preservation, joint action on the Caspian Sea's shallowing, new joint projects "
                        "across the Turkic world."
                    )
                },
                speakers=(
                    ("Zhansayo Ismagulova", "Chair of Kazakhstan's Future with You Republican Public Association"),
                    ("Assiya Tikeyeva", "Director of Kazakhstan's Community Hub Public Foundation"),
                    ("Ayan Turekulov", "Head of Kazakhstan's Second Republic Public Foundation"),
                    ("Agil Jamal", "Chairman of Azerbaijan's Common Values Public Union"),
                    ("Shalala Hasanova", "Chair of the Support for the Development of Public Relations Public Union"),
                    (
                        "Hajibay Heydarli",
                        "Member of the Public Union for Supporting the Socio-Economic Development of Youth",
                    ),
                ),
            ),
        ),
        named=(
            NamedRegistration("Zhansayo Ismagulova", "future-with-you"),
            NamedRegistration("Assiya Tikeyeva", "community-hub"),
            NamedRegistration("Ayan Turekulov", "second-republic"),
            NamedRegistration("Agil Jamal", "common-values"),
            NamedRegistration("Shalala Hasanova", "public-relations-development"),
            NamedRegistration("Hajibay Heydarli", "youth-socio-economic-development"),
        ),
        audience=Audience(chance=lambda c: 0.3 if c.residence in {"KZ", "TR", "UZ", "KG"} else 0.04),
    ),
    EventSpec(
        slug="otandas-scholars-forum-2025",
        title={
            "en": "Otandas Scholars Forum",
            "kk": "Otandas Scholars Forum — отандас ғалымдар форумы",
            "ru": "Форум учёных-соотечественников Otandas Scholars Forum",
            "tr": "Otandas Scholars Forum",
        },
        description={
            "en": (
                "Otandastar's forum of the intellectual diaspora in Astana: more than 40 foreign scholars and around "
                "100 Kazakhstani researchers, for cooperation with the intellectual diaspora, scientific exchange "
                "and the development of international academic connections."
            ),
            "kk": (
                "«Отандастар қорының» Астанадағы зияткер диаспора форумы: 40-тан астам шетелдік ғалым және 100-ге "
                "жуық қазақстандық зерттеуші; ғылыми алмасу және халықаралық академиялық байланыстар."
            ),
            "ru": (
                "Форум интеллектуальной диаспоры фонда «Отандастар» в Астане: более 40 зарубежных учёных и около "
                "100 казахстанских исследователей; научный обмен и международные академические связи."
            ),
        },
        kind=EventKind.FORUM,
        organizer="otandastar",
        starts="2025-11-21 10:00",
        ends="2025-11-21 18:00",
        time_zone="Asia/Almaty",
        venue="astana",
        capacity=140,
        registration_opens="2025-10-01 09:00",
        registration_closes="2025-11-14 18:00",
        categories=(
            ({"en": "Foreign scholars", "kk": "Шетелдік ғалымдар", "ru": "Зарубежные учёные"}, 40),
            (
                {
                    "en": "Kazakhstani researchers",
                    "kk": "Қазақстандық зерттеушілер",
                    "ru": "Казахстанские исследователи",
                },
                100,
            ),
        ),
        sessions=(
            SessionSpec(
                {"en": "Opening of the forum", "kk": "Форумның ашылуы", "ru": "Открытие форума"},
                SessionKind.OPENING,
                "2025-11-21 10:00",
                60,
                language="kk",
            ),
            SessionSpec(
                {
                    "en": "Cooperation with the intellectual diaspora",
                    "kk": "Зияткер диаспорамен ынтымақтастық",
                    "ru": "Сотрудничество с интеллектуальной диаспорой",
                },
                SessionKind.PLENARY,
                "2025-11-21 11:15",
                105,
            ),
            SessionSpec(
                {
                    "en": "Scientific exchange and international academic connections",
                    "kk": "Ғылыми алмасу және халықаралық академиялық байланыстар",
                    "ru": "Научный обмен и международные академические связи",
                },
                SessionKind.PANEL,
                "2025-11-21 14:00",
                120,
            ),
        ),
        audience=Audience(
            chance=lambda c: 1.0 if c.kazakhstani else 0.35,
            category=lambda c: 1 if c.kazakhstani else 0,
            waitlist_limit=4,
            attend=0.9,
            cancel=0.02,
        ),
    ),
    EventSpec(
        slug="kurultai-istanbul-2021",
        title={
            "en": "Kurultai of the Kazakh community of Türkiye and Europe",
            "kk": "Түркия мен Еуропа қазақтарының құрылтайы",
            "ru": "Курултай казахской общины Турции и Европы",
            "tr": "Türkiye ve Avrupa Kazak Topluluğu Kurultayı",
        },
        description={
            "en": (
                "A traditional kurultai (assembly) in Istanbul of more than 100 representatives of the Kazakh "
                "community from Türkiye and Europe, on the most relevant issues facing the Kazakh diaspora abroad. "
                "The Tattimbet Academic Orchestra of Kazakh traditional musical instruments performed for the guests."
            ),
            "kk": (
                "Ыстамбұлда Түркия мен Еуропадағы қазақ қауымдастығының 100-ден астам өкілінің дәстүрлі құрылтайы. "
                "Қонақтарға Таттімбет атындағы қазақ халық аспаптары академиялық оркестрі өнер көрсетті."
            ),
            "ru": (
                "Традиционный курултай в Стамбуле: более 100 представителей казахской общины Турции и Европы "
                "обсудили актуальные вопросы казахской диаспоры. Для гостей выступил Академический оркестр "
                "казахских народных инструментов имени Таттимбета."
            ),
            "tr": (
                "İstanbul'da Türkiye ve Avrupa'daki Kazak topluluğunun 100'den fazla temsilcisinin katıldığı "
                "geleneksel kurultay. Konuklara Tattimbet Kazak Geleneksel Çalgılar Akademik Orkestrası çaldı."
            ),
        },
        kind=EventKind.ASSEMBLY,
        organizer="kazakh-centre-istanbul",
        co_organizers=("abai-uii",),
        starts="2021-09-25 10:00",
        ends="2021-09-25 20:00",
        time_zone="Europe/Istanbul",
        venue="istanbul",
        capacity=150,
        registration_opens="2021-08-01 09:00",
        registration_closes="2021-09-20 18:00",
        sessions=(
            SessionSpec(
                {"en": "Opening of the kurultai", "kk": "Құрылтайдың ашылуы", "tr": "Kurultayın açılışı"},
                SessionKind.OPENING,
                "2021-09-25 10:00",
                60,
                language="kk",
            ),
            SessionSpec(
                {
                    "en": "The most relevant issues facing the Kazakh diaspora abroad",
                    "kk": "Шетелдегі қазақ диаспорасының өзекті мәселелері",
                    "ru": "Актуальные вопросы казахской диаспоры за рубежом",
                    "tr": "Yurt dışındaki Kazak diasporasının güncel sorunları",
                },
                SessionKind.PLENARY,
                "2021-09-25 11:15",
                225,
                language="kk",
            ),
            SessionSpec(
                {
                    "en": "Concert of the Tattimbet Academic Orchestra of Kazakh traditional musical instruments",
                    "kk": "Таттімбет атындағы қазақ халық аспаптары академиялық оркестрінің концерті",
                    "ru": "Концерт Академического оркестра казахских народных инструментов имени Таттимбета",
                    "tr": "Tattimbet Kazak Geleneksel Çalgılar Akademik Orkestrası konseri",
                },
                SessionKind.CONCERT,
                "2021-09-25 18:00",
                120,
            ),
        ),
        audience=Audience(
            chance=lambda c: 0.95 if c.residence == "TR" else (0.7 if c.residence in EUROPE else 0.0),
            represent_keeper=True,
        ),
    ),
    EventSpec(
        slug="online-kazakhstan-film-week-london-2021",
        title={
            "en": "Online Kazakhstan Film Week",
            "kk": "Қазақстан киносының онлайн апталығы",
            "ru": "Онлайн-неделя казахстанского кино",
        },
        description={
            "en": (
                "A week of Kazakhstani films online, opened in London, among the events the Kazakh embassies "
                "organized online and offline in the year of the 30th anniversary of Kazakhstan's independence."
            ),
            "ru": (
                "Неделя казахстанского кино онлайн, открытая в Лондоне, — одно из мероприятий казахстанских "
                "посольств в год 30-летия независимости Казахстана."
            ),
            "kk": (
                "Лондонда ашылған қазақстандық фильмдердің онлайн апталығы — Тәуелсіздіктің 30 жылдығы жылы "
                "Қазақстан елшіліктері өткізген іс-шаралардың бірі."
            ),
        },
        kind=EventKind.FILM_WEEK,
        organizer="mfa-kazakhstan",
        starts="2021-11-22 19:00",
        ends="2021-11-28 22:00",
        time_zone="Europe/London",
        venue=None,
        online_url="https://film-week.example.org/kazakhstan-2021",
        registration_opens="2021-11-01 09:00",
        sessions=(
            SessionSpec(
                {"en": "Opening of the film week", "ru": "Открытие недели кино", "kk": "Кино апталығының ашылуы"},
                SessionKind.OPENING,
                "2021-11-22 19:00",
                45,
                language="en",
            ),
            SessionSpec(
                {"en": "Online screenings", "ru": "Онлайн-показы", "kk": "Онлайн көрсетілімдер"},
                SessionKind.SCREENING,
                "2021-11-22 20:00",
                6 * 24 * 60 + 120,
            ),
        ),
        audience=Audience(
            chance=lambda c: 0.9 if c.residence == "GB" else (0.2 if c.residence in EUROPE | {"US"} else 0.03),
            attend=0.7,
            cancel=0.0,
        ),
    ),
    EventSpec(
        slug="kazakh-talk-club-2027-08",
        title={
            "en": "Kazakh language talk club (August 2027)",
            "kk": "Қазақ тілі сөйлесу клубы (2027 жылғы тамыз)",
            "ru": "Разговорный клуб казахского языка (август 2027)",
            "tr": "Kazakça konuşma kulübü (Ağustos 2027)",
        },
        description={
            "en": (
                "An online talk club of Otandastar's Kazakh language courses, as the talk clubs held in August and "
                "December: an hour and a half of conversation in Kazakh for compatriots abroad at any level."
            ),
            "kk": (
                "«Отандастар қорының» қазақ тілі курстарының онлайн сөйлесу клубы: шетелдегі отандастарға арналған "
                "бір жарым сағаттық қазақша әңгіме."
            ),
            "ru": (
                "Онлайн разговорный клуб курсов казахского языка фонда «Отандастар»: полтора часа разговора на "
                "казахском для соотечественников за рубежом."
            ),
        },
        kind=EventKind.TALK,
        organizer="otandastar",
        starts="2027-08-14 15:00",
        ends="2027-08-14 16:30",
        time_zone="Asia/Almaty",
        venue=None,
        online_url="https://talk-club.example.org/kazakh-2027-08",
        capacity=30,
        registration_closes="2027-08-13 18:00",
        sessions=(
            SessionSpec(
                {"en": "Conversation in Kazakh", "kk": "Қазақша әңгіме", "ru": "Разговор на казахском"},
                SessionKind.OTHER,
                "2027-08-14 15:00",
                90,
                language="kk",
            ),
        ),
        audience=Audience(chance=lambda c: 0.08, cancel=0.05, exclude_compatriot=True),
    ),
)

# --- loading ----------------------------------------------------------------------------------------------------


def _at(local: str, zone: str) -> dt.datetime:
    return dt.datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)


def _load_venues(countries: dict[str, Country]) -> dict[str, Venue]:
    result = {}
    for key, spec in VENUES.items():
        result[key], _created = upsert(
            Venue,
            {"name": spec.name, "city": spec.city},
            {"address": spec.address, "country": countries[spec.country], "time_zone": spec.time_zone},
        )
    return result


def _named_people() -> dict[str, Person]:
    """The people the registry demo loads from the seeds (no e-mail, found by name)."""
    names = {name for spec in EVENTS for name in _names_in(spec)}
    found: dict[str, Person] = {}
    for person in Person.objects.filter(display_name__in=names, email="", erased_at__isnull=True).order_by("id"):
        found.setdefault(person.display_name, person)
    missing = sorted(names - set(found))
    if missing:
        raise LookupError(f"The registry demo has not loaded {', '.join(missing)}; run the whole `tamyr demo`.")
    return found


def _names_in(spec: EventSpec) -> set[str]:
    names = set(spec.co_chairs) | {n.name for n in spec.named} | {d.head for d in spec.delegations if d.head}
    return names | {name for session in spec.sessions for name, _title in session.speakers}


def _candidates() -> list[Candidate]:
    rows = (
        Person.objects.filter(email__startswith="demo.person.", email__endswith="@example.org", erased_at__isnull=True)
        .order_by("email", "id")
        .values_list("id", "email", "residence_country_id", "registered_by_id")
    )
    citizenships: dict[int, set[str]] = defaultdict(set)
    through = Person.citizenships.through.objects.filter(person__email__startswith="demo.person.")
    for person_id, code in through.values_list("person_id", "country_id"):
        citizenships[person_id].add(code)
    result, seen = [], set()
    for person_id, email, residence, keeper in rows:
        number_text = email.removeprefix("demo.person.").removesuffix("@example.org")
        if not number_text.isdigit() or email in seen:
            continue
        seen.add(email)
        result.append(
            Candidate(person_id, int(number_text), residence or "", frozenset(citizenships[person_id]), keeper)
        )
    return result


def _sync_event(
    spec: EventSpec, organizations: dict[str, Organization], venues: dict[str, Venue], named: dict[str, Person]
) -> tuple[Event, bool]:
    values: dict[str, Any] = {
        "title": spec.title,
        "description": spec.description,
        "kind": spec.kind,
        "status": EventStatus.PUBLISHED,
        "is_public": spec.is_public,
        "organizer": organizations[spec.organizer],
        "venue": venues[spec.venue] if spec.venue else None,
        "online_url": spec.online_url,
        "time_zone": spec.time_zone,
        "starts_at": _at(spec.starts, spec.time_zone),
        "ends_at": _at(spec.ends, spec.time_zone),
        "capacity": spec.capacity,
        "registration_opens_at": _at(spec.registration_opens, spec.time_zone) if spec.registration_opens else None,
        "registration_closes_at": _at(spec.registration_closes, spec.time_zone) if spec.registration_closes else None,
        "cancellation_closes_at": None,
        "requires_approval": False,
        "waiting_list": True,
    }
    event, created = upsert(Event, {"slug": spec.slug}, values)
    wanted_co = {organizations[slug].pk for slug in spec.co_organizers}
    if set(event.co_organizers.values_list("pk", flat=True)) != wanted_co:
        event.co_organizers.set(wanted_co)
    wanted_chairs = {named[name].pk for name in spec.co_chairs}
    if set(event.co_chairs.values_list("pk", flat=True)) != wanted_chairs:
        event.co_chairs.set(wanted_chairs)
    return event, created


def _sync_sessions(event: Event, spec: EventSpec, venues: dict[str, Venue], named: dict[str, Person]) -> None:
    """Replace the timetable when it differs from the spec, so an unchanged one keeps its rows."""

    def zone_of(session: SessionSpec) -> str:
        return VENUES[session.venue].time_zone if session.venue else spec.time_zone

    wanted = []
    for session in spec.sessions:
        starts = _at(session.starts, zone_of(session))
        venue = venues[session.venue] if session.venue else event.venue
        speakers = tuple((named[name].pk, title, order) for order, (name, title) in enumerate(session.speakers))
        wanted.append(
            (
                session.title,
                session.description,
                session.kind,
                starts,
                starts + dt.timedelta(minutes=session.minutes),
                venue.pk if venue else None,
                "",
                session.language,
                speakers,
            )
        )
    current = []
    sessions = Session.objects.filter(event=event).order_by("starts_at", "id").prefetch_related("speakers")
    for row in sessions:
        speakers = tuple(
            (s.person_id, s.title_at_event, s.order) for s in sorted(row.speakers.all(), key=lambda s: (s.order, s.pk))
        )
        current.append(
            (
                row.title,
                row.description,
                row.kind,
                row.starts_at,
                row.ends_at,
                row.venue_id,
                row.room,
                row.language,
                speakers,
            )
        )
    if current == wanted:
        return
    Session.objects.filter(event=event).delete()
    created = Session.objects.bulk_create(
        Session(
            event=event,
            title=title,
            description=description,
            kind=kind,
            starts_at=starts,
            ends_at=ends,
            venue_id=venue_id,
            room=room,
            language=language,
        )
        for title, description, kind, starts, ends, venue_id, room, language, _speakers in wanted
    )
    SessionSpeaker.objects.bulk_create(
        SessionSpeaker(session=session, person_id=person_id, title_at_event=title, order=order)
        for session, row in zip(created, wanted, strict=True)
        for person_id, title, order in row[-1]
    )


def _sync_categories(event: Event, spec: EventSpec) -> list[RegistrationCategory]:
    result = []
    for order, (name, capacity) in enumerate(spec.categories):
        category, _created = upsert(
            RegistrationCategory, {"event": event, "order": order}, {"name": name, "capacity": capacity}
        )
        result.append(category)
    return result


def _sync_questions(event: Event, spec: EventSpec) -> dict[int, int]:
    """Questions by their place in the form; returns {index: question id}."""
    result = {}
    for order, question in enumerate(spec.questions):
        row, _created = upsert(
            Question,
            {"event": event, "order": order},
            {
                "label": question.label,
                "kind": question.kind,
                "choices": [dict(c) for c in question.choices],
                "required": question.required,
            },
        )
        result[order] = row.pk
    Question.objects.filter(event=event, order__gte=len(spec.questions)).delete()
    return result


def _sync_delegations(
    event: Event,
    spec: EventSpec,
    organizations: dict[str, Organization],
    countries: dict[str, Country],
    named: dict[str, Person],
) -> dict[Any, Delegation]:
    result = {}
    for delegation in spec.delegations:
        lookup = {
            "event": event,
            "country": countries[delegation.country] if delegation.country else None,
            "organization": organizations[delegation.organization] if delegation.organization else None,
        }
        values = {
            "head": named[delegation.head] if delegation.head else None,
            "head_title": delegation.head_title,
            "size_limit": delegation.size_limit,
        }
        result[(delegation.country, delegation.organization)], _created = upsert(Delegation, lookup, values)
    return result


@dataclass
class _Wanted:
    person_id: int
    status: str
    registered_at: dt.datetime
    category_id: int | None = None
    delegation_id: int | None = None
    organization_id: int | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    language: str = ""
    checked_in_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None

    def fields(self) -> dict[str, Any]:
        confirmed = self.status == RegistrationStatus.CONFIRMED
        return {
            "status": self.status,
            "category_id": self.category_id,
            "delegation_id": self.delegation_id,
            "organization_id": self.organization_id,
            "answers": self.answers,
            "language": self.language,
            "registered_by_id": None,
            "confirmed_at": self.registered_at if confirmed else None,
            "waitlisted_at": self.registered_at if self.status == RegistrationStatus.WAITLISTED else None,
            "cancelled_at": self.cancelled_at,
            "checked_in_at": self.checked_in_at,
        }


LANGUAGE_OF_RESIDENCE = {
    "KZ": "kk",
    "TR": "tr",
    "HU": "hu",
    "AZ": "az",
    "UZ": "uz",
    "KG": "ky",
    "RU": "ru",
    "BY": "ru",
    "UA": "ru",
    "MN": "kk",
    "IR": "kk",
}


def _wanted_registrations(
    event: Event,
    spec: EventSpec,
    seed: int,
    candidates: Sequence[Candidate],
    categories: Sequence[RegistrationCategory],
    questions: dict[int, int],
    delegations: dict[Any, Delegation],
    named: dict[str, Person],
    organizations: dict[str, Organization],
    others_confirmed: Counter[int | None],
) -> list[_Wanted]:
    """Who registers, in the order they did, with seats given first come first served."""
    past = event.ends_at < dt.datetime.now(dt.UTC)
    opens = event.registration_opens_at or (event.starts_at - dt.timedelta(days=45))
    closes = event.registration_closes_at or (event.starts_at - dt.timedelta(days=1))
    span = max((closes - opens).total_seconds(), 3600.0)
    wanted: list[_Wanted] = []
    for index, entry in enumerate(spec.named):
        delegation = delegations.get(entry.delegation) if entry.delegation else None
        wanted.append(
            _Wanted(
                person_id=named[entry.name].pk,
                status=RegistrationStatus.CONFIRMED,
                registered_at=opens + dt.timedelta(hours=index),
                delegation_id=delegation.pk if delegation else None,
                organization_id=organizations[entry.organization].pk,
                checked_in_at=event.starts_at - dt.timedelta(minutes=30 - index) if past else None,
            )
        )
    audience = spec.audience
    if audience is None:
        return wanted
    drawn = []
    for candidate in candidates:
        if audience.exclude_compatriot and candidate.number == COMPATRIOT_NUMBER:
            continue
        rng = random.Random(f"tamyr-demo-events:{seed}:{spec.slug}:{candidate.number}")
        if rng.random() >= audience.chance(candidate):
            continue
        moment = opens + dt.timedelta(seconds=int(rng.random() * span))
        drawn.append((moment, candidate.number, candidate, rng))
    drawn.sort(key=lambda row: (row[0], row[1]))

    confirmed: Counter[int | None] = Counter(others_confirmed)
    waiting: Counter[int | None] = Counter()
    total_confirmed = sum(others_confirmed.values()) + len(wanted)
    for moment, _number, candidate, rng in drawn:
        category = categories[audience.category(candidate)] if categories else None
        key = category.pk if category else None
        cancels = rng.random() < audience.cancel
        attends = rng.random() < audience.attend
        answers = audience.answers(rng, questions) if audience.answers else {}
        event_full = event.capacity is not None and total_confirmed >= event.capacity
        category_full = category is not None and category.capacity is not None and confirmed[key] >= category.capacity
        if cancels:
            status = RegistrationStatus.CANCELLED
        elif not event_full and not category_full:
            status = RegistrationStatus.CONFIRMED
        elif waiting[key] < audience.waitlist_limit:
            status = RegistrationStatus.WAITLISTED
        else:
            continue  # full, and the waiting list already long: this person did not register
        if status == RegistrationStatus.CONFIRMED:
            confirmed[key] += 1
            total_confirmed += 1
        elif status == RegistrationStatus.WAITLISTED:
            waiting[key] += 1
        checked_in = None
        if past and status == RegistrationStatus.CONFIRMED and attends:
            checked_in = event.starts_at - dt.timedelta(minutes=5 + int(rng.random() * 40))
        wanted.append(
            _Wanted(
                person_id=candidate.person_id,
                status=status,
                registered_at=moment,
                category_id=key,
                organization_id=candidate.registered_by_id if audience.represent_keeper else None,
                answers=answers,
                language=LANGUAGE_OF_RESIDENCE.get(candidate.residence, "en"),
                checked_in_at=checked_in,
                cancelled_at=moment + dt.timedelta(days=2) if status == RegistrationStatus.CANCELLED else None,
            )
        )
    return wanted


def _sync_registrations(event: Event, wanted: list[_Wanted], managed: set[int]) -> tuple[int, int]:
    """Create, change or remove the registrations of the people the demo manages; others' stay as they are."""
    existing = {r.person_id: r for r in Registration.objects.filter(event=event, person_id__in=managed)}
    by_person = {w.person_id: w for w in wanted}
    stale = [r.pk for person_id, r in existing.items() if person_id not in by_person]
    if stale:
        Registration.objects.filter(pk__in=stale).delete()
    new: list[Registration] = []
    changed: list[Registration] = []
    names: set[str] = set()
    for item in wanted:
        values = item.fields()
        registration = existing.get(item.person_id)
        if registration is None:
            registration = Registration(event=event, person_id=item.person_id, **values)
            new.append(registration)
            continue
        diff = [name for name, value in values.items() if getattr(registration, name) != value]
        if diff:
            for name in diff:
                setattr(registration, name, values[name])
            names.update(diff)
            changed.append(registration)
    Registration.objects.bulk_create(new)
    # registered when the demo says, not when the demo ran (bulk_update leaves auto_now_add alone)
    for registration in new:
        registration.created_at = by_person[registration.person_id].registered_at
    if new:
        Registration.objects.bulk_update(new, ["created_at"])
    if changed:
        Registration.objects.bulk_update(changed, sorted(names))
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            actor_label="system",
            action=action,
            target_type=Registration._meta.label_lower,
            target_id=str(r.pk),
            target_label=f"{r.code} — {event.slug}",
            data={"source": "demo", "status": r.status},
        )
        for action, rows in (("events.registration_created", new), ("events.registration_changed", changed))
        for r in rows
    )
    return len(new), len(changed)


def build(*, seed: int) -> dict[str, int]:
    """Load or bring up to date the seeds' events; returns counts to print."""
    slugs = {spec.organizer for spec in EVENTS} | {slug for spec in EVENTS for slug in spec.co_organizers}
    slugs |= {d.organization for spec in EVENTS for d in spec.delegations if d.organization}
    slugs |= {n.organization for spec in EVENTS for n in spec.named}
    organizations = Organization.objects.in_bulk(sorted(slugs), field_name="slug")
    missing = sorted(slugs - set(organizations))
    if missing:
        raise LookupError(f"The registry demo has not loaded {', '.join(missing)}; run the whole `tamyr demo`.")
    countries = Country.objects.in_bulk(field_name="code")
    venues = _load_venues(countries)
    named = _named_people()
    candidates = _candidates()

    events: list[Event] = []
    created_events: list[Event] = []
    for spec in EVENTS:
        event, created = _sync_event(spec, organizations, venues, named)
        events.append(event)
        if created:
            created_events.append(event)
        _sync_sessions(event, spec, venues, named)
        categories = _sync_categories(event, spec)
        questions = _sync_questions(event, spec)
        delegations = _sync_delegations(event, spec, organizations, countries, named)
        excluded = COMPATRIOT_NUMBER if spec.audience and spec.audience.exclude_compatriot else None
        managed = {c.person_id for c in candidates if c.number != excluded}
        managed |= {named[entry.name].pk for entry in spec.named}
        others: Counter[int | None] = Counter(
            dict(
                Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
                .exclude(person_id__in=managed)
                .values_list("category")
                .annotate(n=Count("id"))
                .values_list("category", "n")
            )
        )
        wanted = _wanted_registrations(
            event, spec, seed, candidates, categories, questions, delegations, named, organizations, others
        )
        _sync_registrations(event, wanted, managed)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            actor_label="system",
            action="events.event_created",
            target_type=Event._meta.label_lower,
            target_id=str(event.pk),
            target_label=event.display_title[:300],
            data={"source": "demo"},
        )
        for event in created_events
    )

    registrations = Registration.objects.filter(event__in=events)
    return {
        "events": len(events),
        "sessions": Session.objects.filter(event__in=events).count(),
        "speakers": SessionSpeaker.objects.filter(session__event__in=events).count(),
        "delegations": Delegation.objects.filter(event__in=events).count(),
        "registrations": registrations.count(),
        "confirmed": registrations.filter(status=RegistrationStatus.CONFIRMED).count(),
        "waitlisted": registrations.filter(status=RegistrationStatus.WAITLISTED).count(),
        "checked in": registrations.filter(checked_in_at__isnull=False).count(),
    }
