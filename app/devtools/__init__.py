"""Developer tools: benchmarks and the like, not part of a user's app."""
