from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tamyr.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    # allauth keeps TOTP secrets and recovery-code seeds in this JSON column; tamyr.accounts.mfa encrypts them
    encrypted_json_fields = ("mfa.Authenticator.data",)
