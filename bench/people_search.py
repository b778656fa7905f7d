"""People at scale: import, cross-script search and duplicate detection on N generated compatriots.

Generates N people (default 1,000,000) with names written the ways real records write them — Kazakh, Kyrgyz,
Uzbek, Azerbaijani, Turkish, Russian and Hungarian names in Cyrillic, the Kazakh Latin alphabets, passport
transliteration, Turkish or English spelling, surname first or given name first, with or without patronymic — and
known duplicates (10 % of people written down a second time another way, some with typing errors). The names come
from the hand-written tables below and this file's own spelling rules, never from `tamyr.names` or the test data.

Then, on a fresh database (PostgreSQL by default, `--db sqlite` for a temporary SQLite file):
1. writes the people as a CSV file and imports it through the real import path (`tamyr.registry.imports`);
2. runs 1,000 searches, each another spelling of one person's name (a third of them with typing errors), through
   `selectors.person_search` as the API does, and the same queries as raw pg_trgm SQL for comparison;
3. runs duplicate detection (`tamyr.registry.dedupe`) and scores its pairs against the generator's truth.

Prints one JSON line: {"people", "db", "import_rows_per_s", "copy_rows_per_s", "p50_ms", "p95_ms", "raw_trgm_p95_ms",
"recall_at_5", "dedupe_seconds", "dedupe_f1", "peak_rss_mb", ...}. `peak_rss_mb` is the largest resident memory of
this process and its worker processes together, sampled during the import and the dedupe;
`bench_process_peak_rss_mb` is this process's own peak over the whole run, the generation of the data included.
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# --- hand-written name tables ---------------------------------------------------------------------------------
# Each group is written in the script its people write themselves (Kazakh, Kyrgyz, Uzbek and Russian in Cyrillic;
# Azerbaijani, Turkish and Hungarian in Latin). Other spellings come from the rules further down, plus the
# irregular spellings listed by hand (ALSO).

KAZAKH_MALE = """
Нұрлан Ерлан Қайрат Бауыржан Дәурен Асқар Ержан Серік Берік Марат Арман Дархан Ерболат Болат Ғалым Жандос Мұрат
Мұхтар Нұрсұлтан Абай Айдос Айбек Бекзат Дәулет Дидар Елдос Жасұлан Қанат Қуаныш Мақсат Медет Нұржан Олжас Рүстем
Саят Санжар Талғат Тимур Ұлан Шыңғыс Әділет Әлібек Азамат Ақылбек Алмас Алпамыс Аманжол Асхат Бақытжан Бағдат
Бекболат Ғабит Дамир Ербол Есен Жомарт Зейнолла Ілияс Исатай Кеңес Мейрам Мирас Нұрбол Нұрғиса Оразалы Сабыр
Сағат Сұлтан Темірлан Төлеген Ықылас Шәкен Әбілқайыр Қасым Тоқтар Жеңіс Самат Ербосын Мейіржан Серікбол Бекнұр
Ақжол Дастан Данияр Аслан Әлішер Ерасыл Нұрислам Мағжан Жарас Қайсар Өмірзақ Рахым Сәкен Бақдәулет Ғани Дулат
Ернар Жанболат Зарлық Кәмел Мәди Нұрдәулет Оспан Рысбек Сырым Тұрар Үмбетәлі Хамит Шоқан Ілияс Әнуар Бейбіт
"""
KAZAKH_FEMALE = """
Айгерім Әсел Гүлнар Жанна Дана Динара Ақмарал Аяжан Ботагөз Гүлмира Жанар Жұлдыз Зарина Ләззат Мадина Мөлдір Назым
Перизат Салтанат Сәуле Толқын Шолпан Ұлжан Айнұр Айжан Алтынай Аружан Ақбота Балжан Баян Гауһар Гүлзат Дариға
Әлия Жібек Зәуре Камила Ләйлә Меруерт Назерке Нұргүл Райхан Сабина Сымбат Томирис Ұлпан Фариза Бибігүл Жансая
Инабат Қарлығаш Күнсұлу Мейірім Нәзира Роза Сара Тоғжан Шынар Әлима Айсұлу Дильназ Әйгүл Бақыт Гүлжан Дәметкен
Ерке Жазира Ажар Қарақат Қымбат Мәншүк Нұрила Раушан Сандуғаш Таңшолпан Ұмтыл Хадиша Шұға Әмина Индira
"""
KAZAKH_STEMS = """
Тоқа Назарбай Сәрсенбай Жұмабай Омар Ахмет Әуез Серікбай Нұрпейіс Бекмұхамбет Ыбырай Қасым Сүлеймен Жақып
Тілеуберді Байтұрсын Мұқан Есенгелді Әбдірахман Мамыт Дүйсен Жолдас Құдайберген Тұрсын Әбіл Бейсен Ерғали
Сапарбай Абен Қожахмет Шаймерден Мұсабай Ысқақ Тәжібай Әлімжан Бөкей Құнанбай Жанпейіс Оспан Кәрім Садық
Мұхамеджан Әбдіқадыр Бекет Төлеубай Түгелбай Сыздық Айтмұхамбет Қали Жәнібек Бекқожа Мырзахмет Ізбасар Байжан
Тасмағамбет Жаманқұл Сейіт Шәріп Оразбай Қалмақ Рысқұл Есім Тоқтар Иманғали Құрманғали Жүсіп Сәтбай Нұрмағамбет
Әбішев Бекбол Дәуітбай Ержан Жетпісбай Қуаныш Мақаш Наурызбай Өтеген Сейфолла Тайман Ұзақбай Хасан Шалабай
Ыдырыс Әлжан Бақтыбай Ғабдолла Дәулетбай Есмағамбет Жарылғап Кенжебай Мұқаш Нұртаза Оңғар Сұлтанбек Тілеу
Үсен Шыңғыс Әмір Бердібек Досмұхамбет Ерсайын Исабек Қыдырбай Мәмбет Серғазы Тұрарбек Байсейіт Жолмұхамед
"""
KYRGYZ_MALE = """
Азамат Айбек Бакыт Болот Эрлан Нурлан Чыңгыз Темир Улан Марат Талант Алмаз Мирлан Нурбек Жаныбек Асан Үсөн Бекзат
Айдар Жоомарт Кубанычбек Мелис Нурсултан Омурбек Сапар Токтосун Урмат Эмил Эрмек Жыргалбек Кенжебек Медер Руслан
Самат Таалай Тилек Үмөт Элдияр Бектур Дастан Данияр Жанар Мурат Сейитбек Тынчтык Өмүрбек Чолпонбек Атай Ишенбек
"""
KYRGYZ_FEMALE = """
Айгүл Айпери Асел Бермет Гүлнара Жазгүл Жылдыз Назгүл Нургүл Чолпон Айжан Айнура Бегимай Гүлзат Динара Элнура
Мээрим Нуриза Сезим Толгонай Үмүт Чынара Айсулуу Алтынай Бактыгүл Гүлмира Жибек Мөлдир Салтанат Керимбүбү
"""
KYRGYZ_STEMS = """
Асан Токтогул Акаев Бакиев Жапар Садыр Абдылда Бекмамат Жумабек Кадыр Калыбек Мамыт Осмон Сатыбалды Тагай Усуб
Чотон Эсен Абдрахман Айтматов Бөкөнбай Дүйшөн Жусуп Исак Кожомкул Мукаш Нурмамбет Орозбек Сыдык Токтомуш
Үсөнбай Шаршен Ырыс Алымбек Баатыр Калмат Кулмат Сулайман Таштан Акмат Жээнбек Борубай Молдош Турдубай
"""
UZBEK_MALE = """
Алишер Бобур Жасур Шерзод Ботир Фаррух Жамшид Улуғбек Рустам Азиз Акмал Баходир Дилшод Элёр Исломжон Отабек
Санжар Тимур Шухрат Ўткир Хуршид Нодир Равшан Сардор Зафар Мухаммад Абдулла Анвар Бекзод Дониёр Жахонгир Комил
Лазиз Мансур Нурбек Одил Парвиз Қодир Собир Темур Файзулла Ғайрат Ҳамид Шавкат Эркин Ёқуб Хасан Ислом
"""
UZBEK_FEMALE = """
Дилноза Гулнора Нилуфар Шахноза Малика Севара Феруза Зарина Мадина Нигора Ўғилой Гулчехра Дилдора Зулфия
Комила Лола Мохира Нодира Райхон Саида Умида Хилола Шоира Барно Гавхар Дилором Зебо Камола Мунисa Нозима
"""
UZBEK_STEMS = """
Карим Юсуп Рашид Мирзаев Султон Тошмат Носир Умар Ҳасан Абдулла Алим Бахром Жўра Зокир Исмоил Каримжон Маҳмуд
Нурмат Раҳим Саид Тўхта Усмон Файзи Хўжа Шукур Эргаш Қосим Ғофур Ҳамро Аҳмад Бобо Валий Ғани Давлат Ёқуб
Жалил Зиё Иброҳим Комил Латиф Мирза Неъмат Ортиқ Пўлат Рўзи Собир Тоҳир Убайд Фозил Холмат Чори Шокир
"""
AZERBAIJANI_MALE = """
Əli:Али Məmməd:Мамед Həsən:Гасан Hüseyn:Гусейн Vüqar:Вугар Elçin:Эльчин Rəşad:Рашад Tural:Турал Orxan:Орхан
Elnur:Эльнур Kamran:Камран Fərid:Фарид Ramil:Рамиль Səbuhi:Сабухи Anar:Анар Murad:Мурад Nicat:Ниджат
Elvin:Эльвин Cavid:Джавид Ruslan:Руслан Emin:Эмин Fuad:Фуад Vaqif:Вагиф İlham:Ильхам Rauf:Рауф Zaur:Заур
Tofiq:Тофик Şahin:Шахин Nurlan:Нурлан Teymur:Теймур Ceyhun:Джейхун Kənan:Кянан Ülvi:Ульви Samir:Самир
"""
AZERBAIJANI_FEMALE = """
Aysel:Айсель Günel:Гюнель Leyla:Лейла Nərmin:Нармин Sevinc:Севиндж Aynur:Айнур Səbinə:Сабина Könül:Кёнюль
Ülviyyə:Ульвия Nigar:Нигяр Vüsalə:Вусала Lalə:Лала Fidan:Фидан Gülnar:Гюльнар Şəbnəm:Шабнам Aytən:Айтен
Kəmalə:Камала Rəna:Рена Türkan:Тюркан Zəhra:Захра Xədicə:Хадиджа Aygün:Айгюн Sevda:Севда Nuray:Нурай
"""
AZERBAIJANI_SURNAMES = """
Əliyev:Алиев Məmmədov:Мамедов Həsənov:Гасанов Hüseynov:Гусейнов Quliyev:Кулиев İsmayılov:Исмаилов
Abbasov:Аббасов Rzayev:Рзаев Cəfərov:Джафаров Nəsirov:Насиров Babayev:Бабаев Qasımov:Касумов Orucov:Оруджев
Kərimov:Керимов Süleymanov:Сулейманов Mustafayev:Мустафаев Rəhimov:Рагимов Əhmədov:Ахмедов Vəliyev:Велиев
Sadıqov:Садыхов Zeynalov:Зейналов İbrahimov:Ибрагимов Hacıyev:Гаджиев Nəbiyev:Набиев Bağırov:Багиров
Əsgərov:Аскеров Məhərrəmov:Магеррамов Heydərov:Гейдаров Salmanov:Салманов Tağıyev:Тагиев Şükürov:Шукюров
Novruzov:Новрузов Xəlilov:Халилов Musayev:Мусаев Yusifov:Юсифов Nağıyev:Нагиев Qurbanov:Курбанов
"""
TURKISH_MALE = """
Ahmet Mehmet Mustafa Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan Halil Süleyman Abdullah
Mahmut Recep Fatih Kadir Emre Burak Serkan Volkan Onur Cem Kerem Barış Tolga Oğuz Uğur Kaan Berk Eren Çağlar
Doğan Erdem Gökhan Hakan İlker Levent Orhan Selim Tarık Ufuk Yasin Zafer Caner Deniz Alper Batuhan Cengiz
Emir Furkan Görkem Koray Mert Necati Şükrü Taner Yiğit Arda Bülent Ercan Kemal Sinan Tuncay
"""
TURKISH_FEMALE = """
Ayşe Fatma Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife Merve Havva Zeliha Esra Özlem Büşra Derya
Ebru Gül Hülya Kübra Nur Özge Pınar Selin Sevgi Tuğba Yasemin Burcu Cansu Dilek Ece Gamze İrem Melek Neslihan
Seda Şule Tülay Aslı Beyza Ceren Damla Esin Filiz Gizem Hande İpek Kader Leyla Nazlı Songül Yeliz Zerrin Aylin
"""
TURKISH_SURNAMES = """
Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt
Özkan Şimşek Polat Korkmaz Özcan Erdoğan Yavuz Can Acar Şen Aktaş Güler Yalçın Güneş Bozkurt Bulut Keskin Ünal
Turan Gül Özer Işık Kaplan Avcı Sarı Tekin Taş Köse Yüksel Ateş Aktürk Karaca Çakır Uçar Tunç Duman Coşkun Başaran
Kaçar Erdem Akın Bayram Kocabaş Sönmez Altun Bilgin Tekeli Ekinci Kalkan Kaymaz Uysal Temiz Durmaz Özbek Karakaya
Altıntaş Ceylan Sezer Eren Akbulut Ayhan Topal Oral Gündoğdu Karataş Gökçe Soylu Aksoy Kahraman Güven Demirci
Toprak Savaş Çiftçi Kocaman Tuna Alkan Ersoy Akyüz Baysal Dağ Karabulut Öner Çınar Tokgöz Önal Yazıcı Erol Kartal
"""
RUSSIAN_MALE = """
Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Артём Николай Владимир Павел Роман Денис
Виктор Игорь Олег Антон Юрий Константин Вадим Кирилл Никита Василий Григорий Борис Анатолий Виталий Леонид
Станислав Валерий Фёдор Георгий Тимофей Степан Илья Егор Ярослав Глеб Пётр Геннадий Аркадий Эдуард Вячеслав
"""
RUSSIAN_FEMALE = """
Анна Мария Елена Ольга Наталья Татьяна Ирина Екатерина Светлана Юлия Анастасия Марина Людмила Галина Дарья
Ксения Валентина Надежда Вера Любовь Алина Полина Софья Виктория Елизавета Кристина Евгения Маргарита Оксана
Лариса Тамара Зоя Нина Алла Жанна Инна Яна Алёна Ульяна Василиса
"""
RUSSIAN_SURNAMES = """
Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев Лебедев
Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов
Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин
Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров
Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов
Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов
Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов
Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков
"""
HUNGARIAN_MALE = """
László István József János Zoltán Sándor Gábor Ferenc Attila Péter Tamás Zsolt Tibor András Csaba Imre Lajos
György Balázs Róbert Gergely Dávid Ádám Krisztián Máté Bence Dániel Levente Norbert Gyula Miklós Károly Béla
Szabolcs Viktor Kristóf Márton Dominik Botond Lőrinc Barnabás Zsombor Gellért Tivadar Ákos Előd Huba Bálint
"""
HUNGARIAN_FEMALE = """
Mária Erzsébet Katalin Ilona Éva Anna Zsuzsanna Margit Judit Ágnes Andrea Erika Krisztina Ildikó Mónika Edit
Eszter Gabriella Tímea Anita Nikolett Dóra Réka Zsófia Viktória Noémi Petra Boglárka Lilla Fanni Csilla Enikő
Hajnalka Orsolya Piroska Rozália Szilvia Terézia Vivien Zita Emese Kinga Gréta Liliána Adrienn
"""
HUNGARIAN_SURNAMES = """
Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp Takács Juhász Lakatos Mészáros Oláh
Simon Rácz Fekete Szilágyi Török Fehér Balázs Gál Kis Szűcs Kocsis Orsós Pintér Fodor Szalai Sipos Magyar Lukács
Gulyás Biró Király Katona László Jakab Bogdán Sándor Boros Fazekas Kelemen Antal Orosz Somogyi Fülöp Veres Budai
Vincze Hegedűs Deák Bálint Pál Illés Vörös Szőke Fábián Vass Lengyel Bognár Csonka Bodnár Szekeres Hajdu Halász
Jónás Máté Székely Gáspár Pásztor Bakos Dudás Major Orbán Virág Barna Novák Soós Tamás Nemes Pataki Balla Vida
Kun Kónya Dobos Borbély Benkő Csizmadia Vadász Szénási Tóthné Erdős Csordás Galambos Nyitrai Szántó Zsigmond
"""
# Most Turkic given names are compounds of a few dozen parts (Нұр+сұлтан, Ер+болат, Ай+гүл, Бек+зат), and most
# surnames are an ancestor's given name with a suffix; Turkish surnames compound too (Öz+türk, Kara+kaya). These
# parts give the long tail of rare names a registry of a million people really has, so that namesakes are about
# as common as in life rather than in a list of a hundred names.
KAZAKH_MALE_PARTS = (
    "Нұр Ер Бек Жан Ай Сұлтан Әли Қуан Серік Бақыт Дәулет Ақ Алтын Темір Мейір Ораз Төре Бай Құдай Асыл Ғали Есен "
    "Қайыр Тілек Мұрат Сабыр Ержан Рахат Досым Ізбасар",
    "болат лан бек жан сұлтан ғали бол тас хан бай зат ар дәулет сейіт қали мұрат нұр ұлан жол серік ғазы бақ "
    "тай әлі тұр қожа ділда есім берген",
)
KAZAKH_FEMALE_PARTS = (
    "Ай Гүл Нұр Жан Ақ Бал Алтын Әсем Күн Дана Сәуле Мөлдір Ай Шын Мейір Ләз Бибі Жұлдыз Дил Гауһар",
    "гүл ерім жан сұлу нұр ай бота тай мира зат дана сая нара ару бану жібек ділда кен шаш ым",
)
KYRGYZ_MALE_PARTS = (
    "Нур Эр Бек Жан Ай Кубан Мырза Алтын Темир Сүйүн Кадыр Айт Бакыт Мирлан Эмил Талант Жыргал Чоң Акыл",
    "бек болот лан жан бай тай бол мырза кул алы мат сейит алы ыбек нур тур",
)
KYRGYZ_FEMALE_PARTS = ("Ай Гүл Нур Жан Бермет Мээр Сезим Алтын Чол Бак Жаз", "гүл сулуу нур жан ай пери гиз ым кан")
UZBEK_MALE_PARTS = (
    "Нур Абдул Шер Хур Бах Зар Фар Мир Ул Сар Жах Иб Ис Ол Ҳам Шох Дил Азиз Бобо Тўл",
    "бек жон али мурод зод шод дор ҳон рух улла ром мон ёр бой қул алиев тош",
)
UZBEK_FEMALE_PARTS = ("Гул Дил Ниг Мох Шах Зар Нил Мал Фер Сев Мун Ҳил", "ноза нора чехра хон ой бону дора ира ара она")
TURKISH_SURNAME_PARTS = (
    "Ak Kara Öz Gök Demir Er Al Bay Ay Şen Yıl Kızıl Sarı Taş Yurt Kurt Can Tekin Ulu Tuna Gül Kaya Çelik Uz Bal",
    "taş kaya türk demir can er soy dağ han oğlu el bulut kurt ay yıldız ok göl su tepe yol bay tan tekin kan",
)
RUSSIAN_SURNAME_ROOTS = """
Берез Весел Волох Гром Добр Жар Зим Калин Лесн Мороз Новосел Озер Полев Речн Светл Сосн Тепл Хмел Черн Ясн Бел
Глад Дуб Зелен Красн Лип Мал Поп Сух Тих Бор Вишн Гор Дон Ель Жук Звон Кедр Клен Кол Лоз Лун Мак Мир Нов Орех Пес
Рыб Сад Сен Стар Топол Туч Хол Цвет Шуст Юр Ястреб Грач Стрел Сокол Колос Ручь Ковыл Осин Рябин Лебед
"""
HUNGARIAN_EXTRA_SURNAMES = """
Ács Ambrus Bakó Bencze Bíró Czakó Dénes Dombi Erdei Faragó Fenyő Gombos Gyurkó Hegyi Horvát Huszár Jenei Kárpáti
Kerekes Kovácsik Lantos Makó Mohácsi Nádasdi Oroszi Pálfi Rajki Rédei Sárközi Somlai Szakács Szalay Szekeres Tarján
Tokaji Ujvári Vámos Várkonyi Vértes Zalai Zsoldos Borsos Csiszár Dallos Egri Fáy Gyenes Hollós Ihász Kalmár
"""
AZERBAIJANI_MORE = """
Aydın Azər Bəxtiyar Cəlal Elşən Emil Eldar Etibar Fazil Fərhad Habil İlqar İlkin Kamal Mahir Natiq Nəriman Oqtay
Pərviz Qabil Rəşid Rövşən Rüstəm Səməd Sənan Taleh Tərlan Vüsal Yaşar Zəfər Elmar Fikrət Mübariz Novruz Rasim
"""
AZERBAIJANI_MORE_FEMALE = """
Arzu Aynurə Bahar Dilarə Elmira Fatimə Gülər Humay İlahə Jalə Kəmalə Lamiyə Mehriban Nailə Ofelya Pərvanə Rəna
Samirə Təranə Ulduz Vəfa Yeganə Zərifə Aida Gülşən Məleykə Nəzakət Səadət Sevinc Zümrüd
"""
TURKISH_MORE_MALE = """
Adem Ahmet Alp Anıl Atakan Aydın Baran Berkay Bilal Bora Cemal Cihan Çetin Davut Emin Engin Enes Erkan Ertuğrul
Faruk Ferhat Gürkan Hamza Harun Hikmet İlhan İsmet Kemal Kenan Mesut Metin Muhammet Nihat Nuri Oktay Orhan Ozan
Rıza Sadık Selçuk Semih Serdar Sezer Sinan Şahin Tayfun Turgut Tuncay Ümit Vedat Yavuz Yunus Zeki
"""
TURKISH_MORE_FEMALE = """
Ayla Aysun Bahar Berna Betül Canan Cemile Deniz Dilara Duygu Esma Feride Figen Gönül Güler Gülşen Hacer Hilal Işıl
Jale Kevser Lale Melike Meltem Müge Nalan Nermin Nesrin Nihal Nurcan Oya Perihan Rabia Saadet Sema Serap Sevim
Sibel Şebnem Tuba Tülin Ümran Yağmur Yıldız Zuhal Zübeyde
"""
HUNGARIAN_MORE_MALE = "Albert Antal Árpád Bertalan Dezső Endre Ernő Géza Győző Jenő Kálmán Lóránt Nándor Ödön Pál Rezső Sebestyén Vilmos Zsigmond Álmos"  # noqa: E501
HUNGARIAN_MORE_FEMALE = "Aranka Borbála Dorottya Emőke Etelka Flóra Gizella Henrietta Irén Jolán Klára Lenke Magdolna Nóra Olga Panna Rita Sára Teréz Vera"  # noqa: E501


def _compounds(parts: tuple[str, str]) -> list[str]:
    first, second = parts[0].split(), parts[1].split()
    return sorted({a + b for a in first for b in second if a.casefold()[-1:] != b[:1] or len(a) > 2})


# Irregular spellings real records use, beyond what the rules give (written by hand).
ALSO: dict[str, tuple[str, ...]] = {
    "Шолпан": ("Cholpan", "Sholpan"),
    "Әбілқайыр": ("Abilkhair", "Ebilkayır", "Abulkhair"),
    "Қасым": ("Kassym", "Kasım", "Kasym"),
    "Жомарт": ("Jomart", "Zhomart"),
    "Нұрсұлтан": ("Nursultan", "Nursoultan"),
    "Ерлан": ("Yerlan", "Erlan"),
    "Ержан": ("Yerzhan", "Erjan"),
    "Асқар": ("Askar", "Asker"),
    "Әсел": ("Assel", "Asel", "Esel"),
    "Айгерім": ("Aigerim", "Aygerim", "Aiherim"),
    "Гүлнар": ("Gulnar", "Gülnar", "Gulnara"),
    "Ғалым": ("Galym", "Ghalym", "Galim"),
    "Александр": ("Alexander", "Aleksandr", "Alexandr"),
    "Артём": ("Artyom", "Artem", "Artiom"),
    "Фёдор": ("Fyodor", "Fedor", "Feodor"),
    "Юлия": ("Yulia", "Julia", "Iuliia"),
    "Наталья": ("Natalya", "Natalia", "Nataliia"),
    "Мухаммад": ("Muhammad", "Mukhammad", "Muhammed"),
}


def _words(text: str) -> list[str]:
    return [word for word in text.split() if word.isalpha()]


def _pairs(text: str) -> list[tuple[str, str]]:
    """ "Əli:Али" → (Latin, Cyrillic) pairs of the Azerbaijani tables."""
    return [tuple(item.split(":", 1)) for item in text.split()]  # type: ignore[misc]


# --- spelling rules (this file's own; tamyr.names is never used to generate) ------------------------------------

KK_TO_RU = str.maketrans("әғқңөұүһі", "агкноуухи")
KK_TO_RU.update(str.maketrans("ӘҒҚҢӨҰҮҺІ", "АГКНОУУХИ"))
UZ_TO_RU = str.maketrans("ўғқҳЎҒҚҲ", "угкхУГКХ")
ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
ENGLISH = {**ICAO, "й": "y", "ю": "yu", "я": "ya", "ё": "yo", "ъ": "", "ы": "y"}
KK_2021 = {
    **ICAO, "ә": "ä", "ғ": "ğ", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü", "һ": "h", "і": "ı", "ы": "y",
    "ж": "j", "ш": "ş", "ч": "ç", "х": "h", "й": "i", "у": "u", "ё": "io", "щ": "şş",
}  # fmt: skip
KK_2017 = {
    **ICAO, "ә": "a'", "ғ": "g'", "қ": "q", "ң": "n'", "ө": "o'", "ұ": "u'", "ү": "y'", "һ": "h", "і": "i",
    "ы": "y", "ж": "j", "ш": "s'", "ч": "c'", "х": "h", "й": "i'", "и": "i'", "у": "ý",
}  # fmt: skip
TURKISH_FROM_CYR = {
    **ICAO, "ә": "e", "ғ": "ğ", "қ": "k", "ң": "n", "ө": "ö", "ұ": "u", "ү": "ü", "һ": "h", "і": "i", "ы": "ı",
    "ж": "c", "ш": "ş", "ч": "ç", "х": "h", "й": "y", "ю": "yu", "я": "ya", "ё": "yo", "ц": "ts", "щ": "ş",
    "ъ": "", "ь": "", "ў": "o", "ҳ": "h",
}  # fmt: skip
UZ_LATIN = {
    **ENGLISH, "ў": "oʻ", "ғ": "gʻ", "қ": "q", "ҳ": "h", "х": "x", "ж": "j", "ц": "s", "ъ": "ʼ", "е": "e",
}  # fmt: skip
TURKISH_TO_RU = {
    "a": "а", "b": "б", "c": "дж", "ç": "ч", "d": "д", "e": "е", "f": "ф", "g": "г", "ğ": "", "h": "х", "ı": "ы",
    "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "ö": "ё", "p": "п", "r": "р", "s": "с",
    "ş": "ш", "t": "т", "u": "у", "ü": "ю", "v": "в", "y": "й", "z": "з", "â": "а", "î": "и", "û": "у",
}  # fmt: skip
LATIN_ASCII = str.maketrans("şçğıöüəŞÇĞİÖÜƏâîû", "scgiouaSCGIOUAaiu")
AZ_TO_EN = {"ə": "a", "ç": "ch", "ş": "sh", "ğ": "gh", "x": "kh", "c": "j", "q": "g", "ü": "u", "ö": "o", "ı": "i"}
HU_DIGRAPHS = (("dzs", "дж"), ("sz", "с"), ("cs", "ч"), ("zs", "ж"), ("gy", "дь"), ("ny", "нь"), ("ly", "й"),
               ("ty", "ть"))  # fmt: skip
HU_TO_RU = {
    "a": "а", "á": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "é": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "í": "и", "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "ó": "о", "ö": "ё", "ő": "ё", "p": "п",
    "r": "р", "s": "ш", "t": "т", "u": "у", "ú": "у", "ü": "ю", "ű": "ю", "v": "в", "z": "з", "y": "и", "x": "кс",
}  # fmt: skip


def _map(word: str, table: dict[str, str], *, initial_e: str | None = None, after_vowel_e: str | None = None) -> str:
    """Transliterate one word letter by letter, keeping the capital of the first letter."""
    out: list[str] = []
    lower = word.lower()
    for i, char in enumerate(lower):
        value = table.get(char, char)
        if char == "е" and initial_e is not None and (i == 0 or (after_vowel_e and lower[i - 1] in "аәеиоөұүуыіэюя")):
            value = initial_e if i == 0 else (after_vowel_e or value)
        out.append(value)
    result = "".join(out)
    return result[:1].upper() + result[1:] if word[:1].isupper() else result


def _upper_words(text: str) -> str:
    return text.upper()


# --- people -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    """One real person: the name as they write it (canonical words), their facts, and their group."""

    number: int
    group: str
    female: bool
    given: tuple[str, ...]
    surname: str
    father: str | None
    birth_year: int
    country: str
    city: str
    email: str
    phone: str


COUNTRIES: dict[str, tuple[tuple[str, tuple[str, ...], float], ...]] = {
    # group: (country, cities, weight)
    "kk": (
        ("KZ", ("Almaty", "Astana", "Shymkent"), 3), ("TR", ("Istanbul", "Ankara"), 2), ("RU", ("Omsk", "Moscow"), 2),
        ("DE", ("Berlin", "Munich"), 1), ("CN", ("Urumqi",), 1), ("MN", ("Bayan-Ölgii",), 1),
        ("US", ("New York",), 1), ("UZ", ("Tashkent",), 1), ("GB", ("London",), 0.5),
    ),
    "ky": (
        ("KG", ("Bishkek", "Osh"), 3), ("RU", ("Moscow", "Yekaterinburg"), 2), ("TR", ("Istanbul",), 1),
        ("KZ", ("Almaty",), 1),
    ),
    "uz": (
        ("UZ", ("Tashkent", "Samarkand"), 3), ("RU", ("Moscow",), 2), ("KZ", ("Shymkent",), 1),
        ("TR", ("Istanbul",), 1), ("US", ("New York",), 0.5),
    ),
    "az": (
        ("AZ", ("Baku", "Ganja"), 3), ("RU", ("Moscow",), 2), ("TR", ("Istanbul",), 1), ("GE", ("Tbilisi",), 1),
        ("DE", ("Berlin",), 0.5),
    ),
    "tr": (
        ("TR", ("Istanbul", "Ankara", "Izmir"), 3), ("DE", ("Berlin", "Cologne"), 2), ("AT", ("Vienna",), 1),
        ("NL", ("Rotterdam",), 1), ("KZ", ("Almaty",), 0.5),
    ),
    "ru": (
        ("RU", ("Moscow", "Omsk"), 3), ("KZ", ("Almaty", "Astana"), 2), ("KG", ("Bishkek",), 1),
        ("DE", ("Berlin",), 1),
    ),
    "hu": (
        ("HU", ("Budapest", "Debrecen"), 3), ("AT", ("Vienna",), 1), ("RO", ("Cluj-Napoca",), 1),
        ("KZ", ("Astana",), 0.5), ("DE", ("Munich",), 0.5),
    ),
}  # fmt: skip
GROUPS = (("kk", 0.45), ("ky", 0.10), ("uz", 0.12), ("az", 0.06), ("tr", 0.14), ("ru", 0.07), ("hu", 0.06))
PHONE_PREFIX = {"KZ": "+7 7", "RU": "+7 9", "KG": "+996 5", "UZ": "+998 9", "AZ": "+994 5", "TR": "+90 5",
                "DE": "+49 15", "HU": "+36 20", "AT": "+43 66", "US": "+1 2", "GB": "+44 7", "CN": "+86 13",
                "MN": "+976 9", "GE": "+995 5", "NL": "+31 6", "RO": "+40 7"}  # fmt: skip


class Names:
    """The tables, parsed once."""

    def __init__(self) -> None:
        # common names (the hand-written lists) are drawn half the time, compounds the other half
        self.common_male = {
            "kk": _words(KAZAKH_MALE), "ky": _words(KYRGYZ_MALE), "uz": _words(UZBEK_MALE),
            "tr": _words(TURKISH_MALE), "ru": _words(RUSSIAN_MALE), "hu": _words(HUNGARIAN_MALE),
            "az": [latin for latin, _ in _pairs(AZERBAIJANI_MALE)],
        }  # fmt: skip
        self.common_female = {
            "kk": _words(KAZAKH_FEMALE), "ky": _words(KYRGYZ_FEMALE), "uz": _words(UZBEK_FEMALE),
            "tr": _words(TURKISH_FEMALE), "ru": _words(RUSSIAN_FEMALE), "hu": _words(HUNGARIAN_FEMALE),
            "az": [latin for latin, _ in _pairs(AZERBAIJANI_FEMALE)],
        }  # fmt: skip
        self.rare_male = {
            "kk": _compounds(KAZAKH_MALE_PARTS), "ky": _compounds(KYRGYZ_MALE_PARTS),
            "uz": _compounds(UZBEK_MALE_PARTS), "tr": _words(TURKISH_MORE_MALE), "ru": _words(RUSSIAN_MALE),
            "hu": _words(HUNGARIAN_MORE_MALE), "az": _words(AZERBAIJANI_MORE),
        }  # fmt: skip
        self.rare_female = {
            "kk": _compounds(KAZAKH_FEMALE_PARTS), "ky": _compounds(KYRGYZ_FEMALE_PARTS),
            "uz": _compounds(UZBEK_FEMALE_PARTS), "tr": _words(TURKISH_MORE_FEMALE), "ru": _words(RUSSIAN_FEMALE),
            "hu": _words(HUNGARIAN_MORE_FEMALE), "az": _words(AZERBAIJANI_MORE_FEMALE),
        }  # fmt: skip
        self.male = {group: self.common_male[group] + self.rare_male[group] for group in self.common_male}
        self.female = {group: self.common_female[group] + self.rare_female[group] for group in self.common_female}
        # Kazakh, Kyrgyz and Uzbek surnames come from an ancestor's (male) given name, common or compound
        self.stems = {
            "kk": _words(KAZAKH_STEMS) + self.rare_male["kk"],
            "ky": _words(KYRGYZ_STEMS) + self.rare_male["ky"],
            "uz": _words(UZBEK_STEMS) + self.rare_male["uz"],
        }
        russian_roots = _words(RUSSIAN_SURNAME_ROOTS)
        self.surnames = {
            "tr": _words(TURKISH_SURNAMES) + _compounds(TURKISH_SURNAME_PARTS),
            "ru": _words(RUSSIAN_SURNAMES)
            + [root + suffix for root in russian_roots for suffix in ("ов", "ин", "ский")],
            "hu": _words(HUNGARIAN_SURNAMES) + _words(HUNGARIAN_EXTRA_SURNAMES),
            "az": [latin for latin, _ in _pairs(AZERBAIJANI_SURNAMES)]
            + [name + ending for name in self.male["az"] for ending in ("ov", "li", "zadə")],
        }
        self.az_cyrillic = {
            latin: cyrillic
            for table in (AZERBAIJANI_MALE, AZERBAIJANI_FEMALE, AZERBAIJANI_SURNAMES)
            for latin, cyrillic in _pairs(table)
        }


def _cyrillic_surname(stem: str, female: bool, rng: random.Random) -> str:
    """Kazakh, Kyrgyz and Uzbek surnames from an ancestor's name: -ов/-ев, sometimes with -бай/-бек first."""
    for ending in ("ов", "ев", "ин"):
        if stem.endswith(ending):
            return stem + ("а" if female else "")
    base = stem
    roll = rng.random()
    if roll < 0.25 and not stem.endswith(("бай", "бек", "бай")):
        base = stem + ("бай" if rng.random() < 0.6 else "бек")
    if base.endswith("й"):
        return base[:-1] + "ев" + ("а" if female else "")  # Сәрсенбай → Сәрсенбаев
    suffix = "ев" if base[-1] in "жшщчцаәеиоөұүуыіэюя" else "ов"
    if base[-1] in "аәеоөұүуыіэюя":
        suffix = "ев" if base[-1] not in "ыуоұ" else "в"
    return base + suffix + ("а" if female else "")


