"""Operating-system integrations: background jobs in the platform's own scheduler."""
