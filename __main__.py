"""The Lago Pulumi program: validate the stack config, build the chosen target, export outputs."""

import pulumi

from lago_infra import config
from lago_infra.config.errors import SettingError
from lago_infra.config.source import stack_file_name
from lago_infra.program import deploy

# A ConfigError is a pulumi.RunError: the engine reports it as its message, without a traceback,
# and nothing has been registered.
try:
    settings = config.load(default_providers=True)
    lago = deploy(settings)
except SettingError as error:
    # Found while building resources: the same message a bad key gets, before anything depends on it.
    raise error.as_config_error(stack_file_name()) from None
for key, value in lago.exports().items():
    pulumi.export(key, value)
