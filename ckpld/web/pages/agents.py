"""Who publishes the dataset and who compiled it, as the settings say, named as the data does.

Publisher, creator and the software are three things: the footer of every page names each
(`base.html`), from the settings `publisher` and `creator` (the operator's to set; an unset
creator is not shown, nor assumed to be the publisher) and ckpld's own version.
"""

from __future__ import annotations

from dataclasses import dataclass

from ckpld.publish.catalog import agent_names
from ckpld.publish.publication import Publication


@dataclass(frozen=True)
class Agents:
    """The publisher's and the creator's names, by language (the creator's empty if unset)."""

    publisher: dict[str, str]
    creator: dict[str, str]
    creator_iri: str

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
    return Agents(names, agent_names(pub.store, creator) if creator else {}, creator)
