"""An area's police contacts, and their decisions on new outlines."""
