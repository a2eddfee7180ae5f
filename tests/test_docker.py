"""docker/: the image, the compose file of the scaled platform and its load balancer, checked against the project.

No container runs here: each test reads a file of docker/ (or the root .dockerignore) and checks one thing it
names against the project itself (the command line, the settings, the routes, pyproject.toml), so a rename on
either side fails here instead of at `docker compose up`.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import json
import re
import shlex
import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import click
import httpx
import pytest
import yaml

from chargeassist.app import create_app
from chargeassist.cli import main
from chargeassist.demo import demo_locations
from chargeassist.services._seed import DEMO_CHARGE_POINTS
from chargeassist.settings import Settings
from chargeassist.simulator import Fleet, StationConfig
from tests._live import DEMO_OPERATOR_KEY, live_server
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"

# Ports the images of compose.yaml listen on by default (postgres:16, redis:7): not configured in this project.
IMAGE_PORTS = {"postgres:16": 5432, "redis:7": 6379}


# --- reading the files ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction: its keyword (upper case) and the rest of its line, continuations joined."""

    keyword: str
    rest: str

    def exec_form(self) -> list[str]:
        """The JSON array of an exec-form instruction (ENTRYPOINT, CMD, HEALTHCHECK's CMD)."""
        found = json.loads(self.rest[self.rest.index("[") :])
        assert isinstance(found, list), f"{self.keyword} is not in exec form: {self.rest}"
        return [str(item) for item in found]


def dockerfile_stages() -> list[list[Instruction]]:
    """The Dockerfile's instructions, one list per stage (each starting with its FROM)."""
    joined = re.sub(r"\\\n", " ", (DOCKER / "Dockerfile").read_text(encoding="utf-8"))
    stages: list[list[Instruction]] = []
    for line in joined.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        keyword, _, rest = stripped.partition(" ")
        instruction = Instruction(keyword.upper(), rest.strip())
        if instruction.keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def runtime_stage() -> list[Instruction]:
    """The final stage: what the image is."""
    return dockerfile_stages()[-1]


def only(stage: list[Instruction], keyword: str) -> Instruction:
    """The one instruction of that keyword in the stage (the last counts, as in Docker)."""
    found = [instruction for instruction in stage if instruction.keyword == keyword]
    assert found, f"no {keyword} in the stage"
    return found[-1]


def compose() -> dict[str, Any]:
    """docker/compose.yaml as compose reads it (YAML merge keys resolved)."""
    document = yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def services() -> dict[str, dict[str, Any]]:
    """The services of compose.yaml."""
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def interpolated(value: Any) -> str:
    """A compose value with ``${NAME:-default}`` (or ``${NAME-default}``) taken at its default."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", r"\1", str(value))


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's environment, as a mapping whichever form compose.yaml gives it in."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.partition("=")[::2] for item in raw)
    return {str(name): interpolated(value) for name, value in raw.items()}


def command_line(service: Mapping[str, Any]) -> list[str]:
    """What a chargeassist container of compose.yaml runs: its entry point, then its command (the image's when
    compose.yaml gives none)."""
    entrypoint = service.get("entrypoint") or only(runtime_stage(), "ENTRYPOINT").exec_form()
    command = service.get("command")
    if command is None:
        command = [] if "entrypoint" in service else only(runtime_stage(), "CMD").exec_form()
    return [*words_of(entrypoint), *words_of(command)]


def words_of(value: str | list[Any]) -> list[str]:
    """A compose command or entry point as a list of words (compose splits a string like a shell)."""
    return shlex.split(value) if isinstance(value, str) else [str(word) for word in value]


def chargeassist_services() -> dict[str, dict[str, Any]]:
    """The services that run the project's image."""
    image = services()["api"]["image"]
    return {name: service for name, service in services().items() if service.get("image") == image}


def parse_cli(argv: list[str]) -> tuple[str, dict[str, Any]]:
    """Parse ``chargeassist ...`` the way the command line would, without running it: the command reached
    (``db upgrade``) and its parsed options. Unknown commands or options and out-of-range values raise."""
    assert argv[0] == "chargeassist", argv
    command: click.Command = main
    words = list(argv[1:])
    path: list[str] = []
    while isinstance(command, click.Group):
        name = words.pop(0)
        found = command.get_command(click.Context(command), name)
        assert found is not None, f"chargeassist has no command {' '.join([*path, name])}"
        command = found
        path.append(name)
    context = command.make_context(" ".join(path), words)
    return " ".join(path), dict(context.params)


def api_port() -> int:
    """The port the api replicas serve on: ``--port`` of their ``chargeassist serve``."""
    name, params = parse_cli(command_line(services()["api"]))
    assert name == "serve"
    port: int = params["port"]
    return port


