"""Merge hand-kept extra catalogues into the Django catalogues after ``makemessages``.

Why: django-allauth ships no Kazakh translation, so the Kazakh strings of its sign-in,
sign-up, password reset, e-mail verification and two-factor pages live in
``kk/LC_MESSAGES/allauth_kk.po`` (and some of Django's own strings — password rules, lower-case
month names — in ``<lang>/LC_MESSAGES/djangocore_<lang>.po``). ``makemessages --no-obsolete`` drops every msgid that is
not in our own sources, so after each ``makemessages`` run those entries must be put back
into ``django.po``. Our ``LOCALE_PATHS`` catalogue takes precedence over allauth's own, so
the merged entries are what Kazakh users see.

Regenerate all catalogues (from the repository root)::

    cd tamyr
    DJANGO_SETTINGS_MODULE=tamyr.settings.base ../.venv/bin/tamyr makemessages \\
        -l kk -l ru -l tr -l az -l uz -l ky -l hu --no-location --no-obsolete --ignore 'static/vendor/*'
    ../.venv/bin/python locale/merge_extra.py        # put the allauth_*.po entries back
    # translate the new empty msgstr entries (and check for "#, fuzzy" ones), then:
    DJANGO_SETTINGS_MODULE=tamyr.settings.base ../.venv/bin/tamyr compilemessages
    ../.venv/bin/python locale/merge_extra.py --clean  # drop the unused allauth_*.mo

or all of it in one go: ``../.venv/bin/python locale/merge_extra.py --regenerate``.

Rules of the merge (stdlib only, no gettext tools needed):

* every ``*.po`` file in ``<lang>/LC_MESSAGES/`` other than ``django.po``/``djangojs.po``
  is an extra source for that language's ``django.po``;
* an extra entry whose (msgctxt, msgid) is missing from ``django.po`` is appended, marked
  with a translator comment named after the file (``allauth_kk.po`` -> ``#. allauth``);
* an entry already in ``django.po`` keeps its translation unless it is empty or fuzzy, in
  which case the extra translation fills it. Our own sources' strings therefore win.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent
LANGUAGES = ["kk", "ru", "tr", "az", "uz", "ky", "hu"]
MAIN_DOMAINS = {"django.po", "djangojs.po"}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)  # "# ", "#.", "#:" lines, kept as they are
    flags: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.fuzzy:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted PO string: {text!r}")
    body = text[1:-1]
    out = []
    i = 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n") + '"'


def parse_po(path: Path) -> list[Entry]:
    """Parse a PO file into entries (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    entry = Entry()
    current: str | None = None  # which field continuation lines belong to
    started = False

    def finish() -> None:
        nonlocal entry, started, current
        if started:
            entries.append(entry)
        entry = Entry()
        started = False
        current = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and current != "comment":
                finish()
            current = "comment"
            if line.startswith("#,"):
                entry.flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
            else:
                entry.comments.append(line)
            continue
        if line.startswith("msgctxt "):
            if started and current not in ("comment", None):
                finish()
            entry.msgctxt = _unquote(line[8:])
            current, started = "msgctxt", True
        elif line.startswith("msgid_plural "):
            entry.msgid_plural = _unquote(line[13:])
            current = "msgid_plural"
        elif line.startswith("msgid "):
            if started and current not in ("comment", "msgctxt", None):
                finish()
            entry.msgid = _unquote(line[6:])
            current, started = "msgid", True
        elif line.startswith("msgstr["):
            idx, rest = line[7:].split("]", 1)
            current = f"msgstr[{int(idx)}]"
            entry.msgstr_plural[int(idx)] = _unquote(rest)
        elif line.startswith("msgstr "):
            entry.msgstr = _unquote(line[7:])
            current = "msgstr"
        elif line.startswith('"'):
            value = _unquote(line)
            if current == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif current == "msgid":
                entry.msgid += value
            elif current == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            elif current == "msgstr":
                entry.msgstr += value
            elif current and current.startswith("msgstr["):
                plural_index = int(current[7:-1])
                entry.msgstr_plural[plural_index] += value
            else:
                raise ValueError(f"{path}: stray string line {raw!r}")
        else:
            raise ValueError(f"{path}: cannot parse line {raw!r}")
    finish()
    return entries


def _field(name: str, value: str) -> list[str]:
    if "\n" in value.rstrip("\n") or len(value) > 70:
        parts = value.splitlines(keepends=True)
        return [f'{name} ""'] + [_quote(p) for p in parts]
    return [f"{name} {_quote(value)}"]


def format_entry(entry: Entry) -> str:
    lines = [c for c in entry.comments if c.startswith("# ") or c == "#"]
    lines += [c for c in entry.comments if c.startswith("#.")]
    lines += [c for c in entry.comments if c.startswith("#:")]
    if entry.flags:
        lines.append("#, " + ", ".join(dict.fromkeys(entry.flags)))
    if entry.msgctxt is not None:
        lines += _field("msgctxt", entry.msgctxt)
    lines += _field("msgid", entry.msgid)
    if entry.msgid_plural is not None:
        lines += _field("msgid_plural", entry.msgid_plural)
        for idx in sorted(entry.msgstr_plural):
            lines += _field(f"msgstr[{idx}]", entry.msgstr_plural[idx])
    else:
        lines += _field("msgstr", entry.msgstr)
    return "\n".join(lines)


def write_po(path: Path, entries: list[Entry]) -> None:
    path.write_text("\n\n".join(format_entry(e) for e in entries) + "\n", encoding="utf-8")


def merge(target: Path, extra: Path, marker: str) -> tuple[int, int]:
    """Merge ``extra`` into ``target``; returns (appended, filled)."""
    entries = parse_po(target)
    by_key = {e.key: e for e in entries if e.msgid}
    appended = filled = 0
    for extra_entry in parse_po(extra):
        if not extra_entry.msgid or not extra_entry.translated:
            continue
        existing = by_key.get(extra_entry.key)
        if existing is None:
            comments = [c for c in extra_entry.comments if not c.startswith("#:")]
            if f"#. {marker}" not in comments:
                comments.insert(0, f"#. {marker}")
            extra_entry.comments = comments
            entries.append(extra_entry)
            by_key[extra_entry.key] = extra_entry
            appended += 1
        elif not existing.translated and existing.msgid_plural == extra_entry.msgid_plural:
            existing.msgstr = extra_entry.msgstr
            existing.msgstr_plural = dict(extra_entry.msgstr_plural)
            existing.flags = [f for f in existing.flags if f != "fuzzy"]
            filled += 1
    write_po(target, entries)
    return appended, filled


def extra_sources(lang_dir: Path) -> list[Path]:
    messages = lang_dir / "LC_MESSAGES"
    return sorted(p for p in messages.glob("*.po") if p.name not in MAIN_DOMAINS)


def merge_all() -> None:
    for lang_dir in sorted(p for p in LOCALE_DIR.iterdir() if p.is_dir()):
        target = lang_dir / "LC_MESSAGES" / "django.po"
        for extra in extra_sources(lang_dir):
            if not target.exists():
                continue
            marker = extra.stem.rsplit("_", 1)[0]  # allauth_kk.po -> "allauth"
            appended, filled = merge(target, extra, marker)
            print(f"{target.relative_to(LOCALE_DIR)}: +{appended} appended, {filled} filled from {extra.name}")


def clean() -> None:
    """Remove .mo files compiled from the extra sources (Django only reads django.mo)."""
    for lang_dir in sorted(p for p in LOCALE_DIR.iterdir() if p.is_dir()):
        for extra in extra_sources(lang_dir):
            extra.with_suffix(".mo").unlink(missing_ok=True)


def regenerate() -> None:
    project_dir = LOCALE_DIR.parent  # .../tamyr
    cli = Path(sys.executable).with_name("tamyr")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "tamyr.settings.base")}
    langs = [arg for lang in LANGUAGES for arg in ("-l", lang)]
    subprocess.run(
        [str(cli), "makemessages", *langs, "--no-location", "--no-obsolete", "--ignore", "static/vendor/*"],
        cwd=project_dir,
        env=env,
        check=True,
    )
    merge_all()
    subprocess.run([str(cli), "compilemessages"], cwd=project_dir, env=env, check=True)
    clean()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true", help="makemessages, merge, compilemessages, clean")
    parser.add_argument("--clean", action="store_true", help="only remove .mo files compiled from extra sources")
    args = parser.parse_args()
    if args.regenerate:
        regenerate()
    elif args.clean:
        clean()
    else:
        merge_all()


if __name__ == "__main__":
    main()
