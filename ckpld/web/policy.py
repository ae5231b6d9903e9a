"""The pages' Content-Security-Policy: everything from this site, no inline script or style."""

from __future__ import annotations

from collections.abc import Sequence

# YASGUI's result table (its column-resizer) adds one fixed <style> element; the query page
# allows exactly that element by its hash. The browser tests fail if another version adds
# something else (the console shows the violation with the hash it would need).
EDITOR_STYLES = ("sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=",)


def content_security_policy(style_hashes: Sequence[str] = ()) -> str:
    """The policy of a page: scripts, styles, images and fonts from ckpld itself only.

    Args:
        style_hashes: Inline <style> elements to allow, by the hash of their text ("sha256-…").
    """
    styles = " ".join(["'self'", *(f"'{h}'" for h in style_hashes)])
    return (
        f"default-src 'none'; script-src 'self'; style-src {styles}; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )


CONTENT_SECURITY_POLICY = content_security_policy()
