"""RDF itself, independent of this dataset: the format table, prefixes, IRIs and how terms are
written. The lowest wing: it imports nothing else of ckpld's."""
