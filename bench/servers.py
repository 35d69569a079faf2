"""The three servers the benchmark runs: ours, the original freezer-api 19.0.0, and a bare Falcon app.

Each `start_*` writes its configuration into a run directory, starts the
server on 127.0.0.1 and a free port, and returns once it answers.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

from bench import processes
from bench.ceiling import DOCUMENT_ENV
from bench.processes import Server
from freezer_api.conf.api import DEFAULT_THREADS_PER_WORKER

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
ORIGINAL_VENV = BENCH_DIR / ".venv-original"
ORIGINAL_REQUIREMENTS = ["freezer-api==19.0.0", "uwsgi>=2.0,<2.1"]
ORIGINAL_LOGGERS = ("freezer_api", "oslo_policy", "oslo_middleware", "oslo_db", "sqlalchemy", "alembic", "stevedore")


# -- ours ---------------------------------------------------------------------


def write_ours_config(
    run_dir: Path, database_url: str, *, port: int = 9090, workers: int = 2, options: dict[str, str] | None = None
) -> Path:
    """noauth, WARNING, the database; `options` ("group.name" or "name" -> value) override or add."""
    settings = {
        "DEFAULT": {
            "auth_strategy": "noauth",
            "bind_host": "127.0.0.1",
            "bind_port": str(port),
            "workers": str(workers),
            "log_level": "WARNING",
        },
        "database": {"connection": database_url},
    }
    for key, value in (options or {}).items():
        group, _, name = key.rpartition(".")
        settings.setdefault(group or "DEFAULT", {})[name] = value
    config = run_dir / "freezer-api.conf"
    with open(config, "w") as out:
        for group, values in settings.items():
            out.write(f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in values.items()))
    return config


def start_ours(
    run_dir: Path,
    database_url: str,
    *,
    workers: int,
    options: dict[str, str] | None = None,
    wsgi_server: str = "granian",
) -> Server:
    """`freezer-api` itself (granian), or our WSGI `application` under the original's uWSGI.

    Both get the same workers and threads.
    """
    port = processes.free_port()
    config = write_ours_config(run_dir, database_url, port=port, workers=workers, options=options)
    command = [sys.executable, "-m", "freezer_api.cmd.api", "--config-file", str(config)]
    env = {"FREEZER_API_DATA_DIR": str(run_dir / "data")}
    if wsgi_server == "uwsgi":
        command = uwsgi_command(
            ensure_original_venv() / "uwsgi",
            port,
            workers=workers,
            threads=threads_per_worker(options),
            module="freezer_api.cmd.api:application",
            virtualenv=sys.prefix,
        )
        env["FREEZER_API_CONFIG_FILES"] = str(config)
    return processes.start(
        "ours", command, port=port, log_file=run_dir / "ours.log", env=env, ready_path="/healthcheck"
    )


def threads_per_worker(options: dict[str, str] | None) -> int:
    """Our server's threads per worker process under these `--set` options."""
    return int((options or {}).get("api.threads_per_worker", DEFAULT_THREADS_PER_WORKER))


def uwsgi_command(
    uwsgi: Path, port: int, *, workers: int, threads: int, module: str, virtualenv: str | None = None
) -> list[str]:
    """uWSGI serving `module` (module:callable) over keep-alive HTTP on 127.0.0.1.

    One app per worker, no request log.
    """
    command = [
        str(uwsgi),
        "--http11-socket",
        f"127.0.0.1:{port}",
        "--pythonpath",
        str(REPO_DIR),
        "--master",
        "--processes",
        str(workers),
        "--threads",
        str(threads),
        "--lazy-apps",
        "--need-app",
        "--die-on-term",
        "--disable-logging",
        "--module",
        module,
    ]
    return [*command, "--virtualenv", virtualenv] if virtualenv else command


# -- the original -------------------------------------------------------------


