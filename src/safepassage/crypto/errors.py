"""Exceptions raised by the crypto package.

Messages are one line and name at most a file path: they must never carry key material,
plaintext or a receipt, because they end up in logs and on operators' screens.
"""


class CryptoError(Exception):
    """Base class for every failure of the crypto package."""


class KeyFileError(CryptoError):
    """A key file cannot be created, read or used."""


class KeyFileMissing(KeyFileError):
    """The key file does not exist."""


class KeyFileCorrupt(KeyFileError):
    """The key file is not a well-formed SafePassage key file, or its parts disagree."""


class WrongPassphrase(KeyFileError):
    """The passphrase does not unlock the key file."""


class IntakeGivenSecretKey(KeyFileError):
    """The intake tier was configured with secret key material, which it must never hold."""


class SecretKeyUnavailable(CryptoError):
    """Secret keys were requested where none may be held (intake) or none are configured."""


class TamperedValue(CryptoError):
    """A sealed value is malformed or fails authentication."""


class NotARecipient(CryptoError):
    """None of the available secret keys can open this sealed value."""


class KeyShredded(NotARecipient):
    """The value's case key no longer exists: its case was purged (crypto-shredded)."""


class MalformedReceipt(CryptoError):
    """A receipt number is not 20 (or 16) digits with a valid check digit."""


class PlaintextRefused(TypeError):
    """Something other than a sealed value was about to be stored in a sealed column."""
