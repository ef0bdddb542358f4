"""TOTP and recovery codes, below the web layer."""

from __future__ import annotations

import time

import pyotp
import pytest

from safepassage.accounts import domain, recovery, totp
from safepassage.accounts.models import Account
from tests.conftest import totp_secret_for


def test_totp_accepts_one_step_of_clock_drift_either_way() -> None:
    secret = pyotp.random_base32()
    now = 1_800_000_000.0
    step = int(now // 30)
    generator = pyotp.TOTP(secret)
    for offset in (-1, 0, 1):
        assert totp.matching_step(secret, generator.at(now + 30 * offset), now=now) == step + offset
    assert totp.matching_step(secret, generator.at(now - 90), now=now) is None
    assert totp.matching_step(secret, generator.at(now + 90), now=now) is None


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_totp_codes_never_match(typed: str) -> None:
    assert totp.matching_step(pyotp.random_base32(), typed) is None


def test_a_totp_code_with_spaces_is_accepted(personas: dict[str, Account]) -> None:
    code = pyotp.TOTP(totp_secret_for("kim")).now()
    spaced = f"{code[:3]} {code[3:]}"
    assert domain.check_second_factor(account=personas["kim"], code=spaced) == "totp"


def test_an_older_step_is_refused_after_a_newer_one_was_used(
    personas: dict[str, Account],
) -> None:
    generator = pyotp.TOTP(totp_secret_for("kim"))
    newer = generator.at(time.time() + 30)
    current = generator.now()
    assert domain.check_second_factor(account=personas["kim"], code=newer) == "totp"
    assert domain.check_second_factor(account=personas["kim"], code=current) is None


def test_recovery_codes_have_the_documented_shape() -> None:
    codes = recovery.new_codes()
    assert len(codes) == 10
    for code in codes:
        assert len(code) == 11
        assert code[5] == "-"
        assert not set(code.replace("-", "")) & set("01OIL")


def test_recovery_codes_match_forgivingly_and_only_their_own_hash() -> None:
    codes = recovery.new_codes()
    hashes = [recovery.hash_code(code) for code in codes]
    assert recovery.find_matching(hashes, codes[7]) == 7
    assert recovery.find_matching(hashes, codes[7].lower().replace("-", "  ")) == 7
    assert recovery.find_matching(hashes, "ABCDE-FGHJK") is None
    assert recovery.find_matching(hashes, "not a code") is None


def test_an_account_without_enrolled_totp_has_no_second_factor(
    personas: dict[str, Account],
) -> None:
    kim = personas["kim"]
    codes = domain.regenerate_recovery_codes(account=kim)
    request, _half = domain.request_sign_in_reset(by=personas["adam"], account=kim)
    domain.approve_request(by=personas["sofia"], request=request)
    kim.refresh_from_db()
    assert domain.check_second_factor(account=kim, code=codes[0]) is None
    assert (
        domain.check_second_factor(account=kim, code=pyotp.TOTP(totp_secret_for("kim")).now())
        is None
    )
