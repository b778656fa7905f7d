"""The demo network: the organizations, networks and people of the seed pages, generated compatriots, demo logins.

Why a package of its own: the data (real names of institutions, hand-written name tables) is long and changes for
different reasons than the loaders, and a browser test imports `users` for the demo password and TOTP secrets
without pulling in the rest. Everything here is loaded by `tamyr demo` and is safe to load again: every loader
finds its rows by a stable key (slug, e-mail, username) and changes only what differs.
"""
