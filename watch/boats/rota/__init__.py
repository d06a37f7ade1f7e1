"""Vaktgång: the boat club's night-watch rota, rounds with QR checkpoints, the watch log."""
