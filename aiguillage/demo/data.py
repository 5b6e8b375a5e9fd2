"""Demo data: a FICTIONAL library network set in a REAL French territory.

``python manage.py seed_demo`` loads this module. Everything here is plain data
(str, int, float, bool, None, lists and dicts), typed by hand.

Territory: the Communauté de communes Lodévois et Larzac (Hérault, 28 communes,
about 14,800 inhabitants), seat Lodève, sous-préfecture of the Hérault. Semi-rural:
the town of Lodève in the Lergue valley and the villages of the Larzac plateau.

What is fictional:
- the network, its three libraries (names, street addresses, opening hours,
  equipment), its staff (people, e-mails, habilitation references) and the password.
  E-mails use the reserved ``.example`` domain. The real territory has its own
  libraries, which this demo does not describe.

What is real, and where it comes from:
- COMMUNES: INSEE code, name, postcode, centre coordinates and 2021 population copied
  by hand from ``communes-2024.csv`` (the list of member communes is the
  intercommunality's, typed from memory; the population total matches the ~14,000
  inhabitants quoted for the territory).
- France services rows (``fs-*``): name, address, postcode, INSEE code, coordinates,
  phone and weekly hours from the ANCT list ``france-services-2024-08.csv``
  (Licence Ouverte 2.0), hours converted to OpenStreetMap syntax.
- Other structures: typed from memory. Street addresses marked "à vérifier" in a
  comment are plausible but unverified; their coordinates are placed in the town
  centre, not geocoded. National phone numbers (3230, 3646, 3949, 0809 401 401)
  are the operators' public numbers.

Site coordinates are real points inside their commune (near the commune centre of
``communes-2024.csv`` or the town centre), not the libraries' real positions.
"""

DEMO_PASSWORD = "Aiguillage-demo-2026"  # noqa: S105 - shared demo password, printed by make run

NETWORK = {
    "slug": "lodevois-larzac",
    "name": "Médiathèques du Lodévois et Larzac",
    # Dark red of the Salagou soil: 8.4:1 under white text.
    "theme_color": "#8a2e1b",
}

SITES = [
    {
        "slug": "lodeve",
        "name": "Médiathèque des Tisserands",
        "address": "12 rue des Tisserands",
        "postcode": "34700",
        "commune_name": "Lodève",
        "commune_insee": "34142",
        "latitude": 43.7309,
        "longitude": 3.3182,
        "opening_hours": (
            "Tu 14:00-18:00; We 10:00-12:30,14:00-18:00; Th 14:00-18:00; "
            "Fr 14:00-19:00; Sa 10:00-12:30,14:00-17:00"
        ),
        "phone": "",
        "email": "lodeve@mediatheques-demo.example",
        "public_computers": 8,
        "has_printer": True,
        "has_scanner": True,
        "has_wifi": True,
        "accessibility_notes": (
            "Entrée de plain-pied. Ascenseur vers l'espace numérique à l'étage. "
            "Boucle magnétique à l'accueil. Toilettes adaptées."
        ),
        "is_public": True,
    },
    {
        "slug": "le-bosc",
        "name": "Médiathèque du Bosc",
        "address": "2 chemin des Écoles",
        "postcode": "34700",
        "commune_name": "Le Bosc",
        "commune_insee": "34036",
        "latitude": 43.6991,
        "longitude": 3.3881,
        "opening_hours": "We 10:00-12:00,14:00-18:00; Fr 16:00-18:30; Sa 10:00-12:00",
        "phone": "",
        "email": "le-bosc@mediatheques-demo.example",
        "public_computers": 3,
        "has_printer": True,
        "has_scanner": False,
        "has_wifi": True,
        "accessibility_notes": (
            "Plain-pied, place de stationnement réservée devant l'entrée. "
            "Pas de scanner : les documents peuvent être photographiés avec une tablette."
        ),
        "is_public": True,
    },
    {
        "slug": "le-caylar",
        "name": "Bibliothèque du Larzac",
        "address": "5 rue du Barry",
        "postcode": "34520",
        "commune_name": "Le Caylar",
        "commune_insee": "34064",
        "latitude": 43.8698,
        "longitude": 3.3115,
        "opening_hours": "Tu 16:00-18:30; We 14:00-17:00; Sa 09:30-12:00",
        "phone": "",
        "email": "le-caylar@mediatheques-demo.example",
        "public_computers": 2,
        "has_printer": True,
        "has_scanner": True,
        "has_wifi": True,
        "accessibility_notes": (
            "Une marche à l'entrée, rampe amovible sur demande. "
            "Petite salle : prévenir pour un accompagnement au calme."
        ),
        "is_public": True,
    },
]

