"""Away notices (grannlapp): a household or boat owner tells chosen neighbours they are away."""
