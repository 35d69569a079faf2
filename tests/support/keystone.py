"""A real Keystone on 127.0.0.1 for the identity tests.

Keystone (pinned in keystone-requirements.txt) is installed from PyPI into
its own venv in the user's cache directory, once per set of pins; the same
step prepares a template instance: SQLite schema, fernet and credential keys,
`keystone-manage bootstrap`, and the test projects and users (USERS, created
by keystone_provision.py). Each test session copies the template and serves
it with gunicorn on a free port (keystone_cloud.py then points the identity
endpoints at that port).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.server import free_port, stop_process
from tests.support.venvs import digest, ensure_installed, exclusive, pinned_venv, tail

REQUIREMENTS = Path(__file__).with_name("keystone-requirements.txt")
PROVISION_SCRIPT = Path(__file__).with_name("keystone_provision.py")
READY_TIMEOUT = 120.0
ADMIN_PASSWORD = "admin-secret"
REGION = "RegionOne"
DOMAIN = "default"
SERVICE_PROJECT = "service"
# name: (project, roles). `freezer` is the service user freezer-api validates tokens with.
USERS = {
    "alice": ("freezer-a", ["member"]),
    "amy": ("freezer-a", ["member"]),
    "rita": ("freezer-a", ["reader"]),
    "ada": ("freezer-a", ["admin"]),
    "bob": ("freezer-b", ["member"]),
    "freezer": (SERVICE_PROJECT, ["service"]),
}
# Bootstrap runs once, before any port is known; sessions repoint these URLs.
TEMPLATE_URL = "http://127.0.0.1:1/v3"


def password_of(name: str) -> str:
    return name[::-1] + "-pw"


def _provision_spec() -> dict:
    users = {name: [project, roles, password_of(name)] for name, (project, roles) in USERS.items()}
    return {"admin_password": ADMIN_PASSWORD, "domain": DOMAIN, "users": users}


# Users' password hashes are computed at creation: keep bcrypt cheap. Keystone's
# in-memory cache stays on (its default): without it every call takes seconds.
_KEYSTONE_CONF = """\
[DEFAULT]
debug = false
[database]
connection = sqlite:///{state}/keystone.sqlite
[token]
provider = fernet
expiration = 7200
[fernet_tokens]
key_repository = {state}/fernet-keys
[fernet_receipts]
key_repository = {state}/fernet-receipts
[credential]
key_repository = {state}/credential-keys
[identity]
password_hash_rounds = 4
"""

# Keystone reads sys.argv as its own command line: give it none.
_WSGI_MODULE = """\
import sys
sys.argv = sys.argv[:1]
from keystone.server import wsgi
application = wsgi.initialize_public_application()
"""


def installation() -> tuple[Path, Path]:
    """The cached keystone venv and its template instance, each created on first use."""
    venv = pinned_venv("keystone", REQUIREMENTS)
    recipe = [
        PROVISION_SCRIPT.read_bytes(),
        _KEYSTONE_CONF.encode(),
        json.dumps(_provision_spec(), sort_keys=True).encode(),
    ]
    template = venv / f"template-{digest(*recipe)}"
    with exclusive(venv):
        ensure_installed(venv, REQUIREMENTS)
        if not (template / ".ready").exists():
            shutil.rmtree(template, ignore_errors=True)
            _make_template(template)
            (template / ".ready").write_text("ok\n")
    return venv, template


def _make_template(template: Path) -> None:
    venv = template.parent
    template.mkdir()
    conf = write_config(template, template)
    owner = [
        "--keystone-user",
        pwd.getpwuid(os.getuid()).pw_name,
        "--keystone-group",
        grp.getgrgid(os.getgid()).gr_name,
    ]
    urls = [f"--bootstrap-{kind}-url={TEMPLATE_URL}" for kind in ("public", "internal", "admin")]
    for command in (
        ["db_sync"],
        ["fernet_setup", *owner],
        ["credential_setup", *owner],
        ["bootstrap", f"--bootstrap-password={ADMIN_PASSWORD}", f"--bootstrap-region-id={REGION}", *urls],
    ):
        _manage(venv, conf, command)
    # Run from a directory of its own: next to it here are modules that shadow the standard library's.
    work = Path(tempfile.mkdtemp(prefix="provision-", dir=venv))
    try:
        (work / "spec.json").write_text(json.dumps(_provision_spec()))
        shutil.copy(PROVISION_SCRIPT, work / "provision.py")
        result = subprocess.run(
            [str(venv / "bin" / "python"), "provision.py", "spec.json", str(template / "cloud.json")],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=work,
            env={**os.environ, "OS_KEYSTONE_CONFIG_FILES": str(conf)},
        )
    finally:
        shutil.rmtree(work)
    if result.returncode != 0:
        raise RuntimeError(
            f"provisioning the template keystone failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )


def _manage(venv: Path, conf: Path, command: list[str]) -> None:
    result = subprocess.run(
        [str(venv / "bin" / "keystone-manage"), "--config-file", str(conf), *command],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"keystone-manage {command[0]} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def write_config(directory: Path, state: Path) -> Path:
    conf = directory / "keystone.conf"
    conf.write_text(_KEYSTONE_CONF.format(state=state))
    return conf


@dataclass
class KeystoneProcess:
    url: str
    process: subprocess.Popen
    directory: Path
    log_file: Path

    @property
    def v3(self) -> str:
        return self.url + "/v3"

    def provisioned(self) -> dict:
        """Ids of the template's projects and users: {"projects": {name: id}, "users": {name: id}}."""
        return json.loads((self.directory / "state" / "cloud.json").read_text())

    def log(self) -> str:
        return tail(self.log_file, 20000)

    def stop(self) -> None:
        # gunicorn's master stops its worker on SIGTERM.
        stop_process(self.process, grace=30)


def start_keystone(directory: Path) -> KeystoneProcess:
    """A Keystone of its own in `directory`, copied from the cached template, serving on a free port."""
    venv, template = installation()
    state = directory / "state"
    shutil.copytree(template, state, ignore=shutil.ignore_patterns("keystone.conf", ".ready"))
    conf = write_config(directory, state)
    (directory / "keystone_wsgi.py").write_text(_WSGI_MODULE)
    port = free_port()
    log_file = directory / "keystone.log"
    env = {**os.environ, "OS_KEYSTONE_CONFIG_FILES": str(conf)}
    with open(log_file, "wb") as log:
        process = subprocess.Popen(
            [
                str(venv / "bin" / "gunicorn"),
                "--pythonpath",
                str(directory),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "8",
                "--timeout",
                "120",
                "--no-control-socket",
                "keystone_wsgi:application",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=directory,
        )
    keystone = KeystoneProcess(f"http://127.0.0.1:{port}", process, directory, log_file)
    try:
        _wait_until_serving(keystone)
    except BaseException as error:
        keystone.stop()
        raise RuntimeError(f"keystone did not start: {error!r}:\n{keystone.log()}") from None
    return keystone


def _wait_until_serving(keystone: KeystoneProcess) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if keystone.process.poll() is not None:
            raise RuntimeError(f"keystone exited with {keystone.process.returncode}")
        try:
            if requests.get(keystone.v3, timeout=READY_TIMEOUT).status_code == 200:
                return
        except requests.ConnectionError:
            pass  # the port is not open yet
        time.sleep(0.1)
    raise RuntimeError(f"keystone did not answer within {READY_TIMEOUT}s")
