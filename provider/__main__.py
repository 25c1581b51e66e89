"""Entry point of the lago-infra component package: the engine runs this file as the plugin.
The components, their schema and the provider live in lago_infra.package."""

import sys

from lago_infra.package.provider import serve

if __name__ == "__main__":
    serve(sys.argv[1:])
