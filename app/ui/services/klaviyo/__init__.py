"""Klaviyo screens (panel and connection form)."""
