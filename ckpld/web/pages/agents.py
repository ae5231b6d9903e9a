"""Who publishes the dataset and who compiled it, as the settings say, named as the data does.

Publisher, creator and the software are three things: the footer of every page names each
(`base.html`), from the settings `publisher` and `creator` (the operator's to set; an unset
creator is not shown, nor assumed to be the publisher) and ckpld's own version.

The interface's sentences name the publisher and its home city from here too ("joined CKP's
foreign partners", "km from Kraków"): no template holds a name of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ckpld.publish.catalog import agent_names
from ckpld.publish.publication import Publication
from ckpld.store.documents import internal_query


@dataclass(frozen=True)
class Agents:
    """The publisher's and the creator's names, by language (the creator's empty if unset)."""

    publisher: dict[str, str]
    creator: dict[str, str]
    creator_iri: str
    short: str = ""  # the publisher's short name (an untagged schema:alternateName), if any
    home: dict[str, str] = field(default_factory=dict)  # its city's names (schema:location)

    def publisher_short(self, lang: str) -> str:
        """How sentences name the publisher: its short name, else its name in `lang`."""
        return self.short or self.publisher_name(lang)

    def home_name(self, lang: str) -> str:
        """The publisher's city in `lang`, else in Polish, else any; "" when the data has none."""
        return self.home.get(lang) or self.home.get("pl") or next(iter(self.home.values()), "")

    def publisher_name(self, lang: str) -> str:
        """The publisher's name in `lang` (else in Polish, the page's language)."""
        return self.publisher.get(lang) or self.publisher.get("pl", "")

    def creator_name(self, lang: str) -> str:
        """The creator's name in `lang`, else in Polish, else its IRI; "" when unset."""
        if not self.creator_iri:
            return ""
        return self.creator.get(lang) or self.creator.get("pl") or self.creator_iri


def agents_of(pub: Publication) -> Agents:
    """The dataset's agents (read once per worker and data version)."""
    found: Agents = pub.cache.get(("agents",), lambda: _read(pub))
    return found


def _read(pub: Publication) -> Agents:
    settings = pub.settings
    creator = settings.creator_iri
    names = agent_names(pub.store, settings.publisher_iri)
    publisher = ox.NamedNode(settings.publisher_iri)
    shorts = internal_query(
        pub.store,
        f"SELECT ?short WHERE {{ {publisher} <https://schema.org/alternateName> ?short "
        'FILTER (LANG(?short) = "") } ORDER BY ?short LIMIT 1',
    )
    short = next((t.value for (t,) in shorts.rows if isinstance(t, ox.Literal)), "")
    homes = internal_query(
        pub.store,
        f"SELECT ?name WHERE {{ {publisher} <https://schema.org/location> ?place . "
        "?place <https://schema.org/name> ?name } ORDER BY ?name",
    )
    home: dict[str, str] = {}
    for (name,) in homes.rows:
        if isinstance(name, ox.Literal):
            home.setdefault(name.language or "", name.value)
    others = agent_names(pub.store, creator) if creator else {}
    return Agents(names, others, creator, short, home)
