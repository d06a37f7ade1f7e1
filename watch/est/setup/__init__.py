"""The coordinator's settings: cut-off, open weeks, the public page, named places and districts."""