# Perimeter of the valid Aidants Connect habilitation (theme slugs of the catalog).
_AIDANTS_CONNECT_THEMES = [
    "argent-impots",
    "famille-scolarite",
    "social-sante",
    "travail-formation",
    "logement",
]

# Fictional people. Habilitation dates are offsets in days from the day the demo is
# loaded (negative = in the past; valid_until_days None = no end date).
STAFF = [
    {
        "email": "claire.vidal@mediatheques-demo.example",
        "full_name": "Claire Vidal",
        "role": "coordinator",
        "is_salaried": True,
        "habilitations": [
            {
                "kind": "other",
                "label": "Certification PIX",
                "reference": "PIX-DEMO-0311",
                "valid_from_days": -900,
                "valid_until_days": None,
                "themes": [],
            },
        ],
    },
    {
        "email": "helene.marty@mediatheques-demo.example",
        "full_name": "Hélène Marty",
        "role": "coordinator",
        "is_salaried": True,
        "habilitations": [],
    },
    {
        "email": "mathieu.roux@mediatheques-demo.example",
        "full_name": "Mathieu Roux",
        "role": "librarian",
        "is_salaried": True,
        "habilitations": [
            {
                # Expired: he may no longer act for someone under a mandate.
                "kind": "aidants_connect",
                "label": "",
                "reference": "AC-DEMO-0007",
                "valid_from_days": -1100,
                "valid_until_days": -45,
                "themes": ["argent-impots", "social-sante"],
            },
        ],
    },
    {
        "email": "sophie.bonnet@mediatheques-demo.example",
        "full_name": "Sophie Bonnet",
        "role": "librarian",
        "is_salaried": True,
        "habilitations": [],
    },
    {
        "email": "julien.fabre@mediatheques-demo.example",
        "full_name": "Julien Fabre",
        "role": "librarian",
        "is_salaried": True,
        "habilitations": [
            {
                "kind": "other",
                "label": "Certification PIX",
                "reference": "PIX-DEMO-0458",
                "valid_from_days": -400,
                "valid_until_days": None,
                "themes": [],
            },
        ],
    },
    {
        "email": "ines.garcia@mediatheques-demo.example",
        "full_name": "Inès Garcia",
        "role": "digital_mediator",
        "is_salaried": True,
        "habilitations": [
            {
                "kind": "conseiller_numerique",
                "label": "",
                "reference": "CNFS-DEMO-0041",
                "valid_from_days": -700,
                "valid_until_days": None,
                "themes": [],
            },
            {
                "kind": "aidants_connect",
                "label": "",
                "reference": "AC-DEMO-0012",
                "valid_from_days": -300,
                "valid_until_days": 700,
                "themes": [*_AIDANTS_CONNECT_THEMES],
            },
        ],
    },
    {
        "email": "karim.benali@mediatheques-demo.example",
        "full_name": "Karim Benali",
        "role": "digital_mediator",
        "is_salaried": True,
        "habilitations": [
            {
                "kind": "conseiller_numerique",
                "label": "",
                "reference": "CNFS-DEMO-0077",
                "valid_from_days": -200,
                "valid_until_days": 530,
                "themes": [],
            },
        ],
    },
    {
        "email": "monique.arnaud@mediatheques-demo.example",
        "full_name": "Monique Arnaud",
        "role": "volunteer",
        "is_salaried": False,
        "habilitations": [],
    },
    {
        "email": "bernard.coste@mediatheques-demo.example",
        "full_name": "Bernard Coste",
        "role": "volunteer",
        "is_salaried": False,
        "habilitations": [
            {
                "kind": "other",
                "label": "Formation bénévoles : accompagner sans faire à la place",
                "reference": "BEN-DEMO-0003",
                "valid_from_days": -150,
                "valid_until_days": None,
                "themes": [],
            },
        ],
    },
    {
        # Adviser of the France services Lodévois et Larzac, holding permanences at our sites.
        "email": "nadia.roussel@mediatheques-demo.example",
        "full_name": "Nadia Roussel",
        "role": "partner_agent",
        "is_salaried": True,
        "habilitations": [
            {
                "kind": "france_services",
                "label": "",
                "reference": "FS-DEMO-0019",
                "valid_from_days": -500,
                "valid_until_days": None,
                "themes": [],
            },
        ],
    },
]

