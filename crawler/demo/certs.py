"""Certificates for the demo's HTTPS hosts: one self-signed, one expired, same bytes every build.

RSA with PKCS#1 v1.5 signatures is deterministic once the key is, so the key's primes are drawn
from a seeded generator (fine for a loopback demo, never for real keys).
"""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


def _is_probable_prime(n: int, r: random.Random) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(24):
        x = pow(r.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(r: random.Random, bits: int) -> int:
    while True:
        n = r.getrandbits(bits) | (3 << (bits - 2)) | 1
        if n % 65537 != 1 and _is_probable_prime(n, r):
            return n


def deterministic_key(seed: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    r = random.Random(f"demo-key:{seed}")
    e = 65537
    p, q = _prime(r, bits // 2), _prime(r, bits // 2)
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, (p * q))
    )
    return numbers.private_key()


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "egovrank demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


CA_NAME = "egovrank demo CA"
_START = datetime(2020, 1, 1, tzinfo=UTC)
_FAR = datetime(2049, 12, 31, tzinfo=UTC)


def make_ca(key: rsa.RSAPrivateKey) -> bytes:
    """The demo CA (self-signed, 2020-2049): trust it to see the expired host fail as expired."""
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(CA_NAME))
        .issuer_name(_name(CA_NAME))
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(_START)
        .not_valid_after(_FAR)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(key, hashes.SHA256(), rsa_padding=padding.PKCS1v15())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def make_cert(key: rsa.RSAPrivateKey, host: str, kind: str, serial: int) -> bytes:
    """PEM certificate for `host` (an IP): `self_signed` is its own issuer, valid 2020-2049;
    `expired` is issued by the demo CA and ended on 2021-01-01, as real expired ones are."""
    issuer = _name(host) if kind == "self_signed" else _name(CA_NAME)
    end = datetime(2021, 1, 1, tzinfo=UTC) if kind == "expired" else _FAR
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(_START)
        .not_valid_after(end)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), False
        )
        .sign(key, hashes.SHA256(), rsa_padding=padding.PKCS1v15())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
