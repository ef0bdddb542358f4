"""Keys, sealing, receipts and blind indexes for SafePassage.

Everything personal is stored sealed to the programme's X25519 public key (and, for web
applicants, to a key derived from their receipt).  The intake tier holds the public key
only; console and worker unlock the secret keys from a passphrase-encrypted key file.
"""