def ensure_original_venv(progress=print) -> Path:
    """bench/.venv-original with freezer-api 19.0.0 and uWSGI from PyPI (never imported by us)."""
    python = ORIGINAL_VENV / "bin" / "python"
    if not (ORIGINAL_VENV / "bin" / "uwsgi").exists():
        progress(f"installing {' '.join(ORIGINAL_REQUIREMENTS)} into {ORIGINAL_VENV} (uWSGI compiles: a few minutes)")
        subprocess.run([sys.executable, "-m", "venv", str(ORIGINAL_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *ORIGINAL_REQUIREMENTS], check=True)
    return ORIGINAL_VENV / "bin"


def _original_paste_config(run_dir: Path) -> Path:
    """The installed package's paste pipeline, with auth_token swapped for the header filter."""
    installed = ORIGINAL_VENV / "etc" / "freezer" / "freezer-paste.ini"
    paste = configparser.RawConfigParser()
    paste.optionxform = str  # keep the case of keys such as /v2
    paste.read(installed)
    pipeline = paste["pipeline:api"]["pipeline"].split()
    pipeline[pipeline.index("authtoken")] = "trust_headers"
    paste["pipeline:api"]["pipeline"] = " ".join(pipeline)
    paste["filter:trust_headers"] = {"paste.filter_factory": "trust_headers:filter_factory"}
    paste["app:healthcheck"]["disable_by_file_path"] = str(run_dir / "healthcheck-disabled")
    path = run_dir / "freezer-paste.ini"
    with open(path, "w") as out:
        paste.write(out)
    return path


def write_original_config(run_dir: Path, database_url: str) -> Path:
    config = run_dir / "original-freezer-api.conf"
    config.write_text(
        "[DEFAULT]\n"
        "debug = false\n"
        # WARNING, as ours runs: no line per request.
        f"default_log_levels = {','.join(name + '=WARN' for name in ORIGINAL_LOGGERS)}\n"
        f"log_file = {run_dir / 'original-app.log'}\n"
        "[paste_deploy]\n"
        f"config_file = {_original_paste_config(run_dir)}\n"
        "[storage]\n"
        "backend = sqlalchemy\n"
        "driver = sqlalchemy\n"
        "[database]\n"
        f"connection = {database_url}\n"
    )
    return config


def sync_original_database(run_dir: Path, database_url: str) -> None:
    """Create the original's tables with its own `freezer-manage db sync`."""
    bin_dir = ensure_original_venv()
    config = write_original_config(run_dir, database_url)
    subprocess.run(
        [str(bin_dir / "freezer-manage"), "--config-file", str(config), "db", "sync"],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=run_dir,
    )


def start_original(run_dir: Path, database_url: str, *, processes_: int = 2, threads: int = 2) -> Server:
    """uWSGI, 2 processes x 2 threads, keep-alive HTTP on 127.0.0.1, no request log."""
    bin_dir = ensure_original_venv()
    config = write_original_config(run_dir, database_url)
    port = processes.free_port()
    uwsgi_ini = run_dir / "uwsgi.ini"
    uwsgi_ini.write_text(
        "[uwsgi]\n"
        f"http11-socket = 127.0.0.1:{port}\n"
        f"virtualenv = {ORIGINAL_VENV}\n"
        # Not the repository: its freezer_api package would shadow the original's.
        f"chdir = {run_dir}\n"
        "master = true\n"
        f"processes = {processes_}\n"
        f"threads = {threads}\n"
        "lazy-apps = true\n"
        "need-app = true\n"
        "die-on-term = true\n"
        "disable-logging = true\n"
        f"pythonpath = {BENCH_DIR / 'original'}\n"
        "module = freezer_api.wsgi:application\n"
        f"pyargv = --config-file {config}\n"
    )
    command = [str(bin_dir / "uwsgi"), "--ini", str(uwsgi_ini)]
    return processes.start("original", command, port=port, log_file=run_dir / "original.log", ready_path="/healthcheck")


# -- the ceiling --------------------------------------------------------------


def start_ceiling(
    run_dir: Path,
    document: Path,
    *,
    workers: int,
    threads: int = DEFAULT_THREADS_PER_WORKER,
    wsgi_server: str = "granian",
) -> Server:
    port = processes.free_port()
    command = [
        sys.executable,
        "-m",
        "bench.ceiling",
        str(document),
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    env = {}
    if wsgi_server == "uwsgi":
        command = uwsgi_command(
            ensure_original_venv() / "uwsgi",
            port,
            workers=workers,
            threads=threads,
            module="bench.ceiling:application",
            virtualenv=sys.prefix,
        )
        env[DOCUMENT_ENV] = str(document)
    return processes.start("ceiling", command, port=port, log_file=run_dir / "ceiling.log", env=env)
