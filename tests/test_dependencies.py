"""The service runs on its production dependencies alone (`uv sync --no-dev`, the Dockerfile, `scripts/serve`): every
third-party module the service's code imports comes from a package the lock installs without the dev group."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICE_PACKAGES = ("domain", "workflows", "projections", "api", "application", "worker", "eventstore", "i18n",
                    "mentorat", "web")


def _name(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def production_packages() -> set[str]:
    """The lock's packages reachable from the project's own dependencies (extras included), not its dev group."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    packages = {_name(package["name"]): package for package in lock["package"]}
    wanted, seen = ["mentorat"], set()
    while wanted:
        name = wanted.pop()
        if name in seen or name not in packages:
            continue
        seen.add(name)
        package = packages[name]
        wanted += [_name(dep["name"]) for dep in package.get("dependencies", [])]
        for extra in package.get("optional-dependencies", {}).values():
            wanted += [_name(dep["name"]) for dep in extra]
    return seen


def imported_modules() -> dict[str, str]:
    """Top-level module imported -> one place importing it, over the service's code."""
    found: dict[str, str] = {}
    for package in SERVICE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_third_party_module_the_service_imports_is_a_production_dependency():
    production = production_packages()
    providers = importlib.metadata.packages_distributions()
    missing = []
    for module, where in sorted(imported_modules().items()):
        if module in sys.stdlib_module_names or module in SERVICE_PACKAGES:
            continue
        distributions = {_name(d) for d in providers.get(module, [])}
        if not distributions & production:
            missing.append(f"{module} ({where}; from {sorted(distributions) or 'nothing installed'})")
    assert missing == [], "imported by the service but installed only with the dev group: " + ", ".join(missing)
