"""Key custody: SLIP-39 shares of the recovery secret rebuild a lost-passphrase key file."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest

from safepassage.crypto.errors import KeyFileCorrupt, WrongPassphrase
from safepassage.crypto.keyfile import load_keyring, rotate_keyfile
from safepassage.crypto.recovery import RecoveryRefused, parse_shares, recover, split_keyfile
from safepassage.crypto.sealing import open_text, seal

from .support import KeyFile, secret_encodings


def test_any_threshold_of_shares_recover_the_file_under_a_new_passphrase(
    keyfile: KeyFile,
) -> None:
    before = seal("Хочу сдаться, нас трое", to=keyfile.keyring.public)
    shares = split_keyfile(keyfile.path, keyfile.passphrase, shares=5, threshold=3)
    assert len(shares) == 5
    assert len(set(shares)) == 5
    # SLIP-39 words: 33 of them for a 256-bit secret, from its 1024-word list.
    assert all(len(share.split()) == 33 for share in shares)

    for chosen in ([0, 1, 2], [4, 2, 0], [1, 3, 4]):
        recovered = recover(keyfile.path, [shares[i] for i in chosen], f"new {chosen}")
        assert recovered.secret_keys == keyfile.keyring.secret_keys
        with pytest.raises(WrongPassphrase):
            load_keyring(keyfile.path, keyfile.passphrase)
        reopened = load_keyring(keyfile.path, f"new {chosen}")
        assert open_text(before, reopened) == "Хочу сдаться, нас трое"
        assert reopened.index_key == keyfile.keyring.index_key
        assert reopened.signing_key == keyfile.keyring.signing_key


def test_more_shares_than_needed_are_fine(keyfile: KeyFile) -> None:
    shares = split_keyfile(keyfile.path, keyfile.passphrase, shares=4, threshold=2)
    recover(keyfile.path, shares, "all four came")
    assert load_keyring(keyfile.path, "all four came").secret_keys == keyfile.keyring.secret_keys


def test_shares_written_by_hand_with_odd_spacing_and_capitals(keyfile: KeyFile) -> None:
    shares = split_keyfile(keyfile.path, keyfile.passphrase, shares=3, threshold=2)
    typed = ["  " + shares[0].upper().replace(" ", "   "), "", shares[2] + "\n"]
    recover(keyfile.path, parse_shares(typed), "typed")
    assert load_keyring(keyfile.path, "typed") == load_keyring(keyfile.path, "typed")


def test_fewer_than_threshold_is_refused_and_the_file_is_untouched(keyfile: KeyFile) -> None:
    shares = split_keyfile(keyfile.path, keyfile.passphrase, shares=5, threshold=3)
    content = keyfile.path.read_bytes()
    with pytest.raises(RecoveryRefused, match="not enough shares: 2 given"):
        recover(keyfile.path, shares[:2], "new")
    with pytest.raises(RecoveryRefused, match="not enough shares: 2 given"):
        recover(keyfile.path, [shares[0], shares[0], shares[1]], "new")
    with pytest.raises(RecoveryRefused, match="no shares"):
        recover(keyfile.path, [], "new")
    assert keyfile.path.read_bytes() == content


def test_a_mistyped_word_is_refused_without_quoting_the_share(keyfile: KeyFile) -> None:
    shares = split_keyfile(keyfile.path, keyfile.passphrase, shares=3, threshold=2)
    words = shares[1].split()
    words[10] = "academic" if words[10] != "academic" else "acid"
    with pytest.raises(RecoveryRefused, match="mistyped or damaged") as caught:
        recover(keyfile.path, [shares[0], " ".join(words)], "new")
    assert not set(str(caught.value).split()) & set(shares[0].split()) - {"a", "or", "is"}


def test_shares_of_different_splits_are_refused(
    make_keyfile: Callable[[str], KeyFile],
) -> None:
    first, second = make_keyfile("first.json"), make_keyfile("second.json")
    ours = split_keyfile(first.path, first.passphrase, shares=3, threshold=2)
    theirs = split_keyfile(second.path, second.passphrase, shares=3, threshold=2)
    with pytest.raises(RecoveryRefused, match="different splits"):
        recover(first.path, [ours[0], theirs[1]], "new")
    # A complete, valid set from another key file's split combines, but is not ours.
    with pytest.raises(WrongPassphrase, match="do not recover"):
        recover(first.path, theirs[:2], "new")


def test_a_new_split_invalidates_the_old_shares(keyfile: KeyFile) -> None:
    old = split_keyfile(keyfile.path, keyfile.passphrase, shares=3, threshold=2)
    new = split_keyfile(keyfile.path, keyfile.passphrase, shares=3, threshold=2)
    with pytest.raises(WrongPassphrase):
        recover(keyfile.path, old[:2], "new")
    recover(keyfile.path, new[1:], "new")


def test_shares_still_recover_after_a_rotation(keyfile: KeyFile) -> None:
    shares = split_keyfile(keyfile.path, keyfile.passphrase, shares=3, threshold=2)
    rotated = rotate_keyfile(keyfile.path, keyfile.passphrase)
    after = seal("sealed after the rotation", to=rotated.public)
    recovered = recover(keyfile.path, shares[:2], "new")
    assert recovered.secret_keys == rotated.secret_keys
    assert open_text(after, load_keyring(keyfile.path, "new")) == "sealed after the rotation"


def test_recover_to_another_file_leaves_the_original(keyfile: KeyFile) -> None:
    shares = split_keyfile(keyfile.path, keyfile.passphrase, shares=2, threshold=2)
    output = keyfile.path.with_name("rebuilt.json")
    recover(keyfile.path, shares, "rebuilt", output=output)
    assert load_keyring(output, "rebuilt").secret_keys == keyfile.keyring.secret_keys
    assert load_keyring(keyfile.path, keyfile.passphrase) is not None
    assert output.stat().st_mode & 0o777 == 0o600


def test_split_parameters_are_checked(keyfile: KeyFile) -> None:
    for shares, threshold in ((3, 4), (3, 0), (17, 2), (3, 1)):
        with pytest.raises(RecoveryRefused):
            split_keyfile(keyfile.path, keyfile.passphrase, shares=shares, threshold=threshold)
    assert "recovery" not in json.loads(keyfile.path.read_text())


def test_a_file_never_split_has_no_recovery(keyfile: KeyFile) -> None:
    other = split_keyfile(keyfile.path, keyfile.passphrase, shares=2, threshold=2)
    fresh = keyfile.path.with_name("fresh.json")
    fresh.write_bytes(keyfile.path.read_bytes())
    document = json.loads(fresh.read_text())
    del document["recovery"]
    fresh.write_text(json.dumps(document))
    with pytest.raises(KeyFileCorrupt, match="no recovery copy"):
        recover(fresh, other, "new")


def test_the_file_holds_no_share_and_no_plain_secret(keyfile: KeyFile) -> None:
    shares = split_keyfile(keyfile.path, keyfile.passphrase, shares=3, threshold=2)
    text = keyfile.path.read_text()
    ring = load_keyring(keyfile.path, keyfile.passphrase)
    assert ring.recovery_key is not None
    assert all(share.split()[4] not in text.split('"') for share in shares)
    recovery = [ring.recovery_key, base64.b64encode(ring.recovery_key)]
    for secret in [*secret_encodings(ring), *recovery]:
        assert secret not in keyfile.path.read_bytes()
    assert "recovery_key" not in text
