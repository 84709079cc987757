"""The lists manager's parts, and the small pieces the other manager screens share."""
