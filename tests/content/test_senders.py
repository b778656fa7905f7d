"""Who an organization's mailings come from: the admins' page listing and setting the sending identity, and the
rules the service holds it to (sender address, DKIM domain and selector together, a usable key, alignment)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import Client

from tamyr.accounts.permissions import SYSTEM
from tamyr.content import delivery
from tamyr.content.models import SendingIdentity
from tamyr.core import crypto
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.models import AuditEntry
from tamyr.registry.models import Organization

pytestmark = pytest.mark.django_db


def pem(key: Any) -> bytes:
    return bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


RSA_KEY = pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
WEAK_KEY = b"""-----BEGIN PRIVATE KEY-----
MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAvbyxJJ01qQgf7mml
L6/cXZtHDkidj/RPvGaFSyWVYQariM4rB7SSvmM0jj0SF61yx3d/fDZtiUyFvDOh
hOdxSQIDAQABAkEAoiiBUSSXNua9u5pI1k+7y7io6tk+6EhKWV9Zblcpquh3Oqqt
WX/26iwKkYGW7yd0pHX25hNCAHA/OxzyfDq8AQIhAPyRpPsomul0kg26OH72UPeV
UJtQauQ7L7CzsUVetuLJAiEAwFCJvUhsD72hP8a2W3LezTzAtfsp9WZKIwOU1NCg
2oECIHYMAKdfECCDWmxOGG/G4osFX9pn2L35p82X/wfkP+h5AiAqiyaNaxIMwWSE
mU8KF/VV7dSr7W4wzXolGMu58JVFAQIhAL/xEQWxeiHXevTOt9tblPERsabkoqhN
couCfE0R8zY2
-----END PRIVATE KEY-----
"""  # 512 bits (openssl genrsa 512): too weak for DKIM (RFC 8301)


def form(**values: str) -> dict[str, str]:
    data = {"from_email": "news@otandastar.example", "from_name": "Otandastar", "dkim_domain": "", "dkim_selector": ""}
    data.update(values)
    return data


def test_an_admin_sets_the_sender_and_sees_it_listed(
    client: Client, organization: Organization, org_admin: Any
) -> None:
    client.force_login(org_admin)
    listing = client.get("/mailings/senders/")
    assert listing.status_code == 200 and b"No sender set" in listing.content
    path = f"/mailings/senders/{organization.slug}/"
    response = client.post(
        path,
        form(dkim_domain="otandastar.example", dkim_selector="tamyr", dkim_private_key=RSA_KEY.decode()),
    )
    assert response.status_code == 302
    identity = SendingIdentity.objects.get(organization=organization)
    assert identity.signs and crypto.decrypt(bytes(identity.dkim_private_key_encrypted)) == RSA_KEY.strip()
    assert RSA_KEY.strip().splitlines()[1] not in client.get(path).content  # the key is never shown again
    listing = client.get("/mailings/senders/")
    assert b"news@otandastar.example" in listing.content and b"tamyr._domainkey.otandastar.example" in listing.content
    assert AuditEntry.objects.filter(action="content.sending_identity_changed").count() == 1

    # the name changes, the key stays (its field left empty); then the key is removed
    client.post(path, form(from_name="Otandastar Foundation", dkim_domain="otandastar.example", dkim_selector="tamyr"))
    identity.refresh_from_db()
    assert identity.from_name == "Otandastar Foundation" and identity.signs
    client.post(path, form(remove_key="on"))
    identity.refresh_from_db()
    assert not identity.signs and bytes(identity.dkim_private_key_encrypted) == b"" and identity.dkim_domain == ""


def test_staff_send_mailings_but_do_not_set_the_sender(
    client: Client, organization: Organization, org_staff: Any
) -> None:
    client.force_login(org_staff)
    assert client.get("/mailings/senders/").status_code == 403
    assert client.post(f"/mailings/senders/{organization.slug}/", form()).status_code == 403
    assert not SendingIdentity.objects.exists()
    with pytest.raises(NotAllowed):
        delivery.sending_identity_set(organization=organization, from_email="a@b.example", acting_user=org_staff)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"from_email": "not an address"}, "from_email", b"valid e-mail address"),
        ({"dkim_domain": "otandastar.example"}, "dkim_selector", b"or neither"),
        ({"dkim_domain": "otandastar.example", "dkim_selector": "tamyr"}, "dkim_private_key", b"private key"),
        ({"dkim_domain": "bad domain", "dkim_selector": "tamyr", "dkim_private_key": "x"}, "dkim_domain", b"domain"),
        ({"dkim_domain": "other.example", "dkim_selector": "tamyr", "dkim_private_key": RSA_KEY.decode()},
         "from_email", b"at the DKIM domain"),
        ({"dkim_domain": "otandastar.example", "dkim_selector": "tamyr", "dkim_private_key": "-----BEGIN nonsense"},
         "dkim_private_key", b"PEM"),
        ({"dkim_private_key": RSA_KEY.decode()}, "dkim_domain", b"needs its domain"),
    ],
)  # fmt: skip
def test_the_page_says_what_is_wrong_and_saves_nothing(
    client: Client, organization: Organization, org_admin: Any, values: dict[str, str], field: str, message: bytes
) -> None:
    client.force_login(org_admin)
    response = client.post(f"/mailings/senders/{organization.slug}/", form(**values))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content
    assert not SendingIdentity.objects.exists()


def test_a_subdomain_sender_aligns_and_weak_or_non_rsa_keys_are_refused(organization: Organization) -> None:
    def set_key(key: bytes, sender: str = "news@mail.otandastar.example") -> SendingIdentity:
        return delivery.sending_identity_set(
            organization=organization,
            from_email=sender,
            dkim_domain="Otandastar.example.",
            dkim_selector="tamyr",
            dkim_private_key_pem=key,
            acting_user=SYSTEM,
        )

    with pytest.raises(DomainError, match="1,024"):
        set_key(WEAK_KEY)
    with pytest.raises(DomainError, match="RSA"):
        set_key(pem(ec.generate_private_key(ec.SECP256R1())))
    identity = set_key(RSA_KEY)
    assert identity.dkim_domain == "otandastar.example" and identity.signs
