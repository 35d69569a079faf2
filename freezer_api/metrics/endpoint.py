"""GET /metrics: the Prometheus text format, for callers from [metrics] allowed_networks (and with its token)."""

from __future__ import annotations

import hmac
import ipaddress

import falcon
from oslo_config import cfg
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from freezer_api.domain.health import HealthPolicy
from freezer_api.metrics.http import HttpSeries
from freezer_api.metrics.processes import multiprocess_mode
from freezer_api.metrics.protection import ProtectionCollector
from freezer_api.storage.store import Store

PATH = "/metrics"


def make_registry(store: Store, per_job: bool, policy: HealthPolicy | None = None) -> CollectorRegistry:
    """What a scrape shows: every worker's HTTP series (or this process's) and the database's series."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_mode():
        MultiProcessCollector(registry)
    else:
        HttpSeries.register(registry)
    registry.register(ProtectionCollector(store, per_job=per_job, policy=policy))
    return registry


def parse_networks(values: list[str], option: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())
    except ValueError as error:
        raise ValueError(f"{option}: {error}") from None


class MetricsResource:
    def __init__(self, conf: cfg.ConfigOpts, registry: CollectorRegistry):
        self.registry = registry
        self.networks = parse_networks(conf.metrics.allowed_networks, "[metrics] allowed_networks")
        token = conf.metrics.token
        self.expected = f"Bearer {token}".encode() if token else None

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._check_caller(req)
        resp.data = generate_latest(self.registry)
        resp.content_type = CONTENT_TYPE_LATEST

    def _check_caller(self, req: falcon.Request) -> None:
        try:
            address = ipaddress.ip_address(req.remote_addr)
        except ValueError:
            address = None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address is None or not any(address in network for network in self.networks):
            raise falcon.HTTPForbidden(
                title="Forbidden",
                description=f"{req.remote_addr} may not scrape /metrics ([metrics] allowed_networks).",
            )
        if self.expected is not None:
            sent = (req.get_header("Authorization") or "").encode()
            if not hmac.compare_digest(sent, self.expected):
                raise falcon.HTTPUnauthorized(
                    title="Unauthorized",
                    description="/metrics needs 'Authorization: Bearer <[metrics] token>'.",
                    challenges=["Bearer"],
                )
