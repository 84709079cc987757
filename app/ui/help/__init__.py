"""Help inside the app: the getting-started guide, the first-run welcome, page help."""
