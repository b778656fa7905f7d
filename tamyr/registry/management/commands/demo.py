"""`tamyr demo`: load the network of the seed pages, generated compatriots and one login per role.

Why one command and not fixtures: fixtures would bypass the services (no audit rows, no search keys) and could not
be loaded twice. This command can: it finds every row again by slug, e-mail or username and changes only what
differs, so `make demo` may run it on every start.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from tamyr.accounts.models import NetworkCoordinator, OrganizationRole, User
from tamyr.core.i18n import translate
from tamyr.core.netfiles import shipped
from tamyr.registry.demo import network, people, users
from tamyr.registry.models import Affiliation, Consent, NameVariant, Network, NetworkMembership, Organization, Person

PRODUCTION_SETTINGS = "tamyr.settings.production"
#: The tables the demo fills, counted after it ran by the names the admin gives them.
REGISTRY_TABLES = (Organization, Network, NetworkMembership, Person, NameVariant, Affiliation, Consent)
ACCOUNT_TABLES = (User, OrganizationRole, NetworkCoordinator)


class Command(BaseCommand):
    help = "Load the demo network (organizations, networks, people of the seeds, generated compatriots, logins)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--people", type=int, default=300, help="How many generated compatriots (default 300, at least 1)."
        )
        parser.add_argument(
            "--seed", type=int, default=people.DEFAULT_SEED, help="Seed of the generated compatriots (default 2026)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even on production settings (adds known passwords!)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["people"]
        if count < 1:
            raise CommandError("--people must be at least 1: person 1 is the record of the 'compatriot' login.")
        if self._is_production() and not options["force"]:
            raise CommandError(
                "Refusing to load the demo on production settings (DEBUG is off and DJANGO_SETTINGS_MODULE is "
                f"{PRODUCTION_SETTINGS}): it creates logins with a published password. Use --force if you mean it."
            )
        with transaction.atomic():
            organizations, networks, named = network.load_network()
            generated = people.load_people(count, organizations, seed=options["seed"])
            logins = users.load_users(generated.people[0])
            extra = self._load_other_apps(seed=options["seed"])
        self._print_logins(logins)
        self._print_counts(len(organizations), len(networks), len(named), generated)
        for app_label, counts in extra:
            summary = " · ".join(f"{name} {value}" for name, value in counts.items())
            self.stdout.write(f"  {app_label}: {summary}")

    @staticmethod
    def _load_other_apps(*, seed: int) -> list[tuple[str, dict[str, int]]]:
        """Each domain app that has demo data names a builder in its AppConfig (`demo_builder = "module.function"`),
        or only network files in tamyr/demo/ (`demo_files`) when its demo is only data.

        The registry never imports the domain apps (arrows point one way), so it discovers them here; each builder
        is called as `build(seed=...)` inside the same transaction and returns counts to print. After the builders,
        the files are loaded as `tamyr load` loads them, as the system, so a second run plans nothing.
        """
        configs, results = apps.get_app_configs(), []
        for config in configs:
            if path := getattr(config, "demo_builder", ""):
                results.append((config.label, import_string(path)(seed=seed)))
        for config in configs:
            if names := getattr(config, "demo_files", ()):
                results.append((config.label, shipped.load_demo(*names).counts))
        return results

    @staticmethod
    def _is_production() -> bool:
        return not settings.DEBUG and getattr(settings, "SETTINGS_MODULE", "") == PRODUCTION_SETTINGS

    def _print_logins(self, logins: list[users.DemoLogin]) -> None:
        write = self.stdout.write
        write(self.style.MIGRATE_HEADING("Demo logins"))
        write("Sign in with the username (or its e-mail address); staff roles then ask for the 6-digit TOTP code.")
        write("")
        width = max(len(login.user.get_username()) for login in logins)
        pw = len(users.DEMO_PASSWORD)
        write(f"  {'username':<{width}}  {'password':<{pw}}  {'e-mail':<30}  role")
        for login in logins:
            write(
                f"  {login.user.get_username():<{width}}  {users.DEMO_PASSWORD:<{pw}}  {login.user.email:<30}  "
                f"{translate(login.spec.role)}"
            )
            write(f"  {'':<{width}}  {'':<{pw}}  {'':<30}  can: {translate(login.spec.can)}")
        write("")
        write(self.style.MIGRATE_HEADING("Two-factor (TOTP) secrets"))
        write("Add a secret to an authenticator app (or open the otpauth:// URI on a phone).")
        write("The codes shown are the current ones; a code changes every 30 seconds.")
        for login in logins:
            username = login.user.get_username()
            if not login.secret:
                write(f"  {username:<{width}}  (no second factor: a compatriot needs none)")
                continue
            code, seconds_left = users.current_code(login.secret)
            write(f"  {username:<{width}}  secret {login.secret}  code now {code} (valid {seconds_left:>2} s more)")
            write(f"  {'':<{width}}  {users.otpauth_uri(username, login.secret)}")
            if not login.secret_is_demo:
                write(
                    self.style.WARNING(
                        f"  {'':<{width}}  this user replaced the demo authenticator; the secret above is theirs"
                    )
                )
        write("")

    def _print_counts(self, organizations: int, networks: int, named: int, generated: people.PeopleResult) -> None:
        write = self.stdout.write
        write(self.style.MIGRATE_HEADING("Demo network"))
        write(
            f"  built {organizations} organizations, {networks} networks, {named} people named in the seeds and "
            f"{len(generated.people)} generated compatriots ({generated.created} new, {generated.changed} updated)"
        )
        write("  now in the database:")
        for model in (*REGISTRY_TABLES, *ACCOUNT_TABLES):
            write(f"    {model._meta.verbose_name_plural!s:<22} {model.objects.count():>6}")
        write(self.style.SUCCESS("Demo loaded. Run it again at any time: it changes only what differs."))
