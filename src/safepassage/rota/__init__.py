"""The shift rota: planned and actual shifts per language, and coverage alerts."""
