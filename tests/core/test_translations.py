"""The interface is translated into the seven languages of the switcher, and the compiled catalogues match.

The .po files are read with a small stdlib parser (polib is not a dependency); the .mo files with
``gettext.GNUTranslations``. See ``tamyr/locale/README.md`` for how the catalogues are regenerated.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

import tamyr

LANGUAGES = ["kk", "ru", "tr", "az", "uz", "ky", "hu"]
PROJECT_DIR = Path(tamyr.__file__).resolve().parent
LOCALE_DIR = PROJECT_DIR / "locale"
DJANGO_LOCALE_DIR = Path(__import__("django").__file__).resolve().parent / "conf" / "locale"
PLACEHOLDER = re.compile(r"%%|%\(\w+\)[sdr]|%[sd]|\{\w*\}")
# Words that are the same in the language and in English, or are names and codes
SAME_IN_ANY_LANGUAGE = {"API", "ID", "JSON", "CSV", "XLSX", "Tamyr", "WebAuthn", "CEFR"}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and bool(self.msgstr) and all(self.msgstr.values())

    @property
    def mo_key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[Entry]:
    """Entries of a PO file, the header (msgid "") excluded; obsolete #~ entries are skipped."""
    entries: list[Entry] = []
    entry, current = Entry(), ""

    def flush() -> None:
        nonlocal entry, current
        if current:
            entries.append(entry)
        entry, current = Entry(), ""

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#"):
            if current.startswith("msgstr"):
                flush()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            else:
                entry.comments.append(line)
        elif line.startswith(("msgctxt ", "msgid ")) and current.startswith("msgstr"):
            flush()
            current = line.split(" ", 1)[0]
            setattr(entry, current, _unquote(line.split(" ", 1)[1]))
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ")):
            current = line.split(" ", 1)[0]
            setattr(entry, current, _unquote(line.split(" ", 1)[1]))
        elif line.startswith("msgstr"):
            keyword, value = line.split(" ", 1)
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current = f"msgstr{index}"
            entry.msgstr[index] = _unquote(value)
        elif line.startswith('"'):
            if current.startswith("msgstr"):
                entry.msgstr[int(current[6:])] += _unquote(line)
            else:
                setattr(entry, current, (getattr(entry, current) or "") + _unquote(line))
    flush()
    return [e for e in entries if e.msgid]


