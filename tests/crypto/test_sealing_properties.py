"""Property tests: any Unicode text round-trips, and never shows up in the blob."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.public import PrivateKey

from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import open_sealed, open_text, open_text_as_applicant, seal

# The suite's autouse fixtures are function-scoped but hold no per-example state the
# properties depend on; the keyrings used here are session-scoped.
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
APPLICANT = PrivateKey.generate()


@PROPERTY_SETTINGS
@given(text=st.text())
def test_any_text_round_trips(keyring: Keyring, text: str) -> None:
    assert open_text(seal(text, to=keyring.public), keyring) == text


@PROPERTY_SETTINGS
@given(text=st.text())
def test_any_text_round_trips_for_the_applicant(keyring: Keyring, text: str) -> None:
    value = seal(text, to=keyring.public, applicant=APPLICANT.public_key)
    assert open_text_as_applicant(value, APPLICANT) == text
    assert open_text(value, keyring) == text


@PROPERTY_SETTINGS
@given(text=st.text(min_size=4))
def test_blob_never_contains_the_plaintext(keyring: Keyring, text: str) -> None:
    encoded = text.encode("utf-8")
    value = seal(text, to=keyring.public)
    assert encoded not in value.blob
    assert len(value) == 4 + 88 + 16 + 24 + 16 + len(encoded)


@PROPERTY_SETTINGS
@given(data=st.binary())
def test_any_bytes_round_trip(keyring: Keyring, data: bytes) -> None:
    assert open_sealed(seal(data, to=keyring.public), keyring) == data
