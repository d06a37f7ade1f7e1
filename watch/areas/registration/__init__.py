"""An area's life: registration (pending), the police's decision, training its contacts, editing, archiving."""