def po_header(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    block = text.split('msgid ""\nmsgstr ""\n', 1)[1].split("\n\n", 1)[0]
    raw = "".join(_unquote(line) for line in block.splitlines() if line.startswith('"'))
    return dict(line.split(": ", 1) for line in raw.splitlines() if ": " in line)


def catalogue(lang: str) -> list[Entry]:
    return parse_po(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po")


def compiled(lang: str) -> gettext.GNUTranslations:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)


def extra_sources(lang: str) -> list[Path]:
    """Hand-kept catalogues that tamyr/locale/merge_extra.py copies into django.po (e.g. allauth's Kazakh)."""
    return sorted(p for p in (LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po") if p.name != "django.po")


def _normalized(plural_forms: str) -> str:
    return re.sub(r"\s+", "", plural_forms).rstrip(";")


# --- the catalogues --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_names_the_language_and_django_plural_forms(lang: str) -> None:
    header = po_header(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po")
    assert header["Language"] == lang
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    djangos = po_header(DJANGO_LOCALE_DIR / lang / "LC_MESSAGES" / "django.po")
    assert _normalized(header["Plural-Forms"]) == _normalized(djangos["Plural-Forms"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_msgid_is_translated(lang: str) -> None:
    entries = catalogue(lang)
    assert len(entries) > 250
    untranslated = [e.msgid for e in entries if not e.translated]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated or fuzzy, e.g. {untranslated[:5]}"
    plural_forms = po_header(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po")["Plural-Forms"]
    nplurals = int(re.search(r"nplurals=(\d)", plural_forms)[1])  # type: ignore[index]
    for e in entries:
        if e.msgid_plural is not None:
            assert sorted(e.msgstr) == list(range(nplurals)), f"{lang}: {e.msgid!r} needs {nplurals} plural forms"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_are_not_english_copies(lang: str) -> None:
    entries = catalogue(lang)
    copies = [e.msgid for e in entries if e.msgstr.get(0) == e.msgid and e.msgid not in SAME_IN_ANY_LANGUAGE]
    assert len(copies) / len(entries) < 0.10, f"{lang}: {len(copies)} msgstr equal their msgid: {copies[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_and_markup_are_kept(lang: str) -> None:
    for e in catalogue(lang):
        source = e.msgid_plural if e.msgid_plural is not None else e.msgid
        for text in e.msgstr.values():
            if "python-format" in e.flags or "python-brace-format" in e.flags:
                assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(source)), f"{lang}: {e.msgid!r}"
            assert sorted(re.findall(r"</?[a-z]+", text)) == sorted(re.findall(r"</?[a-z]+", source)), (
                f"{lang}: the markup of {e.msgid!r} changed"
            )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(lang: str) -> None:
    mo = compiled(lang)
    assert mo.info()["language"] == lang
    expected: dict[object, str] = {}
    for e in catalogue(lang):
        if e.msgid_plural is None:
            expected[e.mo_key] = e.msgstr[0]
        else:
            expected.update({(e.mo_key, i): text for i, text in e.msgstr.items()})
    actual = {key: text for key, text in mo._catalog.items() if key != ""}  # type: ignore[attr-defined]
    missing = {k for k in expected if k not in actual}
    stale = {k for k in actual if k not in expected}
    changed = {k for k in expected if k in actual and actual[k] != expected[k]}
    assert not (missing or stale or changed), (
        f"{lang}: django.mo is out of date (run compilemessages): missing {list(missing)[:3]}, "
        f"stale {list(stale)[:3]}, changed {list(changed)[:3]}"
    )


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if extra_sources(lang)])
def test_extra_catalogues_are_merged(lang: str) -> None:
    merged = {e.mo_key: e for e in catalogue(lang)}
    for source in extra_sources(lang):
        for e in parse_po(source):
            assert e.translated, f"{source.name}: {e.msgid!r} is untranslated"
            assert e.mo_key in merged and merged[e.mo_key].translated, (
                f"{source.name}: {e.msgid!r} is not in django.po; run tamyr/locale/merge_extra.py"
            )


TEMPLATE_TRANSLATE = re.compile(
    r"""\{%\s*(?:translate|trans)\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*(?:noop\s*)?(?:as\s+\w+\s*)?%\}"""
)
PYTHON_GETTEXT = re.compile(
    r"""(?<![\w.])(?:_|gettext|gettext_lazy|gettext_noop)\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\s*[,)]"""
)


def source_msgids() -> dict[str, Path]:
    """Literal msgids of {% translate %} tags and _() calls in our sources (blocktranslate is left to makemessages)."""
    found: dict[str, Path] = {}
    for path in PROJECT_DIR.rglob("*"):
        relative = path.relative_to(PROJECT_DIR).parts
        if not path.is_file() or "migrations" in relative or relative[0] in ("locale", "static"):
            continue
        if path.suffix in (".html", ".txt"):
            pattern = TEMPLATE_TRANSLATE
        elif path.suffix == ".py":
            pattern = PYTHON_GETTEXT
        else:
            continue
        for literal in pattern.findall(path.read_text(encoding="utf-8")):
            found.setdefault(ast.literal_eval(literal), path)
    return found


def test_every_string_of_our_sources_is_in_the_catalogues() -> None:
    msgids = {e.msgid for e in catalogue("kk")}
    missing = {
        msgid: str(path.relative_to(PROJECT_DIR)) for msgid, path in source_msgids().items() if msgid not in msgids
    }
    assert not missing, (
        "New interface strings are not in the catalogues; run `python tamyr/locale/merge_extra.py --regenerate`, "
        f"translate them into all seven languages and recompile: {missing}"
    )


# --- the pages -------------------------------------------------------------------------------------------------


def heading(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "the page has no <h1>"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match[1])).strip()


def in_language(client: Client, lang: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_is_shown_in_the_chosen_language(client: Client, lang: str) -> None:
    expected = compiled(lang).gettext("Organizations")
    assert expected and expected != "Organizations"
    response = in_language(client, lang).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert f">{expected}</a>" in html
    assert ">Organizations</a>" not in html
    assert compiled(lang).gettext("One connected diaspora network") in html


@pytest.mark.django_db
def test_kazakh_login_page_is_in_kazakh(client: Client) -> None:
    html = in_language(client, "kk").get(reverse("account_login")).content.decode()
    assert heading(html) == "Кіру"  # allauth's "Sign In", which allauth itself does not translate into Kazakh
    assert "Құпиясөзді ұмыттыңыз ба?" in html  # "Forgot your password?"
    assert "Мені есте сақтау" in html  # "Remember Me"
    for english in ("Sign In", "Forgot your password?", "Remember Me", "Password"):
        assert f">{english}" not in html


@pytest.mark.django_db
def test_kazakh_signup_page_explains_the_password_rules_in_kazakh(client: Client) -> None:
    html = in_language(client, "kk").get(reverse("account_signup")).content.decode()
    assert heading(html) == "Тіркелу"
    assert "Құпиясөзіңіз тек сандардан тұрмауы керек." in html  # Django's "can't be entirely numeric" help text
    assert "entirely numeric" not in html


@pytest.mark.django_db
def test_kazakh_password_reset_page_is_in_kazakh(client: Client) -> None:
    html = in_language(client, "kk").get(reverse("account_reset_password")).content.decode()
    assert "Құпиясөзді қалпына келтіру" in html
    assert "Password Reset" not in html


@pytest.mark.django_db
def test_kazakh_two_factor_page_is_in_kazakh(client: Client, org_staff) -> None:  # type: ignore[no-untyped-def]
    in_language(client, "kk").post(reverse("account_login"), {"login": "orgstaff", "password": "correct-horse-battery"})
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Тіркелгіңіз екі факторлы аутентификациямен қорғалған." in html
    assert "Аутентификатор коды" in html
    assert "authenticator code" not in html.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "kk"])
def test_login_page_uses_allauths_own_translations(client: Client, lang: str) -> None:
    with translation.override(lang):
        sign_in = translation.gettext("Sign In")
    assert sign_in != "Sign In"
    html = in_language(client, lang).get(reverse("account_login")).content.decode()
    assert heading(html) == sign_in