def make_identity(number: int, names: Names, rng: random.Random) -> Identity:
    group = rng.choices([g for g, _ in GROUPS], [w for _, w in GROUPS])[0]
    female = rng.random() < 0.5
    if rng.random() < 0.5:
        pool = names.common_female[group] if female else names.common_male[group]
    else:
        pool = names.female[group] if female else names.male[group]
    given: tuple[str, ...] = (rng.choice(pool),)
    if group in ("tr", "hu") and rng.random() < 0.4:
        second = rng.choice(names.female[group] if female else names.male[group])
        if second != given[0]:
            given = (*given, second)
    father: str | None = None
    if group in ("kk", "ky", "uz"):
        surname = _cyrillic_surname(rng.choice(names.stems[group]), female, rng)
        father = rng.choice(names.male[group])
    elif group == "ru":
        surname = rng.choice(names.surnames["ru"])
        if female:
            surname = surname[:-2] + "ая" if surname.endswith("ий") else surname + "а"
        father = rng.choice(names.male["ru"])
    elif group == "az":
        surname = rng.choice(names.surnames["az"])
        surname = surname + "a" if female and surname.endswith(("ov", "ev")) else surname
        father = rng.choice(names.male["az"])
    else:
        surname = rng.choice(names.surnames[group])
    places = COUNTRIES[group]
    country, cities, _ = rng.choices(places, [w for *_, w in places])[0]
    latin_given = _ascii_latin(given[0], group)
    latin_surname = _ascii_latin(surname, group)
    email = ""
    if rng.random() < 0.45:  # an address is one person's own: namesakes get different ones
        email = f"{latin_given}.{latin_surname}.{number:x}@example.{country.lower()}"
    phone = ""
    if rng.random() < 0.35:
        digits = "".join(str(rng.randrange(10)) for _ in range(8))
        phone = f"{PHONE_PREFIX.get(country, '+1 5')}{digits[:2]} {digits[2:5]} {digits[5:]}"
    return Identity(
        number=number,
        group=group,
        female=female,
        given=given,
        surname=surname,
        father=father,
        birth_year=rng.randrange(1945, 2008),
        country=country,
        city=rng.choice(cities),
        email=email,
        phone=phone,
    )


