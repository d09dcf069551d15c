"""French company registers: identifiers, register clients and the mandate-matching rules.

Sources (see the project reference ``proconnect-and-company-data.md``): API Recherche
d'entreprises, INSEE API Sirene 3.11, API Entreprise v3, INPI RNE, and an offline registry
shipped as package data for development.
"""
