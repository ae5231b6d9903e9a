"""What is published, for one data version: the publication (data, figures, cookbook), its
releases (dumps, DCAT-AP catalogue, VoID) and the loading of a remote store."""
