"""Fakes for pulumi-docker."""

from __future__ import annotations

from . import digest, resource


@resource("docker:index/remoteImage:RemoteImage")
def _image(args):
    ref = args.inputs.get("name", args.name)
    sha = digest(ref, length=64)
    return {"imageId": f"sha256:{sha}", "repoDigest": f"{ref.split(':')[0]}@sha256:{sha}"}


@resource("docker:index/container:Container")
def _container(args):
    # One-shot containers (attach) report how they ended; the fake says they succeeded.
    extra = {"exitCode": 0} if args.inputs.get("attach") else {}
    return {"__id": digest(args.name, length=64), "name": args.inputs.get("name", args.name), **extra}


@resource("docker:index/network:Network", "docker:index/volume:Volume")
def _named(args):
    return {"__id": digest(args.typ, args.name, length=64), "name": args.inputs.get("name", args.name)}
