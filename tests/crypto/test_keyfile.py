"""The passphrase-protected key file and the public key file given to the intake."""

from __future__ import annotations

import base64
import json
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from safepassage.crypto.errors import (
    KeyFileCorrupt,
    KeyFileError,
    KeyFileMissing,
    WrongPassphrase,
)
from safepassage.crypto.keyfile import (
    change_passphrase,
    create_keyfile,
    is_full_keyfile,
    load_keyring,
    load_public_keyfile,
    write_public_keyfile,
)
from safepassage.crypto.keys import Keyring

from .support import FAST_KDF_MEMLIMIT, FAST_KDF_OPSLIMIT, KeyFile, secret_encodings


def _document(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _rewrite(path: Path, edit: Callable[[dict[str, object]], None]) -> None:
    document = _document(path)
    edit(document)
    path.write_text(json.dumps(document), "utf-8")


def test_create_and_load(keyfile: KeyFile) -> None:
    loaded = load_keyring(keyfile.path, keyfile.passphrase)
    assert loaded == keyfile.keyring
    assert loaded.signing_key == keyfile.keyring.signing_key
    document = _document(keyfile.path)
    assert document["format"] == "safepassage-keyfile"
    assert document["version"] == 1
    assert set(document) == {"format", "version", "public", "kdf", "sealed"}


def test_key_file_mode_is_0600_and_no_temp_files_remain(keyfile: KeyFile) -> None:
    assert stat.S_IMODE(keyfile.path.stat().st_mode) == 0o600
    assert [p.name for p in keyfile.path.parent.iterdir()] == [keyfile.path.name]


def test_refuses_to_overwrite(keyfile: KeyFile) -> None:
    before = keyfile.path.read_bytes()
    with pytest.raises(KeyFileError, match="already exists"):
        create_keyfile(
            keyfile.path,
            "another passphrase",
            kdf_opslimit=FAST_KDF_OPSLIMIT,
            kdf_memlimit=FAST_KDF_MEMLIMIT,
        )
    assert keyfile.path.read_bytes() == before


def test_refuses_empty_passphrase(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="empty"):
        create_keyfile(tmp_path / "k.json", "")
    assert not (tmp_path / "k.json").exists()


def test_missing_directory_is_a_key_file_error(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError):
        create_keyfile(
            tmp_path / "absent" / "k.json",
            "p",
            kdf_opslimit=FAST_KDF_OPSLIMIT,
            kdf_memlimit=FAST_KDF_MEMLIMIT,
        )


def test_wrong_passphrase(keyfile: KeyFile) -> None:
    with pytest.raises(WrongPassphrase) as caught:
        load_keyring(keyfile.path, "wrong horse battery staple")
    assert "wrong horse" not in str(caught.value)
    assert str(keyfile.path) in str(caught.value)


def test_passphrase_is_compared_in_nfc(tmp_path: Path) -> None:
    composed = "café passphrase"
    path = tmp_path / "k.json"
    keyring = create_keyfile(
        path, composed, kdf_opslimit=FAST_KDF_OPSLIMIT, kdf_memlimit=FAST_KDF_MEMLIMIT
    )
    assert load_keyring(path, unicodedata.normalize("NFD", composed)) == keyring


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileMissing):
        load_keyring(tmp_path / "nope.json", "x")
    with pytest.raises(KeyFileMissing):
        load_public_keyfile(tmp_path / "nope.json")


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"\xff\xfe\x00", b"[]", b'{"format": "something-else", "version": 1}'],
)
def test_not_a_key_file(keyfile: KeyFile, content: bytes) -> None:
    keyfile.path.write_bytes(content)
    with pytest.raises(KeyFileCorrupt):
        load_keyring(keyfile.path, keyfile.passphrase)


def test_unsupported_version(keyfile: KeyFile) -> None:
    _rewrite(keyfile.path, lambda d: d.update(version=2))
    with pytest.raises(KeyFileCorrupt, match="version"):
        load_keyring(keyfile.path, keyfile.passphrase)


def test_truncated_sealed_part(keyfile: KeyFile) -> None:
    def truncate(document: dict[str, object]) -> None:
        sealed = base64.b64decode(str(document["sealed"]))
        document["sealed"] = base64.b64encode(sealed[:-7]).decode()

    _rewrite(keyfile.path, truncate)
    with pytest.raises(KeyFileCorrupt):
        load_keyring(keyfile.path, keyfile.passphrase)


def test_sealed_part_with_bad_base64(keyfile: KeyFile) -> None:
    _rewrite(keyfile.path, lambda d: d.update(sealed=str(d["sealed"])[:-3] + "!!!"))
    with pytest.raises(KeyFileCorrupt):
        load_keyring(keyfile.path, keyfile.passphrase)


def test_swapped_public_part(make_keyfile: Callable[[str], KeyFile]) -> None:
    mine, theirs = make_keyfile("mine.json"), make_keyfile("theirs.json")
    their_public = _document(theirs.path)["public"]
    _rewrite(mine.path, lambda d: d.update(public=their_public))
    with pytest.raises(KeyFileCorrupt, match="does not match"):
        load_keyring(mine.path, mine.passphrase)


