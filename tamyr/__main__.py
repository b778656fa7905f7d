"""The `tamyr` command: Django's manage.py plus the project's own commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamyr.settings.base")
    from django.core.management import execute_from_command_line

    # commands are named after their modules, which cannot hold a hyphen: `tamyr verify-credential FILE` works too
    argv = [sys.argv[0], "verify_credential", *sys.argv[2:]] if sys.argv[1:2] == ["verify-credential"] else sys.argv
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