def haproxy_lines() -> list[list[str]]:
    """docker/haproxy.cfg, one list of words per line, comments and blank lines left out."""
    lines = []
    for line in (DOCKER / "haproxy.cfg").read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            lines.append(words)
    return lines


def haproxy_servers() -> list[tuple[str, int]]:
    """The (host, port) of every backend server and server template of the load balancer."""
    found = []
    for words in haproxy_lines():
        if words[0] == "server":
            address = words[2]
        elif words[0] == "server-template":
            address = words[3]
        else:
            continue
        host, _, port = address.rpartition(":")
        found.append((host, int(port)))
    return found


def haproxy_bound_ports() -> set[int]:
    """The ports the load balancer listens on (its ``bind`` lines)."""
    return {int(words[1].rpartition(":")[2]) for words in haproxy_lines() if words[0] == "bind"}


def listening_ports() -> dict[str, set[int]]:
    """The ports each service of compose.yaml listens on inside the compose network."""
    found: dict[str, set[int]] = {}
    for name, service in services().items():
        if name == "api":
            found[name] = {api_port()}
        elif service.get("image", "").startswith("haproxy:"):
            found[name] = haproxy_bound_ports()
        elif service.get("image") in IMAGE_PORTS:
            found[name] = {IMAGE_PORTS[service["image"]]}
        else:
            found[name] = set()
    return found


