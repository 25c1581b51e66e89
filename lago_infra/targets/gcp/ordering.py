"""Google Cloud's "must exist before" pairs: what Google Cloud refuses, or races, when it is created first.

Data only, each pair with Google's source; ``lago_infra.plan.ordering`` checks every plan (shipped
stacks, examples, a platform's own program) against this table. Deploy code does not read it: it
makes each resource wait on what the table says it needs.
"""

from __future__ import annotations

from typing import Any

from ..ordering import MustExistBefore, Selector
from . import limits
from .apis import API_BY_MODULE, API_BY_TYPE, SERVICE

SERVICE_IDENTITY = "gcp:projects/serviceIdentity:ServiceIdentity"
KEY = "gcp:kms/cryptoKey:CryptoKey"
KEY_GRANT = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
SECRET = "gcp:secretmanager/secret:Secret"
SECRET_GRANT = "gcp:secretmanager/secretIamMember:SecretIamMember"
NETWORK = "gcp:compute/network:Network"
CONNECTION = "gcp:servicenetworking/connection:Connection"
SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
REDIS = "gcp:redis/instance:Instance"
BUCKET = "gcp:storage/bucket:Bucket"
CLOUD_RUN = ("gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job", "gcp:cloudrunv2/workerPool:WorkerPool")
RECORD_SET = "gcp:dns/recordSet:RecordSet"
#: The pause after IAM grants (``propagation.IamPropagation``): a dynamic resource of the program.
PAUSE = Selector("pulumi-python:dynamic:Resource", lambda i: "grants" in i and "seconds" in i, "IAM propagation pause")

ENABLE = "https://cloud.google.com/service-usage/docs/enable-disable"
PROPAGATION = "https://cloud.google.com/iam/docs/access-change-propagation"


def _enabled(api: str) -> Selector:
    return Selector(SERVICE, lambda i, api=api: i.get("service") == api, api)


def _private_ranges_only(i: dict[str, Any]) -> bool:
    template = i.get("template") or {}
    access = template.get("vpcAccess") or (template.get("template") or {}).get("vpcAccess") or {}
    return access.get("egress") == limits.RUN_EGRESS[False]


def _replicas_keyed(i: dict[str, Any]) -> bool:
    replicas = ((i.get("replication") or {}).get("userManaged") or {}).get("replicas") or []
    return any(isinstance(r, dict) and r.get("customerManagedEncryption") for r in replicas)


#: Resources encrypted with a customer-managed key, and the page that says the service agent
#: must hold the key's encrypter/decrypter role before the resource is created.
KEYED: tuple[tuple[Selector, str], ...] = (
    (
        Selector(SQL_INSTANCE, lambda i: bool(i.get("encryptionKeyName")), "CMEK"),
        "https://cloud.google.com/sql/docs/postgres/configure-cmek",
    ),
    (Selector(REDIS, lambda i: bool(i.get("customerManagedKey")), "CMEK"), "https://cloud.google.com/memorystore/docs/redis/cmek"),
    (
        Selector(BUCKET, lambda i: bool((i.get("encryption") or {}).get("defaultKmsKeyName")), "CMEK"),
        "https://cloud.google.com/storage/docs/encryption/using-customer-managed-keys",
    ),
    (Selector(SECRET, _replicas_keyed, "CMEK"), "https://cloud.google.com/secret-manager/docs/cmek"),
)

