"""The knowledge graph for people: the documentation site (``samhandling docs``) and the pages
``samhandling serve`` shows."""

from samhandling_kg.site.build import EXTRA_PAGES, ExtraPage, SiteBuilder, register_page, write_site

__all__ = ["EXTRA_PAGES", "ExtraPage", "SiteBuilder", "register_page", "write_site"]

# The decision guide registers its page in the guide slot (build.EXTRA_PAGES).
from samhandling_kg.site import guide as _guide  # noqa: F401
