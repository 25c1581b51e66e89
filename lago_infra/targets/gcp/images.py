"""Where Cloud Run pulls Lago's images from: Docker Hub, or an Artifact Registry remote repository
of Docker Hub in the stack's region (``lago:gcp.images``), each reference pinned by digest where
the user asks.

A remote repository fetches an image from its upstream once and serves it from then on
(https://cloud.google.com/artifact-registry/docs/repositories/remote-overview); Docker Hub's
images are then ``REGION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE``, official ones under
``library/`` (https://cloud.google.com/artifact-registry/docs/pull-cached-dockerhub-images).
Cloud Run's service agent reads repositories of its own project without any grant
(https://cloud.google.com/run/docs/deploying#permissions_required_to_deploy).
"""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
import pulumi_gcp as gcp

from ...lago.environment import RoleDeployment
from .settings import Images

#: The API the remote repository is Artifact Registry's; container scanning scans what it caches
#: (https://cloud.google.com/artifact-analysis/docs/container-scanning-overview).
SCANNING_API = "containerscanning.googleapis.com"


def pinned(image: str, digest: Optional[str]) -> str:
    """``REPO:TAG`` as ``REPO@DIGEST`` when a digest is given (the tag would only be informative)."""
    if not digest:
        return image
    repository = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    return f"{repository}@{digest}"


def docker_hub_path(image: str) -> str:
    """A Docker Hub reference as a path under a mirror: official images live under ``library/``."""
    name = image.split("@")[0].split(":")[0]
    return image if "/" in name else f"library/{image}"


class LagoImages(pulumi.ComponentResource):
    """The remote repository (with ``remoteRepository``) and each role's image reference."""

    def __init__(
        self,
        name: str,
        settings: Images,
        project: str,
        region: str,
        labels: dict[str, str],
        after: Sequence[pulumi.Resource] = (),
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        """``after``: what must exist first (the APIs being enabled)."""
        super().__init__("lago:gcp:Images", name, None, opts)
        self._settings = settings
        self._registry: Optional[pulumi.Output[str]] = None
        if settings.remote_repository:
            child = pulumi.ResourceOptions(parent=self, depends_on=list(after))
            credentials = None
            if settings.docker_hub is not None:
                hub = settings.docker_hub
                # Artifact Registry reads the token as its service agent (created on a fresh project).
                agent = gcp.projects.ServiceIdentity(
                    f"{name}-agent", project=project, service="artifactregistry.googleapis.com", opts=child
                )
                secret = pulumi.Output.from_input(hub.password_secret_version).apply(lambda v: v.rsplit("/versions/", 1)[0])
                gcp.secretmanager.SecretIamMember(
                    f"{name}-agent-reads-token",
                    secret_id=secret,
                    role="roles/secretmanager.secretAccessor",
                    member=agent.member,
                    opts=child,
                )
                credentials = gcp.artifactregistry.RepositoryRemoteRepositoryConfigUpstreamCredentialsArgs(
                    username_password_credentials=gcp.artifactregistry.RepositoryRemoteRepositoryConfigUpstreamCredentialsUsernamePasswordCredentialsArgs(
                        username=hub.username, password_secret_version=hub.password_secret_version
                    )
                )
            repository = gcp.artifactregistry.Repository(
                f"{name}-dockerhub",
                project=project,
                location=region,
                repository_id=f"{name}-dockerhub",
                format="DOCKER",
                mode="REMOTE_REPOSITORY",
                description="Lago's images, cached from Docker Hub",
                labels=labels,
                remote_repository_config=gcp.artifactregistry.RepositoryRemoteRepositoryConfigArgs(
                    description="Docker Hub",
                    docker_repository=gcp.artifactregistry.RepositoryRemoteRepositoryConfigDockerRepositoryArgs(
                        public_repository="DOCKER_HUB"
                    ),
                    upstream_credentials=credentials,
                ),
                opts=child,
            )
            self._registry = pulumi.Output.concat(region, "-docker.pkg.dev/", project, "/", repository.repository_id)
        self.register_outputs({"registry": self._registry})

    def reference(self, rd: RoleDeployment) -> pulumi.Input[str]:
        image = pinned(rd.image, self._settings.digests.get(rd.role.image.value))
        if self._registry is None:
            return image
        return pulumi.Output.concat(self._registry, "/", docker_hub_path(image))
