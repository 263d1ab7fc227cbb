"""Read a JUnit report: print the totals, and fail on any skipped test.

A skip means a service or tool the suite needs was missing; the suite is only
green when everything it tests really ran.
"""

import sys
import xml.etree.ElementTree as ET


def main(path: str) -> int:
    root = ET.parse(path).getroot()  # noqa: S314
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = sum(int(s.get("tests", 0)) for s in suites)
    skipped = [case for case in root.iter("testcase") if case.find("skipped") is not None]
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    print(f"{path}: {total} tests, {failed} failed, {len(skipped)} skipped")
    for case in skipped:
        message = case.find("skipped").get("message", "")
        print(f"  SKIPPED {case.get('classname')}::{case.get('name')}: {message}")
    if total == 0:
        print("No test ran.")
        return 1
    return 1 if skipped or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
