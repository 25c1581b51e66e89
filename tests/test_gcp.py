"""The GCP target, asserted on the recorded plans of stacks/Pulumi.gcp-dev.yaml and gcp-prod.yaml."""

from __future__ import annotations

import json
import re

from .helpers import ancestors_and_deps, env_of, named

RUN_SERVICE = "gcp:cloudrunv2/service:Service"
WORKER_POOL = "gcp:cloudrunv2/workerPool:WorkerPool"
JOB = "gcp:cloudrunv2/job:Job"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"
REDIS = "gcp:redis/instance:Instance"
BUCKET = "gcp:storage/bucket:Bucket"
SECRET = "gcp:secretmanager/secret:Secret"


TARGET = "gcp"


def container(reg):
    template = reg.inputs["template"]
    template = template.get("template", template) if reg.type == JOB else template
    [c] = template["containers"]
    return c


def template_of(reg):
    return reg.inputs["template"].get("template", reg.inputs["template"]) if reg.type == JOB else reg.inputs["template"]


def run_resources(plan):
    return [r for r in plan.resources if r.type in (RUN_SERVICE, WORKER_POOL, JOB)]


def role_of(reg) -> str:
    return reg.inputs["labels"]["lago-role"]


def contains(args: list, command: list) -> bool:
    """``command`` runs inside ``args``: its words, in order, somewhere in them."""
    return any(args[i : i + len(command)] == command for i in range(len(args) - len(command) + 1))


def running(plan, role: str):
    """The Cloud Run resource whose container runs ``role``: its own, or another role's it shares
    (the clock inside the worker's, lago:gcp.run.clockInWorker)."""
    own = [r for r in run_resources(plan) if role_of(r) == role]
    command = plan.roles[role]["command"]
    return own or [r for r in run_resources(plan) if command and contains(container(r).get("args") or [], command)]


# -- network -------------------------------------------------------------------------------------


def test_network_has_egress_subnet_private_services_and_nat(plan):
    vpc = plan.one("gcp:compute/network:Network")
    assert vpc.inputs["autoCreateSubnetworks"] is False
    subnet = plan.one("gcp:compute/subnetwork:Subnetwork")
    assert subnet.inputs["privateIpGoogleAccess"] is True
    rng = plan.one("gcp:compute/globalAddress:GlobalAddress", "private-services")
    assert rng.inputs["purpose"] == "VPC_PEERING" and rng.inputs["addressType"] == "INTERNAL"
    conn = plan.one("gcp:servicenetworking/connection:Connection")
    assert conn.inputs["service"] == "servicenetworking.googleapis.com"
    assert conn.inputs["reservedPeeringRanges"] == [rng.inputs["name"]]
    # Destroy must not fail while Cloud SQL / Memorystore still hold the peering.
    assert conn.inputs["deletionPolicy"] == "ABANDON"
    for reg in (vpc, subnet, rng, conn):
        assert reg.retain_on_delete, reg.name
    if plan.stack == "gcp-prod":
        assert plan.one("gcp:compute/routerNat:RouterNat").inputs["sourceSubnetworkIpRangesToNat"] == "ALL_SUBNETWORKS_ALL_IP_RANGES"
        assert not plan.by_type("gcp:dns/managedZone:ManagedZone")
    else:
        # No NAT on dev (lago:gcp.network.nat): a private run.app zone keeps calls to the pdf service in the VPC.
        assert not plan.by_type("gcp:compute/routerNat:RouterNat") and not plan.by_type("gcp:compute/router:Router")
        zone = plan.one("gcp:dns/managedZone:ManagedZone")
        assert zone.inputs["visibility"] == "private" and zone.inputs["dnsName"] == "run.app."
        [bound] = zone.inputs["privateVisibilityConfig"]["networks"]
        assert (
            bound["networkUrl"].endswith(f"/networks/{vpc.inputs['name']}")
            and vpc.urn in zone.property_dependencies["privateVisibilityConfig"]
        )
        hosts = plan.one("gcp:dns/recordSet:RecordSet")
        assert (hosts.inputs["name"], hosts.inputs["type"]) == ("*.run.app.", "A")
        assert hosts.inputs["rrdatas"] == ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"]
    for kind in (SQL, REDIS):
        for reg in plan.by_type(kind):
            assert conn.urn in reg.dependencies, reg.name


