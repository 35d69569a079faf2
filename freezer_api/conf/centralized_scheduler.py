"""[centralized_scheduler] options: Keystone trusts for jobs run by central schedulers."""

from collections.abc import Sequence

from oslo_config import cfg

GROUP = "centralized_scheduler"

OPTS = [
    cfg.BoolOpt(
        "enabled",
        default=True,
        help="Allow creating Keystone trusts for jobs (auth_strategy = keystone only).",
    ),
    cfg.BoolOpt(
        "enforce_trusts",
        default=False,
        help="Create a trust for every new job, not only for jobs of central clients.",
    ),
    cfg.StrOpt(
        "auth_section",
        default="keystone_authtoken",
        help="Config section with the credentials (keystoneauth options: auth_type, "
        "auth_url, username, ...) of the service user that becomes the trustee.",
    ),
    cfg.ListOpt(
        "trusts_delegated_roles",
        default=["member"],
        help="Names of the roles the caller delegates to the service user. Empty: the roles of the caller's token.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [(GROUP, OPTS)]
