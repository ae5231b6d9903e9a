"""The browser assets served from `assets_dir` (installed from the npm registry, never from a
CDN): the query editor's files, by name, with their media types."""

from __future__ import annotations

YASGUI_FILES = {"yasgui.min.js": "text/javascript", "yasgui.min.css": "text/css"}
