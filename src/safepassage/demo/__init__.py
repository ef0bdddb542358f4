"""Demo data: accounts for every role and a few dozen cases in every state."""
