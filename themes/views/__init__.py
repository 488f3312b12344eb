"""themes pages: a brand admin's settings (settings.py), the embeddable widget (widget.py),
brand domains and sitemaps (site.py)."""
