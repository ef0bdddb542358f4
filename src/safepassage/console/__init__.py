"""The operators' web app."""
