"""The household roster of a neighbourhood-watch area."""
