"""freezer-api: serve the API with a multi-process WSGI server (granian).

`freezer_api.cmd.api:application` is also a plain WSGI callable for uWSGI or
gunicorn; it reads the files named in FREEZER_API_CONFIG_FILES (separated by
':'), else the default locations.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import sys
import threading

from oslo_config import cfg

from freezer_api import logs
from freezer_api.cmd import listening
from freezer_api.conf import default, original, paths, register_opts
from freezer_api.metrics import processes

LOG = logging.getLogger("freezer_api.cmd.api")

CONFIG_FILES_ENV = "FREEZER_API_CONFIG_FILES"


def load_conf(argv: list[str] | None = None, *, cli: bool = False) -> cfg.ConfigOpts:
    conf = cfg.ConfigOpts()
    if cli:
        conf.register_cli_opts(default.CLI_OPTS)
    for_workers = os.environ.get(CONFIG_FILES_ENV)
    files = [f for f in for_workers.split(os.pathsep) if f] if for_workers is not None else paths.default_config_files()
    register_opts(conf)
    conf(args=argv if argv is not None else [], project="freezer-api", default_config_files=files)
    original.adopt(conf)
    return conf


def build_application():
    """The WSGI application, built from the configuration, and this process's event dispatcher and health watcher."""
    from freezer_api.app import create_app, create_store, health_policy
    from freezer_api.events.dispatcher import Dispatcher
    from freezer_api.events.watcher import HealthWatcher

    conf = load_conf()
    logs.setup(conf.log_level, conf.log_format)
    store = create_store(conf)
    app = create_app(conf, store=store)
    Dispatcher(conf, store).start()
    HealthWatcher(store, health_policy(conf), conf.health.watch_interval).start()
    return app


def build_worker_application():
    """granian's factory: the application of one worker process, which stops when told to."""
    from freezer_api.cmd.workers import prepare_worker_process

    prepare_worker_process()
    return build_application()


_application = None
_application_lock = threading.Lock()


def application(environ, start_response):
    """The WSGI callable for uWSGI, gunicorn and the like.

    The app is built on the first request, in the worker process that serves
    it: importing this module (the master of a pre-forking server does) opens
    no database and starts no thread that a fork would lose.
    """
    global _application
    if _application is None:
        with _application_lock:
            if _application is None:
                _application = build_application()
    return _application(environ, start_response)


