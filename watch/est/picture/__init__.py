"""The weekly picture: live aggregates, the alerts feed as counts, frozen "Lägesbild v.NN", analysis, exports."""
