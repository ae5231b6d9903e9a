"""The HTTP face: the Flask application and its views, content negotiation, the SPARQL protocol,
caching, limits, logging, the OpenAPI description, the pages for people, and gunicorn."""
