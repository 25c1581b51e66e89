"""Development tools of this repository. Not part of the ``lago-infra`` package: the wheel ships
``lago_infra`` alone, and these run from a checkout (``make generate``)."""
