"""Tests of safepassage.crypto (a package so its conftest and helpers have unique names)."""