def test_existing_network_is_used_as_is(plan_config):
    subnet = "projects/p/regions/europe-west1/subnetworks/run"
    p = plan_config(
        {
            "gcp:project": "shared-vpc-1",
            "gcp:region": "europe-west1",
            "lago:target": "gcp",
            "lago:gcp": {"network": {"existing": {"network": "projects/p/global/networks/shared", "subnetwork": subnet}}},
        }
    )
    assert not [r for r in p.resources if r.type.startswith(("gcp:compute/network", "gcp:compute/subnetwork", "gcp:servicenetworking/"))]
    sql = p.one(SQL)
    assert sql.inputs["settings"]["ipConfiguration"]["privateNetwork"] == "projects/p/global/networks/shared"
    for reg in run_resources(p):
        template = reg.inputs["template"].get("template", reg.inputs["template"]) if reg.type == JOB else reg.inputs["template"]
        assert template["vpcAccess"]["networkInterfaces"] == [{"network": "projects/p/global/networks/shared", "subnetwork": subnet}]


def test_project_and_region_come_from_the_provider_config(plan_config):
    p = plan_config({"gcp:project": "proj-x1", "gcp:region": "us-central1", "lago:target": "gcp", "lago:gcp": {"project": "proj-y1"}})
    assert {r.inputs.get("project") for r in p.resources if r.type == SQL} == {"proj-y1"}
    assert p.one(SQL).inputs["region"] == "us-central1"


# -- database ------------------------------------------------------------------------------------


def test_cloud_sql_is_private_tls_only_with_pitr(plan):
    sql = plan.one(SQL)
    assert int(sql.inputs["databaseVersion"].removeprefix("POSTGRES_")) >= 15
    ip = sql.inputs["settings"]["ipConfiguration"]
    assert ip["ipv4Enabled"] is False and ip["privateNetwork"]
    assert ip["sslMode"] == "ENCRYPTED_ONLY"
    backup = sql.inputs["settings"]["backupConfiguration"]
    assert backup["enabled"] is True and backup["pointInTimeRecoveryEnabled"] is True
    assert plan.one("gcp:sql/database:Database").inputs["name"] == "lago"
    user = plan.one("gcp:sql/user:User")
    assert user.inputs["name"] == "lago" and user.inputs["password"] == "[secret]"
    assert "DB_PASSWORD" in plan.outputs["secret_ids"]
    assert "sslmode=require" not in json.dumps(plan.roles)  # inside DATABASE_URL, a secret
    assert env_of(plan, "api")["DATABASE_URL"] == "[secret]"


def test_prod_database_is_regional_protected_and_kept(prod):
    sql = prod.one(SQL)
    s = sql.inputs["settings"]
    assert s["availabilityType"] == "REGIONAL"
    assert sql.inputs["deletionProtection"] is True and s["deletionProtectionEnabled"] is True
    assert sql.protect
    assert s["backupConfiguration"]["backupRetentionSettings"]["retainedBackups"] >= 7
    assert s["finalBackupConfig"]["enabled"] is True


def test_dev_database_is_zonal_and_unprotected(dev):
    sql = dev.one(SQL)
    assert sql.inputs["settings"]["availabilityType"] == "ZONAL"
    assert sql.inputs["deletionProtection"] is False and not sql.protect


# -- redis ---------------------------------------------------------------------------------------


def test_queue_redis_has_auth_tls_and_noeviction(plan):
    queue = plan.one(REDIS, "redis-instance")
    assert queue.inputs["redisVersion"].startswith("REDIS_7")
    assert queue.inputs["authEnabled"] is True
    # Dev's queue is ActionCable's too (lago:gcp.redis.sharedCable): AUTH on the private network, no TLS.
    shared = plan.stack == "gcp-dev"
    assert queue.inputs["transitEncryptionMode"] == ("DISABLED" if shared else "SERVER_AUTHENTICATION")
    assert queue.inputs["labels"]["lago-redis"] == ("queue-cable" if shared else "queue")
    assert queue.inputs["redisConfigs"]["maxmemory-policy"] == "noeviction"
    api = env_of(plan, "api")
    assert api["REDIS_URL"] == api["REDIS_PASSWORD"] == "[secret]"


def test_prod_redis_is_ha_with_a_separate_lru_cache(prod):
    queue, cache = prod.one(REDIS, "redis-instance"), prod.one(REDIS, "cache-instance")
    assert queue.inputs["tier"] == cache.inputs["tier"] == "STANDARD_HA"
    assert cache.inputs["redisConfigs"]["maxmemory-policy"] == "allkeys-lru"
    assert env_of(prod, "worker")["LAGO_REDIS_CACHE_URL"] == "[secret]"
    assert prod.outputs["redis_cache_host"] and prod.outputs["redis_host"] != prod.outputs["redis_cache_host"]