def _ascii_latin(word: str, group: str) -> str:
    if group in ("kk", "ky", "uz", "ru"):
        source = word.translate(KK_TO_RU).translate(UZ_TO_RU)
        text = _map(source, ENGLISH)
    else:
        text = word
    text = text.translate(LATIN_ASCII)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalpha())
    return text.lower()


# --- writing a person down ----------------------------------------------------------------------------------------


def _patronymic_cyrillic(father: str, female: bool, style: str) -> str:
    if style == "kk":
        return father + ("қызы" if female else "ұлы")
    if style == "ky":
        return f"{father} {'кызы' if female else 'уулу'}"
    if style == "uz":
        return f"{father} {'қизи' if female else 'ўғли'}"
    base = father.translate(KK_TO_RU).translate(UZ_TO_RU)
    if base.endswith("ий"):
        return base[:-2] + ("ьевна" if female else "ьевич")  # Юрий → Юрьевич
    if base.endswith("й"):
        return base[:-1] + ("евна" if female else "евич")  # Сергей → Сергеевич
    if base.endswith("и"):
        return base + ("евна" if female else "евич")
    if base.endswith("а"):
        base = base[:-1]
    return base + ("овна" if female else "ович")


def _cyrillic_record(person: Identity, rng: random.Random, *, native: bool, with_patronymic: bool) -> str:
    given = " ".join(person.given)
    surname = person.surname
    if not native:
        given, surname = given.translate(KK_TO_RU).translate(UZ_TO_RU), surname.translate(KK_TO_RU).translate(UZ_TO_RU)
    words = [surname, given] if rng.random() < 0.5 else [given, surname]
    if with_patronymic and person.father:
        style = person.group if native else "ru"
        patronymic = _patronymic_cyrillic(person.father, person.female, style)
        words = [surname, given, patronymic] if words[0] == surname else [given, patronymic, surname]
    return " ".join(words)


