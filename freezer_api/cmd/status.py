"""freezer-status upgrade check: is this configuration and database ready for this release?

oslo.upgradecheck runs the checks, prints the table (or --json) and exits
0 (every check succeeded), 1 (a warning: look before going on) or 2 (a
failure: this release will not work as configured); 255 when a check
itself crashed.
"""

from __future__ import annotations

import configparser
import sys
from collections.abc import Iterator, Sequence

from oslo_config import cfg
from oslo_policy import policy
from oslo_upgradecheck import common_checks, upgradecheck

from freezer_api.conf import paths, register_opts
from freezer_api.conf.opts import list_opts

Groups = list[tuple[str | None, Sequence[cfg.Opt]]]
Code = upgradecheck.Code
Result = upgradecheck.Result


class Checks(upgradecheck.UpgradeCommands):
    def __init__(self, conf: cfg.ConfigOpts):
        self.conf = conf

    def _database(self) -> Result:
        from freezer_api.storage import schema
        from freezer_api.storage.configured import configured_engine
        from freezer_api.storage.engine import is_sqlite

        engine = configured_engine(self.conf)
        try:
            current, head = schema.current_revision(engine), schema.head_revision()
        except Exception as error:  # any driver's "cannot connect", said in its own words
            return Result(Code.FAILURE, f"cannot read the database {engine.url!r}: {error}")
        finally:
            engine.dispose()
        if current == head:
            return Result(Code.SUCCESS, f"schema at {head}")
        if is_sqlite(engine):
            return Result(
                Code.WARNING,
                f"the SQLite schema is at {current or 'nothing'}, this release needs {head}: "
                "freezer-api upgrades it when it starts (or run 'freezer-manage db upgrade')",
            )
        return Result(
            Code.FAILURE,
            f"the schema is at {current or 'nothing'}, this release needs {head}: run 'freezer-manage db upgrade'",
        )

    def _policy(self) -> Result:
        from freezer_api.policies import list_rules

        enforcer = policy.Enforcer(self.conf)
        defaults = list_rules()
        enforcer.register_defaults(defaults)
        try:
            enforcer.load_rules()
        except Exception as error:  # oslo.policy raises the parser's own errors
            return Result(Code.FAILURE, f"the policy file {self.conf.oslo_policy.policy_file} does not parse: {error}")
        known = {rule.name for rule in defaults}
        unknown = sorted(name for name in enforcer.file_rules if name not in known)
        if unknown:
            return Result(
                Code.FAILURE,
                f"the policy file names rules freezer-api does not have (their overrides do nothing): "
                f"{', '.join(unknown)}",
            )
        json_file = common_checks.check_policy_json(self, self.conf)
        if json_file.code != Code.SUCCESS:
            return json_file
        return Result(Code.SUCCESS, f"{len(enforcer.file_rules)} rules overridden" if enforcer.file_rules else None)

    def _deprecated_options(self) -> Result:
        used = sorted(set(deprecated_options_in_use(self.conf)))
        if used:
            return Result(Code.WARNING, "deprecated options in use: " + "; ".join(used))
        return Result(Code.SUCCESS)

    def _keystone(self) -> Result:
        if self.conf.auth_strategy != "keystone":
            return Result(Code.SUCCESS, f"auth_strategy = {self.conf.auth_strategy}: not needed")
        from freezer_api.auth.keystone import configuration_problems

        problems = configuration_problems(self.conf)
        if problems:
            return Result(Code.FAILURE, "auth_strategy = keystone needs: " + "; ".join(problems))
        return Result(Code.SUCCESS)

    _upgrade_checks = (
        ("Database schema", _database),
        ("Policy file", _policy),
        ("Deprecated options", _deprecated_options),
        ("Keystone settings", _keystone),
    )


def deprecated_options_in_use(conf: cfg.ConfigOpts, groups: Groups | None = None) -> Iterator[str]:
    """Options set in the configuration files that are deprecated, or set under a deprecated name."""
    files = configparser.RawConfigParser(strict=False, interpolation=None)
    files.optionxform = str  # type: ignore[assignment,method-assign]
    files.read(conf.config_file or [])
    present = {(section, key) for section in files.sections() for key in files[section]}
    present |= {("DEFAULT", key) for key in files.defaults()}
    for group, opts in list_opts() if groups is None else groups:
        group = group or "DEFAULT"
        for opt in opts:
            name = opt.dest
            if opt.deprecated_for_removal and (group, name) in present:
                yield f"[{group}] {name} ({opt.deprecated_reason or 'to be removed'})"
            for old in opt.deprecated_opts:
                old_group = old.group or group
                old_name = old.name or name
                if (old_group, old_name) in present and (old_group, old_name) != (group, name):
                    yield f"[{old_group}] {old_name} is now [{group}] {name}"


def main(argv: list[str] | None = None) -> None:
    conf = cfg.ConfigOpts()
    register_opts(conf)
    sys.exit(
        upgradecheck.main(
            conf,
            project="freezer-api",
            upgrade_command=Checks(conf),
            argv=sys.argv[1:] if argv is None else argv,
            default_config_files=paths.default_config_files(),
        )
    )


if __name__ == "__main__":
    main()
