"""[ui] options: the web dashboard served under /ui/."""

from collections.abc import Sequence

from oslo_config import cfg

GROUP = "ui"

OPTS = [
    cfg.BoolOpt("enabled", default=True, help="Serve the web dashboard under /ui/."),
    cfg.BoolOpt(
        "secure_cookies",
        default=False,
        help="Mark the dashboard's session cookie Secure even when the request did not arrive over HTTPS "
        "(behind a TLS-terminating proxy that does not say so). Over HTTPS it is always Secure.",
    ),
    cfg.IntOpt(
        "session_lifetime",
        min=60,
        default=8 * 3600,
        help="Longest a dashboard login lasts, in seconds; a Keystone login ends sooner when its token expires.",
    ),
    cfg.StrOpt(
        "keystone_auth_url",
        help="Keystone URL the dashboard's login form authenticates users at (auth_strategy = keystone). "
        "Default: [keystone_authtoken] www_authenticate_uri.",
    ),
    cfg.IntOpt("page_size", min=1, max=500, default=25, help="Rows per page of the dashboard's lists."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [(GROUP, OPTS)]
