"""S3-compatible object storage on every target (issue 21, item 6): a store the user brings
(``lago:storage``: MinIO, Cloudflare R2, Wasabi, a platform's) replaces the target's own, its keys
kept in the target's secret store; and on the local target a MinIO of its own, so local runs
what production runs. The variables are lago-api v1.51.0's (``config/storage.yml``,
``config/environments/production.rb``)."""

from __future__ import annotations

import pytest

from .helpers import named, refused
from .test_gcp_production import BASE as GCP

CONTAINER = "docker:index/container:Container"
R2 = {
    "endpoint": "https://0123456789abcdef.r2.cloudflarestorage.com/",
    "bucket": "lago-files",
    "region": "auto",
    "accessKeyId": {"secure": "v1:r2-key-id"},
    "secretAccessKey": {"secure": "v1:r2-secret"},
}
TARGETS = {
    "local": {"lago:target": "local"},
    "aws": {"lago:target": "aws", "aws:region": "eu-west-1"},
    "gcp": GCP,
}


def api_env(plan) -> dict:
    return plan.roles["api"]["env"]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_a_brought_store_replaces_the_targets_own_with_its_keys_as_secrets(plan_config, target):
    plan = plan_config({**TARGETS[target], "lago:storage": R2})
    for role, spec in plan.roles.items():
        if "DATABASE_URL" not in spec["env"]:
            continue
        env = spec["env"]
        # config/environments/production.rb picks :amazon_compatible_endpoint on LAGO_AWS_S3_ENDPOINT.
        assert (env["LAGO_USE_AWS_S3"], env["LAGO_USE_GCS"]) == ("true", "false"), role
        assert env["LAGO_AWS_S3_ENDPOINT"] == "https://0123456789abcdef.r2.cloudflarestorage.com", role
        assert (env["LAGO_AWS_S3_BUCKET"], env["LAGO_AWS_S3_REGION"], env["LAGO_AWS_S3_PATH_STYLE"]) == ("lago-files", "auto", "false"), (
            role
        )
        assert env["LAGO_AWS_S3_ACCESS_KEY_ID"] == env["LAGO_AWS_S3_SECRET_ACCESS_KEY"] == "[secret]", role
    types = {r.type for r in plan.resources}
    if target == "aws":
        # No bucket, and the keys in Secrets Manager like every other credential.
        assert not [r for r in plan.resources if r.type.startswith("aws:s3/") and "-files" in r.name]
        assert {"LAGO_AWS_S3_ACCESS_KEY_ID", "LAGO_AWS_S3_SECRET_ACCESS_KEY"} <= set(plan.outputs["secret_arns"])
        assert not [r for r in plan.resources if r.name.endswith("-backend-task-files")]
        assert "bucket" not in plan.outputs
    if target == "gcp":
        assert "gcp:storage/bucket:Bucket" not in types
        assert not [
            r for r in plan.resources if r.type in ("gcp:storage/bucketIAMMember:BucketIAMMember",) or r.name.endswith("-token-creator")
        ]
        assert {"LAGO_AWS_S3_ACCESS_KEY_ID", "LAGO_AWS_S3_SECRET_ACCESS_KEY"} <= set(plan.outputs["secret_ids"])
        assert "bucket" not in plan.outputs
    if target == "local":
        assert "docker:index/volume:Volume" in types
        assert not [r for r in plan.resources if r.name.endswith("-storage")]
        for c in plan.by_type(CONTAINER):
            assert not [v for v in c.inputs.get("volumes") or [] if v["containerPath"] == "/app/storage"], c.name


def test_path_style_and_the_region_lago_needs_for_minio(plan_config):
    store = {**R2, "endpoint": "https://minio.platform.example.com", "pathStyle": True}
    store.pop("region")
    env = api_env(plan_config({**TARGETS["gcp"], "lago:storage": store}))
    # The AWS SDK wants a region even where the store has none (Lago's configuration page).
    assert (env["LAGO_AWS_S3_PATH_STYLE"], env["LAGO_AWS_S3_REGION"]) == ("true", "us-east-1")