def _latin_of(word: str, person: Identity, convention: str, rng: random.Random | None = None) -> str:
    if person.group in ("kk", "ky", "uz", "ru"):
        if convention == "also" and word in ALSO:
            return (rng or random.Random(word)).choice(ALSO[word])
        if convention == "kk2021" and person.group == "kk":
            return _map(word, KK_2021)
        if convention == "kk2017" and person.group == "kk":
            return _map(word, KK_2017)
        if convention == "uz" and person.group == "uz":
            return _map(word, UZ_LATIN, initial_e="ye")
        if convention == "turkish":
            return _map(word, TURKISH_FROM_CYR, initial_e="ye", after_vowel_e="ye")
        source = word.translate(KK_TO_RU).translate(UZ_TO_RU)
        if convention == "icao":
            return _map(source, ICAO)
        return _map(source, ENGLISH, initial_e="ye", after_vowel_e="ye")
    if person.group == "az":
        if convention in ("english", "icao"):
            return "".join(AZ_TO_EN.get(c, c) for c in word.lower()).capitalize()
        return word
    if convention in ("english", "icao"):
        return "".join(c for c in unicodedata.normalize("NFKD", word) if c.isascii())
    return word


def _latin_patronymic(person: Identity, convention: str) -> str:
    assert person.father is not None
    father = _latin_of(person.father, person, convention)
    if person.group == "kk":
        return (
            father + ("qyzy" if person.female else "uly")
            if convention in ("kk2021", "kk2017")
            else (father + ("kyzy" if person.female else "uly"))
        )
    if person.group == "ky":
        return f"{father} {'kyzy' if person.female else 'uulu'}"
    if person.group == "uz":
        return f"{father} {'qizi' if person.female else 'oʻgʻli'}"
    if person.group == "az":
        return f"{father} {'qızı' if person.female else 'oğlu'}"
    return father + ("ovna" if person.female else "ovich")


