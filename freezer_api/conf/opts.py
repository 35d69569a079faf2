"""Entry point for oslo-config-generator (namespace freezer-api)."""

from freezer_api.conf import _MODULES


def list_opts():
    groups: dict = {}
    for module in _MODULES:
        for group, opts in module.list_opts():
            groups.setdefault(group or "DEFAULT", []).extend(opts)
    return list(groups.items())
