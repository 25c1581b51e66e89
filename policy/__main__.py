"""The lago-infra policy pack: ``pulumi preview --policy-pack policy``. The rules are those of
``lago_infra.policy``, the same code ``python -m lago_infra plan --policy`` runs."""

import sys
from pathlib import Path

# The pack lives inside the repository: import the rules from it even where the parent
# directory was not pip-installed into the pack's virtualenv.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import PolicyPack  # noqa: E402

from lago_infra.policy.pack import PACK_NAME, policies  # noqa: E402

PolicyPack(name=PACK_NAME, policies=policies())
