"""freezer-manage: database schema and static token administration.

freezer-manage [--config-file F] db upgrade | current | check
freezer-manage [--config-file F] db import-upstream SOURCE_URL [--dry-run] [--allow-skips]
freezer-manage [--config-file F] db purge-runs [--older-than DAYS]
freezer-manage [--config-file F] token create --project P --user U [--roles r1,r2] [--user-name N]
freezer-manage [--config-file F] token list
freezer-manage [--config-file F] token revoke TOKEN_ID
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from oslo_config import cfg

from freezer_api.cmd import import_upstream
from freezer_api.conf import original, paths, register_opts


def _add_parsers(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database schema")
    db_actions = db.add_subparsers(dest="db_action", required=True)
    db_actions.add_parser("upgrade", help="upgrade the schema to this release")
    db_actions.add_parser("current", help="print the schema revision of the database")
    db_actions.add_parser("check", help="exit 1 unless the schema is current and matches the models")
    import_upstream.add_parser(db_actions)
    purge = db_actions.add_parser("purge-runs", help="delete runs that ended long ago (never a job's latest)")
    purge.add_argument("--older-than", type=int, default=None, metavar="DAYS", help="default: [runs] keep_days (90)")

    token = subparsers.add_parser("token", help="static tokens (auth_strategy = token)")
    token_actions = token.add_subparsers(dest="token_action", required=True)
    create = token_actions.add_parser("create", help="create a token and print it once")
    create.add_argument("--project", required=True)
    create.add_argument("--user", required=True)
    create.add_argument("--roles", default="member,reader", help="comma-separated roles (default: member,reader)")
    create.add_argument("--user-name", default=None)
    token_actions.add_parser("list", help="list tokens (never the tokens themselves)")
    revoke = token_actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")


COMMAND = cfg.SubCommandOpt("command", title="commands", handler=_add_parsers)


def db_command(conf: cfg.ConfigOpts) -> int:
    from freezer_api.storage import schema
    from freezer_api.storage.configured import configured_engine

    action = conf.command.db_action
    if action == "import-upstream":
        return import_upstream.run(conf)
    engine = configured_engine(conf)
    original_revision = import_upstream.original_schema_revision(engine)
    if original_revision is not None:
        print(
            f"freezer-manage: this database holds the original freezer-api's schema (revision {original_revision}). "
            "Give this server a new database ([database] connection) and bring this one's documents over with "
            "'freezer-manage db import-upstream SOURCE_URL' (README.md, 'Moving from the original freezer-api').",
            file=sys.stderr,
        )
        return 2
    if action == "purge-runs":
        return purge_runs(conf, engine)
    if action == "upgrade":
        schema.upgrade(engine)
        print(f"database at revision {schema.current_revision(engine)}")
        return 0
    if action == "current":
        print(schema.current_revision(engine) or "empty (run 'freezer-manage db upgrade')")
        return 0
    current, head = schema.current_revision(engine), schema.head_revision()
    if current != head:
        print(f"schema at {current}, this release needs {head}: run 'freezer-manage db upgrade'")
        return 1
    differences = schema.differences(engine)
    if differences:
        print("schema differs from the models:")
        for difference in differences:
            print(f"  {difference}")
        return 1
    print(f"schema current ({head}) and matching the models")
    return 0


def purge_runs(conf: cfg.ConfigOpts, engine: Any) -> int:
    """Delete the runs that ended more than --older-than (or [runs] keep_days) days ago (docs/health.md#retention)."""
    from freezer_api.domain.protection import Runs
    from freezer_api.storage import schema
    from freezer_api.storage.store import Store

    days = conf.command.older_than if conf.command.older_than is not None else conf.runs.keep_days
    if days < 0:
        print("freezer-manage: --older-than must not be negative", file=sys.stderr)
        return 2
    if not schema.is_current(engine):
        print("the schema is not current: run 'freezer-manage db upgrade' first", file=sys.stderr)
        return 1
    store = Store(engine)
    try:
        deleted = Runs(store).purge(older_than_days=days)
    finally:
        store.dispose()
    print(f"deleted {deleted} runs that ended more than {days} days ago")
    return 0


def token_command(conf: cfg.ConfigOpts) -> int:
    from freezer_api.auth import tokens

    try:
        return _token_action(conf, tokens, tokens.tokens_file(conf))
    except tokens.TokensFileError as error:
        print(f"freezer-manage: {error}", file=sys.stderr)
        return 1


def _token_action(conf: cfg.ConfigOpts, tokens: ModuleType, path: Path) -> int:
    action = conf.command.token_action
    if action == "create":
        roles = [role.strip().lower() for role in conf.command.roles.split(",") if role.strip()]
        token, entry = tokens.create_token(
            path,
            project_id=conf.command.project,
            user_id=conf.command.user,
            roles=roles,
            user_name=conf.command.user_name,
        )
        print(token)
        print(
            f"token id {entry['id']}: user {entry['user_id']}, project {entry['project_id']}, "
            f"roles {','.join(roles)} (stored hashed in {path}; this is the only time it is shown)",
            file=sys.stderr,
        )
        return 0
    if action == "list":
        for entry in tokens.load_entries(path):
            roles = entry.get("roles") or []
            shown = roles if isinstance(roles, str) else ",".join(roles)
            print(f"{tokens.entry_id(entry)}\tproject={entry['project_id']}\tuser={entry['user_id']}\troles={shown}")
        return 0
    if tokens.revoke_token(path, conf.command.token_id):
        print(f"revoked {conf.command.token_id}")
        return 0
    print(f"no token with id {conf.command.token_id} in {path}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> None:
    conf = cfg.ConfigOpts()
    conf.register_cli_opt(COMMAND)
    register_opts(conf)
    conf(
        args=sys.argv[1:] if argv is None else argv,
        project="freezer-api",
        default_config_files=paths.default_config_files(),
    )
    original.adopt(conf)
    try:
        original.check(conf)  # the server warns about ignored options; here only a refusal matters
    except original.UnsupportedSetting as error:
        print(f"freezer-manage: {error}", file=sys.stderr)
        sys.exit(2)
    handler = db_command if conf.command.name == "db" else token_command
    sys.exit(handler(conf))


if __name__ == "__main__":
    main()
