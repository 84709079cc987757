"""Each service's own screens: its wizard panel and how its connections read (one folder each)."""