AZ_TO_RU = {
    "a": "а", "b": "б", "c": "дж", "ç": "ч", "d": "д", "e": "е", "ə": "а", "f": "ф", "g": "г", "ğ": "г", "h": "г",
    "x": "х", "ı": "ы", "i": "и", "j": "ж", "k": "к", "q": "г", "l": "л", "m": "м", "n": "н", "o": "о", "ö": "ё",
    "p": "п", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ü": "ю", "v": "в", "y": "й", "z": "з",
}  # fmt: skip


def _az_to_ru(word: str) -> str:
    """An Azerbaijani Latin name the way a Russian record writes it (Rüstəm → Рюстам, Pərviz → Парвиз)."""
    lower = word.lower()
    out = "".join(AZ_TO_RU.get(char, char) for char in lower)
    if lower[:1] in "eə":
        out = "Э" + out[1:] if lower[0] == "e" else "А" + out[1:]
    return out[:1].upper() + out[1:]


def _foreign_cyrillic(person: Identity) -> str:
    """A Turkish, Azerbaijani or Hungarian name as a Russian-language record writes it."""

    def word(text: str) -> str:
        if person.group == "az":
            known = person_names.az_cyrillic.get(text)
            if known:
                return known
            if text.endswith("a") and text[:-1] in person_names.az_cyrillic:
                return person_names.az_cyrillic[text[:-1]] + "а"
            return _az_to_ru(text)
        lower = text.lower()
        out = ["э"] if lower.startswith("e") else []
        i = len(out)
        while i < len(lower):
            if person.group == "tr" and lower[i] == "y" and i + 1 < len(lower) and lower[i + 1] in "aueo":
                out.append({"a": "я", "u": "ю", "e": "е", "o": "ё"}[lower[i + 1]])
                i += 2
                continue
            if person.group == "hu":
                for digraph, value in HU_DIGRAPHS:
                    if lower.startswith(digraph, i):
                        out.append(value)
                        i += len(digraph)
                        break
                else:
                    out.append(HU_TO_RU.get(lower[i], lower[i]))
                    i += 1
            else:
                out.append(TURKISH_TO_RU.get(lower[i], lower[i]))
                i += 1
        result = "".join(out)
        return result[:1].upper() + result[1:]

    given = " ".join(word(g) for g in person.given)
    surname = word(person.surname)
    if person.group == "az" and person.father:
        father = person_names.az_cyrillic.get(person.father) or _az_to_ru(person.father)
        return f"{surname} {given} {father} {'кызы' if person.female else 'оглы'}"
    return f"{given} {surname}" if person.group != "hu" else f"{surname} {given}"


