"""SafePassage: sealed intake, operator console and worker for a surrender programme."""
