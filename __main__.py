"""The Lago Pulumi program: validate the stack config, build the chosen target, export outputs."""

import pulumi

from lago_infra import config
from lago_infra.program import deploy

try:
    settings = config.load()
except config.ConfigError as error:
    # A clean message and a failed update, without a traceback; nothing has been registered.
    raise pulumi.RunError(str(error)) from None

lago = deploy(settings)
for key, value in lago.exports().items():
    pulumi.export(key, value)
