"""The network of the seed pages: real institutions, the three networks they form, and the people named there.

Why real names: the demo is shown to the institutions themselves, and they should recognise their own network.
Names are given in the interface languages only where the translation is the institution's own or a plain
rendering of a descriptive name; where the native name of a small NGO is not known to us it stays English only
(the interface falls back to English) rather than inventing one. The Kazakh cultural centres abroad that the
seeds mention only by country get plain descriptive names, never made-up proper names.

The loaders go through the registry services where those exist (organizations, people), so the demo writes the
same audit rows and search keys as the interface does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from tamyr.registry import services
from tamyr.registry.models import (
    Affiliation,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Country,
    Gender,
    MembershipRole,
    Network,
    NetworkMembership,
    Organization,
    OrganizationKind,
    Person,
)

# --- organizations ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationSpec:
    slug: str
    kind: str
    name: dict[str, str]
    description: dict[str, str]
    country: str | None
    city: str = ""
    short_name: str = ""
    parent: str | None = None
    website: str = ""


_KURULTAI_EN = (
    "Demo record standing for the Kazakh community's cultural centre in {place}. The seed pages report that, "
    "after the kurultai (assembly) of more than 100 representatives of the Kazakh community of Türkiye and Europe "
    "in Istanbul, similar assemblies were held in Iran, Russia, Uzbekistan, Mongolia and Japan. In the demo it is "
    "a member of the Abai Uii network of Kazakh cultural centres abroad."
)
_KURULTAI_KK = (
    "{place} қазақ қауымдастығының мәдени орталығын білдіретін демо жазба. Ыстамбұлда Түркия мен Еуропа "
    "қазақтарының 100-ден астам өкілі қатысқан құрылтайдан кейін осындай жиындар Иранда, Ресейде, Өзбекстанда, "
    "Моңғолияда және Жапонияда өтті. Демода ол Абай үйінің шетелдегі қазақ мәдени орталықтары желісінің мүшесі."
)
_KURULTAI_RU = (
    "Демонстрационная запись, представляющая культурный центр казахской общины ({place}). После курултая более "
    "100 представителей казахской общины Турции и Европы в Стамбуле подобные собрания прошли в Иране, России, "
    "Узбекистане, Монголии и Японии. В демо центр входит в сеть казахских культурных центров за рубежом «Абай үйі»."
)


def _kurultai_centre(
    slug: str, country: str, city: str, name: dict[str, str], place_en: str, place_kk: str, place_ru: str
) -> OrganizationSpec:
    """The cultural centres share one description: the seeds say the same about each of them."""
    return OrganizationSpec(
        slug=slug,
        kind=OrganizationKind.CULTURAL_CENTRE,
        name=name,
        description={
            "en": _KURULTAI_EN.format(place=place_en),
            "kk": _KURULTAI_KK.format(place=place_kk),
            "ru": _KURULTAI_RU.format(place=place_ru),
        },
        country=country,
        city=city,
    )


ORGANIZATIONS: tuple[OrganizationSpec, ...] = (
    OrganizationSpec(
        slug="ots-secretariat",
        kind=OrganizationKind.INTERNATIONAL_ORGANIZATION,
        short_name="OTS",
        country="TR",
        city="Istanbul",
        website="https://www.turkicstates.org/",
        name={
            "en": "Secretariat of the Organization of Turkic States",
            "kk": "Түркі мемлекеттері ұйымының Хатшылығы",
            "ru": "Секретариат Организации тюркских государств",
            "tr": "Türk Devletleri Teşkilatı Genel Sekreterliği",
            "az": "Türk Dövlətləri Təşkilatının Katibliyi",
            "uz": "Turkiy davlatlar tashkiloti Kotibiyati",
            "ky": "Түрк мамлекеттеринин уюмунун Катчылыгы",
            "hu": "A Türk Államok Szervezetének Titkársága",
        },
        description={
            "en": (
                "Permanent secretariat of the Organization of Turkic States, headed by the Secretary-General. It "
                "coordinates the cooperation of the diaspora institutions of the member states (Azerbaijan, "
                "Kazakhstan, Kyrgyzstan, Türkiye, Uzbekistan) and of observers such as Hungary, convenes the "
                "meetings of ministers and heads of diaspora institutions and runs the Diaspora Capacity Building "
                "Training Programs."
            ),
            "kk": (
                "Түркі мемлекеттері ұйымының Бас хатшы басқаратын тұрақты хатшылығы. Мүше мемлекеттердің "
                "(Әзербайжан, Қазақстан, Қырғызстан, Түркия, Өзбекстан) және Венгрия сияқты бақылаушылардың "
                "диаспора институттарының ынтымақтастығын үйлестіреді, министрлер мен диаспора институттары "
                "басшыларының кездесулерін шақырады және диаспоралардың әлеуетін арттыру бағдарламаларын өткізеді."
            ),
            "ru": (
                "Постоянный секретариат Организации тюркских государств во главе с Генеральным секретарём. "
                "Координирует сотрудничество диаспорных институтов государств-членов (Азербайджан, Казахстан, "
                "Кыргызстан, Турция, Узбекистан) и наблюдателей, в том числе Венгрии, созывает встречи министров и "
                "руководителей диаспорных институтов и проводит программы по укреплению потенциала диаспор."
            ),
            "tr": (
                "Genel Sekreterin başkanlık ettiği Türk Devletleri Teşkilatı'nın daimî sekreteryası. Üye devletlerin "
                "(Azerbaycan, Kazakistan, Kırgızistan, Türkiye, Özbekistan) ve Macaristan gibi gözlemcilerin "
                "diaspora kurumları arasındaki iş birliğini koordine eder, bakanlar ve diaspora kurumları "
                "başkanları toplantılarını düzenler ve Diaspora Kapasite Geliştirme Eğitim Programlarını yürütür."
            ),
            "az": (
                "Baş katibin rəhbərlik etdiyi Türk Dövlətləri Təşkilatının daimi katibliyi. Üzv dövlətlərin "
                "(Azərbaycan, Qazaxıstan, Qırğızıstan, Türkiyə, Özbəkistan) və Macarıstan kimi müşahidəçilərin "
                "diaspor qurumları arasında əməkdaşlığı əlaqələndirir, nazirlərin və diaspor qurumları "
                "rəhbərlərinin görüşlərini çağırır və diasporun potensialının gücləndirilməsi üzrə təlim "
                "proqramları keçirir."
            ),
            "uz": (
                "Bosh kotib boshchiligidagi Turkiy davlatlar tashkilotining doimiy kotibiyati. Aʼzo davlatlar "
                "(Ozarbayjon, Qozogʻiston, Qirgʻiziston, Turkiya, Oʻzbekiston) va Vengriya kabi kuzatuvchilarning "
                "diaspora institutlari oʻrtasidagi hamkorlikni muvofiqlashtiradi, vazirlar va diaspora institutlari "
                "rahbarlari uchrashuvlarini chaqiradi hamda diasporalar salohiyatini oshirish dasturlarini oʻtkazadi."
            ),
            "ky": (
                "Башкы катчы жетектеген Түрк мамлекеттеринин уюмунун туруктуу катчылыгы. Мүчө мамлекеттердин "
                "(Азербайжан, Казакстан, Кыргызстан, Түркия, Өзбекстан) жана Венгрия сыяктуу байкоочулардын "
                "диаспора институттарынын кызматташтыгын координациялайт, министрлердин жана диаспора "
                "институттарынын жетекчилеринин жолугушууларын чакырат, диаспоралардын потенциалын чыңдоо "
                "программаларын өткөрөт."
            ),
            "hu": (
                "A Türk Államok Szervezetének állandó titkársága, élén a főtitkárral. Összehangolja a tagállamok "
                "(Azerbajdzsán, Kazahsztán, Kirgizisztán, Törökország, Üzbegisztán) és a megfigyelők, köztük "
                "Magyarország diaszpóraintézményeinek együttműködését, összehívja a miniszterek és a "
                "diaszpóraintézmények vezetőinek találkozóit, és diaszpóra-kapacitásépítő képzéseket szervez."
            ),
        },
    ),
    OrganizationSpec(
        slug="ots-budapest-office",
        kind=OrganizationKind.INTERNATIONAL_ORGANIZATION,
        parent="ots-secretariat",
        country="HU",
        city="Budapest",
        name={
            "en": "Organization of Turkic States Office in Budapest",
            "kk": "Түркі мемлекеттері ұйымының Будапешттегі кеңсесі",
            "ru": "Офис Организации тюркских государств в Будапеште",
            "tr": "Türk Devletleri Teşkilatı Budapeşte Ofisi",
            "az": "Türk Dövlətləri Təşkilatının Budapeşt ofisi",
            "uz": "Turkiy davlatlar tashkilotining Budapeshtdagi ofisi",
            "ky": "Түрк мамлекеттеринин уюмунун Будапешттеги кеңсеси",
            "hu": "A Türk Államok Szervezetének Budapesti Irodája",
        },
        description={
            "en": (
                "The office of the Organization of Turkic States in Budapest, led by an Executive Director. Its "
                "Executive Director attended the 7th meeting of ministers and heads of diaspora institutions of the "
                "OTS in Budapest in December 2025, the first high-level diaspora event of the OTS held in Hungary."
            ),
            "hu": (
                "A Türk Államok Szervezetének budapesti irodája, élén ügyvezető igazgatóval. Ügyvezető igazgatója "
                "részt vett a TÁSZ diaszpóraügyi minisztereinek és diaszpóraintézmény-vezetőinek 7. ülésén "
                "Budapesten 2025 decemberében, a szervezet első Magyarországon tartott magas szintű diaszpóraügyi "
                "rendezvényén."
            ),
            "ru": (
                "Офис Организации тюркских государств в Будапеште во главе с исполнительным директором. Директор "
                "офиса участвовал в 7-й встрече министров и руководителей диаспорных институтов ОТГ в Будапеште в "
                "декабре 2025 года — первом диаспорном мероприятии ОТГ высокого уровня в Венгрии."
            ),
        },
    ),
    OrganizationSpec(
        slug="mfa-kazakhstan",
        kind=OrganizationKind.STATE_DIASPORA_INSTITUTION,
        country="KZ",
        city="Astana",
        name={
            "en": "Ministry of Foreign Affairs of the Republic of Kazakhstan",
            "kk": "Қазақстан Республикасы Сыртқы істер министрлігі",
            "ru": "Министерство иностранных дел Республики Казахстан",
            "tr": "Kazakistan Cumhuriyeti Dışişleri Bakanlığı",
            "az": "Qazaxıstan Respublikasının Xarici İşlər Nazirliyi",
            "uz": "Qozogʻiston Respublikasi Tashqi ishlar vazirligi",
            "ky": "Казакстан Республикасынын Тышкы иштер министрлиги",
            "hu": "A Kazah Köztársaság Külügyminisztériuma",
        },
        description={
            "en": (
                "Kazakhstan's foreign ministry. It reported on the 7th meeting of ministers and heads of diaspora "
                "institutions of the OTS in Budapest (December 2025), where Kazakhstan was represented by the "
                "President of the Otandastar Foundation and the Ambassador of Kazakhstan to Hungary; Kazakh "
                "embassies organize events for compatriots abroad."
            ),
            "kk": (
                "Қазақстанның сыртқы саяси ведомствосы. Будапештте өткен ТМҰ министрлері мен диаспора институттары "
                "басшыларының 7-кездесуі (2025 жылғы желтоқсан) туралы хабарлады; онда Қазақстанды «Отандастар "
                "қоры» президенті мен Қазақстанның Венгриядағы елшісі таныстырды. Қазақстан елшіліктері шетелдегі "
                "отандастарға арналған іс-шаралар ұйымдастырады."
            ),
            "ru": (
                "Внешнеполитическое ведомство Казахстана. Сообщило о 7-й встрече министров и руководителей "
                "диаспорных институтов ОТГ в Будапеште (декабрь 2025 года), где Казахстан представляли президент "
                "фонда «Отандастар» и посол Казахстана в Венгрии; казахстанские посольства проводят мероприятия для "
                "соотечественников за рубежом."
            ),
        },
    ),
    OrganizationSpec(
        slug="otandastar",
        kind=OrganizationKind.STATE_DIASPORA_INSTITUTION,
        short_name="Otandastar",
        parent="mfa-kazakhstan",
        country="KZ",
        city="Astana",
        website="https://oq.gov.kz/",
        name={
            "en": "Otandastar Foundation NJSC",
            "kk": "«Отандастар қоры» КеАҚ",
            "ru": "НАО «Фонд Отандастар»",
            "tr": "Otandastar Vakfı",
            "az": "Otandastar Fondu",
            "uz": "Otandastar jamgʻarmasi",
            "ky": "Отандастар фонду",
            "hu": "Otandastar Alapítvány",
        },
        description={
            "en": (
                "Kazakhstan's non-commercial foundation for ethnic Kazakhs and compatriots living abroad. It "
                "strengthens cultural and humanitarian ties with them, supports those who wish to return to "
                "Kazakhstan, and teaches the Kazakh language online: 31 online courses, talk clubs and 30 "
                "self-paced video courses, completed by about 1,400 people from 12 countries. It held the Otandas "
                "Scholars Forum in Astana on 21 November 2025 with more than 40 foreign scholars."
            ),
            "kk": (
                "Шетелде тұратын этникалық қазақтар мен отандастарға арналған Қазақстанның коммерциялық емес қоры. "
                "Олармен мәдени-гуманитарлық байланыстарды нығайтады, елге оралғысы келетіндерге қолдау көрсетеді "
                "және қазақ тілін онлайн оқытады: 31 онлайн курс, сөйлесу клубтары және 30 бейнекурс; оларды 12 "
                "елден 1 400-ге жуық адам тәмамдады. 2025 жылғы 21 қарашада Астанада 40-тан астам шетелдік ғалым "
                "қатысқан «Otandas Scholars Forum» өткізді."
            ),
            "ru": (
                "Некоммерческий фонд Казахстана для этнических казахов и соотечественников за рубежом. Укрепляет "
                "культурно-гуманитарные связи с ними, поддерживает желающих вернуться на родину и обучает казахскому "
                "языку онлайн: 31 онлайн-курс, разговорные клубы и 30 видеокурсов, которые прошли около 1 400 "
                "человек из 12 стран. 21 ноября 2025 года провёл в Астане форум «Otandas Scholars Forum» с участием "
                "более 40 зарубежных учёных."
            ),
            "tr": (
                "Yurt dışında yaşayan Kazaklar ve soydaşlar için Kazakistan'ın kâr amacı gütmeyen vakfı. Onlarla "
                "kültürel ve insani bağları güçlendirir, Kazakistan'a dönmek isteyenleri destekler ve çevrim içi "
                "Kazakça öğretir: 12 ülkeden yaklaşık 1.400 kişinin tamamladığı 31 çevrim içi kurs, konuşma "
                "kulüpleri ve 30 video ders. 21 Kasım 2025'te Astana'da 40'tan fazla yabancı bilim insanının "
                "katıldığı Otandas Scholars Forum'u düzenledi."
            ),
            "az": (
                "Xaricdə yaşayan etnik qazaxlar və həmvətənlər üçün Qazaxıstanın qeyri-kommersiya fondu. Onlarla "
                "mədəni-humanitar əlaqələri möhkəmləndirir, vətənə qayıtmaq istəyənlərə dəstək verir və qazax "
                "dilini onlayn öyrədir: 12 ölkədən təxminən 1400 nəfərin bitirdiyi 31 onlayn kurs, danışıq klubları "
                "və 30 video kurs. 21 noyabr 2025-ci ildə Astanada 40-dan çox xarici alimin iştirakı ilə Otandas "
                "Scholars Forum keçirdi."
            ),
            "uz": (
                "Xorijda yashovchi etnik qozoqlar va vatandoshlar uchun Qozogʻistonning notijorat jamgʻarmasi. Ular "
                "bilan madaniy-gumanitar aloqalarni mustahkamlaydi, vataniga qaytmoqchi boʻlganlarni qoʻllab-"
                "quvvatlaydi va qozoq tilini onlayn oʻrgatadi: 12 mamlakatdan 1 400 ga yaqin kishi tamomlagan 31 "
                "onlayn kurs, suhbat klublari va 30 ta videokurs. 2025-yil 21-noyabrda Astanada 40 dan ortiq xorijiy "
                "olim ishtirokida Otandas Scholars Forumini oʻtkazdi."
            ),
            "ky": (
                "Чет өлкөлөрдө жашаган этникалык казактар жана мекендештер үчүн Казакстандын коммерциялык эмес "
                "фонду. Алар менен маданий-гуманитардык байланыштарды чыңдайт, мекенине кайтууну каалагандарды "
                "колдойт жана казак тилин онлайн окутат: 12 өлкөдөн 1 400гө жакын адам бүтүргөн 31 онлайн курс, "
                "сүйлөшүү клубдары жана 30 видеокурс. 2025-жылдын 21-ноябрында Астанада 40тан ашык чет элдик "
                "окумуштуунун катышуусу менен Otandas Scholars Forum өткөрдү."
            ),
            "hu": (
                "Kazahsztán nonprofit alapítványa a külföldön élő kazahok és honfitársak számára. Erősíti velük a "
                "kulturális és humanitárius kapcsolatokat, támogatja a hazatérni kívánókat, és online kazah "
                "nyelvoktatást tart: 31 online tanfolyam, beszélgetőklubok és 30 videós kurzus, amelyeket 12 "
                "országból mintegy 1400 ember végzett el. 2025. november 21-én Asztanában rendezte meg az Otandas "
                "Scholars Forumot több mint 40 külföldi kutató részvételével."
            ),
        },
    ),
    OrganizationSpec(
        slug="hungarian-communities-abroad",
        kind=OrganizationKind.STATE_DIASPORA_INSTITUTION,
        country="HU",
        city="Budapest",
        name={
            "en": "State Secretariat for Hungarian Communities Abroad",
            "kk": "Шетелдегі венгр қауымдастықтары жөніндегі мемлекеттік хатшылық",
            "ru": "Государственный секретариат по делам венгерских общин за рубежом",
            "tr": "Yurt Dışındaki Macar Toplulukları Devlet Sekreterliği",
            "az": "Xaricdəki macar icmaları üzrə Dövlət Katibliyi",
            "uz": "Xorijdagi venger jamoalari boʻyicha Davlat kotibiyati",
            "ky": "Чет өлкөлөрдөгү венгр жамааттары боюнча мамлекеттик катчылык",
            "hu": "Nemzetpolitikai Államtitkárság",
        },
        description={
            "en": (
                "Hungary's state institution for Hungarian communities abroad, taking part in the OTS diaspora "
                "cooperation as Hungary is an observer of the Organization of Turkic States. Its State Secretary "
                "co-chaired the 7th meeting of ministers and heads of diaspora institutions of the OTS in Budapest "
                "in December 2025."
            ),
            "hu": (
                "A külhoni magyar közösségekért felelős magyar állami intézmény, amely a TÁSZ diaszpóraügyi "
                "együttműködésében vesz részt, mivel Magyarország a Türk Államok Szervezetének megfigyelője. "
                "Államtitkára társelnökként vezette a TÁSZ diaszpóraügyi minisztereinek és "
                "diaszpóraintézmény-vezetőinek 7. ülését Budapesten 2025 decemberében."
            ),
            "kk": (
                "Шетелдегі венгр қауымдастықтарымен жұмыс істейтін Венгрияның мемлекеттік институты. Венгрия "
                "Түркі мемлекеттері ұйымының бақылаушысы болғандықтан, ТМҰ диаспора ынтымақтастығына қатысады. "
                "Оның мемлекеттік хатшысы 2025 жылғы желтоқсанда Будапештте ТМҰ министрлері мен диаспора "
                "институттары басшыларының 7-кездесуіне тең төрағалық етті."
            ),
            "ru": (
                "Государственный институт Венгрии по работе с венгерскими общинами за рубежом. Участвует в "
                "диаспорном сотрудничестве ОТГ, поскольку Венгрия — наблюдатель Организации тюркских государств. "
                "Его государственный секретарь был сопредседателем 7-й встречи министров и руководителей "
                "диаспорных институтов ОТГ в Будапеште в декабре 2025 года."
            ),
            "tr": (
                "Macaristan'ın yurt dışındaki Macar topluluklarından sorumlu devlet kurumu. Macaristan Türk "
                "Devletleri Teşkilatı'nın gözlemcisi olduğu için TDT diaspora iş birliğine katılır. Devlet "
                "Sekreteri, Aralık 2025'te Budapeşte'de yapılan TDT bakanları ve diaspora kurumları başkanlarının "
                "7. toplantısına eş başkanlık etti."
            ),
            "az": (
                "Macarıstanın xaricdəki macar icmaları ilə iş üzrə dövlət qurumu. Macarıstan Türk Dövlətləri "
                "Təşkilatında müşahidəçi olduğundan TDT diaspor əməkdaşlığında iştirak edir. Dövlət katibi 2025-ci "
                "ilin dekabrında Budapeştdə keçirilən TDT nazirlərinin və diaspor qurumları rəhbərlərinin 7-ci "
                "görüşünə həmsədrlik edib."
            ),
            "uz": (
                "Vengriyaning xorijdagi venger jamoalari bilan ishlash boʻyicha davlat muassasasi. Vengriya Turkiy "
                "davlatlar tashkilotining kuzatuvchisi boʻlgani uchun TDT diaspora hamkorligida qatnashadi. Uning "
                "davlat kotibi 2025-yil dekabrida Budapeshtda boʻlib oʻtgan TDT vazirlari va diaspora institutlari "
                "rahbarlarining 7-uchrashuviga hamraislik qildi."
            ),
            "ky": (
                "Венгриянын чет өлкөлөрдөгү венгр жамааттары менен иштөө боюнча мамлекеттик мекемеси. Венгрия "
                "Түрк мамлекеттеринин уюмунун байкоочусу болгондуктан ТМУнун диаспора кызматташтыгына катышат. "
                "Анын мамлекеттик катчысы 2025-жылдын декабрында Будапештте өткөн ТМУнун министрлеринин жана "
                "диаспора институттарынын жетекчилеринин 7-жолугушуусуна тең төрагалык кылды."
            ),
        },
    ),
    OrganizationSpec(
        slug="embassy-kazakhstan-hungary",
        kind=OrganizationKind.EMBASSY,
        parent="mfa-kazakhstan",
        country="HU",
        city="Budapest",
        name={
            "en": "Embassy of the Republic of Kazakhstan in Hungary",
            "kk": "Қазақстан Республикасының Венгриядағы Елшілігі",
            "ru": "Посольство Республики Казахстан в Венгрии",
            "tr": "Kazakistan Cumhuriyeti Budapeşte Büyükelçiliği",
            "az": "Qazaxıstan Respublikasının Macarıstandakı Səfirliyi",
            "uz": "Qozogʻiston Respublikasining Vengriyadagi elchixonasi",
            "ky": "Казакстан Республикасынын Венгриядагы элчилиги",
            "hu": "A Kazah Köztársaság Budapesti Nagykövetsége",
        },
        description={
            "en": (
                "Kazakhstan's embassy in Budapest. The Ambassador of Kazakhstan to Hungary represented Kazakhstan, "
                "with the President of the Otandastar Foundation, at the 7th meeting of ministers and heads of "
                "diaspora institutions of the OTS in December 2025."
            ),
            "kk": (
                "Қазақстанның Будапешттегі елшілігі. Қазақстанның Венгриядағы елшісі «Отандастар қоры» президентімен "
                "бірге 2025 жылғы желтоқсанда ТМҰ министрлері мен диаспора институттары басшыларының 7-кездесуінде "
                "Қазақстанды таныстырды."
            ),
            "ru": (
                "Посольство Казахстана в Будапеште. Посол Казахстана в Венгрии вместе с президентом фонда "
                "«Отандастар» представлял Казахстан на 7-й встрече министров и руководителей диаспорных институтов "
                "ОТГ в декабре 2025 года."
            ),
            "hu": (
                "Kazahsztán budapesti nagykövetsége. Kazahsztán magyarországi nagykövete az Otandastar Alapítvány "
                "elnökével együtt képviselte Kazahsztánt a TÁSZ diaszpóraügyi minisztereinek és "
                "diaszpóraintézmény-vezetőinek 7. ülésén 2025 decemberében."
            ),
        },
    ),
    OrganizationSpec(
        slug="embassy-hungary-astana",
        kind=OrganizationKind.EMBASSY,
        country="KZ",
        city="Astana",
        website="https://asztana.mfa.gov.hu/",
        name={
            "en": "Embassy of Hungary in Astana",
            "kk": "Венгрияның Астанадағы Елшілігі",
            "ru": "Посольство Венгрии в Астане",
            "tr": "Macaristan Astana Büyükelçiliği",
            "az": "Macarıstanın Astanadakı Səfirliyi",
            "uz": "Vengriyaning Astanadagi elchixonasi",
            "ky": "Венгриянын Астанадагы элчилиги",
            "hu": "Magyarország Asztanai Nagykövetsége",
        },
        description={
            "en": (
                "Hungary's embassy in Kazakhstan. Hungary was among the first to recognise independent Kazakhstan "
                "in December 1991; the two countries are each other's strategic partners. Since autumn 2017, 200 "
                "Kazakh students a year have begun their studies in Hungarian higher education on a Hungarian state "
                "scholarship. An estimated 300,000 people in Hungary consider themselves descendants of the Kuns "
                "(Cumans)."
            ),
            "hu": (
                "Magyarország kazahsztáni nagykövetsége. Magyarország a legelsők között ismerte el a független "
                "Kazahsztánt 1991 decemberében; a két ország egymás stratégiai partnere. 2017 őszétől évente 200 "
                "kazah diák kezdhette meg tanulmányait magyarországi felsőoktatási intézményekben magyar állami "
                "ösztöndíjjal. Hazánkban a becslések szerint 300 ezren tekintik magukat a kunok leszármazottainak."
            ),
            "kk": (
                "Венгрияның Қазақстандағы елшілігі. Венгрия 1991 жылғы желтоқсанда тәуелсіз Қазақстанды алғашқылардың "
                "бірі болып таныды; екі ел бір-бірінің стратегиялық серіктесі. 2017 жылдың күзінен бастап жыл сайын "
                "200 қазақ студенті Венгрия мемлекеттік стипендиясымен венгр жоғары оқу орындарында оқиды."
            ),
            "ru": (
                "Посольство Венгрии в Казахстане. Венгрия одной из первых признала независимый Казахстан в декабре "
                "1991 года; страны — стратегические партнёры. С осени 2017 года ежегодно 200 казахстанских студентов "
                "начинают учёбу в вузах Венгрии по венгерской государственной стипендии."
            ),
        },
    ),
    OrganizationSpec(
        slug="diaspora-committee-azerbaijan",
        kind=OrganizationKind.STATE_DIASPORA_INSTITUTION,
        country="AZ",
        city="Baku",
        website="https://diaspor.gov.az/",
        name={
            "en": "State Committee on Work with Diaspora of the Republic of Azerbaijan",
            "az": "Azərbaycan Respublikasının Diasporla İş üzrə Dövlət Komitəsi",
            "ru": "Государственный комитет по работе с диаспорой Азербайджанской Республики",
            "tr": "Azerbaycan Cumhuriyeti Diaspora ile Çalışma Devlet Komitesi",
            "kk": "Әзербайжан Республикасының Диаспорамен жұмыс жөніндегі мемлекеттік комитеті",
        },
        description={
            "en": (
                "Azerbaijan's state institution for the Azerbaijani diaspora and one of the diaspora institutions "
                "of the OTS member states. Azerbaijan holds the OTS Chairmanship during the 3rd Diaspora Capacity "
                "Building Training Program in Vienna (January 2026)."
            ),
            "az": (
                "Azərbaycan diasporu ilə iş üzrə dövlət qurumu və TDT üzv dövlətlərinin diaspor qurumlarından biri. "
                "Vyanada keçirilən 3-cü Diaspor Potensialının Gücləndirilməsi Təlim Proqramı (yanvar 2026) zamanı "
                "TDT-yə Azərbaycan sədrlik edir."
            ),
        },
    ),
    OrganizationSpec(
        slug="ministry-labour-kyrgyzstan",
        kind=OrganizationKind.STATE_DIASPORA_INSTITUTION,
        country="KG",
        city="Bishkek",
        name={
            "en": "Ministry of Labour, Social Security and Migration of the Kyrgyz Republic",
            "ky": "Кыргыз Республикасынын Эмгек, социалдык камсыздоо жана миграция министрлиги",
            "ru": "Министерство труда, социального обеспечения и миграции Кыргызской Республики",
        },
        description={
            "en": (
                "The Kyrgyz ministry in charge of migration and work with the Kyrgyz diaspora; it represents "
                "Kyrgyzstan among the diaspora institutions of the OTS member states."
            ),
            "ky": (
                "Миграция жана кыргыз диаспорасы менен иштөө маселелерин жүргүзгөн Кыргызстандын министрлиги; ТМУга "
                "мүчө мамлекеттердин диаспора институттарынын арасында Кыргызстанды көрсөтөт."
            ),
            "ru": (
                "Министерство Кыргызстана, ведающее миграцией и работой с кыргызской диаспорой; представляет "
                "Кыргызстан среди диаспорных институтов государств — членов ОТГ."
            ),
        },
    ),
    OrganizationSpec(
        slug="ytb",
        kind=OrganizationKind.STATE_DIASPORA_INSTITUTION,
        short_name="YTB",
        country="TR",
        city="Ankara",
        website="https://www.ytb.gov.tr/",
        name={
            "en": "Presidency for Turks Abroad and Related Communities (YTB)",
            "tr": "Yurtdışı Türkler ve Akraba Topluluklar Başkanlığı (YTB)",
            "ru": "Управление по делам турок за рубежом и родственных сообществ (YTB)",
            "az": "Xaricdəki Türklər və Qohum Topluluqlar İdarəsi (YTB)",
        },
        description={
            "en": (
                "Türkiye's state institution for Turkish citizens abroad and related communities, and one of the "
                "diaspora institutions of the OTS member states."
            ),
            "tr": (
                "Yurt dışında yaşayan vatandaşlar ve akraba topluluklardan sorumlu Türkiye devlet kurumu; TDT üye "
                "devletlerinin diaspora kurumlarından biri."
            ),
        },
    ),
    OrganizationSpec(
        slug="vatandoshlar",
        kind=OrganizationKind.STATE_DIASPORA_INSTITUTION,
        country="UZ",
        city="Tashkent",
        name={
            "en": "Vatandoshlar Public Foundation",
            "uz": "“Vatandoshlar” jamoat fondi",
            "ru": "Общественный фонд «Ватандошлар»",
        },
        description={
            "en": (
                "Uzbekistan's public foundation for relations with compatriots abroad (vatandoshlar means "
                "'compatriots'), one of the diaspora institutions of the OTS member states."
            ),
            "uz": (
                "Xorijdagi vatandoshlar bilan aloqalar boʻyicha Oʻzbekiston jamoat fondi; TDTga aʼzo davlatlarning "
                "diaspora institutlaridan biri."
            ),
            "ru": (
                "Общественный фонд Узбекистана по связям с соотечественниками за рубежом («ватандошлар» — "
                "«соотечественники»), один из диаспорных институтов государств — членов ОТГ."
            ),
        },
    ),
    OrganizationSpec(
        slug="azerbaijan-cultural-center-vienna",
        kind=OrganizationKind.CULTURAL_CENTRE,
        country="AT",
        city="Vienna",
        name={
            "en": "Azerbaijan Cultural Center in Vienna",
            "az": "Vyanadakı Azərbaycan Mədəniyyət Mərkəzi",
            "ru": "Азербайджанский культурный центр в Вене",
            "tr": "Viyana Azerbaycan Kültür Merkezi",
        },
        description={
            "en": (
                "The venue of the main training day of the OTS 3rd Diaspora Capacity Building Training Program on "
                "14 January 2026: opening addresses, presentations by the heads of delegations of the OTS member "
                "states and observers, interactive sessions on Turkic diasporas in Europe, and a family photo."
            ),
            "az": (
                "TDT-nin 3-cü Diaspor Potensialının Gücləndirilməsi Təlim Proqramının 14 yanvar 2026-cı il tarixli "
                "əsas təlim gününün keçirildiyi məkan: açılış çıxışları, üzv və müşahidəçi dövlətlərin nümayəndə "
                "heyətləri rəhbərlərinin təqdimatları, Avropadakı türk diasporları üzrə interaktiv sessiyalar."
            ),
        },
    ),
    OrganizationSpec(
        slug="abai-uii",
        kind=OrganizationKind.CULTURAL_CENTRE,
        country="KG",
        city="Bishkek",
        name={
            "en": "Abai Uii (House of Abai)",
            "kk": "Абай үйі",
            "ru": "Абай үйі (Дом Абая)",
            "tr": "Abay Evi",
            "az": "Abay Evi",
            "uz": "Abay uyi",
            "ky": "Абай үйі",
            "hu": "Abai Uii (Abaj-ház)",
        },
        description={
            "en": (
                "Established in Bishkek and responsible for bringing the Kazakh cultural centres abroad together "
                "into a single network. Named after Abai Kunanbayev, the great poet and founder of Kazakh written "
                "literature."
            ),
            "kk": (
                "Бішкекте құрылған, шетелдегі қазақ мәдени орталықтарын бір желіге біріктіруге жауапты ұйым. Ұлы "
                "ақын, қазақ жазба әдебиетінің негізін салушы Абай Құнанбаевтың есімімен аталған."
            ),
            "ru": (
                "Создан в Бишкеке и отвечает за объединение казахских культурных центров за рубежом в единую сеть. "
                "Назван в честь Абая Кунанбаева, великого поэта и основоположника казахской письменной литературы."
            ),
            "tr": (
                "Bişkek'te kurulan ve yurt dışındaki Kazak kültür merkezlerini tek bir ağda birleştirmekle görevli "
                "kuruluş. Adını büyük şair ve Kazak yazılı edebiyatının kurucusu Abay Kunanbayev'den alır."
            ),
            "az": (
                "Bişkekdə yaradılıb və xaricdəki qazax mədəniyyət mərkəzlərini vahid şəbəkədə birləşdirməyə "
                "cavabdehdir. Böyük şair, qazax yazılı ədəbiyyatının banisi Abay Kunanbayevin adını daşıyır."
            ),
            "uz": (
                "Bishkekda tashkil etilgan va xorijdagi qozoq madaniyat markazlarini yagona tarmoqqa birlashtirish "
                "uchun masʼul. Buyuk shoir, qozoq yozma adabiyotining asoschisi Abay Qoʻnonboyev nomi bilan atalgan."
            ),
            "ky": (
                "Бишкекте түзүлгөн жана чет өлкөлөрдөгү казак маданий борборлорун бирдиктүү тармакка бириктирүүгө "
                "жооптуу уюм. Улуу акын, казак жазма адабиятынын негиздөөчүсү Абай Кунанбаевдин атынан аталган."
            ),
            "hu": (
                "Biskekben alapították; feladata, hogy a külföldi kazah kulturális központokat egyetlen hálózatba "
                "fogja össze. Nevét Abaj Kunanbajevről, a nagy költőről, a kazah írott irodalom megalapítójáról kapta."
            ),
        },
    ),
    OrganizationSpec(
        slug="kazakh-centre-istanbul",
        kind=OrganizationKind.CULTURAL_CENTRE,
        country="TR",
        city="Istanbul",
        name={
            "en": "Kazakh Cultural Centre in Istanbul",
            "kk": "Ыстамбұлдағы қазақ мәдени орталығы",
            "ru": "Казахский культурный центр в Стамбуле",
            "tr": "İstanbul Kazak Kültür Merkezi",
            "az": "İstanbulda Qazax Mədəniyyət Mərkəzi",
            "uz": "Istanbuldagi qozoq madaniyat markazi",
            "ky": "Стамбулдагы казак маданий борбору",
            "hu": "Isztambuli Kazah Kulturális Központ",
        },
        description={
            "en": (
                "Demo record standing for the Kazakh community's cultural centre in Istanbul, where in September "
                "more than 100 representatives of the Kazakh community of Türkiye and Europe met for a traditional "
                "kurultai (assembly) on the most relevant issues facing the Kazakh diaspora; the Tattimbet Academic "
                "Orchestra performed for the guests. A member of the Abai Uii network of Kazakh cultural centres "
                "abroad."
            ),
            "kk": (
                "Ыстамбұлдағы қазақ қауымдастығының мәдени орталығын білдіретін демо жазба. Қыркүйекте мұнда Түркия "
                "мен Еуропа қазақтарының 100-ден астам өкілі шетелдегі қазақ диаспорасының өзекті мәселелерін "
                "талқылау үшін дәстүрлі құрылтайға жиналды; қонақтарға Таттімбет атындағы академиялық оркестр "
                "өнер көрсетті. Абай үйінің шетелдегі қазақ мәдени орталықтары желісінің мүшесі."
            ),
            "ru": (
                "Демонстрационная запись, представляющая культурный центр казахской общины в Стамбуле, где в "
                "сентябре более 100 представителей казахской общины Турции и Европы собрались на традиционный "
                "курултай, чтобы обсудить актуальные вопросы казахской диаспоры; для гостей выступил академический "
                "оркестр имени Таттимбета. Входит в сеть казахских культурных центров за рубежом «Абай үйі»."
            ),
            "tr": (
                "İstanbul'daki Kazak topluluğunun kültür merkezini temsil eden demo kaydı. Eylülde burada Türkiye ve "
                "Avrupa Kazak topluluğunun 100'den fazla temsilcisi, Kazak diasporasının güncel sorunlarını görüşmek "
                "üzere geleneksel kurultayda bir araya geldi. Abay Evi'nin yurt dışındaki Kazak kültür merkezleri "
                "ağının üyesi."
            ),
        },
    ),
    _kurultai_centre(
        "kazakh-centre-iran",
        "IR",
        "",
        {
            "en": "Kazakh Cultural Centre in Iran",
            "kk": "Ирандағы қазақ мәдени орталығы",
            "ru": "Казахский культурный центр в Иране",
            "tr": "İran Kazak Kültür Merkezi",
            "az": "İranda Qazax Mədəniyyət Mərkəzi",
            "uz": "Erondagi qozoq madaniyat markazi",
            "ky": "Ирандагы казак маданий борбору",
            "hu": "Iráni Kazah Kulturális Központ",
        },
        "Iran",
        "Ирандағы",
        "Иран",
    ),
    _kurultai_centre(
        "kazakh-centre-russia",
        "RU",
        "",
        {
            "en": "Kazakh Cultural Centre in Russia",
            "kk": "Ресейдегі қазақ мәдени орталығы",
            "ru": "Казахский культурный центр в России",
            "tr": "Rusya Kazak Kültür Merkezi",
            "az": "Rusiyada Qazax Mədəniyyət Mərkəzi",
            "uz": "Rossiyadagi qozoq madaniyat markazi",
            "ky": "Россиядагы казак маданий борбору",
            "hu": "Oroszországi Kazah Kulturális Központ",
        },
        "Russia",
        "Ресейдегі",
        "Россия",
    ),
    _kurultai_centre(
        "kazakh-centre-uzbekistan",
        "UZ",
        "",
        {
            "en": "Kazakh Cultural Centre in Uzbekistan",
            "kk": "Өзбекстандағы қазақ мәдени орталығы",
            "ru": "Казахский культурный центр в Узбекистане",
            "tr": "Özbekistan Kazak Kültür Merkezi",
            "az": "Özbəkistanda Qazax Mədəniyyət Mərkəzi",
            "uz": "Oʻzbekistondagi qozoq madaniyat markazi",
            "ky": "Өзбекстандагы казак маданий борбору",
            "hu": "Üzbegisztáni Kazah Kulturális Központ",
        },
        "Uzbekistan",
        "Өзбекстандағы",
        "Узбекистан",
    ),
    _kurultai_centre(
        "kazakh-centre-mongolia",
        "MN",
        "",
        {
            "en": "Kazakh Cultural Centre in Mongolia",
            "kk": "Моңғолиядағы қазақ мәдени орталығы",
            "ru": "Казахский культурный центр в Монголии",
            "tr": "Moğolistan Kazak Kültür Merkezi",
            "az": "Monqolustanda Qazax Mədəniyyət Mərkəzi",
            "uz": "Moʻgʻulistondagi qozoq madaniyat markazi",
            "ky": "Монголиядагы казак маданий борбору",
            "hu": "Mongóliai Kazah Kulturális Központ",
        },
        "Mongolia",
        "Моңғолиядағы",
        "Монголия",
    ),
    _kurultai_centre(
        "kazakh-centre-japan",
        "JP",
        "",
        {
            "en": "Kazakh Cultural Centre in Japan",
            "kk": "Жапониядағы қазақ мәдени орталығы",
            "ru": "Казахский культурный центр в Японии",
            "tr": "Japonya Kazak Kültür Merkezi",
            "az": "Yaponiyada Qazax Mədəniyyət Mərkəzi",
            "uz": "Yaponiyadagi qozoq madaniyat markazi",
            "ky": "Япониядагы казак маданий борбору",
            "hu": "Japáni Kazah Kulturális Központ",
        },
        "Japan",
        "Жапониядағы",
        "Япония",
    ),
    OrganizationSpec(
        slug="tattimbet-orchestra",
        kind=OrganizationKind.CULTURAL_CENTRE,
        country="KZ",
        city="Karaganda",
        name={
            "en": "Tattimbet Academic Orchestra of Kazakh traditional musical instruments",
            "kk": "Таттімбет атындағы қазақ халық аспаптары академиялық оркестрі",
            "ru": "Академический оркестр казахских народных инструментов имени Таттимбета",
        },
        description={
            "en": (
                "Orchestra of Kazakh traditional musical instruments named after the kuishi Tattimbet. It performed "
                "for the guests of the kurultai of the Kazakh community of Türkiye and Europe in Istanbul."
            ),
            "kk": (
                "Күйші Таттімбеттің есімімен аталған қазақ халық аспаптары оркестрі. Ыстамбұлда Түркия мен Еуропа "
                "қазақтарының құрылтайына келген қонақтарға өнер көрсетті."
            ),
            "ru": (
                "Оркестр казахских народных инструментов имени кюйши Таттимбета. Выступил перед гостями курултая "
                "казахской общины Турции и Европы в Стамбуле."
            ),
        },
    ),
    OrganizationSpec(
        slug="hungarian-kazakh-investment-fund",
        kind=OrganizationKind.COMPANY,
        country=None,
        name={
            "en": "Hungarian-Kazakh Joint Investment Fund",
            "hu": "Magyar-Kazah Közös Befektetési Alap",
            "kk": "Венгрия-Қазақстан бірлескен инвестициялық қоры",
            "ru": "Венгерско-казахстанский совместный инвестиционный фонд",
        },
        description={
            "en": (
                "Joint investment fund set up with an initial capital of USD 40 million; it finances the projects "
                "of Hungarian companies in Kazakhstan."
            ),
            "hu": (
                "40 millió USA dollár kezdőtőkével létrejött közös befektetési alap, amely magyar cégek "
                "kazahsztáni projektjeihez biztosít finanszírozást."
            ),
            "ru": (
                "Совместный инвестиционный фонд с начальным капиталом 40 млн долларов США; финансирует проекты "
                "венгерских компаний в Казахстане."
            ),
        },
    ),
    # The NGOs of the Baku Solidarity Forum, named exactly as seed 002 names them. Their own-language names are
    # not given in the seeds, so they stay in English rather than in a guessed translation.
    OrganizationSpec(
        slug="future-with-you",
        kind=OrganizationKind.NGO,
        country="KZ",
        name={"en": "Future with You Republican Public Association"},
        description={
            "en": (
                "Kazakh republican public association. Its Chair spoke at the panel 'Azerbaijan–Kazakhstan NGO "
                "Cooperation Forum' of the Solidarity Forum of NGOs of OTS member states in Baku (24 November 2025) "
                "about harmonizing public-initiative approaches and joint programmes for human capital and social "
                "resilience."
            ),
        },
    ),
    OrganizationSpec(
        slug="community-hub",
        kind=OrganizationKind.NGO,
        country="KZ",
        name={"en": "Community Hub Public Foundation"},
        description={
            "en": (
                "Kazakh public foundation. Its Director spoke in Baku (24 November 2025) on expanding cooperation "
                "among NGOs of the Turkic states, united by shared values, roots and languages."
            ),
        },
    ),
    OrganizationSpec(
        slug="second-republic",
        kind=OrganizationKind.NGO,
        country="KZ",
        name={"en": "Second Republic Public Foundation"},
        description={
            "en": (
                "Kazakh public foundation. Its head proposed, in Baku (24 November 2025), an open academy of civil "
                "society for exchanging experience in preserving cultural heritage."
            ),
        },
    ),
    OrganizationSpec(
        slug="common-values",
        kind=OrganizationKind.NGO,
        country="AZ",
        name={"en": "Common Values Public Union"},
        description={
            "en": (
                "Azerbaijani public union. Its Chairman proposed, in Baku (24 November 2025), joint action by "
                "Azerbaijani and Kazakh NGOs against the shallowing of the Caspian Sea."
            ),
        },
    ),
    OrganizationSpec(
        slug="public-relations-development",
        kind=OrganizationKind.NGO,
        country="AZ",
        name={"en": "Support for the Development of Public Relations Public Union"},
        description={
            "en": (
                "Azerbaijani public union. Its Chair called, in Baku (24 November 2025), for new joint projects "
                "across the Turkic world."
            ),
        },
    ),
    OrganizationSpec(
        slug="youth-socio-economic-development",
        kind=OrganizationKind.NGO,
        country="AZ",
        name={"en": "Public Union for Supporting the Socio-Economic Development of Youth"},
        description={
            "en": (
                "Azerbaijani public union. A member of it said in Baku (24 November 2025) that the forum's topics "
                "will serve as a roadmap for NGOs across the OTS member states."
            ),
        },
    ),
    # The missions of the opening speakers of the 3rd Diaspora Capacity Building Training Program in Vienna.
    OrganizationSpec(
        slug="azerbaijan-mission-vienna",
        kind=OrganizationKind.EMBASSY,
        country="AT",
        city="Vienna",
        name={
            "en": (
                "Permanent Mission of the Republic of Azerbaijan to the United Nations Office and Other "
                "International Organizations in Vienna"
            ),
            "az": (
                "Azərbaycan Respublikasının Vyanadakı BMT Bölməsi və digər beynəlxalq təşkilatlar yanında Daimi "
                "Nümayəndəliyi"
            ),
        },
        description={
            "en": (
                "Its Permanent Representative spoke for Azerbaijan's Chairmanship of the OTS at the opening of the "
                "OTS diaspora training in Vienna in January 2026."
            )
        },
    ),
    OrganizationSpec(
        slug="embassy-turkiye-austria",
        kind=OrganizationKind.EMBASSY,
        country="AT",
        city="Vienna",
        name={
            "en": "Embassy of the Republic of Türkiye in Austria",
            "tr": "Türkiye Cumhuriyeti Viyana Büyükelçiliği",
        },
        description={
            "en": "Its Ambassador spoke at the opening of the OTS diaspora training in Vienna in January 2026."
        },
    ),
    OrganizationSpec(
        slug="turkiye-mission-vienna",
        kind=OrganizationKind.EMBASSY,
        country="AT",
        city="Vienna",
        name={
            "en": (
                "Permanent Mission of the Republic of Türkiye to the United Nations Office and Other International "
                "Organizations in Vienna"
            ),
        },
        description={
            "en": (
                "Its Permanent Representative spoke at the opening of the OTS diaspora training in Vienna in "
                "January 2026."
            )
        },
    ),
    OrganizationSpec(
        slug="embassy-kyrgyzstan-austria",
        kind=OrganizationKind.EMBASSY,
        country="AT",
        city="Vienna",
        name={
            "en": "Embassy of the Kyrgyz Republic in Austria",
            "ky": "Кыргыз Республикасынын Австриядагы элчилиги",
            "ru": "Посольство Кыргызской Республики в Австрии",
        },
        description={
            "en": (
                "Its Ambassador, also Permanent Representative to the OSCE and other international organizations "
                "in Vienna, spoke at the opening of the OTS diaspora training in Vienna in January 2026."
            )
        },
    ),
)

#: The Kazakh cultural centres abroad: they, with Otandastar, keep the records of the generated compatriots.
KAZAKH_CENTRES: tuple[str, ...] = (
    "kazakh-centre-istanbul",
    "kazakh-centre-iran",
    "kazakh-centre-russia",
    "kazakh-centre-uzbekistan",
    "kazakh-centre-mongolia",
    "kazakh-centre-japan",
)

# --- networks --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkSpec:
    slug: str
    name: dict[str, str]
    description: dict[str, str]
    members: tuple[tuple[str, str, dt.date | None], ...]  # (organization slug, role, since)
    website: str = ""


_FORUM_DAY = dt.date(2025, 11, 24)

NETWORKS: tuple[NetworkSpec, ...] = (
    NetworkSpec(
        slug="ots-diaspora",
        name={
            "en": "Diaspora institutions of the Organization of Turkic States",
            "kk": "Түркі мемлекеттері ұйымының диаспора институттары",
            "ru": "Диаспорные институты Организации тюркских государств",
            "tr": "Türk Devletleri Teşkilatı Diaspora Kurumları",
            "az": "Türk Dövlətləri Təşkilatının diaspor qurumları",
            "uz": "Turkiy davlatlar tashkilotining diaspora institutlari",
            "ky": "Түрк мамлекеттеринин уюмунун диаспора институттары",
            "hu": "A Türk Államok Szervezetének diaszpóraintézményei",
        },
        description={
            "en": (
                "The state diaspora institutions of the OTS member states, with observers, coordinated by the OTS "
                "Secretariat. Their 7th meeting of ministers and heads of diaspora institutions (Budapest, December "
                "2025) approved the Joint Action Plan on the diaspora agenda for 2026: interagency coordination; "
                "youth initiatives and engagement of young compatriots; joint cultural projects; academic and "
                "educational opportunities for the youth of the OTS member states."
            ),
            "kk": (
                "ТМҰ-ға мүше мемлекеттердің және бақылаушылардың мемлекеттік диаспора институттары; оларды ТМҰ "
                "Хатшылығы үйлестіреді. Министрлер мен диаспора институттары басшыларының 7-кездесуі (Будапешт, "
                "2025 жылғы желтоқсан) 2026 жылға арналған диаспора күн тәртібі бойынша Бірлескен іс-қимыл жоспарын "
                "бекітті: ведомствоаралық үйлестіру; жастар бастамалары; бірлескен мәдени жобалар; жастарға арналған "
                "академиялық және білім беру мүмкіндіктері."
            ),
            "ru": (
                "Государственные диаспорные институты государств — членов ОТГ и наблюдателей, координируемые "
                "Секретариатом ОТГ. 7-я встреча министров и руководителей диаспорных институтов (Будапешт, декабрь "
                "2025 года) утвердила Совместный план действий по диаспорной повестке на 2026 год: межведомственная "
                "координация; молодёжные инициативы; совместные культурные проекты; академические и образовательные "
                "возможности для молодёжи."
            ),
            "tr": (
                "TDT üye ve gözlemci devletlerinin, TDT Genel Sekreterliğince koordine edilen devlet diaspora "
                "kurumları. Bakanlar ve diaspora kurumları başkanlarının 7. toplantısı (Budapeşte, Aralık 2025) "
                "2026 yılı diaspora gündemine ilişkin Ortak Eylem Planı'nı onayladı."
            ),
            "hu": (
                "A TÁSZ tagállamainak és megfigyelőinek állami diaszpóraintézményei, a TÁSZ Titkárságának "
                "koordinálásával. A miniszterek és diaszpóraintézmény-vezetők 7. ülése (Budapest, 2025. december) "
                "jóváhagyta a 2026-os diaszpóraügyi közös cselekvési tervet."
            ),
        },
        members=(
            ("ots-secretariat", MembershipRole.COORDINATOR, None),
            ("diaspora-committee-azerbaijan", MembershipRole.MEMBER, None),
            ("otandastar", MembershipRole.MEMBER, None),
            ("ministry-labour-kyrgyzstan", MembershipRole.MEMBER, None),
            ("ytb", MembershipRole.MEMBER, None),
            ("vatandoshlar", MembershipRole.MEMBER, None),
            ("hungarian-communities-abroad", MembershipRole.OBSERVER, None),
        ),
    ),
    NetworkSpec(
        slug="abai-uii-network",
        name={
            "en": "Abai Uii network of Kazakh cultural centres abroad",
            "kk": "Абай үйінің шетелдегі қазақ мәдени орталықтары желісі",
            "ru": "Сеть казахских культурных центров за рубежом «Абай үйі»",
            "tr": "Abay Evi Yurt Dışı Kazak Kültür Merkezleri Ağı",
            "az": "Abay Evinin xaricdəki qazax mədəniyyət mərkəzləri şəbəkəsi",
            "uz": "Abay uyining xorijdagi qozoq madaniyat markazlari tarmogʻi",
            "ky": "«Абай үйі» уюмунун чет өлкөлөрдөгү казак маданий борборлорунун тармагы",
            "hu": "Az Abai Uii külföldi kazah kulturális központjainak hálózata",
        },
        description={
            "en": (
                "Kazakh cultural centres abroad brought together into a single network by Abai Uii (House of Abai) "
                "in Bishkek. Kazakh communities held kurultai in Istanbul, Iran, Russia, Uzbekistan, Mongolia and "
                "Japan."
            ),
            "kk": (
                "Бішкектегі Абай үйі бір желіге біріктірген шетелдегі қазақ мәдени орталықтары. Қазақ "
                "қауымдастықтары Ыстамбұлда, Иранда, Ресейде, Өзбекстанда, Моңғолияда және Жапонияда құрылтай өткізді."
            ),
            "ru": (
                "Казахские культурные центры за рубежом, объединённые в единую сеть Домом Абая (Абай үйі) в Бишкеке. "
                "Казахские общины провели курултаи в Стамбуле, Иране, России, Узбекистане, Монголии и Японии."
            ),
        },
        members=(
            ("abai-uii", MembershipRole.COORDINATOR, None),
            *((slug, MembershipRole.MEMBER, None) for slug in KAZAKH_CENTRES),
        ),
    ),
    NetworkSpec(
        slug="ots-ngo-solidarity",
        name={
            "en": "Solidarity Forum of NGOs of OTS member states",
            "kk": "ТМҰ-ға мүше мемлекеттердің ҮЕҰ ынтымақ форумы",
            "ru": "Форум солидарности НПО государств — членов ОТГ",
            "tr": "TDT Üye Devletleri STK'ları Dayanışma Forumu",
            "az": "TDT üzv dövlətlərinin QHT-lərinin Həmrəylik Forumu",
            "uz": "TDT aʼzo davlatlari NNTlarining Birdamlik forumi",
            "ky": "ТМУга мүчө мамлекеттердин БӨУлорунун тилектештик форуму",
            "hu": "A TÁSZ-tagállamok civil szervezeteinek Szolidaritási Fóruma",
        },
        description={
            "en": (
                "NGOs of the OTS member states that met at the first Solidarity Forum of NGOs in Baku on 24 November "
                "2025, with the panel 'Azerbaijan–Kazakhstan NGO Cooperation Forum' on improving coordination, "
                "shared projects and experience-sharing among NGOs of the Turkic world."
            ),
            "az": (
                "24 noyabr 2025-ci ildə Bakıda keçirilən ilk QHT Həmrəylik Forumunda bir araya gələn TDT üzv "
                "dövlətlərinin QHT-ləri; forumda 'Azərbaycan–Qazaxıstan QHT Əməkdaşlıq Forumu' paneli keçirildi."
            ),
            "ru": (
                "НПО государств — членов ОТГ, встретившиеся на первом Форуме солидарности НПО в Баку 24 ноября 2025 "
                "года, с панелью «Форум сотрудничества НПО Азербайджана и Казахстана»."
            ),
        },
        members=(
            ("future-with-you", MembershipRole.MEMBER, _FORUM_DAY),
            ("community-hub", MembershipRole.MEMBER, _FORUM_DAY),
            ("second-republic", MembershipRole.MEMBER, _FORUM_DAY),
            ("common-values", MembershipRole.MEMBER, _FORUM_DAY),
            ("public-relations-development", MembershipRole.MEMBER, _FORUM_DAY),
            ("youth-socio-economic-development", MembershipRole.MEMBER, _FORUM_DAY),
        ),
    ),
)

# --- named people ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedPersonSpec:
    """A person the seeds name, with the ways their name is written in the press of their region."""

    display_name: str
    variants: tuple[tuple[str, str], ...]  # (text, ISO 639 language)
    organization: str
    role: str
    gender: str
    residence: str
    city: str
    citizenships: tuple[str, ...]
    consent_given: dt.date
    consent_method: str = ConsentMethod.EMAIL
    expertise: tuple[str, ...] = field(default_factory=tuple)


_BUDAPEST_MEETING = dt.date(2025, 12, 4)
_VIENNA_TRAINING = dt.date(2026, 1, 14)

NAMED_PEOPLE: tuple[NamedPersonSpec, ...] = (
    NamedPersonSpec(
        display_name="Daniyar Kadyrov",
        variants=(("Данияр Кадыров", "ru"), ("D. Kadyrov", "en")),
        organization="otandastar",
        role="President",
        gender=Gender.MALE,
        residence="KZ",
        city="Astana",
        citizenships=("KZ",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diaspora policy", "humanitarian diplomacy"),
    ),
    NamedPersonSpec(
        display_name="Kubanychbek Omuraliev",
        variants=(("Кубанычбек Омуралиев", "ru"), ("Kubanichbek Omuraliyev", "az")),
        organization="ots-secretariat",
        role="Secretary-General",
        gender=Gender.MALE,
        residence="TR",
        city="Istanbul",
        citizenships=("KG",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diplomacy", "cultural diplomacy"),
    ),
    NamedPersonSpec(
        display_name="Lőrinc Nacsa",
        variants=(("Nacsa Lőrinc", "hu"), ("Лёринц Нача", "ru")),
        organization="hungarian-communities-abroad",
        role="State Secretary for Hungarian Communities Abroad",
        gender=Gender.MALE,
        residence="HU",
        city="Budapest",
        citizenships=("HU",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diaspora policy",),
    ),
    NamedPersonSpec(
        display_name="Abzal Saparbekuly",
        variants=(("Абзал Сапарбекұлы", "kk"), ("Абзал Сапарбекулы", "ru"), ("Abzal Saparbekuli", "en")),
        organization="embassy-kazakhstan-hungary",
        role="Ambassador of Kazakhstan to Hungary",
        gender=Gender.MALE,
        residence="HU",
        city="Budapest",
        citizenships=("KZ",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diplomacy", "diaspora policy"),
    ),
    NamedPersonSpec(
        display_name="Balázs Hendrich",
        variants=(("Hendrich Balázs", "hu"), ("Балаж Хендрих", "ru")),
        organization="ots-budapest-office",
        role="Executive Director",
        gender=Gender.MALE,
        residence="HU",
        city="Budapest",
        citizenships=("HU",),
        consent_given=_BUDAPEST_MEETING,
        expertise=("diplomacy",),
    ),
    NamedPersonSpec(
        display_name="Zhansayo Ismagulova",
        variants=(("Ismagulova Zhansayo", ""),),
        organization="future-with-you",
        role="Chair",
        gender=Gender.FEMALE,
        residence="KZ",
        city="",
        citizenships=("KZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society",),
    ),
    NamedPersonSpec(
        display_name="Assiya Tikeyeva",
        variants=(("Әсия Тікеева", "kk"), ("Асия Тикеева", "ru")),
        organization="community-hub",
        role="Director",
        gender=Gender.FEMALE,
        residence="KZ",
        city="",
        citizenships=("KZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society",),
    ),
    NamedPersonSpec(
        display_name="Ayan Turekulov",
        variants=(("Аян Турекулов", "ru"),),
        organization="second-republic",
        role="Head",
        gender=Gender.MALE,
        residence="KZ",
        city="",
        citizenships=("KZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society", "cultural heritage"),
    ),
    NamedPersonSpec(
        display_name="Agil Jamal",
        variants=(("Agil Camal", "az"), ("Агиль Джамал", "ru")),
        organization="common-values",
        role="Chairman",
        gender=Gender.MALE,
        residence="AZ",
        city="Baku",
        citizenships=("AZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society", "environment"),
    ),
    NamedPersonSpec(
        display_name="Shalala Hasanova",
        variants=(("Şəlalə Həsənova", "az"), ("Шалала Гасанова", "ru")),
        organization="public-relations-development",
        role="Chair",
        gender=Gender.FEMALE,
        residence="AZ",
        city="Baku",
        citizenships=("AZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society",),
    ),
    NamedPersonSpec(
        display_name="Hajibay Heydarli",
        variants=(("Hacıbəy Heydərli", "az"), ("Гаджибай Гейдарли", "ru")),
        organization="youth-socio-economic-development",
        role="Member",
        gender=Gender.MALE,
        residence="AZ",
        city="Baku",
        citizenships=("AZ",),
        consent_given=_FORUM_DAY,
        consent_method=ConsentMethod.PAPER,
        expertise=("civil society", "youth"),
    ),
    NamedPersonSpec(
        display_name="Rovshan Sadigbayli",
        variants=(("Rövşən Sadıqbəyli", "az"), ("Ровшан Садыгбейли", "ru")),
        organization="azerbaijan-mission-vienna",
        role=(
            "Ambassador, Permanent Representative of the Republic of Azerbaijan to the United Nations Office and "
            "Other International Organizations in Vienna"
        ),
        gender=Gender.MALE,
        residence="AT",
        city="Vienna",
        citizenships=("AZ",),
        consent_given=_VIENNA_TRAINING,
        expertise=("diplomacy",),
    ),
    NamedPersonSpec(
        display_name="Gürsel Dönmez",
        variants=(("Gursel Donmez", "en"), ("Гюрсель Дёнмез", "ru")),
        organization="embassy-turkiye-austria",
        role="Ambassador of the Republic of Türkiye to the Republic of Austria",
        gender=Gender.MALE,
        residence="AT",
        city="Vienna",
        citizenships=("TR",),
        consent_given=_VIENNA_TRAINING,
        expertise=("diplomacy",),
    ),
    NamedPersonSpec(
        display_name="Levent Eler",
        variants=(("Левент Элер", "ru"),),
        organization="turkiye-mission-vienna",
        role=(
            "Ambassador, Permanent Representative of the Republic of Türkiye to the United Nations Office and "
            "Other International Organizations in Vienna"
        ),
        gender=Gender.MALE,
        residence="AT",
        city="Vienna",
        citizenships=("TR",),
        consent_given=_VIENNA_TRAINING,
        expertise=("diplomacy",),
    ),
    NamedPersonSpec(
        display_name="Nurjan Shaildabekova",
        variants=(("Нуржан Шайлдабекова", "ky"), ("Nurzhan Shaildabekova", "en")),
        organization="embassy-kyrgyzstan-austria",
        role=(
            "Ambassador of the Kyrgyz Republic to the Republic of Austria, Permanent Representative to the OSCE "
            "and other international organizations in Vienna"
        ),
        gender=Gender.FEMALE,
        residence="AT",
        city="Vienna",
        citizenships=("KG",),
        consent_given=_VIENNA_TRAINING,
        expertise=("diplomacy",),
    ),
)

# --- loaders ---------------------------------------------------------------------------------------------------


def _aware(day: dt.date) -> dt.datetime:
    """Consents carry a fixed moment (noon UTC of the day) so loading the demo again changes nothing."""
    return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=dt.UTC)


def upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool]:
    """Like update_or_create, but writes only when a value differs, so a second run leaves rows untouched."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, False


