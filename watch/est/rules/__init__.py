"""Pure EST rules (no app, no database): categories, ISO weeks."""
