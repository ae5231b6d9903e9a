"""Interface strings of the pages, in Polish and English."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "site": {
        "pl": "Partnerzy zagraniczni CKP — dane otwarte",
        "en": "CKP's foreign partners — open data",
    },
    "home": {"pl": "Strona główna", "en": "Home"},
    "dumps": {"pl": "Zrzuty całego zbioru", "en": "Dumps of the whole dataset"},
    "dumps_intro": {
        "pl": "Cały zbiór w kilku formatach, do pobrania; wersja danych",
        "en": "The whole dataset in several formats, to download; data version",
    },
    "catalog": {"pl": "Katalog DCAT-AP", "en": "DCAT-AP catalogue"},
    "file": {"pl": "Plik", "en": "File"},
    "media_type": {"pl": "Typ (IANA)", "en": "Media type"},
    "size": {"pl": "Rozmiar (bajty)", "en": "Size (bytes)"},
    "language": {"pl": "Język", "en": "Language"},
    "formats": {"pl": "Te dane w innych formatach", "en": "This data in other formats"},
    "properties": {"pl": "Opis", "en": "Description"},
    "parts": {"pl": "Części", "en": "Parts"},
    "quotes": {"pl": "Słowa strony źródłowej", "en": "Words of the source page"},
    "quote": {"pl": "cytat", "en": "quote"},
    "evidence": {
        "pl": "Dowody dla informacji spoza strony",
        "en": "Evidence for what the page does not say",
    },
    "types": {"pl": "Rodzaj", "en": "Type"},
    "iri": {"pl": "Identyfikator (IRI)", "en": "Identifier (IRI)"},
    "dataset": {"pl": "Zbiór danych", "en": "Dataset"},
    "licence": {"pl": "Licencja", "en": "Licence"},
    "partners": {"pl": "Partnerzy zagraniczni", "en": "Foreign partners"},
    "partner": {"pl": "Partner", "en": "Partner"},
    "city": {"pl": "Miasto", "en": "City"},
    "country": {"pl": "Kraj", "en": "Country"},
    "since": {"pl": "Od", "en": "Since"},
    "letter": {"pl": "List intencyjny", "en": "Letter of intent"},
    "yes": {"pl": "tak", "en": "yes"},
    "no": {"pl": "nie", "en": "no"},
    "explore": {"pl": "Przeglądaj i pobieraj", "en": "Explore and download"},
    "triples": {"pl": "trójek RDF", "en": "RDF triples"},
    "whole_dataset": {"pl": "Cały zbiór danych", "en": "The whole dataset"},
    "vocabulary": {"pl": "Słownik ckpld", "en": "The ckpld vocabulary"},
    "shapes": {"pl": "Kształty SHACL", "en": "SHACL shapes"},
    "query": {"pl": "Zapytania SPARQL", "en": "SPARQL queries"},
    "source": {"pl": "Strona źródłowa", "en": "Source page"},
    "intro": {
        "pl": "Zagraniczne instytucje partnerskie Centrum Kultury Podgórza w Krakowie jako dane "
        "powiązane (Linked Open Data). Każdy fakt ze strony CKP jest tu z dokładnym cytatem.",
        "en": "The foreign partner institutions of Centrum Kultury Podgórza in Kraków as Linked "
        "Open Data. Every fact from CKP's page is here with its exact quote.",
    },
    "results": {"pl": "Wyniki zapytania", "en": "Query results"},
    "query_text": {"pl": "Zapytanie", "en": "Query"},
    "run": {"pl": "Wykonaj", "en": "Run"},
    "editor": {"pl": "Edytor zapytań SPARQL", "en": "SPARQL query editor"},
    "editor_intro": {
        "pl": "Zadaj pytanie danym w języku SPARQL. Przykłady poniżej pochodzą z książki zapytań; "
        "adres punktu końcowego dla programów to /sparql.",
        "en": "Ask the data in SPARQL. The examples below come from the query cookbook; programs "
        "use the endpoint at /sparql.",
    },
    "examples": {"pl": "Książka zapytań", "en": "Query cookbook"},
    "limits": {"pl": "Limity", "en": "Limits"},
    "limits_text": {
        "pl": "Zapytanie może trwać najwyżej {timeout} s i zwrócić najwyżej {limit} wierszy; "
        "SERVICE i aktualizacje nie są przyjmowane.",
        "en": "A query may run for at most {timeout} s and return at most {limit} rows; SERVICE "
        "calls and updates are not accepted.",
    },
    "truncated": {
        "pl": "Wynik obcięto do {limit} wierszy: zawęź zapytanie (LIMIT, OFFSET).",
        "en": "The result was cut at {limit} rows: narrow the query (LIMIT, OFFSET).",
    },
    "no_rows": {"pl": "Brak wyników.", "en": "No results."},
    "answer": {"pl": "Odpowiedź", "en": "Answer"},
    "download": {"pl": "Pobierz wynik", "en": "Download the result"},
    "open_editor": {"pl": "Otwórz w edytorze", "en": "Open in the editor"},
    "query_file": {"pl": "Tekst zapytania", "en": "Query text"},
    "error": {"pl": "Błąd", "en": "Error"},
    "back_home": {"pl": "Wróć na stronę główną", "en": "Back to the home page"},
}


def text(key: str, lang: str) -> str:
    """The interface string `key` in `lang` (English when missing)."""
    entry = MESSAGES[key]
    return entry.get(lang) or entry["en"]
