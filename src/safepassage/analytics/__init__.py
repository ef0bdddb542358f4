"""Aggregate statistics for analysts: counter tables, small-cell suppression, charts."""
