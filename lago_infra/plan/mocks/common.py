"""Fakes for pulumi-random and pulumi-tls: well-formed, deterministic, never real secrets."""

from __future__ import annotations

import base64
import hashlib

from . import digest, resource


def _bytes(seed: str, n: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}/{counter}".encode()).digest()
        counter += 1
    return out[:n]


def fake_certificates(seed: str, count: int = 1, size: int = 1200) -> str:
    """``count`` PEM blocks the size of real CA certificates, deterministic; no certificate parses
    from them (nothing offline verifies one)."""
    blocks = []
    for i in range(count):
        body = base64.b64encode(_bytes(f"{seed}/cert/{i}", size)).decode()
        lines = "\n".join(body[j : j + 64] for j in range(0, len(body), 64))
        blocks.append(f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n")
    return "".join(blocks)


@resource("random:index/randomPassword:RandomPassword", "random:index/randomString:RandomString")
def _password(args):
    length = int(args.inputs.get("length", 16))
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    raw = _bytes(args.name, length)
    value = "".join(alphabet[b % len(alphabet)] for b in raw)
    return {"result": value, "bcryptHash": "$2a$10$" + digest(args.name, length=53)}


@resource("random:index/randomId:RandomId")
def _random_id(args):
    raw = _bytes(args.name, int(args.inputs.get("byteLength", 8)))
    return {
        "hex": raw.hex(),
        "b64Std": base64.b64encode(raw).decode(),
        "b64Url": base64.urlsafe_b64encode(raw).decode().rstrip("="),
        "dec": str(int.from_bytes(raw, "big")),
    }


@resource("tls:index/privateKey:PrivateKey")
def _private_key(args):
    body = base64.encodebytes(_bytes(args.name, 1190)).decode().replace("\n", "")
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{lines}\n-----END RSA PRIVATE KEY-----\n"
    public = base64.encodebytes(_bytes(args.name + "/pub", 270)).decode().replace("\n", "")
    return {
        "privateKeyPem": pem,
        "privateKeyPemPkcs8": pem.replace("RSA PRIVATE KEY", "PRIVATE KEY"),
        "privateKeyOpenssh": "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n",
        "publicKeyPem": f"-----BEGIN PUBLIC KEY-----\n{public[:64]}\n-----END PUBLIC KEY-----\n",
        "publicKeyOpenssh": f"ssh-rsa {public[:64]}",
        "publicKeyFingerprintMd5": ":".join(digest(args.name, length=32)[i : i + 2] for i in range(0, 32, 2)),
        "publicKeyFingerprintSha256": "SHA256:" + digest(args.name, "sha", length=43),
    }
