"""The production stack (docker-compose.yml, Dockerfile, .dockerignore, .env.example), checked by parsing.

No Docker engine is needed: these tests read the files and assert the properties the stack relies on.
"""

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"

CORE_SERVICES = {"postgres", "temporal", "temporal-ui", "api", "worker"}
APP_SERVICES = {"api": ["mentorat", "api"], "worker": ["mentorat", "worker"]}
PACKAGES = ["domain", "workflows", "projections", "api", "application", "worker", "eventstore", "i18n", "mentorat",
            "web"]
TEMPORAL_PORT = 7233
SECRET_KEY = re.compile(r"PASSWORD|PWD|SECRET|TOKEN|_KEYS$", re.IGNORECASE)
# A Compose reference: ${NAME}, ${NAME:-default}, ${NAME?err}, ${NAME:?err}, or $NAME. `$$` is a literal `$`.
VARIABLE_REFERENCE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")
ONLY_A_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?])[^}]*)?\}$")
# name:tag, tag being a version with at least major.minor (optionally a suffix and a digest).
PINNED_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/-]*:v?\d+\.\d+(?:\.\d+)*(?:-[A-Za-z0-9._]+)?(?:@sha256:[0-9a-f]{64})?$")


# --- helpers -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def environment(service: dict) -> dict[str, str]:
    """A service's environment as a mapping, whichever of the two Compose forms it is written in."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: None if value is None else str(value) for key, value in env.items()}


def as_argv(command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def healthcheck_argv(service: dict) -> list[str]:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    kind, *rest = test
    return shlex.split(rest[0]) if kind == "CMD-SHELL" else rest


def is_one_shot(service: dict) -> bool:
    """A job that runs to completion (schema set-up, namespace registration), not a long-running service."""
    return str(service.get("restart", "no")) in ("no", "False", "false")


def dependencies(service: dict) -> dict:
    return service.get("depends_on") or {}


def referenced_variables(text: str) -> set[str]:
    unescaped = text.replace("$$", "")
    return {braced or bare for braced, bare in VARIABLE_REFERENCE.findall(unescaped)}


def env_example() -> dict[str, str]:
    entries = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f".env.example: not KEY=VALUE: {line!r}"
            entries[key.strip()] = value.strip()
    return entries


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def dockerignore_pattern(pattern: str) -> re.Pattern:
    """A .dockerignore pattern as a regex: `**` spans folders, `*` and `?` stay within one."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1:]:
            end = pattern.index("]", i + 1)
            out.append(pattern[i:end + 1].replace("[!", "[^", 1))
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def dockerignore_excludes(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders decides."""
    lines = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()]
    patterns = [line for line in lines if line and not line.startswith("#")]
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        regex = dockerignore_pattern(pattern.lstrip("!").strip().strip("/"))
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


# --- compose: services, images, commands ---------------------------------------------------------------


def test_the_five_services_exist(services):
    assert CORE_SERVICES <= set(services), f"missing: {CORE_SERVICES - set(services)}"


def test_every_image_is_pinned_to_a_version(services):
    for name, service in services.items():
        if "image" in service:
            image = service["image"]
            assert PINNED_IMAGE.match(image), f"{name}: image {image!r} is not pinned to a version tag"
            assert not image.endswith(":latest"), f"{name}: {image}"
        else:
            assert "build" in service, f"{name}: neither image nor build"


def test_expected_images(services):
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["temporal"]["image"].split(":")[0] in ("temporalio/server", "temporalio/auto-setup")
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")


def test_api_and_worker_build_from_the_dockerfile_and_run_their_command(services):
    for name, argv in APP_SERVICES.items():
        service = services[name]
        build = service["build"]
        context = build if isinstance(build, str) else build.get("context", ".")
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (ROOT / context).resolve() == ROOT, f"{name}: build context {context!r}"
        assert (ROOT / context / dockerfile).resolve() == DOCKERFILE, f"{name}: dockerfile {dockerfile!r}"
        assert as_argv(service["command"]) == argv, f"{name}: command {service['command']!r}"


def test_the_commands_exist_as_the_projects_console_script(services):
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    for name in APP_SERVICES:
        assert as_argv(services[name]["command"])[0] in scripts
        assert healthcheck_argv(services[name])[0] in scripts


def test_api_and_temporal_ui_publish_their_ports(services):
    def container_ports(service):
        ports = []
        for entry in service.get("ports", []):
            target = entry["target"] if isinstance(entry, dict) else str(entry).rsplit(":", 1)[-1]
            ports.append(int(str(target).split("/")[0]))
        return ports

    assert 8000 in container_ports(services["api"])
    assert 8080 in container_ports(services["temporal-ui"])


def test_long_running_services_restart_unless_stopped(services):
    for name, service in services.items():
        if name in CORE_SERVICES:
            assert service.get("restart") == "unless-stopped", f"{name}: restart {service.get('restart')!r}"
        else:
            assert service.get("restart") == "unless-stopped" or is_one_shot(service), name


# --- compose: health checks and start-up order ----------------------------------------------------------


def test_every_long_running_service_has_a_healthcheck(services):
    for name, service in services.items():
        if is_one_shot(service):
            continue
        check = service.get("healthcheck")
        assert check and not check.get("disable"), f"{name}: no healthcheck"
        assert healthcheck_argv(service) and check["test"][0] != "NONE", f"{name}: empty healthcheck"


def test_the_healthchecks_are_the_right_ones(services):
    assert healthcheck_argv(services["api"]) == ["mentorat", "healthcheck", "api"]
    assert healthcheck_argv(services["worker"]) == ["mentorat", "healthcheck", "worker"]
    assert healthcheck_argv(services["postgres"])[0] == "pg_isready"
    # Temporal's check targets the port it serves on.
    temporal_check = " ".join(healthcheck_argv(services["temporal"]))
    assert str(TEMPORAL_PORT) in temporal_check


def test_every_dependency_waits_on_a_real_condition(services):
    for name, service in services.items():
        deps = dependencies(service)
        assert isinstance(deps, dict), f"{name}: depends_on must use the long form with a condition"
        for dep, spec in deps.items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            target = services[dep]
            condition = (spec or {}).get("condition")
            if is_one_shot(target):
                assert condition == "service_completed_successfully", f"{name} -> {dep}: {condition}"
            else:
                assert condition == "service_healthy", f"{name} -> {dep}: {condition}"
                assert target.get("healthcheck"), f"{name} waits for {dep} to be healthy, but it has no healthcheck"


def test_one_shot_jobs_are_awaited_by_someone(services):
    for name, service in services.items():
        if is_one_shot(service):
            awaited = [
                other for other, s in services.items()
                if dependencies(s).get(name, {}).get("condition") == "service_completed_successfully"
            ]
            assert awaited, f"one-shot {name} is awaited by no service"


def test_start_up_order(services):
    def waits_for(name, dep):
        return dep in dependencies(services[name])

    for name in APP_SERVICES:
        assert waits_for(name, "postgres") and waits_for(name, "temporal"), name
    assert waits_for("temporal", "postgres") or any(
        waits_for("temporal", job) and waits_for(job, "postgres") for job in dependencies(services["temporal"])
    )
    assert waits_for("temporal-ui", "temporal")


def test_no_dependency_cycle(services):
    visiting, done = set(), set()

    def visit(name):
        assert name not in visiting, f"dependency cycle through {name}"
        if name in done:
            return
        visiting.add(name)
        for dep in dependencies(services[name]):
            visit(dep)
        visiting.discard(name)
        done.add(name)

    for name in services:
        visit(name)


# --- compose: settings and secrets ----------------------------------------------------------------------


def test_no_literal_secret(services):
    for name, service in services.items():
        for key, value in environment(service).items():
            if SECRET_KEY.search(key):
                assert value is not None and ONLY_A_REFERENCE.match(value), (
                    f"{name}: {key} must be a ${{...}} reference to the environment, not a literal"
                )


def test_required_secrets_have_no_default(services):
    """`${X:-default}` would silently put a known password in production: secrets use `${X:?message}`."""
    for name, service in services.items():
        for key, value in environment(service).items():
            if SECRET_KEY.search(key):
                assert ":?" in value, f"{name}: {key}={value} must fail when unset"


def test_app_settings_are_production_ones(services):
    for name in APP_SERVICES:
        env = environment(services[name])
        assert env["MENTORAT_ENVIRONMENT"] == "production"
        assert env["MENTORAT_EVENT_STORE"] == "postgres"
        assert env["MENTORAT_API_HOST"] == "0.0.0.0"
        assert env["MENTORAT_API_PORT"] == "8000"
        assert env["MENTORAT_LOG_FORMAT"] == "json"
        assert env["MENTORAT_POSTGRES_HOST"] == "postgres"
        assert env["MENTORAT_POSTGRES_PORT"] == "5432"
        for key in ("MENTORAT_POSTGRES_DB", "MENTORAT_POSTGRES_USER", "MENTORAT_POSTGRES_PASSWORD",
                    "MENTORAT_TEMPORAL_NAMESPACE", "MENTORAT_TASK_QUEUE"):
            assert env.get(key), f"{name}: {key} unset"


def test_temporal_addresses_name_the_temporal_service_and_its_port(services):
    addresses = {name: environment(services[name])["MENTORAT_TEMPORAL_ADDRESS"] for name in APP_SERVICES}
    addresses["temporal-ui"] = environment(services["temporal-ui"])["TEMPORAL_ADDRESS"]
    for name, address in addresses.items():
        host, _, port = address.rpartition(":")
        assert host == "temporal" and int(port) == TEMPORAL_PORT, f"{name}: {address}"
    # And the server binds on all interfaces, so the other containers reach it.
    if services["temporal"]["image"].startswith("temporalio/server:"):
        assert environment(services["temporal"]).get("BIND_ON_IP") == "0.0.0.0"


def test_api_and_worker_share_one_configuration(services):
    assert environment(services["api"]) == environment(services["worker"])


def test_databases_are_consistent(compose, services):
    """The app's database is its own, created with its role; Temporal's two databases exist too."""
    app = environment(services["api"])
    temporal = environment(services["temporal"])
    app_db, app_user = app["MENTORAT_POSTGRES_DB"], app["MENTORAT_POSTGRES_USER"]
    temporal_dbs = {temporal.get("DBNAME", "temporal"), temporal.get("VISIBILITY_DBNAME", "temporal_visibility")}
    assert app_db not in temporal_dbs
    assert temporal.get("POSTGRES_SEEDS") == "postgres"

    created = set()
    postgres_env = environment(services["postgres"])
    if postgres_env.get("POSTGRES_DB"):
        created.add(postgres_env["POSTGRES_DB"])
    init_scripts = [
        compose["configs"][c["source"] if isinstance(c, dict) else c].get("content", "")
        for c in services["postgres"].get("configs", [])
    ]
    roles = {postgres_env.get("POSTGRES_USER", "postgres")}
    for script in init_scripts:
        created |= set(re.findall(r"CREATE DATABASE\s+(\w+)", script, re.IGNORECASE))
        roles |= set(re.findall(r"CREATE ROLE\s+(\w+)", script, re.IGNORECASE))
    assert app_db in created, f"nothing creates the app's database {app_db}"
    assert app_user in roles, f"nothing creates the app's role {app_user}"
    assert temporal["POSTGRES_USER"] in roles, f"nothing creates Temporal's role {temporal['POSTGRES_USER']}"
    if services["temporal"]["image"].startswith("temporalio/server:"):
        # Without auto-setup, the databases must exist before the schema job runs.
        assert temporal_dbs <= created, f"nothing creates {temporal_dbs - created}"


def test_volumes_and_configs_used_are_declared(compose, services):
    declared_volumes = set(compose.get("volumes") or {})
    declared_configs = set(compose.get("configs") or {})
    for name, service in services.items():
        for volume in service.get("volumes", []):
            if isinstance(volume, dict):
                source = volume.get("source") if volume.get("type", "volume") == "volume" else None
            else:
                source = volume.split(":")[0] if ":" in volume else None
            if source and not source.startswith((".", "/", "~", "$")):
                assert source in declared_volumes, f"{name}: volume {source} is not declared"
        for config in service.get("configs", []):
            source = config["source"] if isinstance(config, dict) else config
            assert source in declared_configs, f"{name}: config {source} is not declared"
    assert any(
        str(v).endswith(":/var/lib/postgresql/data") or (isinstance(v, dict) and v.get("target") == "/var/lib/postgresql/data")
        for v in services["postgres"].get("volumes", [])
    ), "postgres data is not on a volume"


def test_every_compose_variable_is_in_env_example():
    used = referenced_variables(COMPOSE_FILE.read_text())
    assert used, "expected the compose file to take its secrets from the environment"
    missing = used - set(env_example())
    assert not missing, f"variables used in docker-compose.yml but absent from .env.example: {sorted(missing)}"


def test_env_example_ships_no_secret():
    for key, value in env_example().items():
        if SECRET_KEY.search(key):
            assert value == "", f".env.example: {key} must be left empty for the operator to fill in"


# --- Dockerfile and .dockerignore -----------------------------------------------------------------------


def test_dockerfile_base_image_and_uv_sync():
    instructions = dockerfile_instructions()
    text = DOCKERFILE.read_text()
    bases = [args.split()[0] for keyword, args in instructions if keyword == "FROM"]
    assert bases, "no FROM"
    assert "python:3.11-slim" in text
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert re.search(r"uv sync\b[^&;]*--frozen[^&;]*--no-dev", runs), "no `uv sync --frozen --no-dev`"
    assert "/app/.venv" in text
    env = " ".join(args for keyword, args in instructions if keyword == "ENV")
    assert re.search(r"PATH=\"?/app/\.venv/bin", env), "the venv's bin/ is not on PATH"


def test_dockerfile_runs_as_non_root():
    users = [args for keyword, args in dockerfile_instructions() if keyword == "USER"]
    assert users, "no USER line: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"USER {users[-1]}"


def test_dockerfile_copies_every_package_and_the_lock():
    copied = set()
    for keyword, args in dockerfile_instructions():
        if keyword == "COPY" and "--from=" not in args:
            sources = [a for a in shlex.split(args) if not a.startswith("--")][:-1]
            copied |= {s.rstrip("/") for s in sources}
    for needed in [*PACKAGES, "pyproject.toml", "uv.lock", "README.md"]:
        assert needed in copied, f"the Dockerfile does not COPY {needed}"


def test_dockerfile_packages_match_the_wheel():
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert sorted(wheel["packages"]) == sorted(PACKAGES)


def test_copied_sources_exist_and_are_not_docker_ignored():
    for keyword, args in dockerfile_instructions():
        if keyword == "COPY" and "--from=" not in args:
            for source in [a for a in shlex.split(args) if not a.startswith("--")][:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
                assert not dockerignore_excludes(source), f"COPY {source}: excluded by .dockerignore"


def test_build_context_leaves_out_secrets_and_local_state():
    for path in [".env", ".git", ".venv", "data", "api/.env", "mentorat/__pycache__/cli.cpython-311.pyc"]:
        assert dockerignore_excludes(path), f"{path} would be sent to the Docker build context"


def test_dockerfile_bakes_in_no_secret():
    for keyword, args in dockerfile_instructions():
        if keyword in ("ENV", "ARG"):
            assert not SECRET_KEY.search(args), f"{keyword} {args}"
        if keyword in ("COPY", "ADD"):
            assert ".env" not in shlex.split(args), f"{keyword} {args}"
