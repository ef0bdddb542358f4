"""Model fields that keep personal values out of the database in clear.

``SealedField`` stores only ``Sealed`` values and refuses anything else at the moment a
query is built, so a forgotten ``seal()`` fails loudly in development instead of writing
a name or message in clear.  ``BlindIndexField`` likewise accepts only 64-hex-digit
HMACs, so a plain name cannot land in an index column either.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models

from safepassage.crypto.errors import PlaintextRefused, TamperedValue
from safepassage.crypto.sealing import Sealed

_ST = TypeVar("_ST", contravariant=True)
_GT = TypeVar("_GT", covariant=True)

if TYPE_CHECKING:
    _BinaryField = models.BinaryField
    _CharField = models.CharField
else:
    # django-stubs makes fields generic in (set type, get type) for the type checker
    # only; these runtime stand-ins accept the same parameters without patching Django.
    class _BinaryField(models.BinaryField, Generic[_ST, _GT]):
        pass

    class _CharField(models.CharField, Generic[_ST, _GT]):
        pass


_BLIND_INDEX = re.compile(r"[0-9a-f]{64}")
BLIND_INDEX_LENGTH = 64
_BLIND_INDEX_DEFAULTS: dict[str, object] = {
    "max_length": BLIND_INDEX_LENGTH,
    "db_index": True,
    "null": True,
    "blank": True,
}


def _field_label(field: models.Field[Any, Any]) -> str:
    model = getattr(field, "model", None)
    if model is not None:
        return f"{model._meta.label}.{field.name}"
    return field.name or type(field).__name__


class SealedField(_BinaryField[_ST, _GT]):
    """A binary column whose Python value is ``Sealed`` (or ``None`` when nullable)."""

    # What the django-stubs plugin reads to type model attributes (``Sealed``, or
    # ``Sealed | None`` with null=True).  BinaryField declares bytes here; narrowing
    # the declared type is the point, hence the ignore.
    _pyi_private_set_type: Sealed
    _pyi_private_get_type: Sealed  # type: ignore[assignment]
    _pyi_lookup_exact_type: Sealed

    description = "A value sealed to the programme key"

    def get_default(self) -> Any:
        """No implicit ``b""`` default (BinaryField's): that is not a sealed value."""
        if self.has_default():
            return super().get_default()
        return None

    def get_prep_value(self, value: Any) -> bytes | None:
        """``Sealed`` → its bytes; anything else raises PlaintextRefused."""
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.blob
        raise PlaintextRefused(
            f"{_field_label(self)} stores only Sealed values, not {type(value).__name__}; "
            "seal it first"
        )

    def from_db_value(self, value: Any, _expression: Any, _connection: Any) -> Sealed | None:
        """Wrap the column's bytes (bytes on SQLite/psycopg 3, memoryview elsewhere)."""
        if value is None:
            return None
        return Sealed.from_storage(value)

    def to_python(self, value: Any) -> Sealed | None:
        """Accept ``Sealed``, or base64 text of a sealed blob (fixtures, serialisation).

        Raw bytes are refused rather than wrapped: ``full_clean()`` passes assigned
        values through here, and wrapping them would store plaintext.
        """
        if value is None or isinstance(value, Sealed):
            return value
        if isinstance(value, str):
            try:
                blob = base64.b64decode(value.encode("ascii"), validate=True)
            except ValueError:
                blob = b""
            try:
                return Sealed(blob)
            except TamperedValue:
                pass
        raise PlaintextRefused(
            f"{_field_label(self)} stores only Sealed values, not {type(value).__name__}"
        )

    def value_to_string(self, obj: models.Model) -> str:
        """Serialise as base64 of the sealed blob (ciphertext only)."""
        value: object = self.value_from_object(obj)
        if not isinstance(value, Sealed):
            return ""
        return base64.b64encode(value.blob).decode("ascii")


class BlindIndexField(_CharField[_ST, _GT]):
    """A 64-hex-digit blind index column, indexed, nullable and blank by default."""

    # Nullable by default (set in __init__, which the stubs plugin cannot see).
    _pyi_private_set_type: str | None  # type: ignore[assignment]
    _pyi_private_get_type: str | None  # type: ignore[assignment]
    _pyi_lookup_exact_type: str | None

    description = "HMAC blind index of a personal value"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Default to ``max_length=64, db_index=True, null=True, blank=True``."""
        for key, default in _BLIND_INDEX_DEFAULTS.items():
            kwargs.setdefault(key, default)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        """Write only the options that differ from this field's defaults into migrations."""
        name, path, args, kwargs = super().deconstruct()
        for key, default in _BLIND_INDEX_DEFAULTS.items():
            kwargs.pop(key, None)
            value = getattr(self, key)
            if value != default:
                kwargs[key] = value
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> str | None:
        """A blind index (64 lowercase hex digits), ``""`` or ``None``; else PlaintextRefused."""
        if value is None:
            return None
        if isinstance(value, str) and (value == "" or _BLIND_INDEX.fullmatch(value)):
            return value
        raise PlaintextRefused(
            f"{_field_label(self)} stores only blind indexes (64 hex digits); "
            "pass the value through blind_index() first"
        )
