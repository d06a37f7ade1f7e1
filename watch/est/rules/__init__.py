"""Pure EST rules (no app, no database): categories, ISO weeks, the personal-data check, the grid."""
