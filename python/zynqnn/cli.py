"""The ``zynqnn`` console command of the installed package: the executable shipped inside it
(compile, estimate, generate, sim, ...), and ``zynqnn report OUT``, which is Python."""
import os
import sys

from .commands import executable
from .errors import Error


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["report"]:
        from .write_report import main as report_main
        return report_main(args[1:])
    try:
        program = str(executable())
    except Error as error:
        print(f"zynqnn: {error}", file=sys.stderr)
        return 127
    os.execv(program, [program, *args])  # the tool's own exit status, output and signals
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
