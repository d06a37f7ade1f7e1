"""EST meetings (agenda, attendance by organisation, decision log) and actions (insatser)."""