class RecordingEnviron(Mapping[str, str]):
    """An environment that remembers every variable name it was asked for."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = dict(values or {})
        self.asked: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def setting_variables() -> set[str]:
    """Every ``CHARGEASSIST_*`` variable the settings read, their groups' included: the names asked for while
    building settings from an empty environment (each field's variable is looked up, present or not)."""
    environ = RecordingEnviron()
    Settings.from_env(environ)
    return {name for name in environ.asked if name.startswith("CHARGEASSIST_")}


def docker_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regular expression: ``*`` and ``?`` stay within one path element, ``**``
    spans any number of them (Go's filepath.Match, as Docker extends it)."""
    expression = ""
    position = 0
    while position < len(pattern):
        if pattern.startswith("**/", position):
            expression, position = expression + "(?:.*/)?", position + 3
        elif pattern.startswith("**", position):
            expression, position = expression + ".*", position + 2
        elif pattern[position] == "*":
            expression, position = expression + "[^/]*", position + 1
        elif pattern[position] == "?":
            expression, position = expression + "[^/]", position + 1
        elif pattern[position] == "[":
            close = pattern.index("]", position)
            expression, position = expression + pattern[position : close + 1], close + 1
        else:
            expression, position = expression + re.escape(pattern[position]), position + 1
    return re.compile(expression)


def dockerignore_excludes(path: str) -> bool:
    """Whether the root .dockerignore keeps ``path`` (relative to the context) out of the build context: the last
    pattern matching it or one of its parent directories decides, ``!`` letting it back in."""
    excluded = False
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        expression = docker_pattern(pattern.lstrip("!").strip("/"))
        if any(expression.fullmatch(prefix) for prefix in prefixes):
            excluded = not negated
    return excluded


def pyproject() -> dict[str, Any]:
    """pyproject.toml."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@functools.cache
def load_simulator() -> ModuleType:
    """docker/simulator.py, the simulator service's script, imported from its file (once: registered as a module,
    as its dataclasses need)."""
    spec = importlib.util.spec_from_file_location("docker_simulator", DOCKER / "simulator.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --- the image --------------------------------------------------------------------------------------------------------


def test_the_image_is_built_in_two_stages_on_a_slim_python() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    for stage in stages:
        image = stage[0].rest.split()[0]
        assert image.startswith("python:"), image
        assert image.endswith("-slim"), image


def test_the_image_python_is_one_the_project_supports() -> None:
    declared = re.search(r"^ARG PYTHON_VERSION=(\d+)\.(\d+)$", (DOCKER / "Dockerfile").read_text(), re.MULTILINE)
    assert declared is not None
    lowest = re.fullmatch(r">=(\d+)\.(\d+)", pyproject()["project"]["requires-python"])
    assert lowest is not None
    assert (int(declared[1]), int(declared[2])) >= (int(lowest[1]), int(lowest[2]))


def test_the_runtime_stage_takes_nothing_from_the_source_tree() -> None:
    copies = [instruction for instruction in runtime_stage() if instruction.keyword in ("COPY", "ADD")]
    assert copies == []


def test_the_runtime_stage_installs_the_project_from_the_builders_wheels_only() -> None:
    name = pyproject()["project"]["name"]
    installs = [
        instruction.rest
        for instruction in runtime_stage()
        if instruction.keyword == "RUN" and "pip install" in instruction.rest
    ]
    assert len(installs) == 1
    words = shlex.split(installs[0])
    assert "--no-index" in words
    assert "from=builder" in installs[0]
    assert words[-1] == name


def test_the_builder_copies_what_the_wheel_is_made_of() -> None:
    project = pyproject()
    copied = {
        source
        for instruction in dockerfile_stages()[0]
        if instruction.keyword == "COPY"
        for source in instruction.rest.split()[:-1]
    }
    needed = {
        "pyproject.toml",
        project["project"]["readme"],
        *project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"],
    }
    assert needed <= copied


def test_the_builder_builds_the_wheel_of_the_project() -> None:
    builds = [instruction.rest for instruction in dockerfile_stages()[0] if instruction.keyword == "RUN"]
    assert any(re.fullmatch(r"pip wheel (--wheel-dir|-w) \S+ \.", command) for command in builds), builds


def test_the_build_context_keeps_what_the_builder_copies() -> None:
    sources = [
        source
        for instruction in dockerfile_stages()[0]
        if instruction.keyword == "COPY"
        for source in instruction.rest.split()[:-1]
    ]
    assert [source for source in sources if dockerignore_excludes(source)] == []


def test_the_build_context_leaves_out_tests_and_local_files() -> None:
    left_out = [".venv/bin/python", "tests/conftest.py", "bench/search.py", "chargeassist.db", ".git/HEAD"]
    assert [path for path in left_out if not dockerignore_excludes(path)] == []


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    user = only(runtime_stage(), "USER").rest.split(":")[0]
    assert user not in ("root", "0", "")


def test_the_entry_point_runs_chargeassist_serve_with_options_it_has() -> None:
    argv = [*only(runtime_stage(), "ENTRYPOINT").exec_form(), *only(runtime_stage(), "CMD").exec_form()]
    name, params = parse_cli(argv)
    assert name == "serve"
    assert params["host"] == "0.0.0.0"


def test_the_image_exposes_the_port_it_serves_on() -> None:
    _, params = parse_cli([*only(runtime_stage(), "ENTRYPOINT").exec_form(), *only(runtime_stage(), "CMD").exec_form()])
    assert only(runtime_stage(), "EXPOSE").rest.split() == [str(params["port"])]


def test_the_health_check_asks_a_route_of_the_app_on_the_served_port(sqlite_url: str) -> None:
    check = only(runtime_stage(), "HEALTHCHECK")
    program = check.exec_form()
    url = urlsplit(re.findall(r"https?://[^'\"]+", " ".join(program))[0])
    _, params = parse_cli([*only(runtime_stage(), "ENTRYPOINT").exec_form(), *only(runtime_stage(), "CMD").exec_form()])
    routes = {route.path for route in create_app(make_settings(sqlite_url)).routes}
    assert program[:2] == ["python", "-c"]
    assert (url.path, url.port) == ("/v1/health", params["port"])
    assert url.path in routes


# --- the compose file -----------------------------------------------------------------------------------------------


def test_every_service_depended_on_exists() -> None:
    found = services()
    missing = {
        (name, needed)
        for name, service in found.items()
        for needed in service.get("depends_on", {})
        if needed not in found
    }
    assert missing == set()


def test_postgres_and_redis_are_waited_for_until_healthy() -> None:
    found = services()
    for name, service in chargeassist_services().items():
        for needed, condition in service.get("depends_on", {}).items():
            if needed in ("postgres", "redis"):
                assert condition == {"condition": "service_healthy"}, (name, needed)
                assert "healthcheck" in found[needed], needed


def test_the_api_waits_for_the_migration_to_finish() -> None:
    migrate = services()["migrate"]
    assert parse_cli(command_line(migrate))[0] == "db upgrade"
    assert services()["api"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_every_chargeassist_command_of_the_compose_file_is_one_the_command_line_has() -> None:
    commands = {
        name: parse_cli(command_line(service))[0]
        for name, service in chargeassist_services().items()
        if command_line(service)[0] == "chargeassist"
    }
    assert commands == {"api": "serve", "migrate": "db upgrade"}


def test_every_chargeassist_variable_of_the_compose_file_is_a_setting() -> None:
    known = setting_variables()
    named = {
        (service_name, variable)
        for service_name, service in services().items()
        for variable in environment(service)
        if variable.startswith("CHARGEASSIST_")
    }
    assert named, "the compose file names no setting"
    assert {entry for entry in named if entry[1] not in known} == set()


def test_the_setting_variables_are_found_in_the_groups_too() -> None:
    # The derivation above must see the groups' own names, or it would refuse CHARGEASSIST_REDIS_URL.
    assert {"CHARGEASSIST_REDIS_URL", "CHARGEASSIST_BUS_COMMANDS", "CHARGEASSIST_STRIPE_API_KEY"} <= setting_variables()


def test_the_api_environment_makes_settings_that_cross_processes() -> None:
    settings = Settings.from_env(environment(services()["api"]))
    assert not settings.is_sqlite
    assert settings.bus.crosses_processes
    assert settings.rate_limit_backend == "redis"


def test_the_migration_uses_the_store_of_the_api() -> None:
    api, migrate = environment(services()["api"]), environment(services()["migrate"])
    assert migrate["CHARGEASSIST_DATABASE_URL"] == api["CHARGEASSIST_DATABASE_URL"]


def test_the_api_runs_several_processes() -> None:
    assert services()["api"]["deploy"]["replicas"] >= 2


def test_every_address_in_the_environment_names_a_service_and_a_port_it_listens_on() -> None:
    ports = listening_ports()
    addresses = {
        (name, variable, value)
        for name, service in services().items()
        for variable, value in environment(service).items()
        if re.match(r"^[a-z+]+://", value) and urlsplit(value).hostname != "localhost"
    }
    assert addresses
    wrong = {
        (name, variable, value)
        for name, variable, value in addresses
        if urlsplit(value).hostname not in ports or urlsplit(value).port not in ports[str(urlsplit(value).hostname)]
    }
    assert wrong == set()


def test_the_charge_points_connect_through_the_load_balancer() -> None:
    api, simulator = environment(services()["api"]), environment(services()["simulator"])
    for url in (api["CHARGEASSIST_DEMO_OCPP_URL"], simulator["SIMULATOR_OCPP_URL"]):
        assert urlsplit(url).hostname == "lb"
        assert urlsplit(url).path == "/ocpp"


def test_the_files_the_compose_file_mounts_exist() -> None:
    mounted = [
        volume.split(":")[0]
        for service in services().values()
        for volume in service.get("volumes", [])
        if volume.startswith(".")
    ]
    assert mounted
    assert [source for source in mounted if not (DOCKER / source).is_file()] == []


def test_the_named_volumes_are_declared() -> None:
    declared = set(compose().get("volumes") or {})
    used = {
        volume.split(":")[0]
        for service in services().values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used - declared == set()


def soft_file_limit(service: Mapping[str, Any]) -> int:
    """The soft limit of open files compose.yaml gives a service."""
    nofile = service["ulimits"]["nofile"]
    return int(nofile["soft"] if isinstance(nofile, dict) else nofile)


def test_an_api_process_may_open_as_many_connections_as_its_cap() -> None:
    api = services()["api"]
    cap = Settings.from_env(environment(api)).http_max_connections
    # Beyond the connections: the store's pool, Redis, log and library files.
    assert soft_file_limit(api) > cap + 100


def test_the_load_balancer_may_open_two_descriptors_per_connection_it_takes() -> None:
    maxconn = next(int(words[1]) for words in haproxy_lines() if words[0] == "maxconn")
    assert soft_file_limit(services()["lb"]) >= 2 * maxconn


def test_the_image_is_built_from_the_repository_root_with_this_dockerfile() -> None:
    build = services()["api"]["build"]
    context = (DOCKER / build["context"]).resolve()
    assert context == ROOT
    assert (context / build["dockerfile"]).resolve() == DOCKER / "Dockerfile"


# --- the load balancer ----------------------------------------------------------------------------------------------


def test_the_load_balancer_sends_to_services_that_exist_on_the_port_they_serve() -> None:
    servers = haproxy_servers()
    ports = listening_ports()
    assert servers
    assert [(host, port) for host, port in servers if host not in ports or port not in ports[host]] == []


def test_the_load_balancer_has_a_slot_for_every_api_replica() -> None:
    slots = sum(int(words[2].rpartition("-")[2]) for words in haproxy_lines() if words[0] == "server-template")
    assert slots >= services()["api"]["deploy"]["replicas"]


def test_the_load_balancer_publishes_the_port_it_listens_on() -> None:
    published = {int(str(port).split(":")[-1]) for port in services()["lb"]["ports"]}
    assert published == haproxy_bound_ports()


def test_the_load_balancer_checks_the_replicas_on_the_health_route() -> None:
    checks = [words for words in haproxy_lines() if words[:2] == ["http-check", "send"]]
    assert checks
    assert checks[0][checks[0].index("uri") + 1] == "/v1/health"


def test_a_websocket_outlasts_a_heartbeat_interval_of_silence() -> None:
    timeouts = {words[1]: words[2] for words in haproxy_lines() if words[0] == "timeout"}
    tunnel = timeouts["tunnel"]
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = re.fullmatch(r"(\d+)([a-z]*)", tunnel).groups()  # type: ignore[union-attr]
    assert int(number) * units[unit or "ms"] > Settings().ocpp_heartbeat_interval_s


def test_the_load_balancer_is_not_sticky() -> None:
    assert [words for words in haproxy_lines() if words[0] in ("stick", "stick-table", "cookie", "hash-type")] == []


# --- the simulated charge points ------------------------------------------------------------------------------------


def test_the_simulator_stations_are_on_evses_no_demo_charge_point_holds() -> None:
    stations = load_simulator().plan_stations(400, 2)
    held = {uid for evses in DEMO_CHARGE_POINTS.values() for uid in evses}
    assert {uid for station in stations for uid in station.evses} & held == set()


def test_the_simulator_uses_each_evse_once() -> None:
    stations = load_simulator().plan_stations(400, 2)
    used = [uid for station in stations for uid in station.evses]
    assert len(used) == len(set(used)) == 800


def test_each_simulated_station_is_at_one_location() -> None:
    location_of = {evse["uid"]: location["id"] for location in demo_locations() for evse in location.get("evses", [])}
    stations = load_simulator().plan_stations(400, 2)
    assert [station for station in stations if len({location_of[uid] for uid in station.evses}) != 1] == []


def test_more_stations_than_the_demo_has_free_evses_for_are_refused() -> None:
    simulator = load_simulator()
    with pytest.raises(simulator.SimulatorError, match="SIMULATOR_STATIONS=5000"):
        simulator.plan_stations(5000, 2)


def test_the_simulator_registers_the_ids_chargeassist_simulate_connects_as() -> None:
    simulator = load_simulator()
    stations = simulator.plan_stations(12, 2)
    _, params = parse_cli(simulator.simulate_command("ws://lb:8000/ocpp", stations, 2))
    fleet = Fleet.numbered(
        params["url"], params["stations"], id_prefix=params["id_prefix"], first_index=params["first_index"]
    )
    assert [station.config.charge_point_id for station in fleet.stations] == [s.charge_point_id for s in stations]
    assert params["connectors"] == 2


def test_the_simulator_service_settings_are_ones_the_script_accepts() -> None:
    simulator = load_simulator()
    env = environment(services()["simulator"])
    stations = simulator.plan_stations(int(env["SIMULATOR_STATIONS"]), int(env["SIMULATOR_CONNECTORS"]))
    assert len(stations) == int(env["SIMULATOR_STATIONS"])
    assert 16 <= len(env["SIMULATOR_PASSWORD"]) <= 64


def test_a_short_simulator_password_is_refused_before_anything_is_sent() -> None:
    simulator = load_simulator()
    with pytest.raises(simulator.SimulatorError, match="SIMULATOR_PASSWORD"):
        simulator.main({"SIMULATOR_PASSWORD": "short", "SIMULATOR_API_URL": "http://127.0.0.1:9"})


def test_registered_simulated_stations_get_in_and_boot(sqlite_url: str) -> None:
    simulator = load_simulator()
    stations = simulator.plan_stations(3, 2)
    password = "simulated-charge-point-password"

    async def boot(ocpp_url: str) -> list[bool]:
        template = StationConfig(charge_point_id="template", url=ocpp_url, password=password, connector_count=2)
        async with Fleet.numbered(ocpp_url, len(stations), template=template) as fleet:
            await fleet.wait_booted(timeout_s=30)
            return [station.booted for station in fleet.stations]

    with live_server(sqlite_url) as base_url:
        with httpx.Client(base_url=base_url, timeout=10.0) as client:
            simulator.register(client, stations, operator_key=DEMO_OPERATOR_KEY, password=password, wait_s=0)
        booted = asyncio.run(boot(base_url.replace("http://", "ws://") + "/ocpp"))
    assert booted == [True, True, True]


def test_a_registration_the_api_refuses_stops_at_once(sqlite_url: str) -> None:
    simulator = load_simulator()
    stations = simulator.plan_stations(1, 2)
    with (
        live_server(sqlite_url) as base_url,
        httpx.Client(base_url=base_url, timeout=10.0) as client,
        pytest.raises(simulator.SimulatorError, match="refused"),
    ):
        simulator.register(client, stations, operator_key="not-an-operator-key", password="x" * 16, wait_s=60)
