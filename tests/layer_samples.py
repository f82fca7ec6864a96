"""Tiny datasets and updates layers the tests of the layer share (test inputs, not data)."""

STARTUPS = """
[[cities]]
id = "gamma"
name = "Gamma"
insee = "14003"
department = "14"
sources = ["src"]

[[startups]]
id = "empty"
name = "Empty"
siren = "111111118"
sources = ["src"]

[[startups]]
id = "curated"
name = "Curated"
siren = "222222226"
city = "alpha"
founded = "2015"
status = "active"
sources = ["src"]

[[startups]]
id = "nosiren"
name = "No Siren"
sources = ["src"]
"""

LAYER = """
[refresh]
date = "2026-11-20"
register_url = "http://127.0.0.1:1/"

[[sources]]
id = "sirene-register"
title = "Base Sirene (INSEE), through API Recherche d'entreprises"
publisher = "INSEE"
url = "http://127.0.0.1:1/"
date = "2026-11-20"
licence = "Licence Ouverte 2.0"

[[register]]
siren = "111111118"
checked = "2026-11-20"
legal_name = "EMPTY SAS"
commune = "14002"
commune_name = "BETA"
created = "2015-03-02"
status = "closed"
closed = "2020-06-30"
activity = "62.01Z"
headcount = "01"
headcount_year = 2023

[[register]]
siren = "222222226"
checked = "2026-11-19"
commune = "14003"
commune_name = "GAMMA"
created = "2015-06-01"
status = "closed"

[[register]]
siren = "333333334"
checked = "2026-11-19"
outcome = "unknown"
"""


LAUREATES = """
[[sources]]
id = "mesr-ilab-opendata"
title = "Lauréats du concours national i-Lab"
publisher = "MESR"
url = "https://data.enseignementsup-recherche.gouv.fr/explore/dataset/x"
date = "2026-11-20"
licence = "Licence Ouverte 2.0"

[[startups]]
id = "newcomer"
name = "Newcomer"
siren = "444444442"
sectors = ["data"]
sources = ["mesr-ilab-opendata"]

[[startups]]
id = "empty"
name = "Same id as a curated record"
siren = "555555556"
sources = ["mesr-ilab-opendata"]

[[startups]]
id = "twin"
name = "Same SIREN as a curated record"
siren = "111111118"
sources = ["mesr-ilab-opendata"]

[[startups]]
id = "stranger"
name = "Refers to an unknown sector"
siren = "666666664"
sectors = ["no-such-sector"]
sources = ["mesr-ilab-opendata"]
"""