def load_organizations() -> dict[str, Organization]:
    """Create or bring up to date every organization of the seeds, through the audited registry services."""
    countries = {c.code: c for c in Country.objects.all()}
    result: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        data: dict[str, Any] = {
            "name": spec.name,
            "description": spec.description,
            "kind": spec.kind,
            "short_name": spec.short_name,
            "country": countries[spec.country] if spec.country else None,
            "city": spec.city,
            "parent": result[spec.parent] if spec.parent else None,
            "website": spec.website,
        }
        existing = Organization.objects.filter(slug=spec.slug).first()
        if existing is None:
            name = data.pop("name")
            kind = data.pop("kind")
            result[spec.slug] = services.organization_create(
                slug=spec.slug, name=name, kind=kind, acting_user=None, **data
            )
        else:
            result[spec.slug] = services.organization_update(organization=existing, data=data, acting_user=None)
    return result


def load_networks(organizations: dict[str, Organization]) -> dict[str, Network]:
    """Networks and their memberships; a membership is keyed on (network, organization)."""
    result: dict[str, Network] = {}
    for spec in NETWORKS:
        network, _created = upsert(
            Network,
            {"slug": spec.slug},
            {"name": spec.name, "description": spec.description, "website": spec.website},
        )
        for slug, role, since in spec.members:
            upsert(
                NetworkMembership,
                {"network": network, "organization": organizations[slug]},
                {"role": role, "since": since, "until": None},
            )
        result[spec.slug] = network
    return result