# The national partners every France services answers for: DGFiP, CAF, Assurance
# maladie, France Travail, ANTS (Intérieur), Assurance retraite, MSA, La Poste, Justice,
# plus the chèque énergie (ASP).
_FRANCE_SERVICES_OPERATORS = [
    "dgfip",
    "caf",
    "assurance-maladie",
    "france-travail",
    "ants",
    "assurance-retraite",
    "msa",
    "la-poste",
    "justice",
    "asp-cheque-energie",
]

STRUCTURES = [
    {
        # france-services-2024-08.csv, id_fs 211.
        "source_id": "fs-lodevois-larzac",
        "name": "France services Lodévois et Larzac",
        "typology": "France services",
        "siret": "",
        "reseaux_porteurs": ["france-service"],
        "address": "1 place Capitaine Francis Morand",
        "postcode": "34700",
        "commune_name": "Lodève",
        "commune_insee": "34142",
        "latitude": 43.73204,
        "longitude": 3.316843,
        "phone": "04 11 95 01 40",
        "email": "",
        "website": "https://www.lodevoisetlarzac.fr",
        "opening_hours": "Mo-Th 08:30-12:00,13:30-17:30; Fr 08:30-12:00,13:30-16:30",
        "description": (
            "Guichet France services de la communauté de communes : des conseillers "
            "aident aux démarches des impôts, de la CAF, de l'Assurance maladie, de "
            "France Travail, de l'ANTS et de la retraite."
        ),
        "operators": [*_FRANCE_SERVICES_OPERATORS],
    },
    {
        # france-services-2024-08.csv, id_fs 2392 (itinerant; hours are the Le Caylar stop,
        # "2e et 4e semaine du mois, mercredi 13h30-16h", read as 2nd and 4th Wednesday).
        "source_id": "fs-itinerante-msa-nord-est",
        "name": "France services itinérante MSA nord-est",
        "typology": "France services",
        "siret": "",
        "reseaux_porteurs": ["france-service", "mutualite-sociale-agricole"],
        "address": "Mairie du Caylar",
        "postcode": "34520",
        "commune_name": "Le Caylar",
        "commune_insee": "34064",
        "latitude": 43.864603,
        "longitude": 3.317052,
        "phone": "06 49 82 72 76",
        "email": "",
        "website": "https://languedoc.msa.fr",
        "opening_hours": "We[2,4] 13:30-16:00",
        "description": (
            "France services itinérante de la MSA : tournée sur rendez-vous dans les "
            "villages du Larzac les 2e et 4e semaines du mois, halte au Caylar le "
            "mercredi après-midi."
        ),
        "operators": [*_FRANCE_SERVICES_OPERATORS],
    },
    {
        # france-services-2024-08.csv, id_fs 2053 (neighbouring intercommunality).
        "source_id": "fs-clermontais",
        "name": "France services itinérante du Clermontais",
        "typology": "France services",
        "siret": "",
        "reseaux_porteurs": ["france-service"],
        "address": "20 avenue Raymond Lacombe",
        "postcode": "34800",
        "commune_name": "Clermont-l'Hérault",
        "commune_insee": "34079",
        "latitude": 43.624309,
        "longitude": 3.436694,
        "phone": "08 05 29 98 98",
        "email": "",
        "website": "https://www.cc-clermontais.fr",
        "opening_hours": "Mo-Fr 09:00-12:00,14:00-17:00",
        "description": (
            "France services du Clermontais voisin, à Clermont-l'Hérault : utile pour "
            "les habitants du sud du territoire."
        ),
        "operators": [*_FRANCE_SERVICES_OPERATORS],
    },
    {
        # From memory: the building is on the street named after it; number unknown
        # (à vérifier). Coordinates: Lodève town centre, approximate.
        "source_id": "sous-prefecture-lodeve",
        "name": "Sous-préfecture de Lodève",
        "typology": "Sous-préfecture",
        "siret": "",
        "reseaux_porteurs": [],
        "address": "Rue de la Sous-Préfecture",
        "postcode": "34700",
        "commune_name": "Lodève",
        "commune_insee": "34142",
        "latitude": 43.7324,
        "longitude": 3.3203,
        "phone": "",
        "email": "",
        "website": "https://www.herault.gouv.fr",
        "opening_hours": "",
        "description": (
            "Représentation de l'État pour l'arrondissement de Lodève. Pas de guichet "
            "pour le permis, la carte grise ni le titre de séjour : ces démarches se font "
            "en ligne (ANTS, ANEF), avec l'aide d'une France services au besoin."
        ),
        # No counter for the online-only titles (Need.has_counter): not their operator here.
        "operators": ["prefecture"],
    },
    {
        # From memory: the town hall is the former bishop's palace near the cathedral;
        # exact street address à vérifier. Coordinates approximate.
        "source_id": "mairie-lodeve",
        "name": "Mairie de Lodève",
        "typology": "Mairie",
        "siret": "",
        "reseaux_porteurs": ["communes"],
        "address": "Place de l'Hôtel de Ville",
        "postcode": "34700",
        "commune_name": "Lodève",
        "commune_insee": "34142",
        "latitude": 43.7318,
        "longitude": 3.3196,
        "phone": "",
        "email": "",
        "website": "https://www.lodeve.fr",
        "opening_hours": "",
        "description": (
            "Hôtel de ville : état civil, inscription sur les listes électorales, "
            "recensement citoyen, rendez-vous pour les cartes d'identité et passeports "
            "(pas de guichet pour le permis ni la carte grise)."
        ),
        "operators": ["mairie"],
    },
    {
        # From memory: reached through the town hall; own address à vérifier.
        "source_id": "ccas-lodeve",
        "name": "Centre communal d'action sociale (CCAS) de Lodève",
        "typology": "CCAS",
        "siret": "",
        "reseaux_porteurs": ["ccas-cias"],
        "address": "Hôtel de ville, place de l'Hôtel de Ville",
        "postcode": "34700",
        "commune_name": "Lodève",
        "commune_insee": "34142",
        "latitude": 43.7316,
        "longitude": 3.3193,
        "phone": "",
        "email": "",
        "website": "https://www.lodeve.fr",
        "opening_hours": "",
        "description": (
            "Aide sociale de la commune : domiciliation, aides facultatives, dossiers "
            "d'aide sociale transmis au Département, accompagnement des personnes âgées."
        ),
        "operators": ["mairie", "departement"],
    },
    {
        # From memory: CAF de l'Hérault main reception at Celleneuve (since 2006).
        "source_id": "caf-herault-montpellier-celleneuve",
        "name": "CAF de l'Hérault - accueil de Montpellier-Celleneuve",
        "typology": "CAF",
        "siret": "",
        "reseaux_porteurs": ["caf"],
        "address": "139 avenue de Lodève",
        "postcode": "34080",
        "commune_name": "Montpellier",
        "commune_insee": "34172",
        "latitude": 43.6148,
        "longitude": 3.8318,
        "phone": "3230",
        "email": "",
        "website": "https://www.caf.fr",
        "opening_hours": "",
        "description": (
            "Accueil principal de la CAF de l'Hérault, sur rendez-vous ; depuis le "
            "Lodévois, la France services de Lodève prend le relais pour les démarches "
            "courantes."
        ),
        "operators": ["caf"],
    },
    {
        # From memory: CPAM de l'Hérault head office; reception hours not known.
        "source_id": "cpam-herault-montpellier",
        "name": "Assurance Maladie de l'Hérault (CPAM) - accueil de Montpellier",
        "typology": "CPAM",
        "siret": "",
        "reseaux_porteurs": ["cpam"],
        "address": "29 cours Gambetta",
        "postcode": "34000",
        "commune_name": "Montpellier",
        "commune_insee": "34172",
        "latitude": 43.6074,
        "longitude": 3.8722,
        "phone": "3646",
        "email": "",
        "website": "https://www.ameli.fr",
        "opening_hours": "",
        "description": (
            "Caisse primaire d'assurance maladie de l'Hérault : carte Vitale, "
            "complémentaire santé solidaire, indemnités journalières, sur rendez-vous."
        ),
        "operators": ["assurance-maladie"],
    },
    {
        # From memory: agency of the Lodève employment area; street à vérifier, hours are
        # the usual national pattern (afternoons on appointment). Coordinates approximate.
        "source_id": "france-travail-lodeve",
        "name": "France Travail Lodève",
        "typology": "France Travail",
        "siret": "",
        "reseaux_porteurs": ["france-travail"],
        "address": "Avenue de Fumel",
        "postcode": "34700",
        "commune_name": "Lodève",
        "commune_insee": "34142",
        "latitude": 43.7292,
        "longitude": 3.3168,
        "phone": "3949",
        "email": "",
        "website": "https://www.francetravail.fr",
        "opening_hours": "Mo-We 08:30-16:30; Th 08:30-12:30; Fr 08:30-15:30",
        "description": (
            "Agence France Travail : inscription, actualisation, accompagnement vers "
            "l'emploi ; l'après-midi sur rendez-vous."
        ),
        "operators": ["france-travail"],
    },
    {
        # From memory: DGFiP public office for the Lodève area; street à vérifier.
        # Coordinates approximate (town centre).
        "source_id": "cfp-lodeve",
        "name": "Centre des finances publiques de Lodève",
        "typology": "Centre des finances publiques",
        "siret": "",
        "reseaux_porteurs": [],
        "address": "Boulevard Montalangue",
        "postcode": "34700",
        "commune_name": "Lodève",
        "commune_insee": "34142",
        "latitude": 43.7302,
        "longitude": 3.3205,
        "phone": "0809 401 401",
        "email": "",
        "website": "https://www.impots.gouv.fr",
        "opening_hours": "",
        "description": (
            "Service des impôts des particuliers : déclaration de revenus, prélèvement "
            "à la source, taxe foncière, sur rendez-vous pris sur impots.gouv.fr."
        ),
        "operators": ["dgfip"],
    },
]

