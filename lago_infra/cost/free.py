"""Resource types that cost nothing by themselves, listed one by one with the reason.

A type that is neither here nor priced by a rule is reported as unpriced: a new billable type
cannot slip into an estimate as zero. Types whose cost is carried by another resource's line
(a task definition by its service) are here with that reason."""

from __future__ import annotations

#: Whole providers or namespaces that never bill: Pulumi's own and the project's components, values
#: computed by the engine, and the local target's Docker objects (they run on your machine).
FREE_PREFIXES = ("pulumi:", "lago:", "random:", "tls:", "docker:")

FREE_TYPES: dict[str, str] = {
    # AWS: configuration objects with no charge of their own.
    "aws:ec2/vpc:Vpc": "no charge",
    "aws:ec2/subnet:Subnet": "no charge",
    "aws:ec2/internetGateway:InternetGateway": "no charge (data transfer out is usage, not priced)",
    "aws:ec2/route:Route": "no charge",
    "aws:ec2/routeTable:RouteTable": "no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "no charge",
    "aws:ec2/securityGroup:SecurityGroup": "no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "no charge",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "no charge",
    "aws:ec2/networkAcl:NetworkAcl": "no charge",
    "aws:iam/role:Role": "IAM has no charge",
    "aws:iam/rolePolicy:RolePolicy": "IAM has no charge",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM has no charge",
    "aws:iam/policy:Policy": "IAM has no charge",
    "aws:ecs/taskDefinition:TaskDefinition": "billed through the service that runs it",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "billed through the services' tasks",
    "aws:appautoscaling/target:Target": "no charge; its min/max set the services' replica range",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "no charge for ECS Service Connect namespaces",
    "aws:elasticache/parameterGroup:ParameterGroup": "no charge",
    "aws:elasticache/subnetGroup:SubnetGroup": "no charge",
    "aws:rds/parameterGroup:ParameterGroup": "no charge",
    "aws:rds/subnetGroup:SubnetGroup": "no charge",
    "aws:lb/listener:Listener": "billed through the load balancer",
    "aws:lb/listenerRule:ListenerRule": "billed through the load balancer (rule evaluations are part of LCUs)",
    "aws:lb/targetGroup:TargetGroup": "billed through the load balancer",
    "aws:acm/certificate:Certificate": "public ACM certificates are free",
    "aws:acm/certificateValidation:CertificateValidation": "no charge",
    "aws:route53/record:Record": "records have no charge; alias queries to AWS resources are free",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "billed through the bucket",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "billed through the bucket",
    "aws:s3/bucketPolicy:BucketPolicy": "billed through the bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "billed through the bucket",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "billed through the bucket",
    "aws:s3/bucketVersioning:BucketVersioning": "billed through the bucket (old versions are in its storage)",
    "aws:s3/bucketLogging:BucketLogging": "billed through the buckets",
    "aws:s3/bucketNotification:BucketNotification": "no charge",
    "aws:secretsmanager/secretVersion:SecretVersion": "billed through the secret",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "no charge",
    "aws:kms/alias:Alias": "no charge",
    "aws:sns/topicSubscription:TopicSubscription": "billed through the topic's deliveries",
    "aws:sns/topicPolicy:TopicPolicy": "no charge",
    "aws:lambda/permission:Permission": "no charge",
    "aws:lambda/invocation:Invocation": "one invocation per deployment: within the free tier",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "billed through the web ACL",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "billed through its log group",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "no charge",
    "aws:cloudwatch/eventRule:EventRule": "AWS service events on the default bus are free",
    "aws:cloudwatch/eventTarget:EventTarget": "no charge",
    # GCP.
    "gcp:compute/network:Network": "no charge",
    "gcp:compute/router:Router": "no charge (Cloud NAT is billed on its own line)",
    "gcp:compute/firewall:Firewall": "no charge",
    "gcp:servicenetworking/connection:Connection": "no charge",
    "gcp:serviceaccount/account:Account": "IAM has no charge",
    "gcp:serviceaccount/iAMMember:IAMMember": "IAM has no charge",
    "gcp:projects/iAMMember:IAMMember": "IAM has no charge",
    "gcp:projects/service:Service": "enabling an API has no charge",
    "gcp:secretmanager/secret:Secret": "billed per active version (the secret version lines)",
    "gcp:secretmanager/secretIamMember:SecretIamMember": "IAM has no charge",
    "gcp:sql/database:Database": "billed through the instance",
    "gcp:sql/user:User": "billed through the instance",
    "gcp:storage/bucketIAMMember:BucketIAMMember": "IAM has no charge",
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": "IAM has no charge",
    "gcp:cloudrunv2/jobIamMember:JobIamMember": "IAM has no charge",
    "gcp:compute/backendService:BackendService": "load balancing bills per forwarding rule and data processed",
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": "no charge",
    "gcp:compute/uRLMap:URLMap": "no charge",
    "gcp:compute/targetHttpProxy:TargetHttpProxy": "no charge",
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": "no charge",
    "gcp:compute/managedSslCertificate:ManagedSslCertificate": "Google-managed certificates are free",
    "gcp:kms/keyRing:KeyRing": "no charge",
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": "IAM has no charge",
    "gcp:monitoring/dashboard:Dashboard": "Cloud Monitoring dashboards are free",
    "gcp:monitoring/notificationChannel:NotificationChannel": "no charge",
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": "retention within 30 days is free; longer retention is priced on the Cloud Logging lines",
    "gcp:logging/projectSink:ProjectSink": "routing has no charge; the destination bills",
    "gcp:logging/metric:Metric": "one counter series of a few points a minute: far within Cloud Monitoring's free 150 MiB of chargeable metrics a month",
    "gcp:compute/sSLPolicy:SSLPolicy": "no charge",
    "gcp:projects/service:Service": "enabling an API has no charge",
    "pulumi-python:dynamic:Resource": "runs inside the program (the GCP IAM propagation pause)",
    "gcp:compute/subnetwork:Subnetwork": "no charge (its flow logs are priced on the Cloud Logging lines)",
    "gcp:projects/iAMAuditConfig:IAMAuditConfig": "no charge itself; the Data Access logs it turns on are priced on the Cloud Logging lines",
    "gcp:projects/serviceIdentity:ServiceIdentity": "a Google service agent: no charge",
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": "free up to 1 million executions a month; one check every 5 minutes from 6 regions runs about 52,000",
}


def is_free(type_: str) -> bool:
    return type_.startswith(FREE_PREFIXES) or type_ in FREE_TYPES
