"""Coordinates a run: planning, applying, progress and cancellation."""
