"""Pages of the dashboard: layout only. Shared pieces live in ``app_pages/_ui.py``."""
