"""The annotated test set of the pseudonymisation benchmark: French and English transcript and minutes passages
naming invented people, places and institutions (with titles, first names alone, hesitations, e-mails, phones,
addresses, ages, dates of birth), each entity annotated with its span and category.

Passages are written as templates whose slots are filled, with a fixed seed, from lists of invented but realistic
names (none is a real person's; none is in qualcoder's own pseudonym lists). ``python benchmarks/privacy_testset.py``
writes ``benchmarks/data/privacy_testset.jsonl`` to read the set as annotated.

Slots: {P} a person's full name, {S} the same person's surname after a title written in the template, {F} the same
person's first name, {Q}/{R} a second person, {T} a town, {H} a hospital or care home, {O} another organisation,
{E} an e-mail, {N} a phone number, {A} a street address, {G} an age, {B} a date of birth. A template's second
mention of a person reuses the first one's surname.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

FR = {
    "first_f": ["Maryse", "Chantal", "Aurélie", "Samira", "Nadège", "Gwenaëlle", "Sandrine", "Fatoumata", "Ludivine",
                "Karine", "Josiane", "Mélanie", "Christelle", "Yasmina", "Océane", "Bernadette", "Lætitia", "Armelle",
                "Noémie", "Rachida"],
    "first_m": ["Jean-Marc", "Rachid", "Mathieu", "Loïc", "Fabrice", "Kévin", "Abdel", "Sébastien", "Jérôme", "Yvon",
                "Grégory", "Mamadou", "Ludovic", "Christophe", "Jean-Luc", "Anthony", "Raphaël", "Alain", "Moussa",
                "Tanguy"],
    "last": ["Le Goff", "Benali", "Nguyen", "Traoré", "Lemoine", "Roussel", "Fontaine", "Kerbrat", "Da Silva",
             "Morvan", "Chevalier", "Boulanger", "Caradec", "Haddad", "Mercier", "Le Bihan", "Dumas", "Barbier",
             "Diallo", "Lacroix", "Ferrand", "Guérin", "Collet", "Prigent", "Meunier", "Bouvier", "Rey", "Aubry",
             "Vidal", "Marchand"],
    "town": ["Quimper", "Saint-Brieuc", "Rennes", "Lorient", "Vannes", "Angers", "Roubaix", "Tourcoing", "Besançon",
             "Villeurbanne", "Clermont-Ferrand", "Perpignan", "Montbéliard", "Carhaix", "Lannion", "Douarnenez",
             "Poitiers", "Limoges", "Saint-Nazaire", "Annecy"],
    # masculine names: the templates say "au {H}", "du {O}"
    "hospital": ["CHU de Rennes", "CHU de Brest", "centre hospitalier de Cornouaille", "centre hospitalier de Lannion",
                 "Ehpad Les Glycines", "Ehpad Ker Heol", "centre de santé Pasteur", "SSR de Kerpape",
                 "CHR d'Orléans", "pôle gériatrique de Pontchaillou"],
    "org": ["réseau Arpège", "SSIAD du Léon", "cabinet Kerjean", "réseau Diabolo", "centre social Ty Nevez",
            "CCAS de Quimper", "conseil départemental du Finistère", "collectif Santé Trégor"],
    "street": ["rue des Tilleuls", "avenue Jean Jaurès", "boulevard Gambetta", "rue de la Gare", "allée des Pins",
               "impasse du Moulin", "place de la République", "chemin de Kervénoc"],
}
EN = {
    "first_f": ["Bethany", "Siobhan", "Gemma", "Priya", "Rhiannon", "Abigail", "Leanne", "Chloe", "Nadia", "Kirsty",
                "Fiona", "Aisha", "Megan", "Tamsin", "Deborah", "Yolanda", "Shona", "Joanne", "Lucy", "Olivia"],
    "first_m": ["Callum", "Darren", "Gareth", "Rajesh", "Owen", "Liam", "Tobias", "Kwame", "Stuart", "Declan", "Hamish",
                "Imran", "Craig", "Ewan", "Marcus", "Jonathan", "Graham", "Neil", "Patrick", "Samuel"],
    "last": ["Oduya", "Fairweather", "McAllister", "Brennan", "Kowalski", "Singh", "Thornton", "Ashworth", "Gallagher",
             "Okafor", "Haworth", "Pritchard", "Donnelly", "Rahman", "Whitfield", "Mensah", "Crawley", "Lindqvist",
             "Barraclough", "Hughes", "Sutcliffe", "Chaudhry", "Kavanagh", "Templeton", "Mwangi", "Osborne", "Fletcher",
             "Ramsden", "Quinlan", "Blackwood"],
    "town": ["Harrogate", "Rotherham", "Stockport", "Wakefield", "Halifax", "Doncaster", "Bradford", "Huddersfield",
             "Barnsley", "Chesterfield", "Keighley", "Skipton", "Otley", "Dewsbury", "Castleford", "Pontefract", "Selby",
             "Ripon", "Whitby", "Scarborough"],
    "hospital": ["St James's Hospital", "Airedale General Hospital", "Pinderfields Hospital", "Calderdale Royal "
                 "Hospital", "Rotherham General Hospital", "Oakwood Care Home", "Harrogate District Hospital",
                 "St Luke's Hospice", "Barnsley Hospital", "Northern General Hospital"],
    "org": ["Age UK Calderdale", "Wakefield Council", "Carers Leeds", "the Alzheimer's Society",
            "Locala Community Partnerships", "Yorkshire Ambulance Service", "Bradford Care Alliance",
            "Mind in Harrogate"],
    "street": ["Elm Road", "Victoria Street", "Westgate Lane", "Church Street", "Park Avenue", "Moorland Drive",
               "Station Road", "Albert Terrace"],
}
TEMPLATES_FR = [
    "Enq. : Vous avez commencé quand ?\n\nMme {S} : Euh, en 2009. C'est {P} qui m'a fait venir au {H}, à {T}. "
    "Ben au début, je ne connaissais personne.",
    "Enq. : Et le médecin traitant ?\n\nM. {S} : Le Dr {R}, il est à {T}. Il appelle souvent {Q}, l'infirmière "
    "du {O}.",
    "Présents : Dr {P} (gériatre), {Q} (infirmière coordinatrice), {R} (assistante sociale)\n\nCas n°2 : Mme {S}, "
    "{G}, vit seule à {T}.",
    "Mme {S} : Alors, euh, {F} m'a donné son numéro, le {N}, et son mail, {E}. Elle travaille au {H}.",
    "La patiente, Mme {S}, née le {B}, habite {A}. Sa fille {Q} passe tous les jours.",
    "Dr {S} : Je l'ai vue mardi au {H}. {Q} était là aussi. On en reparle avec le {O} jeudi.",
    "Enq. : Qui vous a orientée ?\n\nMme {S} : C'est {P}. Enfin, {F}, on l'appelle toujours comme ça au {O}.",
    "M. {S}, {G}, est suivi par le Dr {R} depuis sa sortie du {H}. Il habite {A}.",
    "Point n°3 : le dossier de M. {S}\n\n{Q} explique que la famille, qui vit à {T}, ne peut plus suivre.",
    "Mme {S} : Moi j'ai fait mes études à {T}, puis j'ai travaillé au {H} avec {Q}. Voilà.",
    "Pour toute question, contacter {P} au {N} ou par courriel à {E}.",
    "{P} (cadre de santé, {H}) rappelle que le {O} ne finance plus les transports depuis janvier.",
    "Enq. : Et après ?\n\nM. {S} : Après, hein, on a monté le {O} avec {Q} et {R}. C'était à {T}, en 2004.",
    "Mme {S} est née le {B} à {T}. Elle a {G}. Son fils {Q} vit à Paris.",
    "Dr {S} : La coordinatrice, {Q}, a vu la famille. Le neveu, {R}, habite {A}.",
]
TEMPLATES_EN = [
    "Int: When did you start?\n\nMrs {S}: Erm, in 2011. {P} asked me to join the team at {H} in {T}.",
    "Present: Dr {P} (geriatrician), {Q} (district nurse), {R} (social worker)\n\nCase 3: Mr {S}, {G}, lives alone "
    "in {T}.",
    "Dr {S}: I saw her on Tuesday at {H}. {Q} was there too. We'll take it to {O} next week.",
    "Mrs {S}: Well, {F} gave me her number, {N}, and her e-mail, {E}. She works at {H}.",
    "The patient, Mrs {S}, date of birth {B}, lives at {A}. Her daughter {Q} visits daily.",
    "Int: Who referred you?\n\nMr {S}: It was {P}. Well, {F}, everyone calls him that at {O}.",
    "Mr {S}, {G}, has been under Dr {R} since he left {H}. He lives at {A}.",
    "Item 4: Mr {S}\n\n{Q} reported that the family, who live in {T}, can no longer cope.",
    "Ms {S}: I trained in {T}, then worked at {H} with {Q}, you know, for years.",
    "For any questions contact {P} on {N} or at {E}.",
    "{P} (ward manager, {H}) reminded the team that {O} no longer funds transport.",
    "Int: And then?\n\nMr {S}: Then, um, we set up the service with {Q} and {R} in {T}, back in 2006.",
    "Mrs {S} was born on {B} in {T}. She is {G}. Her son {Q} lives in London.",
    "Dr {S}: The coordinator, {Q}, met the family. The nephew, {R}, lives at {A}.",
    "Apologies: {P} (GP, {T})\n\nMr {S} noted that {H} had discharged the patient without telling {O}.",
]
CATEGORY = {"P": "person", "S": "person", "F": "person", "Q": "person", "R": "person", "T": "place",
            "H": "organisation", "O": "organisation", "E": "email", "N": "phone", "A": "address", "G": "age",
            "B": "birthdate"}
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
             "décembre"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


def _person(lists: dict, rng: random.Random) -> tuple[str, str]:
    first = rng.choice(lists["first_f"] + lists["first_m"])
    return first, rng.choice(lists["last"])


def _value(slot: str, language: str, lists: dict, rng: random.Random, person: tuple[str, str]) -> str:
    first, last = person
    if slot == "P":
        return f"{first} {last}"
    if slot == "S":
        return last
    if slot == "F":
        return first
    if slot in "QR":
        other = _person(lists, rng)
        return f"{other[0]} {other[1]}"
    if slot == "T":
        return rng.choice(lists["town"])
    if slot == "H":
        return rng.choice(lists["hospital"])
    if slot == "O":
        return rng.choice(lists["org"])
    if slot == "E":
        domain = rng.choice(["chu-rennes.fr", "orange.fr", "reseau-arpege.org"] if language == "fr" else
                            ["nhs.net", "gmail.com", "carersleeds.org.uk"])
        return f"{first.lower().replace('é', 'e').replace('ï', 'i')}.{last.lower().replace(' ', '')}@{domain}"
    if slot == "N":
        if language == "fr":
            return "0" + str(rng.randint(1, 7)) + "".join(f" {rng.randint(0, 99):02d}" for _ in range(4))
        return f"0{rng.randint(1200, 1999)} {rng.randint(100000, 999999)}"
    if slot == "A":
        number = rng.randint(2, 148)
        street = rng.choice(lists["street"])
        return f"{number} {street}"
    if slot == "G":
        age = rng.randint(64, 97)
        return f"{age} ans" if language == "fr" else f"aged {age}"
    if slot == "B":
        day, month, year = rng.randint(1, 28), rng.randint(0, 11), rng.randint(1925, 1960)
        return f"{day} {MONTHS_FR[month]} {year}" if language == "fr" else f"{day} {MONTHS_EN[month]} {year}"
    raise ValueError(slot)


def passages(seed: int = 7, per_template: int = 4) -> list[dict]:
    """``[{"language", "text", "entities": [[start, end, category], ...]}, ...]``: every template filled
    ``per_template`` times."""
    rng = random.Random(seed)
    out = []
    for language, templates, lists in (("fr", TEMPLATES_FR, FR), ("en", TEMPLATES_EN, EN)):
        for template in templates:
            for _ in range(per_template):
                person = _person(lists, rng)
                text, entities, last = "", [], 0
                for match in re.finditer(r"\{([A-Z])\}", template):
                    text += template[last:match.start()]
                    value = _value(match.group(1), language, lists, rng, person)
                    entities.append([len(text), len(text) + len(value), CATEGORY[match.group(1)]])
                    text += value
                    last = match.end()
                text += template[last:]
                out.append({"language": language, "text": text, "entities": entities})
    return out


if __name__ == "__main__":
    data = passages()
    path = Path(__file__).resolve().parent / "data" / "privacy_testset.jsonl"
    path.parent.mkdir(exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for item in data:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(data)} passages, {sum(len(d['entities']) for d in data)} entities -> {path}")
