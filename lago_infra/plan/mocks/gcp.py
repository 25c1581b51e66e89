"""Fakes for pulumi-gcp: the outputs the GCP target reads, derived from each resource's inputs."""

from __future__ import annotations

import pulumi

from . import REGISTERED, call, digest, resource
from .common import fake_certificates

PROJECT_NUMBER = "123456789012"

#: Project and region of each explicit ``gcp.Provider`` by its id, so invokes made through one
#: answer with that provider's, as a real provider would.
PROVIDERS: dict[str, dict[str, str]] = {}
#: Every GCP invoke as (token, provider reference): tests check an embedding program's explicit
#: provider reaches them all.
INVOKES: list[tuple[str, str]] = []


def _placement(args) -> dict[str, str]:
    """The project and region of the provider a resource or invoke goes through: an explicit
    provider's own (it never reads the stack's gcp: config), else the stack's."""
    provider = getattr(args, "provider", None) or ""
    explicit = PROVIDERS.get(provider.rsplit("::", 1)[-1])
    if explicit is not None:
        return {"project": explicit.get("project", ""), "region": explicit.get("region", "")}
    config = pulumi.Config("gcp")
    return {"project": config.get("project") or "project", "region": config.get("region") or "europe-west1"}


def _project(args) -> str:
    """A resource's ``project`` input, else its provider's."""
    return args.inputs.get("project") or _placement(args)["project"]


def _through(args) -> dict[str, str]:
    """Records the invoke; the project and region of the provider it went through."""
    INVOKES.append((args.token, args.provider or ""))
    return _placement(args)


@resource("pulumi:providers:gcp")
def _provider(args):
    provider_id = f"{args.name}-{digest(args.name, args.inputs.get('project'), args.inputs.get('region'), length=8)}"
    PROVIDERS[provider_id] = {k: args.inputs[k] for k in ("project", "region") if args.inputs.get(k)}
    return {"__id": provider_id}


@call("gcp:organizations/getClientConfig:getClientConfig")
def _client_config(args):
    placed = _through(args)
    return {
        **placed,
        "zone": f"{placed['region']}-b",
        "id": f"projects/{placed['project']}/regions/{placed['region']}",
        "accessToken": "fake-token",
    }


@call("gcp:storage/getProjectServiceAccount:getProjectServiceAccount")
def _storage_agent(args):
    _through(args)
    email = f"service-{PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
    return {"emailAddress": email, "member": f"serviceAccount:{email}", "project": args.args.get("project"), "id": email}


def succeeded_job(name: str, token: str) -> dict:
    """A job whose execution of ``token`` ran to completion and succeeded, as getJob reads it."""
    return {
        "name": name,
        "runExecutionToken": token,
        "reconciling": False,
        "terminalConditions": [{"type": "Ready", "state": "CONDITION_SUCCEEDED"}],
        "latestCreatedExecutions": [{"name": f"{name}-{token}", "createTime": "t0", "completionTime": "t1"}],
    }


@call("gcp:cloudrunv2/getJob:getJob")
def _job(args):
    # Before the job is registered: no job yet (a plan is of a first release). Once registered,
    # the fake migration has succeeded, as the program reads it back after the job's update.
    _through(args)
    name = args.args.get("name")
    job = next((s for s in REGISTERED.get("gcp:cloudrunv2/job:Job", {}).values() if s.get("name") == name), None)
    return {} if job is None else succeeded_job(name, job.get("runExecutionToken", ""))


def _ip(*seed: str) -> str:
    h = int(digest(*seed, length=4), 16)
    return f"10.{64 + (h >> 8) % 64}.{h % 256}.{3 + h % 200}"


@call("gcp:organizations/getProject:getProject")
def _get_project(args):
    placed = _through(args)
    project = args.args.get("projectId") or placed["project"]
    return {"projectId": project, "number": PROJECT_NUMBER, "name": project, "id": f"projects/{project}"}


@resource("gcp:compute/network:Network")
def _network(args):
    project, name = _project(args), args.inputs.get("name", args.name)
    ref = f"projects/{project}/global/networks/{name}"
    return {"__id": ref, "selfLink": f"https://www.googleapis.com/compute/v1/{ref}"}


@resource("gcp:compute/subnetwork:Subnetwork")
def _subnetwork(args):
    i = args.inputs
    return {"__id": f"projects/{_project(args)}/regions/{i.get('region')}/subnetworks/{i.get('name', args.name)}"}