def test_dev_redis_is_basic_without_cache(dev):
    assert sorted(r.name.rsplit("-", 2)[-2] for r in dev.by_type(REDIS)) == ["redis"]
    assert {r.inputs["tier"] for r in dev.by_type(REDIS)} == {"BASIC"}
    assert env_of(dev, "api")["LAGO_REDIS_CACHE_URL"] == "[secret]"  # the queue Redis, its own database


# -- storage -------------------------------------------------------------------------------------


def test_bucket_is_private_and_lago_uses_it_without_a_key(plan):
    bucket = plan.one(BUCKET)
    assert bucket.inputs["uniformBucketLevelAccess"] is True
    assert bucket.inputs["publicAccessPrevention"] == "enforced"
    account = plan.one("gcp:serviceaccount/account:Account", "-files-runtime")
    email = f"{account.inputs['accountId']}@{account.inputs['project']}.iam.gserviceaccount.com"
    for role in ("api", "worker", "clock", "migrate"):
        env = env_of(plan, role)
        assert env["LAGO_USE_GCS"] == "true" and env["LAGO_USE_AWS_S3"] == "false"
        assert env["LAGO_GCS_BUCKET"] == bucket.inputs["name"] == plan.outputs["bucket"]
        assert env["LAGO_GCS_PROJECT"] == account.inputs["project"]
        assert env["LAGO_GCS_IAM"] == "true"
        assert env["LAGO_GCS_GSA_EMAIL"] == email
    grants = plan.by_type("gcp:storage/bucketIAMMember:BucketIAMMember")
    assert [(g.inputs["bucket"], g.inputs["role"], g.inputs["member"]) for g in grants] == [
        (bucket.inputs["name"], "roles/storage.objectAdmin", f"serviceAccount:{email}")
    ]
    assert not plan.by_type("gcp:projects/iAMMember:IAMMember"), "no project-wide grants"
    creator = plan.one("gcp:serviceaccount/iAMMember:IAMMember")
    assert creator.inputs["role"] == "roles/iam.serviceAccountTokenCreator"
    assert creator.inputs["serviceAccountId"].endswith(email) and creator.inputs["member"] == f"serviceAccount:{email}"
    for reg in run_resources(plan):
        if plan.roles[role_of(reg)]["image"].startswith("getlago/api"):
            assert template_of(reg)["serviceAccount"] == email, reg.name
        else:
            assert template_of(reg)["serviceAccount"] != email, reg.name


def test_prod_bucket_versions_with_a_lifecycle(prod, dev):
    bucket = prod.one(BUCKET)
    assert bucket.inputs["versioning"]["enabled"] is True
    [rule] = bucket.inputs["lifecycleRules"]
    assert rule["action"]["type"] == "Delete" and rule["condition"]["withState"] == "ARCHIVED"
    assert rule["condition"]["daysSinceNoncurrentTime"] > 0
    assert bucket.protect and bucket.inputs["forceDestroy"] is False
    assert dev.one(BUCKET).inputs["versioning"]["enabled"] is False


# -- secrets -------------------------------------------------------------------------------------


def test_every_secret_reaches_cloud_run_by_reference_only(plan):
    secrets = {r.inputs["secretId"]: r for r in plan.by_type(SECRET)}
    project = plan.by_type(SECRET)[0].inputs["project"]
    assert set(plan.outputs["secret_ids"].values()) == {f"projects/{project}/secrets/{s}" for s in secrets}
    versions = plan.by_type("gcp:secretmanager/secretVersion:SecretVersion")
    assert len(versions) == len(secrets) and all(v.inputs["secretData"] == "[secret]" for v in versions)
    seen = set()
    for reg in run_resources(plan):
        role = role_of(reg)
        expected = {k for k, v in env_of(plan, role).items() if v == "[secret]"}
        envs = {e["name"]: e for e in container(reg).get("envs", [])}
        for name in expected:
            assert "value" not in envs[name], f"{role}: {name} as a plain value"
            ref = envs[name]["valueSource"]["secretKeyRef"]
            assert plan.outputs["secret_ids"][name].endswith(f"/secrets/{ref['secret']}") and ref["version"] == "1"
            seen.add(name)
        assert not [e for e in envs.values() if e.get("value") == "[secret]"]
        # Files (the database's CA bundle) are secrets mounted as volumes, at a pinned version.
        template = reg.inputs["template"].get("template", reg.inputs["template"]) if reg.type == JOB else reg.inputs["template"]
        for volume in template.get("volumes", []):
            name = next(k for k, v in plan.outputs["secret_ids"].items() if v.endswith(f"/secrets/{volume['secret']['secret']}"))
            assert all(item["version"] == "1" for item in volume["secret"]["items"])
            seen.add(name)
    assert seen == set(plan.outputs["secret_ids"]) - {"DB_PASSWORD"}


