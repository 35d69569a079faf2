"""oslo.policy defaults of every operation (docs/resources.md#policy); policy.yaml overrides them."""

import itertools

from oslo_policy import policy

from freezer_api.policies import actions, backups, base, clients, health, healthcheck, jobs, sessions, webhooks


def list_rules() -> list[policy.RuleDefault]:
    """Entry point for oslopolicy-sample-generator --namespace freezer-api."""
    return list(
        itertools.chain(
            base.RULES,
            backups.RULES,
            clients.RULES,
            jobs.RULES,
            actions.RULES,
            sessions.RULES,
            health.RULES,
            healthcheck.RULES,
            webhooks.RULES,
        )
    )
