"""RDS's CA certificates, which sign every RDS and Aurora server certificate, as the roles verify
them (``sslmode=verify-full``).

RDS signs an instance's server certificate with the CA its ``ca_cert_identifier`` names
(``rds-ca-rsa2048-g1`` unless the account's default says otherwise, or ``rds-ca-rsa4096-g1`` /
``rds-ca-ecc384-g1``), each a root of its own per region ("Amazon RDS <region> Root CA RSA2048 G1").
AWS publishes two bundles (Amazon RDS User Guide, "Using SSL/TLS to encrypt a connection to a DB
instance or cluster", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html,
"Certificate bundles by AWS Region"): the global one (every region's CAs, about 160 KiB) and one
per region (that region's intermediate and root certificates of every CA). The region's bundle is
the one: it holds whichever CA the instance uses, so a ``ca_cert_identifier`` change needs no new
file, and it is small enough to travel in a task definition (``config.model.CA_BUNDLE_MAX``).

No API returns the certificates (``DescribeCertificates`` gives identifiers and thumbprints, not
PEM), so the bundle is read from AWS's truststore over HTTPS while the program runs: during
``pulumi preview`` / ``up``, never at task start. A changed bundle therefore shows in the preview
and rolls the services like any other change. The offline plan has no network and replaces
``fetch`` (``plan/mocks/aws.py``).
"""

from __future__ import annotations

import functools
import urllib.error
import urllib.request
from typing import Callable, Optional

from ...config.errors import SettingError
from . import limits

#: The truststore of each partition, from the same page (the GovCloud (US) section) and its
#: China counterpart (https://docs.amazonaws.cn/en_us/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html).
TRUSTSTORES: dict[str, str] = {
    "aws": "https://truststore.pki.rds.amazonaws.com",
    "aws-us-gov": "https://truststore.pki.us-gov-west-1.rds.amazonaws.com",
    "aws-cn": "https://rds-truststore.s3.cn-north-1.amazonaws.com.cn",
}
_TIMEOUT_S = 30
_ATTEMPTS = 3


def bundle_url(region: str) -> Optional[str]:
    """Where AWS publishes ``region``'s RDS CA bundle (PEM); None in a partition without one."""
    base = TRUSTSTORES.get(limits.partition_of(region) or "")
    return f"{base}/{region}/{region}-bundle.pem" if base else None


def _download(url: str) -> str:
    last: Exception = RuntimeError("no attempt")
    for _ in range(_ATTEMPTS):
        try:
            with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as answer:  # noqa: S310 (a fixed https URL)
                return answer.read().decode("ascii")
        except (OSError, urllib.error.URLError, UnicodeDecodeError) as exc:
            last = exc
    raise last


#: Reads a URL's text (HTTPS, verified against the system's CAs). The offline plan replaces it.
fetch: Callable[[str], str] = _download


@functools.lru_cache(maxsize=None)
def rds_ca_bundle(region: str) -> str:
    """The PEM bundle of every RDS CA of ``region``, as AWS publishes it."""
    url = bundle_url(region)
    fix = "give the CA as lago:database.sslRootCert (PEM), or set lago:database.sslMode to require"
    if url is None:
        raise SettingError(
            "lago:database.sslMode", f"verifies RDS's certificate, and AWS publishes no RDS CA bundle for region {region}", fix
        )
    try:
        pem = fetch(url)
    except Exception as exc:  # noqa: BLE001 (any failure means the same fix)
        raise SettingError(
            "lago:database.sslMode",
            f"verifies RDS's certificate, and RDS's CA bundle could not be read from {url} ({exc})",
            f"let this machine reach {url}, or {fix}",
        ) from None
    if "-----BEGIN CERTIFICATE-----" not in pem:
        raise SettingError("lago:database.sslMode", f"verifies RDS's certificate, and {url} answered without a PEM certificate", fix)
    return pem.strip() + "\n"
