"""Settings built with the Python classes take the preset exactly as the same keys as a mapping."""

import pytest

from lago_infra.config import LagoSettings
from lago_infra.config.model import Api, Protection
from lago_infra.targets.aws.settings import AwsSettings, Database as AwsDatabase, Edge as AwsEdge
from lago_infra.targets.gcp.settings import CloudSql, GcpSettings, Run
from lago_infra.targets.local.settings import LocalSettings

CASES = {
    "aws": (
        dict(aws=AwsSettings(database=AwsDatabase(performance_insights=False), edge=AwsEdge(api_port=3001))),
        {"aws": {"database": {"performance_insights": False}, "edge": {"apiPort": 3001}}},
    ),
    "gcp": (
        dict(gcp=GcpSettings(database=CloudSql(query_insights=True), run=Run(scale_to_zero=False))),
        {"gcp": {"database": {"queryInsights": True}, "run": {"scale_to_zero": False}}},
    ),
    "local": (
        dict(local=LocalSettings(front_port=8080, api_port=3001)),
        {"local": {"frontPort": 8080, "api_port": 3001}},
    ),
}


@pytest.mark.parametrize("preset", ["dev", "prod"])
@pytest.mark.parametrize("target", sorted(CASES))
def test_classes_and_mapping_give_the_same_settings(target, preset):
    classes, mapping = CASES[target]
    built = LagoSettings(target=target, preset=preset, api=Api(threads=4), protection=Protection(protect=True, deletion_protection=True), **classes)
    given = LagoSettings.model_validate(
        {"target": target, "preset": preset, "api": {"threads": 4}, "protection": {"protect": True, "deletionProtection": True}, **mapping}
    )
    assert built.model_dump() == given.model_dump()


def test_prod_preset_reaches_a_target_section_built_in_python():
    s = LagoSettings(target="aws", preset="prod", aws=AwsSettings(edge=AwsEdge(api_port=3001)))
    assert s.aws.edge.api_port == 3001
    assert s.aws.database.instance_class == "db.m7g.large" and s.aws.database.multi_az
    assert s.aws.network.nat == "perAz"
    assert s.aws.services.log_retention_days == 365
    assert s.roles.api.replicas == 2 and s.roles.api.max_replicas == 6
    g = LagoSettings(target="gcp", preset="prod", gcp=GcpSettings(run=Run(autoscale_workers=False)))
    assert g.gcp.database.availability == "REGIONAL" and g.gcp.redis.tier == "STANDARD_HA"


def test_snake_case_key_the_preset_also_sets_replaces_it():
    s = LagoSettings.model_validate({"target": "aws", "preset": "prod", "aws": {"database": {"multi_az": False, "instance_class": "db.t4g.large"}}, "protection": {"acknowledge_data_loss": True}})
    assert s.aws.database.multi_az is False and s.aws.database.instance_class == "db.t4g.large"
    assert s.aws.database.backup_retention_days == 14  # the rest of the preset stays
