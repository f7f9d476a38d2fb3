"""PINs and passwords: checked for strength, stored only as scrypt hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from partsdesk.domain.errors import ValidationError
from partsdesk.i18n import _

# scrypt cost: ~50 ms per check on a shop PC, far too slow to brute-force a stolen file cheaply.
_N, _R, _P = 2**14, 8, 1
PIN_LENGTHS = range(4, 9)
PASSWORD_MIN = 8


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    try:
        digest = hashlib.scrypt(secret.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p),
                                dklen=len(digest_hex) // 2)
    except (ValueError, TypeError, OverflowError, MemoryError):  # a damaged row: no secret matches it
        return False
    return hmac.compare_digest(digest.hex().encode(), digest_hex.encode("utf-8", "replace"))


def check_pin(pin: str) -> None:
    if not pin.isascii() or not pin.isdigit() or len(pin) not in PIN_LENGTHS:
        raise ValidationError({"pin": _("A PIN is {shortest} to {longest} digits.").format(
            shortest=PIN_LENGTHS.start, longest=PIN_LENGTHS.stop - 1)})
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise ValidationError({"pin": _("This PIN is too easy to guess (repeated or consecutive digits).")})


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise ValidationError({"password": _("A password has at least {shortest} characters.").format(
            shortest=PASSWORD_MIN)})
    if password.isdigit() or password.isalpha():
        raise ValidationError({"password": _("A password mixes letters with digits or signs.")})
