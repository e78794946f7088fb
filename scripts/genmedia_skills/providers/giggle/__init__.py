"""giggle.pro: the generation API (api.py) and one request builder per media type."""
