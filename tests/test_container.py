"""The container, checked without a container engine (none on the machines or in CI).

What would otherwise be found only when someone builds or deploys: a Dockerfile that lints dirty, a compose
file Docker would reject, an image installed differently from `make install` (another torch, unlocked
packages), a lock that no longer matches pyproject.toml, a compiler or root in the final image, a CMD or a
healthcheck port that drifted from the README's production command, a secret baked in or defaulted.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COMPILERS = re.compile(r"\b(gcc|g\+\+|cc|c\+\+|clang|build-essential|make|cmake|gfortran)\b")
SECRET_NAMES = re.compile(r"SECRET|TOKEN|PASSWORD")


def _tool(name: str) -> str:
    """A dev tool installed beside this Python (.venv/bin), else on PATH; the test fails without it."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed: it is a dev dependency (make install)"
    return found


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def last(self, keyword: str) -> str | None:
        found = self.all(keyword)
        return found[-1] if found else None


def parse_dockerfile(text: str) -> list[Stage]:
    """The Dockerfile's stages, each with its (KEYWORD, arguments) instructions, continuations joined."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        elif stages:
            stages[-1].instructions.append((keyword, args.strip()))
    return stages


def exec_form(args: str) -> list[str]:
    """A CMD/ENTRYPOINT's words (JSON exec form, or shell form split as sh would)."""
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def env_of(stage: Stage) -> dict[str, str]:
    env: dict[str, str] = {}
    for args in stage.all("ENV"):
        for word in shlex.split(args):
            name, _, value = word.partition("=")
            env[name] = value
    return env