CONVENTIONS: dict[str, tuple[str, ...]] = {
    "kk": ("native", "russian", "icao", "english", "kk2021", "kk2017", "turkish", "also"),
    "ky": ("native", "russian", "icao", "english", "turkish", "also"),
    "uz": ("native", "russian", "icao", "english", "uz", "turkish"),
    "ru": ("native", "icao", "english", "also"),
    "az": ("native", "russian", "english", "native_patronymic"),
    "tr": ("native", "english", "russian", "surname_first"),
    "hu": ("native", "given_first", "english", "russian"),
}


def write(person: Identity, convention: str, rng: random.Random) -> str:
    """The person's name as a record in `convention` writes it."""
    group = person.group
    if group in ("kk", "ky", "uz", "ru"):
        if convention in ("native", "russian"):
            return _cyrillic_record(person, rng, native=convention == "native", with_patronymic=rng.random() < 0.7)
        given = " ".join(_latin_of(g, person, convention, rng) for g in person.given)
        surname = _latin_of(person.surname, person, convention, rng)
        if convention in ("icao", "english") and rng.random() < 0.3:
            given, surname = given.upper(), surname.upper()
        words = [given, surname] if rng.random() < 0.7 else [surname, given]
        if convention in ("kk2021", "kk2017", "uz", "turkish") and person.father and rng.random() < 0.5:
            words = (
                [*words, _latin_patronymic(person, convention)]
                if words[0] == given
                else [surname, given, _latin_patronymic(person, convention)]
            )
        return " ".join(words)
    if convention == "russian":
        return _foreign_cyrillic(person)
    given_words = [_latin_of(g, person, convention) for g in person.given]
    surname = _latin_of(person.surname, person, convention)
    if group == "az":
        if convention == "native_patronymic" and person.father:
            return f"{surname} {' '.join(given_words)} {_latin_patronymic(person, convention)}"
        return " ".join([*given_words, surname]) if rng.random() < 0.7 else " ".join([surname, *given_words])
    if group == "hu":
        if convention in ("given_first", "english"):
            return " ".join([*given_words, surname])
        return " ".join([surname, *given_words])
    if convention == "surname_first":
        return " ".join([surname.upper(), *given_words])
    return " ".join([*given_words, surname])


LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
CYRILLIC_LETTERS = "абвгдежзийклмнопрстуфхцчшыэюя"


def typo(text: str, rng: random.Random) -> str:
    """One typing error: a letter dropped, doubled, swapped with its neighbour or replaced, never the first."""
    positions = [i for i, c in enumerate(text) if c.isalpha() and i > 0 and text[i - 1] != " "]
    if not positions:
        return text
    i = rng.choice(positions)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    letters = CYRILLIC_LETTERS if "\u0400" <= text[i].lower() <= "\u04ff" else LATIN_LETTERS
    return text[:i] + rng.choice(letters) + text[i + 1 :]


person_names = Names()


@dataclass(slots=True)
class Row:
    identity: int
    name: str
    other: str
    email: str
    phone: str
    country: str
    birth_year: str
    city: str
    convention: str


def record(person: Identity, rng: random.Random, *, avoid: str = "", typos: int = 0) -> Row:
    conventions = [c for c in CONVENTIONS[person.group] if c != avoid] or list(CONVENTIONS[person.group])
    convention = rng.choice(conventions)
    name = write(person, convention, rng)
    for _ in range(typos):
        name = typo(name, rng)
    other = ""
    if rng.random() < 0.2:
        other = write(person, rng.choice(CONVENTIONS[person.group]), rng)
        if other == name:
            other = ""
    return Row(
        identity=person.number,
        name=name,
        other=other,
        email=person.email if rng.random() < 0.9 else "",
        phone=person.phone if rng.random() < 0.9 else "",
        country=person.country,
        birth_year=str(person.birth_year),
        city=person.city if rng.random() < 0.8 else "",
        convention=convention,
    )


def duplicate_of(person: Identity, first: Row, rng: random.Random) -> Row:
    """The same person written down again elsewhere: another spelling, perhaps a typing error, a missing year."""
    typos = 1 if rng.random() < 0.3 else 0
    row = record(person, rng, avoid=first.convention, typos=typos)
    roll = rng.random()
    if roll < 0.08:
        row.birth_year = ""
    elif roll < 0.12:
        row.birth_year = str(person.birth_year + rng.choice((-1, 1)))
    if rng.random() < 0.1:
        row.country = ""
    if rng.random() < 0.5:
        row.email = ""
    return row


def generate(count: int, seed: int, duplicate_share: float = 0.1) -> tuple[list[Row], list[Identity]]:
    """`count` rows: about (1 - share) * count people, and a second record for `share` of them, shuffled."""
    rng = random.Random(seed)
    people_count = round(count / (1 + duplicate_share))
    identities = [make_identity(number, person_names, rng) for number in range(people_count)]
    rows = [record(person, rng) for person in identities]
    for person in rng.sample(identities, count - people_count):
        rows.append(duplicate_of(person, rows[person.number], rng))
    rng.shuffle(rows)
    return rows, identities


HEADER = ["ФИО", "Other names", "E-mail", "Phone", "Country", "Year of birth", "City"]