def test_runtime_account_reads_exactly_the_secrets(plan):
    members = plan.by_type("gcp:secretmanager/secretIamMember:SecretIamMember")
    assert {m.inputs["role"] for m in members} == {"roles/secretmanager.secretAccessor"}
    assert {m.inputs["member"] for m in members} == {f"serviceAccount:{plan.outputs['service_account']}"}
    assert sorted(m.inputs["secretId"].rsplit("/", 1)[-1] for m in members) == sorted(
        v.rsplit("/", 1)[-1] for v in plan.outputs["secret_ids"].values()
    )


def test_no_secret_in_plain_text(plan):
    text = json.dumps(plan.to_json())
    assert not re.search(r"(postgres(ql)?|rediss?)://[^\"\s]*:[^\"\s]*@", text)
    assert not re.search(r"-----BEGIN [A-Z ]*PRIVATE KEY", text)
    assert "LS0tLS1CRUdJTi" not in text and "fake-auth-" not in text


# -- services ------------------------------------------------------------------------------------


def test_roles_run_on_cloud_run_with_direct_vpc_egress(plan):
    by_role = {role: running(plan, role) for role in plan.roles}
    assert all(len(found) == 1 for found in by_role.values()), by_role
    by_role = {role: found[0] for role, found in by_role.items()}
    assert by_role["migrate"].type == JOB
    assert {k for k, r in by_role.items() if r.type == RUN_SERVICE} == {"api", "front", "pdf"}
    assert {k for k, r in by_role.items() if r.type == WORKER_POOL} == set(plan.roles) - {"api", "front", "pdf", "migrate"}
    subnet = plan.one("gcp:compute/subnetwork:Subnetwork")
    # Dev has no Cloud NAT (lago:gcp.network.nat): only private ranges go through the VPC.
    egress = "ALL_TRAFFIC" if plan.stack == "gcp-prod" else "PRIVATE_RANGES_ONLY"
    for role, reg in by_role.items():
        c = container(reg)
        # Lago's image, from Docker Hub or through the prod preset's remote repository of it.
        assert c["image"] == plan.roles[role]["image"] or c["image"].endswith("-dockerhub/" + plan.roles[role]["image"])
        assert "commands" not in c, "the image's entrypoint stays"
        command = plan.roles[role]["command"]
        if command:
            assert contains(c["args"], command)
        template = reg.inputs["template"].get("template", reg.inputs["template"]) if reg.type == JOB else reg.inputs["template"]
        vpc = template["vpcAccess"]
        assert vpc["egress"] == egress and vpc["networkInterfaces"][0]["subnetwork"].endswith(subnet.inputs["name"])
        assert reg.inputs["deletionProtection"] is False


