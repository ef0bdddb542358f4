"""Case keys (SP2): values of a case are sealed under its key, and die with it."""

from __future__ import annotations

import pytest
from nacl.public import PrivateKey

from safepassage.casekeys.keys import case_key, destroy_case_keys, forget_cached_keys
from safepassage.casekeys.models import CaseKey, KeyScope
from safepassage.cases.models import Contact, Message
from safepassage.crypto.errors import KeyShredded, TamperedValue
from safepassage.crypto.keys import Keyring
from safepassage.crypto.sealing import (
    Sealed,
    case_key_id_of,
    is_case_sealed,
    open_text,
    open_text_as_applicant,
    rewrap_to_case_key,
    seal,
)
from safepassage.retention.conversion import convert_pending

from ..cases.casework import make_case

pytestmark = pytest.mark.django_db


def test_rewrap_keeps_the_body_and_the_applicant(installed_keys: Keyring) -> None:
    applicant = PrivateKey.generate()
    value = seal("письмо", to=installed_keys.public, applicant=applicant.public_key)
    kid, key = b"k" * 16, b"K" * 32
    moved = rewrap_to_case_key(value, installed_keys, case_key_id=kid, case_key=key)
    assert is_case_sealed(moved)
    assert case_key_id_of(moved) == kid
    # Same ciphertext body: only the data key's wrapping changed.
    assert moved.blob.endswith(value.blob[-20:])
    assert open_text_as_applicant(moved, applicant) == "письмо"
    # No key row with that id: the value is shredded for the programme.
    with pytest.raises(KeyShredded):
        open_text(moved, installed_keys)


def test_a_tampered_case_sealed_header_is_refused(installed_keys: Keyring) -> None:
    case = make_case(message="тест")
    body = Message.objects.get(case=case).body
    blob = bytearray(body.blob)
    blob[-60] ^= 1  # inside the body: the body's MAC fails
    with pytest.raises(TamperedValue):
        open_text(Sealed(bytes(blob)), installed_keys)
    kid, key = case_key(case.pk, KeyScope.CASE, installed_keys)
    other = Sealed(bytes(body.blob[:3]) + bytes(16) + bytes(body.blob[19:]))
    with pytest.raises(KeyShredded):
        open_text(other, installed_keys)
    assert kid == case_key_id_of(body)
    assert len(key) == 32


def test_values_saved_on_a_case_are_under_its_key(installed_keys: Keyring) -> None:
    applicant = PrivateKey.generate()
    first = make_case(message="первый", applicant_key=applicant)
    second = make_case(message="второй")
    body = Message.objects.get(case=first).body
    assert is_case_sealed(body)
    kid, _key = case_key(first.pk, KeyScope.CASE, installed_keys)
    assert case_key_id_of(body) == kid
    assert open_text(body, installed_keys) == "первый"
    # The web applicant still opens their own message with the receipt's key.
    assert open_text_as_applicant(body, applicant) == "первый"

    copied = bytes(body.blob)  # what a backup taken now would hold
    destroy_case_keys([first.pk])
    forget_cached_keys()
    assert not CaseKey.objects.filter(case_id=first.pk).exists()
    with pytest.raises(KeyShredded):
        open_text(Sealed(copied), installed_keys)
    # Other cases are untouched.
    assert open_text(Message.objects.get(case=second).body, installed_keys) == "второй"
    # The applicant's own path is not the programme's: it still opens with the receipt.
    assert open_text_as_applicant(Sealed(copied), applicant) == "первый"


def test_old_values_still_read_and_the_sweep_moves_them(installed_keys: Keyring) -> None:
    case = make_case(message="старое")
    contact = Contact.objects.get(case=case)
    # Written in bulk, as before case keys existed: still sealed to the programme key.
    Contact.objects.filter(pk=contact.pk).update(
        identity=seal("+79990001122", to=installed_keys.public)
    )
    stored = Contact.objects.get(pk=contact.pk).identity
    assert stored is not None
    assert not is_case_sealed(stored)
    assert open_text(stored, installed_keys) == "+79990001122"

    assert convert_pending() >= 1
    moved = Contact.objects.get(pk=contact.pk).identity
    assert moved is not None
    assert is_case_sealed(moved)
    assert open_text(moved, installed_keys) == "+79990001122"
    assert convert_pending() == 0
