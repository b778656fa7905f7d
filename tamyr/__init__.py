"""Tamyr: one connected diaspora network for institutions, NGOs, cultural centres and compatriots."""
