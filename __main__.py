"""The Lago Pulumi program: validate the stack config, build the chosen target, export outputs."""

import pulumi

from lago_infra import config
from lago_infra.config.errors import SettingError
from lago_infra.config.source import stack_file_name
from lago_infra.program import deploy

try:
    settings = config.load()
    lago = deploy(settings)
except config.ConfigError as error:
    # A clean message and a failed update, without a traceback; nothing has been registered.
    raise pulumi.RunError(str(error)) from None
except SettingError as error:
    # Found while building resources: the same message a bad key gets, before anything depends on it.
    raise pulumi.RunError(str(error.as_config_error(stack_file_name()))) from None
for key, value in lago.exports().items():
    pulumi.export(key, value)
