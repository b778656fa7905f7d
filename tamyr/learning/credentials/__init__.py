"""Open Badges 3.0 verifiable credentials for certificates: JSON-LD contexts shipped with the code (`contexts/`),
canonicalization of JSON-LD (`canonical`: pyld's expansion, then RDFC-1.0 by `rdfc`, which the W3C suite
checks), Ed25519 keys and did:web documents (`keys`), the `eddsa-rdfc-2022` Data
Integrity proof (`signing`) and the credentials themselves, with the one verification routine (`openbadges`).

Nothing here fetches anything from the network: a credential is checked against the contexts and keys we hold.
"""
