"""The wheel's build step: copy into ckpld/resources/ what `ckpld serve` reads from the
repository's folders in a checkout (the vocabulary and shapes, the cookbook) and the browser
assets `npm ci` installs (the query editor, the map's outlines). An editable install reads them
where they are and copies nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

CARRIED = {
    "ontology": "ckpld/resources/ontology",
    "queries": "ckpld/resources/queries",
    "node_modules/@zazuko/yasgui/build/yasgui.min.js": (
        "ckpld/resources/assets/@zazuko/yasgui/build/yasgui.min.js"
    ),
    "node_modules/@zazuko/yasgui/build/yasgui.min.css": (
        "ckpld/resources/assets/@zazuko/yasgui/build/yasgui.min.css"
    ),
    "node_modules/world-atlas/countries-50m.json": (
        "ckpld/resources/assets/world-atlas/countries-50m.json"
    ),
}


class CustomBuildHook(BuildHookInterface):
    """Adds CARRIED to a (non-editable) wheel; a missing one stops the build with its name."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        missing = [source for source in CARRIED if not (root / source).exists()]
        if missing:
            raise FileNotFoundError(
                f"the wheel needs {', '.join(missing)}: run `npm ci` (or `make install`) first"
            )
        build_data["force_include"].update({str(root / k): v for k, v in CARRIED.items()})