def _variant_rows(person: Person) -> list[tuple[str, str]]:
    return [(v.text, v.language) for v in person.name_variants.all()]


def load_named_people(organizations: dict[str, Organization]) -> list[Person]:
    """The people the seeds name, created through `person_create` and found again by name and organization."""
    countries = {c.code: c for c in Country.objects.all()}
    people: list[Person] = []
    for spec in NAMED_PEOPLE:
        organization = organizations[spec.organization]
        variants = [{"text": text, "language": language} for text, language in spec.variants]
        fields: dict[str, Any] = {
            "residence_country": countries[spec.residence],
            "residence_city": spec.city,
            "gender": spec.gender,
            "expertise": list(spec.expertise),
        }
        citizenships = [countries[code] for code in spec.citizenships]
        # Named people carry no e-mail (we do not publish theirs), which keeps them apart from generated people.
        person = Person.objects.filter(
            display_name=spec.display_name, registered_by=organization, email="", erased_at__isnull=True
        ).first()
        if person is None:
            person = services.person_create(
                display_name=spec.display_name,
                acting_user=None,
                name_variants=variants,
                registered_by=organization,
                citizenships=citizenships,
                **fields,
            )
        else:
            wanted = [(spec.display_name, ""), *spec.variants]
            services.person_update(
                person=person,
                acting_user=None,
                name_variants=variants if _variant_rows(person) != wanted else None,
                citizenships=citizenships
                if sorted(person.citizenships.values_list("code", flat=True)) != sorted(spec.citizenships)
                else None,
                **{name: value for name, value in fields.items() if getattr(person, name) != value},
            )
        upsert(Affiliation, {"person": person, "organization": organization}, {"role": spec.role, "until": None})
        note = "Demo record: consent as given by a speaker named in public reporting of the event."
        for purpose in (ConsentPurpose.REGISTRY, ConsentPurpose.PUBLIC_PROFILE):
            upsert(
                Consent,
                {"person": person, "purpose": purpose},
                {
                    "method": spec.consent_method,
                    "given_at": _aware(spec.consent_given),
                    "note": note,
                    "withdrawn_at": None,
                },
            )
        people.append(person)
    return people