# The 28 member communes of the Communauté de communes Lodévois et Larzac, from
# communes-2024.csv (commune_type COM; name with its article; population 2021).
# Saint-Maurice-Navacelles has two postcodes (34190, 34520); the Larzac one is kept.
COMMUNES = [
    {
        "insee": "34072",
        "name": "Celles",
        "postcode": "34700",
        "latitude": 43.66799,
        "longitude": 3.35665,
        "population": 27,
    },
    {
        "insee": "34106",
        "name": "Fozières",
        "postcode": "34700",
        "latitude": 43.75171,
        "longitude": 3.35397,
        "population": 188,
    },
    {
        "insee": "34317",
        "name": "La Vacquerie-et-Saint-Martin-de-Castries",
        "postcode": "34520",
        "latitude": 43.79389,
        "longitude": 3.48273,
        "population": 195,
    },
    {
        "insee": "34132",
        "name": "Lauroux",
        "postcode": "34700",
        "latitude": 43.79138,
        "longitude": 3.27985,
        "population": 202,
    },
    {
        "insee": "34133",
        "name": "Lavalette",
        "postcode": "34700",
        "latitude": 43.69587,
        "longitude": 3.26914,
        "population": 54,
    },
    {
        "insee": "34036",
        "name": "Le Bosc",
        "postcode": "34700",
        "latitude": 43.69848,
        "longitude": 3.38958,
        "population": 1376,
    },
    {
        "insee": "34064",
        "name": "Le Caylar",
        "postcode": "34520",
        "latitude": 43.87166,
        "longitude": 3.31021,
        "population": 465,
    },
    {
        "insee": "34091",
        "name": "Le Cros",
        "postcode": "34520",
        "latitude": 43.88245,
        "longitude": 3.36755,
        "population": 57,
    },
    {
        "insee": "34220",
        "name": "Le Puech",
        "postcode": "34700",
        "latitude": 43.68412,
        "longitude": 3.32856,
        "population": 257,
    },
    {
        "insee": "34205",
        "name": "Les Plans",
        "postcode": "34700",
        "latitude": 43.76188,
        "longitude": 3.27118,
        "population": 305,
    },
    {
        "insee": "34230",
        "name": "Les Rives",
        "postcode": "34520",
        "latitude": 43.85617,
        "longitude": 3.26352,
        "population": 152,
    },
    {
        "insee": "34142",
        "name": "Lodève",
        "postcode": "34700",
        "latitude": 43.73015,
        "longitude": 3.29526,
        "population": 7289,
    },
    {
        "insee": "34188",
        "name": "Olmet-et-Villecun",
        "postcode": "34700",
        "latitude": 43.70965,
        "longitude": 3.30207,
        "population": 170,
    },
    {
        "insee": "34196",
        "name": "Pégairolles-de-l'Escalette",
        "postcode": "34700",
        "latitude": 43.81362,
        "longitude": 3.33373,
        "population": 154,
    },
    {
        "insee": "34212",
        "name": "Poujols",
        "postcode": "34700",
        "latitude": 43.7733,
        "longitude": 3.31677,
        "population": 181,
    },
    {
        "insee": "34231",
        "name": "Romiguières",
        "postcode": "34650",
        "latitude": 43.81668,
        "longitude": 3.23635,
        "population": 21,
    },
    {
        "insee": "34233",
        "name": "Roqueredonde",
        "postcode": "34650",
        "latitude": 43.79411,
        "longitude": 3.19637,
        "population": 212,
    },
    {
        "insee": "34251",
        "name": "Saint-Étienne-de-Gourgas",
        "postcode": "34700",
        "latitude": 43.78691,
        "longitude": 3.38689,
        "population": 522,
    },
    {
        "insee": "34253",
        "name": "Saint-Félix-de-l'Héras",
        "postcode": "34520",
        "latitude": 43.83513,
        "longitude": 3.31949,
        "population": 33,
    },
    {
        "insee": "34268",
        "name": "Saint-Jean-de-la-Blaquière",
        "postcode": "34700",
        "latitude": 43.70773,
        "longitude": 3.43037,
        "population": 675,
    },
    {
        "insee": "34277",
        "name": "Saint-Maurice-Navacelles",
        "postcode": "34520",
        "latitude": 43.84268,
        "longitude": 3.50394,
        "population": 182,
    },
    {
        "insee": "34278",
        "name": "Saint-Michel",
        "postcode": "34520",
        "latitude": 43.84288,
        "longitude": 3.40573,
        "population": 58,
    },
    {
        "insee": "34283",
        "name": "Saint-Pierre-de-la-Fage",
        "postcode": "34520",
        "latitude": 43.79385,
        "longitude": 3.42014,
        "population": 127,
    },
    {
        "insee": "34286",
        "name": "Saint-Privat",
        "postcode": "34700",
        "latitude": 43.75354,
        "longitude": 3.42851,
        "population": 436,
    },
    {
        "insee": "34303",
        "name": "Sorbs",
        "postcode": "34520",
        "latitude": 43.88844,
        "longitude": 3.40694,
        "population": 40,
    },
    {
        "insee": "34304",
        "name": "Soubès",
        "postcode": "34700",
        "latitude": 43.78168,
        "longitude": 3.34996,
        "population": 943,
    },
    {
        "insee": "34306",
        "name": "Soumont",
        "postcode": "34700",
        "latitude": 43.72371,
        "longitude": 3.3507,
        "population": 221,
    },
    {
        "insee": "34316",
        "name": "Usclas-du-Bosc",
        "postcode": "34700",
        "latitude": 43.72485,
        "longitude": 3.39666,
        "population": 241,
    },
]

