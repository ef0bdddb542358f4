"""Encrypted backups and restores of the whole database (issue 13).

A backup is one file encrypted to the programme's public key, so the host that takes
it holds no secret; restoring it needs the key file and its passphrase.  This package
sits in the lowest layers: it imports crypto and audit, never cases or console.
"""
