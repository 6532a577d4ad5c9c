"""Dependency audit for CI: pip-audit over the installed environment (or the requirement files
given with -r), failing on any known vulnerability.

    .venv/bin/python .ci/audit.py                      # the environment .venv holds
    .venv/bin/python .ci/audit.py -r requirements.txt  # pinned files, without resolving

Extra arguments go to pip-audit (e.g. --vulnerability-service osv). A package that the service
does not know (it answers 404, as PyPI's does from a network that reaches only the package index)
is checked against an offline snapshot of advisories instead (safety-db, July 2021, pinned in
requirements-dev.txt): old, but enough that a long-known vulnerable pin still fails CI. Such
packages are listed, and with PANDA_AUDIT_STRICT=1 they fail the audit too.
"""

import functools
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


@functools.cache
def _snapshot() -> dict:
    # safety_db's own __init__ cannot be imported (it opens a relative path): read its data file.
    folder = importlib.util.find_spec("safety_db").submodule_search_locations[0]
    snapshot = json.loads((Path(folder) / "insecure_full.json").read_text())
    return {canonicalize_name(key): value for key, value in snapshot.items()}


def offline_vulnerabilities(name: str, version: str | None) -> list[dict]:
    """The advisories of the offline snapshot that cover ``name==version``."""
    try:
        parsed = Version(version or "")
    except InvalidVersion:
        return []
    return [
        {"id": advisory["id"], "aliases": [advisory["cve"]] if advisory.get("cve") else []}
        for advisory in _snapshot().get(canonicalize_name(name), [])
        if any(parsed in SpecifierSet(spec) for spec in advisory.get("specs", []))
    ]


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

    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in skipped:
        # A skipped package's version is only in its reason: "… could not be audited: x (1.2)".
        found = re.search(r"\(([^()\s]+)\)$", dependency["skip_reason"])
        dependency.setdefault("version", found and found.group(1))
        dependency["vulns"] = offline_vulnerabilities(dependency["name"], dependency["version"])
    if skipped:
        print(
            f"{len(skipped)} packages the service could not audit were checked against the "
            "offline advisory snapshot (safety-db, July 2021)."
        )
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release known"
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
