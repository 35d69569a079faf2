"""Entry point for oslo-config-generator (namespace freezer-api)."""

from collections.abc import Sequence

from oslo_config import cfg

from freezer_api.conf import _MODULES


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    groups: dict[str, list[cfg.Opt]] = {}
    for module in _MODULES:
        for group, opts in module.list_opts():
            groups.setdefault(group or "DEFAULT", []).extend(opts)
    return list(groups.items())
