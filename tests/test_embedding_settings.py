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
    built = LagoSettings(
        target=target, preset=preset, api=Api(threads=4), protection=Protection(protect=True, deletion_protection=True), **classes
    )
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
    g = LagoSettings(target="gcp", preset="prod", gcp=GcpSettings(run=Run(always_allocated_cpu=["api"])))
    assert g.gcp.run.always_allocated_cpu == ["api"]
    assert g.gcp.database.availability == "REGIONAL" and g.gcp.redis.tier == "STANDARD_HA"


def test_snake_case_key_the_preset_also_sets_replaces_it():
    s = LagoSettings.model_validate(
        {
            "target": "aws",
            "preset": "prod",
            "aws": {"database": {"multi_az": False, "instance_class": "db.t4g.large"}},
            "protection": {"acknowledge_data_loss": True},
        }
    )
    assert s.aws.database.multi_az is False and s.aws.database.instance_class == "db.t4g.large"
    assert s.aws.database.backup_retention_days == 14  # the rest of the preset stays


def test_components_document_their_arguments_and_outputs():
    from lago_infra.targets.aws.component import LagoAws
    from lago_infra.targets.gcp.component import LagoGcp
    from lago_infra.targets.local.component import LagoLocal

    for component in (LagoAws, LagoGcp, LagoLocal):
        doc = component.__init__.__doc__ or ""
        assert "Args:" in doc and "settings:" in doc and "opts:" in doc, component
        assert "front_url" in doc and "api_url" in doc, component


def test_the_built_package_ships_py_typed(tmp_path, monkeypatch):
    """What setuptools copies into a wheel (``build_py``) holds the PEP 561 marker."""
    from setuptools.dist import Distribution

    from .conftest import PROJECT_DIR

    monkeypatch.chdir(PROJECT_DIR)
    dist = Distribution({"script_name": "setup.py"})
    dist.parse_config_files()
    build = dist.get_command_obj("build_py")
    build.build_lib = str(tmp_path)
    dist.run_command("build_py")
    assert (tmp_path / "lago_infra" / "py.typed").is_file()
    # The migrate role's wrapper, which its command carries (lago_infra/lago/migrate.py reads it).
    assert (tmp_path / "lago_infra" / "lago" / "migrate.sh").is_file()
