"""Campaign statistics in the window: the Stats page, a campaign's detail, a person's activity,
the chart, exports and the main window's "Recent campaigns" panel. Everything reads
``service.stats`` (``app/sync/facade/api.py``)."""