def write_csv(rows: list[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([row.name, row.other, row.email, row.phone, row.country, row.birth_year, row.city])


def queries(identities: list[Identity], rows: list[Row], count: int, seed: int) -> list[tuple[str, int]]:
    """(query text, identity) pairs: each a spelling of the person other than their first record's."""
    rng = random.Random(seed + 1)
    first: dict[int, Row] = {}
    for row in rows:
        first.setdefault(row.identity, row)
    result = []
    for person in rng.sample(identities, count):
        typos = 0
        roll = rng.random()
        if roll < 0.25:
            typos = 1
        elif roll < 0.33:
            typos = 2
        text = write(person, rng.choice([c for c in CONVENTIONS[person.group] if c != first[person.number].convention]
                                         or CONVENTIONS[person.group]), rng)  # fmt: skip
        for _ in range(typos):
            text = typo(text, rng)
        result.append((text, person.number))
    return result


# --- the run ------------------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def peak_rss_mb() -> float:
    """This process's peak resident memory over its whole life, the generation of the test data included."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class TreeMemory:
    """The peak of the resident memory of this process and all its descendants together (the import's checker, the
    dedupe's key workers), sampled five times a second from /proc: what the machine must hold at once."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    @staticmethod
    def _children() -> dict[int, list[int]]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
        return children

    @staticmethod
    def _rss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self.stop.wait(0.2):
            children = self._children()
            total, todo = 0, [os.getpid()]
            while todo:
                pid = todo.pop()
                total += self._rss_kb(pid)
                todo.extend(children.get(pid, []))
            self.peak_kb = max(self.peak_kb, total)

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)


def _setup_database(kind: str, keep: bool) -> tuple[str, Callable[[], None]]:
    var = tempfile.mkdtemp(prefix="tamyr-bench-people-")
    os.environ["TAMYR_VAR_DIR"] = var
    if kind == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
        return os.environ["DATABASE_URL"], lambda: None
    import psycopg

    base = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    name = f"tamyr_bench_people_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"{base}/{name}"

    def drop() -> None:
        if keep:
            log(f"kept database {name}")
            return
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name}")

    return os.environ["DATABASE_URL"], drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="rows in the file, duplicates included")
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    _url, drop = _setup_database(args.db, args.keep)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamyr.settings.base")
    os.environ["TAMYR_REQUIRE_STAFF_MFA"] = "false"
    os.environ["TAMYR_TASKS_IMMEDIATE"] = "true"
    import django

    django.setup()
    try:
        result = run(args)
    finally:
        drop()
    print(json.dumps(result, ensure_ascii=False))


def run(args: argparse.Namespace) -> dict[str, object]:
    from django.core.management import call_command
    from django.db import connection

    from tamyr.accounts.models import User
    from tamyr.registry import dedupe, imports, selectors
    from tamyr.registry.models import DuplicateCandidate, DuplicateStatus, Organization, Person

    log(f"migrating a fresh {args.db} database")
    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(slug="bench", name={"en": "Bench centre"}, kind="cultural_centre")
    user = User.objects.create_superuser("bench", "bench@example.org", "bench-password-1")

    log(f"generating {args.people:,} rows")
    rows, identities = generate(args.people, args.seed)
    folder = Path(tempfile.mkdtemp(prefix="tamyr-bench-csv-"))
    path = folder / "people.csv"
    write_csv(rows, path)
    truth = [row.identity for row in rows]
    search_queries = queries(identities, rows, min(args.queries, len(identities)), args.seed)
    del rows, identities
    log(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB); importing through tamyr.registry.imports")

    started = time.perf_counter()
    with TreeMemory() as import_memory:
        report = imports.import_people(
            path=path, organization=organization, acting_user=user, progress=imports.stderr_progress("import")
        )
    import_seconds = time.perf_counter() - started
    assert report.imported == len(truth), (report.imported, len(truth), report.bad_rows[:3])
    log(
        f"imported {report.imported:,} people in {import_seconds:.1f} s "
        f"({report.copy_seconds:.1f} s in bulk writes, {report.write_seconds:.1f} s from first write to commit)"
    )

    person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    identity_of = dict(zip(person_ids, truth, strict=True))
    del person_ids

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_namevariant")
            cursor.execute("VACUUM ANALYZE registry_person")
            cursor.execute("VACUUM ANALYZE registry_nameword")

    log(f"searching {len(search_queries)} times")
    people = selectors.people_filter(selectors.people_visible_to(user))
    timings: list[float] = []
    hits_at_5 = hits_at_1 = 0
    for text, identity in search_queries:
        begin = time.perf_counter()
        found = selectors.person_search(people, text)[:50]
        timings.append((time.perf_counter() - begin) * 1000)
        top = [identity_of.get(person.pk) for person in found[:5]]
        hits_at_5 += identity in top
        hits_at_1 += bool(top) and top[0] == identity
    raw_timings: list[float] = []
    raw_hits = 0
    if connection.vendor == "postgresql":
        from tamyr.names import name_keys

        with connection.cursor() as cursor:
            cursor.execute("SELECT set_limit(0.3)")
            for text, identity in search_queries:
                key = name_keys(text).sorted or name_keys(text).search
                begin = time.perf_counter()
                cursor.execute(
                    "SELECT person_id FROM registry_namevariant WHERE sorted_key %% %s "
                    "ORDER BY similarity(sorted_key, %s) DESC LIMIT 5",
                    [key, key],
                )
                top = [identity_of.get(pk) for (pk,) in cursor.fetchall()]
                raw_timings.append((time.perf_counter() - begin) * 1000)
                raw_hits += identity in top

    log("running duplicate detection")
    begin = time.perf_counter()
    with TreeMemory() as dedupe_memory:
        run_record = dedupe.run_dedupe(acting_user=user, progress=dedupe.stderr_progress())
    dedupe_seconds = time.perf_counter() - begin
    log(
        f"memory, this process and its workers together: import {import_memory.peak_mb} MB, "
        f"dedupe {dedupe_memory.peak_mb} MB"
    )
    found_pairs = {
        (a, b)
        for a, b in DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).values_list("person_a", "person_b")
    }
    by_identity: dict[int, list[int]] = {}
    for pk, identity in identity_of.items():
        by_identity.setdefault(identity, []).append(pk)
    true_pairs = {
        (pks[i], pks[j]) for pks in by_identity.values() for i in range(len(pks)) for j in range(i + 1, len(pks))
    }
    correct = len(found_pairs & true_pairs)
    precision = correct / len(found_pairs) if found_pairs else 0.0
    recall = correct / len(true_pairs) if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    return {
        "people": len(truth),
        "db": args.db,
        "import_rows_per_s": round(len(truth) / import_seconds),
        "copy_rows_per_s": round(len(truth) / report.copy_seconds) if report.copy_seconds else None,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "raw_trgm_p95_ms": round(percentile(raw_timings, 0.95), 1) if raw_timings else None,
        "recall_at_5": round(hits_at_5 / len(search_queries), 3),
        "dedupe_seconds": round(dedupe_seconds, 1),
        "dedupe_f1": round(f1, 3),
        "peak_rss_mb": max(import_memory.peak_mb, dedupe_memory.peak_mb),
        "bench_process_peak_rss_mb": peak_rss_mb(),
        "recall_at_1": round(hits_at_1 / len(search_queries), 3),
        "raw_trgm_recall_at_5": round(raw_hits / len(search_queries), 3) if raw_timings else None,
        "dedupe_precision": round(precision, 3),
        "dedupe_recall": round(recall, 3),
        "dedupe_pairs_scored": run_record.pairs_scored,
        "queries": len(search_queries),
    }


def sample(count: int = 20, seed: int = 7) -> Iterator[str]:
    """A few generated rows, for looking at: `python bench/people_search.py --sample`."""
    rows, _ = generate(count, seed)
    for row in rows:
        yield f"{row.identity}\t{row.convention}\t{row.name}\t{row.other}\t{row.country}\t{row.birth_year}"


if __name__ == "__main__":
    if "--sample" in sys.argv:
        for line in sample(int(sys.argv[sys.argv.index("--sample") + 1]) if len(sys.argv) > 2 else 20):
            print(line)
    else:
        main()