def _is_loopback(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def prepare(conf: cfg.ConfigOpts) -> None:
    """Checks and first-start set-up done once, before workers start."""
    from freezer_api.app import create_store

    try:
        for warning in original.check(conf):
            LOG.warning("%s", warning)
    except original.UnsupportedSetting as error:
        raise SystemExit(f"freezer-api: {error}") from None
    if conf.auth_strategy == "noauth":
        if not _is_loopback(conf.bind_host) and not conf.allow_insecure_noauth:
            raise SystemExit(
                f"auth_strategy=noauth trusts identity headers from anyone: refusing to listen on "
                f"{conf.bind_host}. Bind to 127.0.0.1, or set [DEFAULT] allow_insecure_noauth = true."
            )
        LOG.warning("auth_strategy=noauth: identity headers are trusted without any check (development only)")
    elif conf.auth_strategy == "token":
        _prepare_static_tokens(conf)
    elif conf.auth_strategy == "keystone":
        from freezer_api.auth.keystone import configuration_problems

        problems = configuration_problems(conf)
        if problems:
            raise SystemExit("auth_strategy = keystone needs:\n  " + "\n  ".join(problems))
    _check_networks(conf)
    create_store(conf).dispose()


def _check_networks(conf: cfg.ConfigOpts) -> None:
    from freezer_api.events.dispatcher import webhook_targets
    from freezer_api.metrics.endpoint import parse_networks

    try:
        parse_networks(conf.metrics.allowed_networks, "[metrics] allowed_networks")
        webhook_targets(conf)
    except ValueError as error:
        raise SystemExit(f"freezer-api: {error}") from None


def _prepare_static_tokens(conf: cfg.ConfigOpts) -> None:
    from freezer_api.auth import tokens

    path = tokens.tokens_file(conf)
    if conf.token_auth.tokens_file is None and not path.exists():
        token, _entry = tokens.create_token(path, project_id="default", user_id="admin", roles=["admin"])
        print(_first_token_banner(conf, path, token), file=sys.stderr, flush=True)
        return
    try:
        count = len(tokens.load_entries(path))
    except tokens.TokensFileError as error:
        raise SystemExit(f"cannot use the static tokens: {error}") from None
    if not path.exists():
        LOG.warning("static tokens: %s does not exist, every request will be refused (401)", path)
    elif tokens.readable_by_others(path):
        LOG.warning("static tokens: %s can be read by other users; make it private: chmod 600 %s", path, path)
    LOG.info("static tokens: %d in %s (add one with 'freezer-manage token create')", count, path)


def _first_token_banner(conf: cfg.ConfigOpts, path, token: str) -> str:
    url = f"http://{conf.bind_host}:{conf.bind_port}"
    return (
        "\n"
        "    A token for an admin of project 'default' was created. It is shown only this once\n"
        f"    (only its hash is kept, in {path}):\n"
        "\n"
        f"        {token}\n"
        "\n"
        "    Use it like this (README.md shows python-freezerclient too):\n"
        f"        curl -H 'X-Auth-Token: {token}' {url}/v2/default/backups\n"
        "    More tokens: freezer-manage token create --project P --user U --roles member\n"
    )


class _RequestedStops(list):
    """Worker exits reported once the server is stopping on request: none of them is a crash."""

    def append(self, index: object) -> None:
        pass


def _server_class():
    from granian.server import Server

    from freezer_api.cmd.workers import note_stop_requested

    class FreezerServer(Server):  # type: ignore[misc,valid-type]
        """granian's server, whose stop handler also tells workers forked before it ran."""

        def signal_handler_interrupt(self, *args, **kwargs):
            note_stop_requested()
            super().signal_handler_interrupt(*args, **kwargs)

        def shutdown(self, exit_code=0):
            if self.interrupt_signal or self._workers_stopped_cleanly():
                # Signalled as a process group, workers may stop before this
                # process tells them to, also while it is stopping them: that
                # is the requested stop, not a crash, whenever granian's
                # watcher threads report it.
                self.interrupt_children = _RequestedStops()
            super().shutdown(exit_code)

        def _workers_stopped_cleanly(self) -> bool:
            # The group's stop signal can reach the workers, and their exits
            # this process, before its own handler has run: a worker that
            # stopped on a signal exits 0, one that crashed does not.
            exits = [self.wrks[idx].inner.exitcode for idx in self.interrupt_children if idx < len(self.wrks)]
            return bool(exits) and all(code == 0 for code in exits)

    return FreezerServer


def main(argv: list[str] | None = None) -> None:
    from granian.constants import Interfaces

    conf = load_conf(sys.argv[1:] if argv is None else argv, cli=True)
    logs.setup(conf.log_level, conf.log_format)
    try:
        claim = listening.claim_address(conf.bind_host, conf.bind_port)
    except listening.AddressInUse as error:
        print(f"freezer-api: {error}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
    # Before anything imports prometheus_client, which reads it once (freezer_api/metrics/processes.py).
    metrics_directory = processes.prepare_directory(conf.metrics.multiprocess_directory)
    try:
        prepare(conf)
        # Workers rebuild the configuration from the same files.
        os.environ[CONFIG_FILES_ENV] = os.pathsep.join(conf.config_file or [])
        LOG.info("freezer-api listening on http://%s:%s with %d workers", conf.bind_host, conf.bind_port, conf.workers)
        _server_class()(
            target="freezer_api.cmd.api:build_worker_application",
            factory=True,
            interface=Interfaces.WSGI,
            address=conf.bind_host,
            port=conf.bind_port,
            workers=conf.workers,
            blocking_threads=conf.api.threads_per_worker,
            backpressure=conf.api.threads_per_worker,
            log_dictconfig=logs.logging_config(conf.log_level, conf.log_format),
            log_access=False,
            # A worker still busy when the graceful period ends is killed.
            workers_kill_timeout=conf.graceful_shutdown_timeout,
        ).serve()
    finally:
        metrics_directory.release()
    claim.release()


if __name__ == "__main__":
    main()