def lock_entries(path: Path) -> dict[str, tuple[str, int]]:
    """{canonical name: (pinned version, number of hashes)} of a hashed requirements file."""
    entries: dict[str, tuple[str, int]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        pin = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", line)
        if pin:
            current = canonicalize_name(pin.group(1))
            entries[current] = (pin.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
    return entries


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_dockerfile((REPO / "Dockerfile").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))


def test_dockerfile_passes_hadolint() -> None:
    command = [_tool("hadolint"), "--no-color"]
    if (REPO / ".hadolint.yaml").exists():
        command += ["--config", str(REPO / ".hadolint.yaml")]
    done = subprocess.run([*command, "Dockerfile"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "compose.yaml"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_make_install_and_the_image_both_install_with_scripts_install_from_the_same_lock(stages) -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    stamp = re.search(r"^\$\(STAMP\):(.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert stamp, "the Makefile has no $(STAMP) rule"
    assert "requirements.lock" in stamp.group(1).split(), "make install does not rerun when the lock changes"
    assert re.search(r"^\tPYTHON=\$\(PYTHON\) scripts/install --dev \$\(VENV\)$", stamp.group(2), re.M)
    install_runs = [args for stage in stages for args in stage.all("RUN") if "scripts/install" in args]
    assert install_runs, "the Dockerfile does not run scripts/install"
    copied = " ".join(args for stage in stages for args in stage.all("COPY"))
    assert "requirements.lock" in copied.split() and "scripts/install" in copied.split()
    # Neither may install packages another way around the lock.
    assert "pip install" not in makefile
    assert not [args for stage in stages for args in stage.all("RUN") if re.search(r"pip3?\s+install", args)]
    script = (REPO / "scripts" / "install").read_text(encoding="utf-8")
    assert "requirements.lock" in script and "--require-hashes" in script and "--no-deps" in script


def test_image_command_is_the_production_command_in_the_readme(stages) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"production command[^`]*`(fanzha run[^`]*)`", readme)
    assert found, "README names no production command (`fanzha run …`)"
    cmd = stages[-1].last("CMD")
    assert cmd and stages[-1].last("ENTRYPOINT") is None
    assert exec_form(cmd) == shlex.split(found.group(1))


def test_image_healthcheck_asks_healthz_on_the_port_the_command_serves_it(stages) -> None:
    final = stages[-1]
    assert final.last("HEALTHCHECK") and "HEALTHCHECK_URL" in final.last("HEALTHCHECK")
    url = urlsplit(env_of(final)["HEALTHCHECK_URL"])
    assert url.path == "/healthz"
    words = exec_form(final.last("CMD"))
    port = words[words.index("--port" if "--webhook" in words else "--health-port") + 1]
    assert url.port == int(port)


def test_final_stage_has_no_compiler_and_runs_as_a_user_that_is_not_root(stages) -> None:
    assert len(stages) >= 2, "the Dockerfile is not multi-stage"
    builder, final = stages[0], stages[-1]
    # The virtualenv's python is a link to the base image's: both stages must start from the same image.
    assert final.base == builder.base and builder.name
    assert re.search(r":[\w.]*-slim(\b|-)", final.base), f"{final.base}: not a slim image (full ones ship gcc)"
    assert any(f"--from={builder.name}" in args for args in final.all("COPY"))
    for args in final.all("RUN"):
        assert not ("install" in args and COMPILERS.search(args)), f"compiler installed in the final stage: {args}"
    user = final.last("USER")
    assert user and user.split(":")[0] not in {"root", "0"}
    # USER applies to what follows: CMD and HEALTHCHECK must come after it.
    keywords = [kw for kw, _ in final.instructions]
    assert keywords.index("USER") < keywords.index("CMD")


def test_no_secret_is_baked_into_the_image(stages) -> None:
    for stage in stages:
        for args in stage.all("ENV") + stage.all("ARG"):
            assert not SECRET_NAMES.search(args), f"a secret in the Dockerfile: {args}"


def _interpolated(value: str) -> str:
    """A compose value with each ${VAR…} replaced by a placeholder, as compose would with VAR set."""
    return re.sub(r"\$\{[^}]*\}", "set", value)


def _pins(requirements: list[str]) -> list[Requirement]:
    return [Requirement(line) for line in requirements]


def test_the_locks_hold_every_pyproject_dependency_at_its_pinned_version() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = lock_entries(REPO / "requirements.lock")
    dev = lock_entries(REPO / "requirements-dev.lock")
    assert not set(runtime) & set(dev), "requirements-dev.lock repeats packages of requirements.lock"
    wanted = [(requirement, runtime) for requirement in _pins(project["project"]["dependencies"])]
    extras = project["project"]["optional-dependencies"]["dev"]
    wanted += [(requirement, runtime | dev) for requirement in _pins(extras)]
    # Built with --no-build-isolation: the build backend comes from the lock too.
    wanted += [(requirement, runtime) for requirement in _pins(project["build-system"]["requires"])]
    for requirement, lock in wanted:
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement} is not in the lock: run `make lock`"
        version, hashes = lock[name]
        assert requirement.specifier.contains(Version(version), prereleases=True), \
            f"pyproject wants {requirement}, the lock has {version}: run `make lock`"
        assert hashes, f"{name} has no hash in the lock"
    assert all(hashes for _, hashes in (runtime | dev).values())
    # torch's CPU build: PyPI's Linux wheel of the same version is a CUDA build.
    assert Version(runtime["torch"][0]).local == "cpu"
    assert not [name for name in runtime | dev if name.startswith(("nvidia-", "triton"))]


def test_compose_runs_two_webhook_instances_behind_one_proxy_with_the_shared_state(compose) -> None:
    services = compose["services"]
    bots = {name: service for name, service in services.items()
            if "fanzha" in " ".join(service.get("command", []))}
    assert len(bots) >= 2
    urls = set()
    for name, bot in bots.items():
        words = bot["command"]
        assert "--webhook" in words and words[words.index("--listen") + 1] == "0.0.0.0", name
        urls.add(words[words.index("--url") + 1])
        env = bot["environment"]
        database = urlsplit(_interpolated(env["FANZHA_DATABASE_URL"]))
        assert database.scheme.startswith("postgresql") and database.hostname in services, name
        assert "postgres" in services[database.hostname]["image"]
        redis = urlsplit(env["FANZHA_RATE_LIMIT_STORAGE"])
        assert redis.scheme == "redis" and "redis" in services[redis.hostname]["image"], name
        port = words[words.index("--port") + 1]
        assert urlsplit(env["HEALTHCHECK_URL"]).port == int(port) and env["HEALTHCHECK_URL"].endswith("/healthz")
        for dependency in (database.hostname, redis.hostname):
            assert bot["depends_on"][dependency]["condition"] == "service_healthy"
    assert len(urls) == 1, "the instances must register one webhook address"
    proxies = [service for service in services.values() if "ports" in service]
    assert len(proxies) == 1, "one published address"
    nginx = compose["configs"][proxies[0]["configs"][0]["source"]]["content"]
    upstream = set(re.findall(r"server\s+([\w-]+):(\d+)", nginx))
    assert upstream == {(name, bot["command"][bot["command"].index("--port") + 1]) for name, bot in bots.items()}
    for name, service in services.items():
        assert "healthcheck" in service or name in bots, f"{name} has no healthcheck (bots use the image's)"


def test_compose_takes_every_secret_from_the_environment_without_a_default(compose) -> None:
    seen = 0
    for service in compose["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if SECRET_NAMES.search(name) or (isinstance(value, str) and "PASSWORD" in value):
                seen += 1
                for reference in re.findall(r"\$\{([^}]*)\}", str(value)) or [None]:
                    assert reference and re.fullmatch(r"\w+:\?.+", reference), f"{name}={value}: not ${{VAR:?…}}"
    assert seen >= 4
