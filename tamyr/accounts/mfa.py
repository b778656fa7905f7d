"""allauth's MFA adapter, with TOTP secrets and recovery-code seeds encrypted at rest.

Why: with the secret in clear, anyone holding a copy of the database (a backup, a dump handed to a developer) can
produce a staff member's second factor; the password hash alone would be all that stands between them and the
account. allauth calls `encrypt`/`decrypt` for exactly these values; the tokens are made by tamyr.core.crypto, so
`tamyr rotate_keys` and `tamyr backup` treat them like the organizations' signing keys.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter

from tamyr.core import crypto


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt_text(encrypted_text)