def test_ingress_public_and_internal(dev, prod):
    assert named(dev, "-api", RUN_SERVICE).inputs["ingress"] == "INGRESS_TRAFFIC_ALL"
    assert named(dev, "-front", RUN_SERVICE).inputs["ingress"] == "INGRESS_TRAFFIC_ALL"
    for p in (dev, prod):
        pdf = named(p, "-pdf", RUN_SERVICE)
        assert pdf.inputs["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
        assert env_of(p, "api")["LAGO_PDF_URL"] == f"https://{pdf.inputs['name']}-123456789012.europe-west1.run.app"
    for role in ("-api", "-front"):
        assert named(prod, role, RUN_SERVICE).inputs["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"


def test_workers_and_single_clock_are_always_on_worker_pools(plan):
    for reg in plan.by_type(WORKER_POOL):
        scaling, replicas = reg.inputs["scaling"], plan.roles[role_of(reg)]["replicas"]
        assert scaling == {"manualInstanceCount": replicas["min"]}
        assert replicas["min"] >= 1
    [clock] = running(plan, "clock")
    assert clock.inputs["scaling"]["manualInstanceCount"] == 1


def test_dev_http_services_scale_to_zero_prod_keep_instances(dev, prod):
    for role in ("-api", "-front", "-pdf"):
        assert named(dev, role, RUN_SERVICE).inputs["template"]["scaling"]["minInstanceCount"] == 0
        assert named(prod, role, RUN_SERVICE).inputs["template"]["scaling"]["minInstanceCount"] >= 2


def test_cloud_run_never_gets_a_reserved_variable(plan):
    for reg in run_resources(plan):
        assert "PORT" not in {e["name"] for e in container(reg).get("envs", [])}
    api = named(plan, "-api", RUN_SERVICE)
    assert container(api)["ports"]["containerPort"] == int(env_of(plan, "api")["PORT"])


def test_settings_that_drift_are_pinned(plan):
    for reg in run_resources(plan):
        assert {"client", "clientVersion", "launchStage"} <= set(reg.ignore_changes), reg.name
        assert reg.inputs["launchStage"] in ("GA", "BETA")
        assert {"app", "lago-stack", "lago-role"} <= set(reg.inputs["labels"])


# -- migrations ----------------------------------------------------------------------------------


def test_migrations_finish_before_anything_serves(plan):
    job = plan.one(JOB)
    assert job.inputs["template"]["taskCount"] == 1 and job.inputs["template"]["parallelism"] == 1
    assert job.inputs["template"]["template"]["maxRetries"] <= 1
    assert re.fullmatch(r"[0-9a-f]{8}", job.inputs["runExecutionToken"])
    assert plan.one("random:index/randomId:RandomId", "migrate-token").inputs["keepers"]["image"] == plan.roles["migrate"]["image"]
    for reg in [*plan.by_type(WORKER_POOL), named(plan, "-api", RUN_SERVICE), named(plan, "-front", RUN_SERVICE)]:
        assert job.urn in ancestors_and_deps(plan, reg.urn), reg.name
    waits = ancestors_and_deps(plan, job.urn)
    assert plan.one("gcp:sql/user:User").urn in waits and plan.one("gcp:sql/database:Database").urn in waits
    assert all(m.urn in waits for m in plan.by_type("gcp:secretmanager/secretIamMember:SecretIamMember"))
    assert plan.one("pulumi-python:dynamic:Resource", "iam-propagation").urn in waits


# -- edge and URLs -------------------------------------------------------------------------------


def test_dev_uses_cloud_run_urls(dev):
    assert not dev.by_type("gcp:compute/uRLMap:URLMap")
    api, front = named(dev, "-api", RUN_SERVICE), named(dev, "-front", RUN_SERVICE)
    api_url = f"https://{api.inputs['name']}-123456789012.europe-west1.run.app"
    front_url = f"https://{front.inputs['name']}-123456789012.europe-west1.run.app"
    assert dev.outputs["api_url"] == api_url and dev.outputs["front_url"] == front_url
    assert env_of(dev, "api")["LAGO_API_URL"] == api_url and env_of(dev, "api")["LAGO_FRONT_URL"] == front_url
    assert env_of(dev, "front")["API_URL"] == api_url


def test_prod_load_balancer_routes_hosts_with_managed_certificate(prod):
    domain = prod.settings.domain
    url_map = prod.one("gcp:compute/uRLMap:URLMap", "-urls")
    matchers = {m["name"]: m["defaultService"] for m in url_map.inputs["pathMatchers"]}
    routes = {tuple(h["hosts"]): matchers[h["pathMatcher"]] for h in url_map.inputs["hostRules"]}
    backends = {b.name: b for b in prod.by_type("gcp:compute/backendService:BackendService")}
    negs = {n.name: n for n in prod.by_type("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup")}

    def service_behind(backend_id: str) -> str:
        backend = next(b for b in backends.values() if backend_id.endswith("/" + b.inputs["name"]))
        neg = next(n for n in negs.values() if backend.inputs["backends"][0]["group"].endswith("/" + n.inputs["name"]))
        return neg.inputs["cloudRun"]["service"]

    assert service_behind(routes[(domain.app,)]) == named(prod, "-front", RUN_SERVICE).inputs["name"]
    assert service_behind(routes[(domain.api,)]) == named(prod, "-api", RUN_SERVICE).inputs["name"]
    cert = prod.one("gcp:compute/managedSslCertificate:ManagedSslCertificate")
    assert sorted(cert.inputs["managed"]["domains"]) == sorted([domain.app, domain.api])
    rules = {r.inputs["portRange"]: r for r in prod.by_type("gcp:compute/globalForwardingRule:GlobalForwardingRule")}
    assert set(rules) == {"443", "80"}
    assert prod.one("gcp:compute/uRLMap:URLMap", "-redirect").inputs["defaultUrlRedirect"]["httpsRedirect"] is True
    assert prod.outputs["front_url"] == f"https://{domain.app}" == env_of(prod, "api")["LAGO_FRONT_URL"]
    assert prod.outputs["api_url"] == f"https://{domain.api}" == env_of(prod, "front")["API_URL"]
    assert prod.outputs["load_balancer_ip"]


def test_outputs(plan):
    for key in ("front_url", "api_url", "database_connection_name", "redis_host", "bucket", "secret_ids"):
        assert plan.outputs[key], key
    assert plan.outputs["database_connection_name"].count(":") == 2
