"""Dependency audit for CI: pip-audit over the installed environment (or the requirement files
given with -r), failing on any known vulnerability.

    .venv/bin/python .ci/audit.py                      # the environment .venv holds
    .venv/bin/python .ci/audit.py -r requirements.txt  # pinned files, without resolving

Extra arguments go to pip-audit (e.g. --vulnerability-service osv). A package that the service
does not know (it answers 404) cannot be audited; such packages are listed, and with
PANDA_AUDIT_STRICT=1 they fail the audit too.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def run(arguments: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        command = [str(PIP_AUDIT), "--format", "json", "--output", str(report)]
        command += ["--progress-spinner", "off", "--desc", "off"]
        if "-r" in arguments or "--requirement" in arguments:
            command += ["--no-deps", "--disable-pip"]
        result = subprocess.run([*command, *arguments], capture_output=True, text=True)
        if not report.exists():
            print(result.stdout + result.stderr, file=sys.stderr)
            print("pip-audit did not produce a report: the audit failed.", file=sys.stderr)
            return result.returncode or 2
        dependencies = json.loads(report.read_text())["dependencies"]

    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            aliases = ", ".join(vuln.get("aliases") or [])
            print(
                f"VULNERABLE {dependency['name']}=={dependency['version']}: {vuln['id']} "
                f"({aliases}); fixed in {fixed}"
            )
    print(
        f"pip-audit: {len(dependencies) - len(skipped)} of {len(dependencies)} packages audited, "
        f"{len(vulnerable)} with known vulnerabilities."
    )
    if skipped:
        print(
            f"WARNING: {len(skipped)} packages could not be audited, because the vulnerability "
            "service did not know them (from this network, it may be unreachable): "
            + ", ".join(d["name"] for d in skipped[:10])
            + (" …" if len(skipped) > 10 else "")
        )
    if vulnerable:
        return 1
    if skipped and os.environ.get("PANDA_AUDIT_STRICT") == "1":
        print("PANDA_AUDIT_STRICT=1: packages that were not audited fail the audit.")
        return 1
    return 0 if result.returncode in (0, 1) else result.returncode


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