RULES: list[MustExistBefore] = [
    # Every resource after its API's enablement in the project. Enabled twice (by the platform and
    # by Lago), one enablement is enough.
    *[
        MustExistBefore(
            _enabled(api),
            Selector(f"gcp:{module}/*"),
            f"{api} must be enabled in the project before any of its resources is created (a disabled API answers SERVICE_DISABLED)",
            ENABLE,
            any_first=True,
        )
        for module, api in sorted(API_BY_MODULE.items())
    ],
    *[
        MustExistBefore(_enabled(api), Selector(type_), f"{api} must be enabled in the project first", ENABLE, any_first=True)
        for type_, api in sorted(API_BY_TYPE.items())
    ],
    # A service agent is the enabled API's: the CMEK guides enable the API, then create its
    # identity (gcloud beta services identity create), then grant it the key.
    *[
        MustExistBefore(
            _enabled(api),
            Selector(SERVICE_IDENTITY, lambda i, api=api: i.get("service") == api, api),
            f"the service agent of {api} is created for the enabled API",
            "https://cloud.google.com/sql/docs/postgres/configure-cmek",
            any_first=True,
        )
        for api in sorted({*API_BY_MODULE.values(), *API_BY_TYPE.values()})
    ],
    # Customer-managed keys: the service agent's grant, and the pause after it, before anything
    # the service encrypts with the key.
    *[
        MustExistBefore(
            Selector(KEY_GRANT, lambda i: i.get("role") == "roles/cloudkms.cryptoKeyEncrypterDecrypter", "encrypter/decrypter"),
            keyed,
            f"{keyed.type.split(':')[-1]} encrypts with the key through its service agent, which must hold the key's role first",
            source,
            via=KEY,
        )
        for keyed, source in KEYED
    ],
    *[
        MustExistBefore(
            PAUSE,
            keyed,
            "an IAM grant takes up to minutes to apply: the first use of the key must wait for it",
            PROPAGATION,
            via=KEY,
            any_first=True,
        )
        for keyed, _ in KEYED
    ],
    # Cloud Run checks secret access when a revision or an execution starts.
    *[
        MustExistBefore(
            Selector(SECRET_GRANT),
            Selector(run),
            "Cloud Run reads each secret as the role's service account when an instance starts: the accessor grant comes first",
            "https://cloud.google.com/run/docs/configuring/services/secrets",
            via=SECRET,
        )
        for run in CLOUD_RUN
    ],
    *[
        MustExistBefore(
            PAUSE,
            Selector(run),
            "an IAM grant takes up to minutes to apply: a revision started sooner fails with permission denied on the secret",
            PROPAGATION,
            via=SECRET,
            any_first=True,
        )
        for run in CLOUD_RUN
    ],
    # An account of another project: Cloud Run's service agent mints its tokens.
    *[
        MustExistBefore(
            Selector(
                "gcp:serviceaccount/iAMMember:IAMMember",
                lambda i: i.get("role") == "roles/iam.serviceAccountTokenCreator" and "@serverless-robot-prod." in str(i.get("member")),
                "Cloud Run's service agent as token creator",
            ),
            Selector(run),
            "Cloud Run runs as an account of another project only once its service agent may create that account's tokens",
            "https://cloud.google.com/run/docs/configuring/services/service-identity",
        )
        for run in CLOUD_RUN
    ],
    # Without Cloud NAT (private ranges only), the run.app hosts through the VPC before a role calls
    # the internal-only pdf service: resolved to Google's public addresses, the call leaves outside
    # the VPC and the service refuses it.
    *[
        MustExistBefore(
            Selector(RECORD_SET, lambda i: i.get("name") == f"*.{limits.RUN_APP_ZONE}", "run.app through Private Google Access"),
            Selector(run, _private_ranges_only, "egress PRIVATE_RANGES_ONLY"),
            "a role with private-ranges-only egress reaches an internal-only service only once run.app resolves to Private Google "
            "Access inside the VPC",
            "https://cloud.google.com/run/docs/securing/ingress",
            any_first=True,
        )
        for run in CLOUD_RUN
    ],
    # Private services access: the peering before a private IP is taken from its range.
    MustExistBefore(
        Selector(CONNECTION),
        Selector(
            SQL_INSTANCE, lambda i: bool(((i.get("settings") or {}).get("ipConfiguration") or {}).get("privateNetwork")), "private IP"
        ),
        "a Cloud SQL instance takes its private IP through the network's private services connection",
        "https://cloud.google.com/sql/docs/postgres/configure-private-services-access",
        via=NETWORK,
    ),
    MustExistBefore(
        Selector(CONNECTION),
        Selector(REDIS, lambda i: i.get("connectMode") == "PRIVATE_SERVICE_ACCESS", "private services access"),
        "a Memorystore instance in PRIVATE_SERVICE_ACCESS mode takes its address through the network's private services connection",
        "https://cloud.google.com/memorystore/docs/redis/networking",
        via=NETWORK,
    ),
]
