"""``python -m codegen``: pull the server's description, rebuild specs, regenerate, check.

python -m codegen spec-pull [--url URL]   fetch /openapi.json, write spec/v1/server.json,
                                          rebuild the derived specs
python -m codegen specs                   rebuild spec/v1/openapi.json, spec/v0/openapi.json
python -m codegen regen                   rebuild the specs, regenerate generated/
python -m codegen check                   fail if spec/ or generated/ is not what regen makes
"""

from __future__ import annotations

import argparse
import sys

from codegen.check import check_fresh
from codegen.generate import GenerationError, regenerate
from codegen.pull import DEFAULT_SERVER_URL, PullError, pull
from codegen.specs import SpecBuildError, write_all


def main(argv: list[str] | None = None) -> int:
    """Run one codegen command; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m codegen",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    pull_parser = commands.add_parser("spec-pull", help="fetch the server's OpenAPI description")
    pull_parser.add_argument("--url", default=DEFAULT_SERVER_URL, help="server base URL")
    commands.add_parser("specs", help="rebuild the derived spec files")
    commands.add_parser("regen", help="rebuild the specs and regenerate generated/")
    commands.add_parser("check", help="fail if spec/ or generated/ is stale")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "spec-pull":
            for line in pull(arguments.url):
                print(line)
        elif arguments.command == "specs":
            write_all()
        elif arguments.command == "regen":
            write_all()
            regenerate()
        else:
            stale = check_fresh()
            if stale:
                print("Stale generated files (run `make regen` and commit the result):")
                for line in stale:
                    print(f"  {line}")
                return 1
            print("spec/ and generated/ are fresh.")
    except (PullError, SpecBuildError, GenerationError) as error:
        print(f"codegen {arguments.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
