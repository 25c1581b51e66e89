"""Which input changes make the provider replace a resource instead of updating it in place.

The one table of it, per resource type. Pulumi's bridged providers replace a resource when an
input marked ForceNew in the upstream Terraform provider's schema changes; each entry cites the
provider documentation that says so ("Forces new resource" / "changing this forces a new
resource"). A type not listed here is assumed to update in place: the real ``pulumi preview``
(which the pull-request workflow runs where credentials exist) is the authority, this table is
what a reviewer sees offline.

``ALL`` marks types every input of which forces a replacement (immutable things: a task
definition revision, a generated password, a Docker container).
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = "*"

_AWS = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/"
_GOOGLE = "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/"
_RANDOM = "https://registry.terraform.io/providers/hashicorp/random/latest/docs/resources/"
_TLS = "https://registry.terraform.io/providers/hashicorp/tls/latest/docs/resources/"
_DOCKER = "https://registry.terraform.io/providers/kreuzwerker/docker/latest/docs/resources/"


@dataclass(frozen=True)
class Replaces:
    #: Top-level input names (camelCase, as in the plan) whose change forces a replacement.
    inputs: frozenset[str]
    source: str

    def forced_by(self, path: str) -> bool:
        top = path.split(".", 1)[0].split("[", 1)[0]
        return ALL in self.inputs or top in self.inputs


def _r(source: str, *inputs: str) -> Replaces:
    return Replaces(frozenset(inputs), source)


TABLE: dict[str, Replaces] = {
    # --- AWS -----------------------------------------------------------------------------------
    # RDS: identifier, engine, dbName, username, storage encryption and its key, the zone and the
    # character set are fixed at creation. engineVersion is NOT here: a major upgrade happens in
    # place (allowMajorVersionUpgrade) and danger.py flags it as irreversible instead.
    "aws:rds/instance:Instance": _r(
        _AWS + "db_instance",
        "identifier", "identifierPrefix", "engine", "dbName", "username", "storageEncrypted",
        "kmsKeyId", "availabilityZone", "characterSetName", "timezone", "snapshotIdentifier",
        "restoreToPointInTime", "s3Import",
    ),
    "aws:rds/parameterGroup:ParameterGroup": _r(_AWS + "db_parameter_group", "name", "namePrefix", "family", "description"),
    "aws:rds/subnetGroup:SubnetGroup": _r(_AWS + "db_subnet_group", "name", "namePrefix"),
    # ElastiCache: the group id, port, subnet group, at-rest encryption and its key are fixed.
    # transitEncryptionEnabled replaces only below engine 7.0.5 (pulumi-aws docstring of
    # transit_encryption_enabled); the project runs Valkey 8, where it updates in place.
    "aws:elasticache/replicationGroup:ReplicationGroup": _r(
        _AWS + "elasticache_replication_group",
        "replicationGroupId", "port", "subnetGroupName", "atRestEncryptionEnabled", "kmsKeyId",
        "snapshotName", "snapshotArns",
    ),
    "aws:elasticache/parameterGroup:ParameterGroup": _r(_AWS + "elasticache_parameter_group", "name", "family", "description"),
    "aws:elasticache/subnetGroup:SubnetGroup": _r(_AWS + "elasticache_subnet_group", "name"),
    "aws:s3/bucket:Bucket": _r(_AWS + "s3_bucket", "bucket", "bucketPrefix", "objectLockEnabled"),
    "aws:secretsmanager/secret:Secret": _r(_AWS + "secretsmanager_secret", "name", "namePrefix"),
    "aws:secretsmanager/secretVersion:SecretVersion": _r(_AWS + "secretsmanager_secret_version", "secretId", "secretString", "secretBinary"),
    "aws:ec2/vpc:Vpc": _r(_AWS + "vpc", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"),
    "aws:ec2/subnet:Subnet": _r(_AWS + "subnet", "vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"),
    "aws:ec2/securityGroup:SecurityGroup": _r(_AWS + "security_group", "name", "namePrefix", "description", "vpcId"),
    "aws:ec2/natGateway:NatGateway": _r(_AWS + "nat_gateway", "subnetId", "allocationId", "connectivityType"),
    "aws:ec2/routeTable:RouteTable": _r(_AWS + "route_table", "vpcId"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _r(_AWS + "vpc_endpoint", "vpcId", "serviceName", "vpcEndpointType"),
    # A task definition is an immutable revision: any change registers a new one.
    "aws:ecs/taskDefinition:TaskDefinition": _r(_AWS + "ecs_task_definition", ALL),
    "aws:ecs/service:Service": _r(_AWS + "ecs_service", "name", "cluster", "schedulingStrategy"),
    "aws:ecs/cluster:Cluster": _r(_AWS + "ecs_cluster", "name"),
    "aws:lb/loadBalancer:LoadBalancer": _r(_AWS + "lb", "name", "namePrefix", "internal", "loadBalancerType"),
    "aws:lb/targetGroup:TargetGroup": _r(_AWS + "lb_target_group", "name", "namePrefix", "port", "protocol", "vpcId", "targetType"),
    "aws:iam/role:Role": _r(_AWS + "iam_role", "name", "namePrefix", "path"),
    "aws:iam/rolePolicy:RolePolicy": _r(_AWS + "iam_role_policy", "name", "namePrefix", "role"),
    "aws:cloudwatch/logGroup:LogGroup": _r(_AWS + "cloudwatch_log_group", "name", "namePrefix"),
    "aws:acm/certificate:Certificate": _r(_AWS + "acm_certificate", "domainName", "subjectAlternativeNames", "keyAlgorithm"),
    # --- Google Cloud --------------------------------------------------------------------------
    # Cloud SQL: databaseVersion is NOT here: the provider upgrades the major version in place
    # (Cloud SQL's in-place major version upgrade); danger.py flags it as irreversible.
    "gcp:sql/databaseInstance:DatabaseInstance": _r(_GOOGLE + "sql_database_instance", "name", "region", "project", "masterInstanceName", "encryptionKeyName"),
    "gcp:sql/database:Database": _r(_GOOGLE + "sql_database", "name", "instance", "project"),
    "gcp:sql/user:User": _r(_GOOGLE + "sql_user", "name", "instance", "host", "project"),
    "gcp:redis/instance:Instance": _r(
        _GOOGLE + "redis_instance",
        "name", "region", "project", "tier", "locationId", "alternativeLocationId", "authorizedNetwork",
        "connectMode", "reservedIpRange", "transitEncryptionMode", "customerManagedKey",
    ),
    "gcp:storage/bucket:Bucket": _r(_GOOGLE + "storage_bucket", "name", "location", "project"),
    "gcp:secretmanager/secret:Secret": _r(_GOOGLE + "secret_manager_secret", "secretId", "project", "replication"),
    "gcp:secretmanager/secretVersion:SecretVersion": _r(_GOOGLE + "secret_manager_secret_version", "secret", "secretData"),
    "gcp:compute/network:Network": _r(_GOOGLE + "compute_network", "name", "project", "autoCreateSubnetworks"),
    "gcp:compute/subnetwork:Subnetwork": _r(_GOOGLE + "compute_subnetwork", "name", "network", "region", "project"),
    "gcp:compute/globalAddress:GlobalAddress": _r(_GOOGLE + "compute_global_address", "name", "address", "addressType", "purpose", "prefixLength", "network", "project"),
    "gcp:servicenetworking/connection:Connection": _r(_GOOGLE + "service_networking_connection", "network", "service"),
    "gcp:cloudrunv2/service:Service": _r(_GOOGLE + "cloud_run_v2_service", "name", "location", "project"),
    "gcp:cloudrunv2/job:Job": _r(_GOOGLE + "cloud_run_v2_job", "name", "location", "project"),
    "gcp:cloudrunv2/workerPool:WorkerPool": _r(_GOOGLE + "cloud_run_v2_worker_pool", "name", "location", "project"),
    "gcp:serviceaccount/account:Account": _r(_GOOGLE + "service_account", "accountId", "project"),
    # --- Generated secrets and keys: every argument forces a new value ------------------------
    "random:index/randomPassword:RandomPassword": _r(_RANDOM + "password", ALL),
    "random:index/randomString:RandomString": _r(_RANDOM + "string", ALL),
    "random:index/randomId:RandomId": _r(_RANDOM + "id", ALL),
    "tls:index/privateKey:PrivateKey": _r(_TLS + "private_key", ALL),
    # --- Docker --------------------------------------------------------------------------------
    # Nearly every container argument forces a new container (a few limits update in place):
    # the pessimistic reading, which is also what recreating a container costs.
    "docker:index/container:Container": _r(_DOCKER + "container", ALL),
    "docker:index/volume:Volume": _r(_DOCKER + "volume", "name", "driver", "driverOpts", "labels"),
    "docker:index/network:Network": _r(_DOCKER + "network", "name", "driver", "internal", "ipamConfigs", "options", "labels"),
    "docker:index/remoteImage:RemoteImage": _r(_DOCKER + "remote_image", "name", "pullTriggers", "platform"),
}


def replacing_paths(type_: str, paths: list[str]) -> list[str]:
    """The changed input paths of a resource of ``type_`` that force its replacement."""
    rule = TABLE.get(type_)
    return [p for p in paths if rule is not None and rule.forced_by(p)]
