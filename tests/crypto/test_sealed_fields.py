"""SealedField and BlindIndexField refuse plaintext at the model layer."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from safepassage.crypto.blind_index import blind_index
from safepassage.crypto.errors import PlaintextRefused
from safepassage.crypto.fields import BlindIndexField, SealedField
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import Sealed, open_text, seal


def _field(name: str = "body") -> SealedField[Sealed | None, Sealed | None]:
    field = SealedField(null=True)
    field.set_attributes_from_name(name)
    return field


@pytest.mark.parametrize(
    "plaintext",
    ["Иванов Иван", b"Ivanov", bytearray(b"Ivanov"), memoryview(b"Ivanov"), 12345, ""],
)
def test_sealed_field_refuses_plaintext(plaintext: object) -> None:
    with pytest.raises(PlaintextRefused) as caught:
        _field("full_name").get_prep_value(plaintext)
    message = str(caught.value)
    assert "full_name" in message
    for fragment in ("Ivanov", "Иванов", "12345"):
        assert fragment not in message


def test_plaintext_refused_is_a_type_error() -> None:
    assert issubclass(PlaintextRefused, TypeError)


def test_sealed_field_accepts_sealed_and_none(keyring: Keyring) -> None:
    value = seal("x", to=keyring.public)
    assert _field().get_prep_value(value) == value.blob
    assert _field().get_prep_value(None) is None


@pytest.mark.parametrize("wrap", [bytes, memoryview, bytearray])
def test_from_db_value(keyring: Keyring, wrap: type) -> None:
    value = seal("из базы", to=keyring.public)
    loaded = _field().from_db_value(wrap(value.blob), None, connection)
    assert loaded == value
    assert isinstance(loaded, Sealed)
    assert _field().from_db_value(None, None, connection) is None


def test_from_db_value_defers_damage_to_opening() -> None:
    # A damaged row must not break loading a list of rows; opening it will fail.
    assert _field().from_db_value(b"garbage", None, connection) == Sealed.from_storage(b"garbage")


def test_to_python(keyring: Keyring) -> None:
    value = seal("x", to=keyring.public)
    field = _field()
    assert field.to_python(value) is value
    assert field.to_python(None) is None
    assert field.to_python(base64.b64encode(value.blob).decode()) == value
    # full_clean() routes assigned values through to_python: plaintext must not be
    # turned into a "Sealed" there either.
    for plaintext in (b"Ivanov", "Ivanov", base64.b64encode(b"Ivanov").decode(), 7):
        with pytest.raises(PlaintextRefused):
            field.to_python(plaintext)


def test_defaults_and_deconstruct() -> None:
    field = _field()
    assert field.editable is False
    assert field.get_default() is None
    assert SealedField().get_default() is None
    _, path, args, kwargs = field.deconstruct()
    assert path == "safepassage.crypto.fields.SealedField"
    assert (args, kwargs) == ([], {"null": True})


def test_blind_index_field(keyring: Keyring) -> None:
    field = BlindIndexField()
    field.set_attributes_from_name("name_index")
    assert (field.max_length, field.null, field.blank) == (64, True, True)
    assert vars(field)["db_index"] is True  # (not in django-stubs' Field)
    index = blind_index(keyring, "name", "Иванов")
    assert field.get_prep_value(index) == index
    assert field.get_prep_value(None) is None
    assert field.get_prep_value("") == ""
    for wrong in ("Иванов", index.upper(), index[:-1], 5):
        with pytest.raises(PlaintextRefused) as caught:
            field.get_prep_value(wrong)
        assert "name_index" in str(caught.value)
        assert "Иванов" not in str(caught.value)


def test_blind_index_field_deconstruct_round_trips() -> None:
    default = BlindIndexField()
    assert default.deconstruct()[3] == {}
    strict = BlindIndexField(null=False, unique=True)
    kwargs = strict.deconstruct()[3]
    assert kwargs == {"null": False, "unique": True}
    rebuilt = BlindIndexField(**kwargs)
    assert (rebuilt.null, rebuilt.unique, rebuilt.max_length) == (False, True, 64)
    assert BlindIndexField(db_index=False).deconstruct()[3] == {"db_index": False}


@pytest.fixture
def probe_model() -> Iterator[Any]:
    """A throwaway model with a real table, outside every app's migrations."""
    with isolate_apps("safepassage.crypto"):

        class Probe(models.Model):
            body = SealedField()
            note = SealedField(null=True)
            body_index = BlindIndexField()

            class Meta:
                app_label = "crypto"

            def __str__(self) -> str:
                return f"probe {self.pk}"

        with connection.schema_editor() as editor:
            editor.create_model(Probe)
        try:
            yield Probe
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(Probe)


@pytest.mark.django_db(transaction=True)
def test_database_round_trip(probe_model: Any, keyring: Keyring) -> None:
    value = seal("Хочу жить", to=keyring.public)
    index = blind_index(keyring, "name", "Иванов")
    row = probe_model.objects.create(body=value, body_index=index)
    loaded = probe_model.objects.get(pk=row.pk)
    assert isinstance(loaded.body, Sealed)
    assert open_text(loaded.body, keyring) == "Хочу жить"
    assert loaded.note is None
    assert probe_model.objects.filter(body_index=index).count() == 1
    with pytest.raises(PlaintextRefused):
        probe_model.objects.create(body="Хочу жить")
    with pytest.raises(PlaintextRefused):
        probe_model.objects.filter(pk=row.pk).update(body=b"raw bytes")
    with pytest.raises(PlaintextRefused):
        probe_model.objects.create(body=value, body_index="Иванов")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {probe_model._meta.db_table}")  # noqa: S608 - table name from the model
        (stored,) = cursor.fetchone()
    assert bytes(stored) == value.blob
