"""A platform program of your own that embeds Lago as one component among others.

cd examples/embedded && pulumi stack init dev && pulumi up

Offline, from the repository's root (no Docker engine needed):

python -m lago_infra plan --project-dir examples/embedded
"""

import pulumi

from lago_infra.config import LagoSettings
from lago_infra.targets.local.component import LagoLocal

# The same keys as a stack file's lago: namespace, with the same presets and validation.
settings = LagoSettings.model_validate(
    {
        "target": "local",
        "version": "v1.51.0",
        "workers": {"dedicated": ["pdfs"]},
        "local": {"frontPort": 8080, "apiPort": 3001},
    }
)
lago = LagoLocal("billing", settings)

pulumi.export("lago_url", lago.front_url)
pulumi.export("lago_api_url", lago.api_url)