@resource("gcp:compute/globalAddress:GlobalAddress")
def _global_address(args):
    i = args.inputs
    address = _ip(args.name) if i.get("addressType") == "INTERNAL" else f"34.120.{int(digest(args.name, length=2), 16) % 256}.10"
    return {"__id": f"projects/{_project(args)}/global/addresses/{i.get('name', args.name)}", "address": address}


@resource("gcp:sql/databaseInstance:DatabaseInstance")
def _sql_instance(args):
    i = args.inputs
    return {
        "connectionName": f"{_project(args)}:{i.get('region')}:{i.get('name', args.name)}",
        "privateIpAddress": _ip(args.name),
        "publicIpAddress": "",
        "selfLink": f"https://sqladmin.googleapis.com/sql/v1beta4/projects/{_project(args)}/instances/{i.get('name')}",
    }


@call("gcp:sql/getCaCerts:getCaCerts")
def _ca_certs(args):
    """The instance's trusted server CAs: its own per-instance CA, as Cloud SQL lists it."""
    placed = _through(args)
    instance = args.args.get("instance", "")
    project = args.args.get("project") or placed["project"]
    return {
        "instance": instance,
        "project": project,
        "activeVersion": digest(instance, "ca", length=40),
        "certs": [
            {
                "cert": fake_certificates(f"cloudsql/{instance}", count=1, size=900),
                "commonName": "C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA,dnQualifier=" + digest(instance, length=36),
                "createTime": "2026-01-01T00:00:00Z",
                "expirationTime": "2036-01-01T00:00:00Z",
                "sha1Fingerprint": digest(instance, "ca", length=40),
            }
        ],
        "id": f"projects/{project}/instances/{instance}",
    }


@resource("gcp:redis/instance:Instance")
def _redis(args):
    tls = args.inputs.get("transitEncryptionMode") == "SERVER_AUTHENTICATION"
    return {"host": _ip(args.name), "port": 6378 if tls else 6379, "authString": "fake-auth-" + digest(args.name, "auth", length=24)}


@resource("gcp:serviceaccount/account:Account")
def _service_account(args):
    i = args.inputs
    email = f"{i['accountId']}@{_project(args)}.iam.gserviceaccount.com"
    return {"email": email, "name": f"projects/{_project(args)}/serviceAccounts/{email}", "member": f"serviceAccount:{email}"}


@resource("gcp:storage/bucket:Bucket")
def _bucket(args):
    name = args.inputs.get("name", args.name)
    return {"__id": name, "url": f"gs://{name}", "selfLink": f"https://www.googleapis.com/storage/v1/b/{name}"}


@resource("gcp:secretmanager/secret:Secret")
def _secret(args):
    i = args.inputs
    return {"__id": f"projects/{_project(args)}/secrets/{i['secretId']}", "name": f"projects/{PROJECT_NUMBER}/secrets/{i['secretId']}"}


@resource("gcp:secretmanager/secretVersion:SecretVersion")
def _secret_version(args):
    return {"version": "1", "name": f"{args.inputs.get('secret')}/versions/1"}


@resource("gcp:cloudrunv2/service:Service")
def _run_service(args):
    i = args.inputs
    name, region = i.get("name", args.name), i.get("location")
    deterministic = f"https://{name}-{PROJECT_NUMBER}.{region}.run.app"
    return {
        "__id": f"projects/{_project(args)}/locations/{region}/services/{name}",
        "uri": f"https://{name}-{digest(name, length=10)}-{region[:2]}.a.run.app",
        "urls": [deterministic],
    }


_GLOBAL_COLLECTIONS = {
    "BackendService": "backendServices",
    "URLMap": "urlMaps",
    "ManagedSslCertificate": "sslCertificates",
    "SSLPolicy": "sslPolicies",
}


@resource(
    "gcp:compute/backendService:BackendService",
    "gcp:compute/uRLMap:URLMap",
    "gcp:compute/managedSslCertificate:ManagedSslCertificate",
    "gcp:compute/sSLPolicy:SSLPolicy",
)
def _global_compute(args):
    i = args.inputs
    collection = _GLOBAL_COLLECTIONS[args.typ.rsplit(":", 1)[1]]
    return {"__id": f"projects/{_project(args)}/global/{collection}/{i.get('name', args.name)}"}


@resource("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup")
def _neg(args):
    i = args.inputs
    return {"__id": f"projects/{_project(args)}/regions/{i.get('region')}/networkEndpointGroups/{i.get('name', args.name)}"}
