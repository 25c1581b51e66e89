"""Which input changes make the provider replace a resource, which it updates in place, and
which this table does not know.

Pulumi's bridged providers replace a resource when an input marked ``ForceNew`` in the upstream
Terraform provider's schema changes (or a ``RequiresReplace`` plan modifier, or a
``CustomizeDiff`` that calls ``ForceNew``), and update it in place otherwise. Each rule below was
read from that schema, and names the file it was read from. A rule lists both sides: the inputs
that replace and the inputs that update in place. A changed input on neither list, or of a type
with no rule, is **unknown**: the diff says so instead of guessing, and the real ``pulumi
preview`` (which the pull-request workflow runs where it is configured) is the authority.

Read from: hashicorp/terraform-provider-aws (the versions of each file stored with this
project's sources index; pulumi-aws 7.x bridges its 6.x line), hashicorp/terraform-provider-google
at v7.45 (pulumi-gcp 10.x), hashicorp/terraform-provider-random, hashicorp/terraform-provider-tls
and kreuzwerker/terraform-provider-docker at their newest tags. Input names are the plan's
(Pulumi's camelCase of the Terraform names). After a provider upgrade, re-read the schemas.

Paths are dotted (``settings.collation``); ``*`` in a path matches one segment, such as the
container name the flattened plan puts in ``template.containers.api.dependsOn``. The longest
matching path decides; ``ALL`` in ``replaces`` covers every input the ``updates`` list leaves out.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

ALL = "*"

REPLACE = "replace"
UPDATE = "update"
UNKNOWN = "unknown"

_AWS = "hashicorp/terraform-provider-aws internal/service/"
_GOOGLE = "hashicorp/terraform-provider-google google/services/"
_RANDOM = "hashicorp/terraform-provider-random internal/provider/"
_TLS = "hashicorp/terraform-provider-tls internal/provider/"
_DOCKER = "kreuzwerker/terraform-provider-docker internal/provider/"


@dataclass(frozen=True)
class Condition:
    """An input whose change replaces the resource only for some values (a ``CustomizeDiff``)."""

    path: str
    #: (old, new, head inputs) -> True when the change forces a replacement.
    replaces: Callable[[Any, Any, dict[str, Any]], bool]
    why: str


@dataclass(frozen=True)
class Rule:
    #: The upstream schema the rule was read from (repository and path).
    source: str
    #: Input paths whose change forces a replacement; ``ALL``: every input ``updates`` leaves out.
    replaces: frozenset[str]
    #: Input paths that change in place.
    updates: frozenset[str]
    conditions: tuple[Condition, ...] = field(default=())

    def decide(self, path: str, old: Any = None, new: Any = None, inputs: Optional[dict[str, Any]] = None) -> str:
        """``replace``, ``update`` or ``unknown`` for a change of ``path`` from ``old`` to ``new``."""
        for c in self.conditions:
            if _matches(c.path, path) is not None:
                return REPLACE if c.replaces(old, new, inputs or {}) else UPDATE
        best: tuple[int, str] = (-1, UNKNOWN)
        for verdict, paths in ((UPDATE, self.updates), (REPLACE, self.replaces)):
            for p in paths:
                depth = _matches(p, path)
                if depth is not None and depth >= best[0]:
                    best = (depth, verdict)
        if best[0] < 0 and ALL in self.replaces:
            return REPLACE
        return best[1]


def _segments(path: str) -> list[str]:
    return [re.sub(r"\[\d+\]", "", s) for s in path.split(".")]


def _matches(rule_path: str, path: str) -> Optional[int]:
    """How many segments of ``rule_path`` match the start of ``path`` (None: no match)."""
    if rule_path == ALL:
        return None
    rule, actual = _segments(rule_path), _segments(path)
    if len(rule) > len(actual):
        return None
    for r, a in zip(rule, actual[: len(rule)]):
        if r != "*" and r != a:
            return None
    return len(rule)


def _rule(source: str, replaces: str, updates: str = "", conditions: tuple[Condition, ...] = ()) -> Rule:
    return Rule(source, frozenset(replaces.split()), frozenset(updates.split()), conditions)


def _version_tuple(value: Any) -> Optional[tuple[int, ...]]:
    numbers = re.findall(r"\d+", str(value)) if value is not None else []
    return tuple(int(n) for n in numbers) if numbers else None


def _downgrade(old: Any, new: Any, _inputs: dict[str, Any]) -> bool:
    a, b = _version_tuple(old), _version_tuple(new)
    return a is not None and b is not None and b < a


def _cidr_shrinks(old: Any, new: Any, _inputs: dict[str, Any]) -> bool:
    try:
        before, after = ipaddress.ip_network(str(old), strict=False), ipaddress.ip_network(str(new), strict=False)
    except ValueError:
        return True
    return not (before.version == after.version and before.subnet_of(after))  # type: ignore[arg-type]


TAGS = "tags tagsAll"

TABLE: dict[str, Rule] = {
    # --- AWS -----------------------------------------------------------------------------------
    "aws:rds/instance:Instance": _rule(
        _AWS + "rds/instance.go",
        "availabilityZone characterSetName customIamInstanceProfile dbName engine identifier identifierPrefix "
        "kmsKeyId ncharCharacterSetName restoreToPointInTime s3Import snapshotIdentifier storageEncrypted timezone username",
        "allocatedStorage allowMajorVersionUpgrade applyImmediately autoMinorVersionUpgrade backupRetentionPeriod backupWindow "
        "caCertIdentifier copyTagsToSnapshot dbSubnetGroupName deleteAutomatedBackups deletionProtection "
        "enabledCloudwatchLogsExports engineVersion finalSnapshotIdentifier iamDatabaseAuthenticationEnabled instanceClass "
        "iops maintenanceWindow maxAllocatedStorage monitoringInterval monitoringRoleArn multiAz networkType optionGroupName "
        "parameterGroupName password performanceInsightsEnabled performanceInsightsKmsKeyId performanceInsightsRetentionPeriod "
        "port publiclyAccessible skipFinalSnapshot storageType vpcSecurityGroupIds " + TAGS,
    ),
    "aws:rds/parameterGroup:ParameterGroup": _rule(
        _AWS + "rds/parameter_group.go", "description family name namePrefix", "parameters skipDestroy " + TAGS
    ),
    # A task definition revision is immutable: every argument but its tags forces a new revision.
    "aws:ecs/taskDefinition:TaskDefinition": _rule(_AWS + "ecs/task_definition.go", ALL, "skipDestroy " + TAGS),
    # capacityProviderStrategies is left out: the resource's CustomizeDiff decides it.
    "aws:ecs/service:Service": _rule(
        _AWS + "ecs/service.go",
        "cluster deploymentController iamRole launchType name schedulingStrategy",
        "alarms deploymentCircuitBreaker deploymentMaximumPercent deploymentMinimumHealthyPercent desiredCount "
        "enableEcsManagedTags enableExecuteCommand forceNewDeployment healthCheckGracePeriodSeconds loadBalancers "
        "networkConfiguration orderedPlacementStrategies placementConstraints platformVersion propagateTags "
        "serviceConnectConfiguration serviceRegistries taskDefinition triggers waitForSteadyState " + TAGS,
    ),
    # The migrations runner: its input carries the migrate task's revision.
    "aws:lambda/invocation:Invocation": _rule(
        _AWS + "lambda/invocation.go",
        "functionName qualifier triggers",
        "lifecycleScope terraformKey tenantId",
        (
            Condition(
                "input",
                lambda _old, _new, inputs: inputs.get("lifecycleScope", "CREATE_ONLY") != "CRUD",
                "with lifecycleScope CREATE_ONLY (the default) a new input invokes the function again as a new resource "
                "(customizeDiffInputChangeWithCreateOnlyScope)",
            ),
        ),
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _rule(
        _AWS + "cloudwatch/metric_alarm.go",
        "name",
        "actionsEnabled alarmActions alarmDescription comparisonOperator datapointsToAlarm dimensions "
        "evaluateLowSampleCountPercentiles evaluationPeriods extendedStatistic insufficientDataActions metricName "
        "metricQueries namespace okActions period statistic threshold thresholdMetricId treatMissingData unit " + TAGS,
    ),
    # transitEncryptionEnabled is left out: the resource's CustomizeDiff decides it.
    "aws:elasticache/replicationGroup:ReplicationGroup": _rule(
        _AWS + "elasticache/replication_group.go",
        "atRestEncryptionEnabled dataTieringEnabled globalReplicationGroupId kmsKeyId networkType port "
        "replicationGroupId securityGroupNames snapshotArns snapshotName subnetGroupName",
        "applyImmediately authToken authTokenUpdateStrategy autoMinorVersionUpgrade automaticFailoverEnabled clusterMode "
        "description finalSnapshotIdentifier ipDiscovery logDeliveryConfigurations maintenanceWindow multiAzEnabled "
        "nodeType notificationTopicArn numCacheClusters numNodeGroups parameterGroupName preferredCacheClusterAzs "
        "replicasPerNodeGroup securityGroupIds snapshotRetentionLimit snapshotWindow transitEncryptionMode userGroupIds " + TAGS,
        (
            Condition(
                "engineVersion",
                _downgrade,
                "a lower engine version is a new replication group (customizeDiffEngineVersionForceNewOnDowngrade)",
            ),
            Condition(
                "engine",
                lambda old, new, _inputs: str(old).lower() == "valkey" and str(new).lower() == "redis",
                "Valkey back to Redis OSS is a new replication group (customizeDiffEngineForceNewOnDowngrade)",
            ),
        ),
    ),
    "aws:secretsmanager/secret:Secret": _rule(
        _AWS + "secretsmanager/secret.go",
        "name namePrefix",
        "description forceOverwriteReplicaSecret kmsKeyId policy recoveryWindowInDays replicas " + TAGS,
    ),
    "aws:secretsmanager/secretVersion:SecretVersion": _rule(
        _AWS + "secretsmanager/secret_version.go",
        "secretBinary secretId secretString secretStringWoVersion",
        "secretStringWo versionStages",
    ),
    "aws:ssm/parameter:Parameter": _rule(
        _AWS + "ssm/parameter.go",
        "dataType name",
        "allowedPattern description insecureValue keyId overwrite type value valueWo valueWoVersion " + TAGS,
        (
            Condition(
                "tier",
                lambda old, new, _inputs: str(old) == "Advanced" and str(new) == "Standard",
                "an advanced parameter back to standard is a new parameter (ForceNewIfChange on tier)",
            ),
        ),
    ),
    "aws:kms/key:Key": _rule(
        _AWS + "kms/key.go",
        "customKeyStoreId customerMasterKeySpec keyUsage multiRegion xksKeyId",
        "bypassPolicyLockoutSafetyCheck deletionWindowInDays description enableKeyRotation isEnabled policy rotationPeriodInDays " + TAGS,
    ),
    "aws:appautoscaling/target:Target": _rule(
        _AWS + "appautoscaling/target.go", "resourceId scalableDimension serviceNamespace", "maxCapacity minCapacity roleArn " + TAGS
    ),
    "aws:ec2/vpc:Vpc": _rule(
        _AWS + "ec2/vpc_.go",
        "cidrBlock ipv4IpamPoolId ipv4NetmaskLength",
        "assignGeneratedIpv6CidrBlock enableDnsHostnames enableDnsSupport enableNetworkAddressUsageMetrics instanceTenancy "
        "ipv6CidrBlock ipv6CidrBlockNetworkBorderGroup ipv6IpamPoolId ipv6NetmaskLength " + TAGS,
    ),
    "aws:ec2/subnet:Subnet": _rule(
        _AWS + "ec2/vpc_subnet.go",
        "availabilityZone availabilityZoneId cidrBlock ipv6Native outpostArn vpcId",
        "assignIpv6AddressOnCreation customerOwnedIpv4Pool enableDns64 enableLniAtDeviceIndex "
        "enableResourceNameDnsAaaaRecordOnLaunch enableResourceNameDnsARecordOnLaunch ipv6CidrBlock "
        "mapCustomerOwnedIpOnLaunch mapPublicIpOnLaunch privateDnsHostnameTypeOnLaunch " + TAGS,
    ),
    "aws:s3/bucket:Bucket": _rule(_AWS + "s3/bucket.go", "bucket bucketPrefix objectLockEnabled", "forceDestroy " + TAGS),
    # --- Google Cloud --------------------------------------------------------------------------
    "gcp:cloudrunv2/service:Service": _rule(
        _GOOGLE + "cloudrunv2/resource_cloud_run_v2_service.go",
        "location name project tags",
        "annotations binaryAuthorization buildConfig client clientVersion customAudiences defaultUriDisabled "
        "deletionPolicy deletionProtection description iapEnabled ingress invokerIamDisabled labels launchStage "
        "multiRegionSettings scaling template traffic",
    ),
    "gcp:cloudrunv2/job:Job": _rule(
        _GOOGLE + "cloudrunv2/resource_cloud_run_v2_job.go",
        "location name project tags",
        "annotations binaryAuthorization client clientVersion deletionPolicy deletionProtection labels launchStage "
        "runExecutionToken startExecutionToken template",
    ),
    "gcp:cloudrunv2/workerPool:WorkerPool": _rule(
        _GOOGLE + "cloudrunv2/resource_cloud_run_v2_worker_pool.go",
        "location name project template.containers.*.dependsOn",
        "annotations binaryAuthorization client clientVersion deletionPolicy deletionProtection description "
        "instanceSplits labels launchStage scaling template",
    ),
    # databaseVersion updates in place (a major version upgrade: resourceSqlDatabaseInstanceUpdate).
    "gcp:sql/databaseInstance:DatabaseInstance": _rule(
        _GOOGLE + "sql/resource_sql_database_instance.go",
        "encryptionKeyName name project region replicaConfiguration settings.collation",
        "databaseVersion deletionPolicy deletionProtection enforceNewSqlNetworkArchitecture finalBackupDescription "
        "includeReplicasForMajorVersionUpgrade instanceType maintenanceVersion nodeCount replicaNames replicationCluster "
        "rootPassword settings switchTransactionLogsToCloudStorageEnabled",
        (
            Condition(
                "settings.diskSize",
                lambda old, new, inputs: (
                    (_version_tuple(new) or (0,)) < (_version_tuple(old) or (0,))
                    and (inputs.get("settings") or {}).get("diskAutoresize") is False
                ),
                "a smaller disk with autoresize off is a new instance (diskSizeCutomizeDiff)",
            ),
        ),
    ),
    "gcp:sql/database:Database": _rule(
        _GOOGLE + "sql/resource_sql_database.go", "instance name project", "charset collation deletionPolicy"
    ),
    "gcp:sql/user:User": _rule(
        _GOOGLE + "sql/resource_sql_user.go",
        "host instance name project type",
        "databaseRoles deletionPolicy password passwordPolicy passwordWo passwordWoVersion",
    ),
    "gcp:redis/instance:Instance": _rule(
        _GOOGLE + "redis/resource_redis_instance.go",
        "alternativeLocationId authorizedNetwork connectMode customerManagedKey locationId name project region "
        "reservedIpRange tier transitEncryptionMode",
        "authEnabled deletionPolicy deletionProtection displayName labels maintenancePolicy maintenanceVersion memorySizeGb "
        "persistenceConfig readReplicasMode redisConfigs replicaCount secondaryIpRange",
        (Condition("redisVersion", _downgrade, "a lower Redis version is a new instance (isRedisVersionDecreasing)"),),
    ),
    # retentionPolicy is left out: a locked policy forces a new bucket (isPolicyLocked).
    "gcp:storage/bucket:Bucket": _rule(
        _GOOGLE + "storage/resource_storage_bucket.go",
        "customPlacementConfig.dataLocations enableObjectRetention hierarchicalNamespace location name project",
        "autoclass cors defaultEventBasedHold encryption forceDestroy ipFilter labels lifecycleRules logging "
        "publicAccessPrevention requesterPays rpo softDeletePolicy storageClass uniformBucketLevelAccess versioning website",
    ),
    "gcp:secretmanager/secret:Secret": _rule(
        _GOOGLE + "secretmanager/resource_secret_manager_secret.go",
        "project replication secretId tags",
        "annotations deletionPolicy deletionProtection expireTime labels rotation topics ttl versionAliases versionDestroyTtl",
    ),
    "gcp:secretmanager/secretVersion:SecretVersion": _rule(
        _GOOGLE + "secretmanager/resource_secret_manager_secret_version.go",
        "isSecretDataBase64 project secret secretData secretDataWoVersion",
        "deletionPolicy enabled secretDataWo",
    ),
    "gcp:compute/network:Network": _rule(
        _GOOGLE + "compute/resource_compute_network.go",
        "autoCreateSubnetworks description internalIpv6Range name networkProfile params project",
        "bgpAlwaysCompareMed bgpBestPathSelectionMode bgpInterRegionCost deleteBgpAlwaysCompareMed "
        "deleteDefaultRoutesOnCreate deletionPolicy enableUlaInternalIpv6 mtu networkFirewallPolicyEnforcementOrder routingMode",
    ),
    "gcp:compute/subnetwork:Subnetwork": _rule(
        _GOOGLE + "compute/resource_compute_subnetwork.go",
        "description externalIpv6Prefix internalIpv6Prefix name network params project region reservedInternalRange resolveSubnetMask",
        "allowSubnetCidrRoutesOverlap deletionPolicy ipCollection ipv6AccessType logConfig privateIpGoogleAccess "
        "privateIpv6GoogleAccess purpose role secondaryIpRanges sendSecondaryIpRangeIfEmpty stackType",
        (Condition("ipCidrRange", _cidr_shrinks, "a range that does not contain the old one is a new subnetwork (IsShrinkageIpCidr)"),),
    ),
    "gcp:compute/globalAddress:GlobalAddress": _rule(
        _GOOGLE + "compute/resource_compute_global_address.go",
        "address addressType description ipVersion name network prefixLength project purpose",
        "deletionPolicy labels",
    ),
    "gcp:servicenetworking/connection:Connection": _rule(
        _GOOGLE + "servicenetworking/resource_service_networking_connection.go",
        "network service",
        "reservedPeeringRanges updateOnCreationFail",
    ),
    "gcp:kms/cryptoKey:CryptoKey": _rule(
        _GOOGLE + "kms/resource_kms_crypto_key.go",
        "cryptoKeyBackend destroyScheduledDuration importOnly keyRing name purpose versionTemplate.protectionLevel",
        "deletionPolicy labels rotationPeriod skipInitialVersionCreation versionTemplate",
    ),
    "gcp:kms/keyRing:KeyRing": _rule(_GOOGLE + "kms/resource_kms_key_ring.go", "location name project"),
    "gcp:monitoring/alertPolicy:AlertPolicy": _rule(
        _GOOGLE + "monitoring/resource_monitoring_alert_policy.go",
        "project",
        "alertStrategy combiner conditions deletionPolicy displayName documentation enabled notificationChannels severity userLabels",
    ),
    "gcp:serviceaccount/account:Account": _rule(
        _GOOGLE + "resourcemanager/resource_google_service_account.go",
        "accountId project",
        "createIgnoreAlreadyExists description disabled displayName",
    ),
    "gcp:projects/service:Service": _rule(
        _GOOGLE + "resourcemanager/resource_google_project_service.go", "project service", "disableDependentServices disableOnDestroy"
    ),
    # --- Generated secrets and keys: every argument forces a new value ------------------------
    "random:index/randomPassword:RandomPassword": _rule(_RANDOM + "resource_password.go", ALL),
    "random:index/randomString:RandomString": _rule(_RANDOM + "resource_string.go", ALL),
    "random:index/randomId:RandomId": _rule(_RANDOM + "resource_id.go", ALL),
    "tls:index/privateKey:PrivateKey": _rule(_TLS + "resource_private_key.go", ALL),
    # --- Docker --------------------------------------------------------------------------------
    "docker:index/container:Container": _rule(
        _DOCKER + "resource_docker_container.go",
        ALL,
        "attach containerReadRefreshTimeoutMilliseconds cpuPeriod cpuQuota cpuSet cpuShares destroyGraceSeconds "
        "deviceReadBps deviceReadIops deviceWriteBps deviceWriteIops healthcheck init logs maxRetryCount memory "
        "memoryReservation memorySwap mustRun removeVolumes restart rm start tmpfs wait waitTimeout",
    ),
    "docker:index/volume:Volume": _rule(_DOCKER + "resource_docker_volume.go", "cluster driver driverOpts labels name"),
    "docker:index/network:Network": _rule(_DOCKER + "resource_docker_network.go", ALL),
    "docker:index/remoteImage:RemoteImage": _rule(
        _DOCKER + "resource_docker_image.go", "name platform pullTriggers triggers", "build forceRemove keepLocally"
    ),
}


@dataclass(frozen=True)
class Verdict:
    #: The changed input paths that force a replacement.
    replacing: list[str]
    #: The changed input paths the table does not know.
    unknown: list[str]

    @property
    def kind(self) -> str:
        return REPLACE if self.replacing else (UNKNOWN if self.unknown else UPDATE)


def classify(type_: str, changes: list[tuple[str, Any, Any]], head_inputs: Optional[dict[str, Any]] = None) -> Verdict:
    """What the provider does with a resource of ``type_`` whose inputs change as ``changes``
    ((path, old, new) each): which paths replace it, which the table does not know."""
    rule = TABLE.get(type_)
    if rule is None:
        return Verdict([], [path for path, _, _ in changes])
    verdicts = [(path, rule.decide(path, old, new, head_inputs)) for path, old, new in changes]
    return Verdict([p for p, v in verdicts if v == REPLACE], [p for p, v in verdicts if v == UNKNOWN])


def replacing_paths(type_: str, paths: list[str]) -> list[str]:
    """The changed input paths of a resource of ``type_`` that force its replacement (values unknown)."""
    return classify(type_, [(p, None, None) for p in paths]).replacing