@pytest.mark.parametrize(
    "config, fragments",
    [
        ({"lago:target": "local", "lago:env": {"LAGO_AWS_S3_BUCKET": "x"}}, ("LAGO_AWS_S3_BUCKET", "lago:storage")),
        ({"lago:target": "local", "lago:secretEnv": {"LAGO_AWS_S3_SECRET_ACCESS_KEY": {"secure": "v1:k"}}}, ("lago:storage",)),
        ({"lago:target": "local", "lago:storage": {**R2, "bucket": "Lago_Files"}}, ("lago:storage.bucket", "lowercase")),
        ({"lago:target": "local", "lago:storage": {**R2, "endpoint": "r2.example.com"}}, ("lago:storage.endpoint", "https://")),
        (
            {"lago:target": "local", "lago:storage": {k: v for k, v in R2.items() if k != "secretAccessKey"}},
            ("lago:storage.secretAccessKey",),
        ),
        ({"lago:target": "local", "lago:local": {"storage": "minio"}, "lago:storage": R2}, ("lago:local.storage", "lago:storage")),
        (
            {**GCP, "lago:gcp": {"storage": {"existing": "platform-files"}}, "lago:storage": R2},
            ("lago:gcp.storage.existing", "lago:storage"),
        ),
    ],
)
def test_storage_settings_that_cannot_hold_are_refused_with_the_way_out(plan_config, config, fragments):
    refused(plan_config, config, *fragments)


# -- the local target's own MinIO ------------------------------------------------------------------


def containers(plan) -> dict:
    return {r.name: r for r in plan.by_type(CONTAINER)}


def test_local_minio_serves_lago_what_production_serves(plan_config):
    plan = plan_config({"lago:target": "local", "lago:local": {"storage": "minio", "minioPort": 9100}})
    c = containers(plan)
    minio, bucket = c["lago-minio"], c["lago-minio-bucket"]
    env = api_env(plan)
    endpoint = env["LAGO_AWS_S3_ENDPOINT"]
    # One name, one port, for the containers and the browser: file links redirect the browser to
    # URLs presigned for this endpoint. Inside the network the name is MinIO's alias; on the host
    # it is a *.localhost name (loopback, RFC 6761), published on loopback at the same port.
    assert endpoint == "http://minio.localhost:9100"
    assert "minio.localhost" in minio.inputs["networksAdvanced"][0]["aliases"]
    assert minio.inputs["ports"] == [{"internal": 9100, "external": 9100, "ip": "127.0.0.1"}]
    assert minio.inputs["command"][:2] == ["server", "/data"] and minio.inputs["command"][-1] == ":9100"
    assert (env["LAGO_USE_AWS_S3"], env["LAGO_AWS_S3_PATH_STYLE"], env["LAGO_AWS_S3_BUCKET"]) == ("true", "true", "lago-files")
    assert env["LAGO_AWS_S3_ACCESS_KEY_ID"] == env["LAGO_AWS_S3_SECRET_ACCESS_KEY"] == "[secret]"
    assert minio.inputs["healthcheck"]["tests"] == ["CMD", "mc", "ready", "local"] and minio.inputs["wait"] is True
    # The bucket, created once and again harmlessly: a one-shot container whose exit code gates Lago.
    assert bucket.inputs["entrypoints"] == ["mc"] and bucket.inputs["command"] == ["mb", "--ignore-existing", "lago/lago-files"]
    assert bucket.inputs["attach"] is True and bucket.inputs["mustRun"] is False and minio.urn in bucket.dependencies
    for name in ("lago-api", "lago-worker", "lago-clock"):
        assert bucket.urn in c[name].dependencies, name
        assert {"label": "lago.storage", "value": "ok"} in c[name].inputs["labels"], name
        assert not [v for v in c[name].inputs.get("volumes") or [] if v["containerPath"] == "/app/storage"], name
    # Its data and credentials are kept like the database's.
    data = named(plan, "lago-minio-data", "docker:index/volume:Volume")
    assert {"containerPath": "/data", "volumeName": data.inputs["name"]} in minio.inputs["volumes"]
    password = named(plan, "lago-minio-password", "random:index/randomPassword:RandomPassword")
    assert password.inputs["special"] is False  # it travels inside MC_HOST_<alias>'s URL


def test_local_minio_is_protected_in_prod_and_its_port_is_checked(plan_config):
    plan = plan_config(
        {
            "lago:target": "local",
            "lago:preset": "prod",
            "lago:local": {"storage": "minio"},
            "lago:features": {"signup": False},
            "lago:organization": {"name": "A", "email": "a@a.test", "password": {"secure": "v1:p"}},
        }
    )
    assert named(plan, "lago-minio-data", "docker:index/volume:Volume").protect
    assert named(plan, "lago-minio-password", "random:index/randomPassword:RandomPassword").protect
    refused(plan_config, {"lago:target": "local", "lago:local": {"storage": "minio", "minioPort": 3000}}, "lago:local.minioPort", "apiPort")
