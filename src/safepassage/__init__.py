"""SafePassage: sealed intake, operator console and worker for a humanitarian surrender programme."""
