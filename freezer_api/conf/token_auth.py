"""[token_auth] options: static tokens for standalone deployments."""

from collections.abc import Sequence

from oslo_config import cfg

GROUP = "token_auth"

OPTS = [
    cfg.StrOpt(
        "tokens_file",
        sample_default="<user data dir>/tokens.json",
        help="JSON list of tokens: objects with 'token' (or 'token_sha256'), "
        "'user_id', 'project_id', 'roles' and optionally 'user_name'. "
        "Unset: tokens.json in the per-user data directory, created with one "
        "admin token on first start.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [(GROUP, OPTS)]