# What the demo network has agreed with its partners. Contacts are fictional people
# with example.org addresses (RFC 2606): the demo must never point at a real agent.
PRIORITY_NEEDS = [
    "declarer-ses-revenus",
    "demander-rsa",
    "faire-carte-grise",
    "demander-titre-sejour",
    "s-inscrire-france-travail",
    "demander-aide-logement",
]
PARTNERSHIPS = [
    {
        "structure": "fs-lodevois-larzac",
        "status": "active",
        "referral_channel": "phone",
        "agreement_start": "2025-01-01",
        "reference_needs": ["demander-rsa", "allocations-familiales", "creer-compte-ameli"],
        "notes": "Permanence commune le premier mardi du mois à la médiathèque de Lodève.",
        "contacts": [
            {
                "name": "Sophie Lambert",
                "job_title": "Conseillère France services",
                "email": "sophie.lambert@example.org",
                "phone": "04 67 00 00 01",
            }
        ],
    },
    {
        "structure": "cfp-lodeve",
        "status": "active",
        "referral_channel": "on_site_permanence",
        "agreement_start": "2026-04-01",
        "agreement_end": "2026-06-30",
        "reference_needs": ["declarer-ses-revenus"],
        "notes": "Agents des finances publiques présents pendant la campagne de déclaration.",
        "contacts": [
            {
                "name": "Marc Olivier",
                "job_title": "Inspecteur des finances publiques",
                "email": "marc.olivier@example.org",
                "phone": "",
            }
        ],
    },
    {
        "structure": "ccas-lodeve",
        "status": "prospect",
        "referral_channel": "",
        "reference_needs": [],
        "notes": "",
        "contacts": [],
    },
]
