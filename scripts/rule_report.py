#!/usr/bin/env python3
"""Rule report: which catalogue rules the aio tests check, and their result on each backend.

Reads CTest's JUnit file and the rule catalogue; writes Markdown to stdout. A test cites a
rule by starting its name with the rule ID without the dash (ORD01_..., CAN07_...).

usage: rule_report.py JUNIT_XML CATALOGUE_MD
"""
import collections
import re
import sys
import xml.etree.ElementTree as ET

RULE_IN_TEST = re.compile(r"\.([A-Z]{2,3})(\d{2})_(\w+)")
BACKEND = re.compile(r"<\w+/(\w+)\.")
RULE_IN_CATALOGUE = re.compile(r"^\*\*([A-Z]{2,3}-\d{2})\*\* (.*)$")


def load_catalogue(path):
    rules = collections.OrderedDict()
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = RULE_IN_CATALOGUE.match(line.strip())
            if m:
                summary = m.group(2).split(". ")[0].rstrip(".")
                rules[m.group(1)] = summary[:110] + ("..." if len(summary) > 110 else "")
    return rules


def load_results(path):
    """{rule: {backend: [statuses]}}, and {rule: set(test names)}"""
    results = collections.defaultdict(lambda: collections.defaultdict(list))
    tests = collections.defaultdict(set)
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        name = case.get("name", "")
        m = RULE_IN_TEST.search(name)
        if not m:
            continue
        rule = f"{m.group(1)}-{m.group(2)}"
        b = BACKEND.search(name)
        backend = b.group(1) if b else "-"
        if case.find("failure") is not None or case.get("status") == "fail":
            status = "FAIL"
        elif case.find("skipped") is not None or case.get("status") in ("notrun", "disabled"):
            status = "skip"
        else:
            status = "pass"
        results[rule][backend].append(status)
        tests[rule].add(f"{m.group(1)}{m.group(2)}_{m.group(3)}")
    return results, tests


def cell(statuses):
    if not statuses:
        return ""
    if "FAIL" in statuses:
        return f"**FAIL** ({statuses.count('FAIL')}/{len(statuses)})"
    passed = statuses.count("pass")
    if passed == 0:
        return "skip"
    return f"pass ({passed})"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        catalogue = load_catalogue(sys.argv[2])
        results, tests = load_results(sys.argv[1])
    except (OSError, ET.ParseError) as e:
        sys.exit(f"rule_report.py: {e}")
    backends = sorted({b for per in results.values() for b in per})
    failed = [r for r, per in results.items() if any("FAIL" in s for s in per.values())]
    print("# aio rule tests by backend\n")
    print(f"{len(results)} catalogue rules are checked by {sum(len(t) for t in tests.values())} "
          f"test bodies on {len(backends)} backends ({', '.join(backends)}); "
          f"{len(failed)} rules have a failing test.\n")
    print("| rule | what it says | " + " | ".join(backends) + " | tests |")
    print("|---|---|" + "---|" * len(backends) + "---|")
    for rule in sorted(results, key=lambda r: (list(catalogue).index(r) if r in catalogue else 10**6, r)):
        per = results[rule]
        row = [rule, catalogue.get(rule, "(not in the catalogue)").replace("|", "\\|")]
        row += [cell(per.get(b, [])) for b in backends]
        row.append(", ".join(sorted(tests[rule])))
        print("| " + " | ".join(row) + " |")
    uncited = [r for r in catalogue if r not in results]
    print(f"\n## Catalogue rules no test cites yet ({len(uncited)})\n")
    print(", ".join(uncited) if uncited else "none")


if __name__ == "__main__":
    main()
