"""Fakes for pulumi-gcp: the outputs the GCP target reads, derived from each resource's inputs."""

from __future__ import annotations

from . import call, digest, resource

PROJECT_NUMBER = "123456789012"


def _ip(*seed: str) -> str:
    h = int(digest(*seed, length=4), 16)
    return f"10.{64 + (h >> 8) % 64}.{h % 256}.{3 + h % 200}"


@call("gcp:organizations/getProject:getProject")
def _project(args):
    project = args.args.get("projectId") or "project"
    return {"projectId": project, "number": PROJECT_NUMBER, "name": project, "id": f"projects/{project}"}


@resource("gcp:compute/network:Network")
def _network(args):
    project, name = args.inputs.get("project", "project"), args.inputs.get("name", args.name)
    ref = f"projects/{project}/global/networks/{name}"
    return {"__id": ref, "selfLink": f"https://www.googleapis.com/compute/v1/{ref}"}


@resource("gcp:compute/subnetwork:Subnetwork")
def _subnetwork(args):
    i = args.inputs
    return {"__id": f"projects/{i.get('project')}/regions/{i.get('region')}/subnetworks/{i.get('name', args.name)}"}


@resource("gcp:compute/globalAddress:GlobalAddress")
def _global_address(args):
    i = args.inputs
    address = _ip(args.name) if i.get("addressType") == "INTERNAL" else f"34.120.{int(digest(args.name, length=2), 16) % 256}.10"
    return {"__id": f"projects/{i.get('project')}/global/addresses/{i.get('name', args.name)}", "address": address}


@resource("gcp:sql/databaseInstance:DatabaseInstance")
def _sql_instance(args):
    i = args.inputs
    return {
        "connectionName": f"{i.get('project')}:{i.get('region')}:{i.get('name', args.name)}",
        "privateIpAddress": _ip(args.name),
        "publicIpAddress": "",
        "selfLink": f"https://sqladmin.googleapis.com/sql/v1beta4/projects/{i.get('project')}/instances/{i.get('name')}",
    }


@resource("gcp:redis/instance:Instance")
def _redis(args):
    tls = args.inputs.get("transitEncryptionMode") == "SERVER_AUTHENTICATION"
    return {"host": _ip(args.name), "port": 6378 if tls else 6379, "authString": "fake-auth-" + digest(args.name, "auth", length=24)}


@resource("gcp:serviceaccount/account:Account")
def _service_account(args):
    i = args.inputs
    email = f"{i['accountId']}@{i.get('project', 'project')}.iam.gserviceaccount.com"
    return {"email": email, "name": f"projects/{i.get('project')}/serviceAccounts/{email}", "member": f"serviceAccount:{email}"}


@resource("gcp:storage/bucket:Bucket")
def _bucket(args):
    name = args.inputs.get("name", args.name)
    return {"__id": name, "url": f"gs://{name}", "selfLink": f"https://www.googleapis.com/storage/v1/b/{name}"}


@resource("gcp:secretmanager/secret:Secret")
def _secret(args):
    i = args.inputs
    return {"__id": f"projects/{i.get('project')}/secrets/{i['secretId']}", "name": f"projects/{PROJECT_NUMBER}/secrets/{i['secretId']}"}


@resource("gcp:secretmanager/secretVersion:SecretVersion")
def _secret_version(args):
    return {"version": "1", "name": f"{args.inputs.get('secret')}/versions/1"}


@resource("gcp:cloudrunv2/service:Service")
def _run_service(args):
    i = args.inputs
    name, region = i.get("name", args.name), i.get("location")
    deterministic = f"https://{name}-{PROJECT_NUMBER}.{region}.run.app"
    return {
        "__id": f"projects/{i.get('project')}/locations/{region}/services/{name}",
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
    return {"__id": f"projects/{i.get('project')}/global/{collection}/{i.get('name', args.name)}"}


@resource("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup")
def _neg(args):
    i = args.inputs
    return {"__id": f"projects/{i.get('project')}/regions/{i.get('region')}/networkEndpointGroups/{i.get('name', args.name)}"}
