"""Mounted at the site root, without a namespace: the public verification page (/verify/<code>/, the address printed
on every certificate), and what issuers publish for verifiers: did:web documents (did:web:HOST:organizations:SLUG
resolves to /organizations/SLUG/did.json), revocation lists and the JWK set."""

from django.urls import URLPattern, URLResolver, path

from tamyr.learning import views_certificates as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("verify/", views.verify_file, name="verify_file"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("organizations/<slug:slug>/did.json", views.issuer_did, name="issuer_did"),
    path("organizations/<slug:slug>/credentials/status.json", views.issuer_status_list, name="issuer_status_list"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
]
