"""The report of a compiled model from a shell (zynqnn.report from Python; report_page.py
describes the page):

    python -m zynqnn.write_report OUT                          # writes OUT/report.html
    python -m zynqnn.write_report OUT --data DIR --out FILE    # with measurements (the demo's files)

Needs NumPy and matplotlib only: where the package cannot be imported (no native library
built), ``python python/zynqnn/write_report.py OUT`` writes the same page.
"""
import argparse
import sys
from pathlib import Path

if __package__:
    from .report_data import ReportDataError
    from .report_page import report
else:  # run as a file: no package, no native library
    from report_data import ReportDataError
    from report_page import report


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m zynqnn.write_report",
                                     description="Writes the HTML report of a compiled model.")
    parser.add_argument("out_dir", type=Path, help="output folder of `zynqnn compile model.onnx OUT`")
    parser.add_argument("--data", type=Path, help="folder of measurements (summary.json, latency.json, ...)")
    parser.add_argument("--out", type=Path, help="report to write (default: OUT/report.html)")
    args = parser.parse_args(argv)
    try:
        path = report(args.out_dir, args.data, args.out)
    except (ReportDataError, ImportError) as e:  # a folder that is not compiled, or no matplotlib
        print(f"report: {e}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