def test_weakened_receipt_params_are_detected(keyfile: KeyFile) -> None:
    # Lowering the receipt cost in the clear part would make receipts cheap to guess.
    def weaken(document: dict[str, object]) -> None:
        public = document["public"]
        assert isinstance(public, dict)
        public["receipt_params"] = {"alg": "argon2id", "opslimit": 1, "memlimit": 8192}

    _rewrite(keyfile.path, weaken)
    with pytest.raises(KeyFileCorrupt):
        load_keyring(keyfile.path, keyfile.passphrase)


def test_absurd_kdf_cost_is_refused_before_deriving(keyfile: KeyFile) -> None:
    def inflate(document: dict[str, object]) -> None:
        kdf = document["kdf"]
        assert isinstance(kdf, dict)
        kdf["memlimit"] = 2**40

    _rewrite(keyfile.path, inflate)
    with pytest.raises(KeyFileCorrupt):
        load_keyring(keyfile.path, keyfile.passphrase)


def test_change_passphrase(keyfile: KeyFile) -> None:
    change_passphrase(keyfile.path, keyfile.passphrase, "a new long passphrase")
    with pytest.raises(WrongPassphrase):
        load_keyring(keyfile.path, keyfile.passphrase)
    assert load_keyring(keyfile.path, "a new long passphrase") == keyfile.keyring
    assert stat.S_IMODE(keyfile.path.stat().st_mode) == 0o600


def test_change_passphrase_needs_the_old_one(keyfile: KeyFile) -> None:
    with pytest.raises(WrongPassphrase):
        change_passphrase(keyfile.path, "not it", "new")
    with pytest.raises(KeyFileError):
        change_passphrase(keyfile.path, keyfile.passphrase, "")


def test_full_key_file_holds_no_secret_in_clear(keyfile: KeyFile) -> None:
    content = keyfile.path.read_bytes()
    for secret in secret_encodings(keyfile.keyring):
        assert secret not in content


def test_public_key_file_holds_no_secret(keyfile: KeyFile, tmp_path: Path) -> None:
    public_path = tmp_path / "public.json"
    write_public_keyfile(keyfile.keyring.public, public_path)
    content = public_path.read_bytes()
    for secret in secret_encodings(keyfile.keyring):
        assert secret not in content
    document = _document(public_path)
    assert set(document) == {"format", "version", "public"}
    assert b"sealed" not in content
    assert b"kdf" not in content
    assert load_public_keyfile(public_path) == keyfile.keyring.public


def test_is_full_keyfile(keyfile: KeyFile, tmp_path: Path) -> None:
    public_path = tmp_path / "public.json"
    write_public_keyfile(keyfile.keyring.public, public_path)
    assert is_full_keyfile(keyfile.path)
    assert not is_full_keyfile(public_path)


def test_load_public_keyfile_reads_a_full_key_file(keyfile: KeyFile) -> None:
    assert load_public_keyfile(keyfile.path) == keyfile.keyring.public


def test_load_keyring_refuses_a_public_key_file(keyfile: KeyFile, tmp_path: Path) -> None:
    public_path = tmp_path / "public.json"
    write_public_keyfile(keyfile.keyring.public, public_path)
    with pytest.raises(KeyFileCorrupt, match="public key file"):
        load_keyring(public_path, keyfile.passphrase)


def test_public_key_file_replaces_an_older_one_but_never_the_key_file(
    keyfile: KeyFile, keyring: Keyring, tmp_path: Path
) -> None:
    public_path = tmp_path / "public.json"
    write_public_keyfile(keyring.public, public_path)
    write_public_keyfile(keyfile.keyring.public, public_path)
    assert load_public_keyfile(public_path) == keyfile.keyring.public
    before = keyfile.path.read_bytes()
    with pytest.raises(KeyFileError, match="refusing"):
        write_public_keyfile(keyring.public, keyfile.path)
    assert keyfile.path.read_bytes() == before


def test_public_key_with_wrong_id_is_corrupt(keyfile: KeyFile, tmp_path: Path) -> None:
    public_path = tmp_path / "public.json"
    write_public_keyfile(keyfile.keyring.public, public_path)

    def misfile(document: dict[str, object]) -> None:
        public = document["public"]
        assert isinstance(public, dict)
        keys = public["public_keys"]
        assert isinstance(keys, dict)
        (kid,) = keys
        public["public_keys"] = {kid: base64.b64encode(b"\x01" * 32).decode()}

    _rewrite(public_path, misfile)
    with pytest.raises(KeyFileCorrupt):
        load_public_keyfile(public_path)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (1024 * 1024 + 1))
    with pytest.raises(KeyFileError, match="too large"):
        load_public_keyfile(path)


def test_keyring_repr_shows_no_secret(keyfile: KeyFile) -> None:
    text = repr(keyfile.keyring).encode()
    for secret in secret_encodings(keyfile.keyring):
        assert secret not in text
    assert b"index_key" not in text
