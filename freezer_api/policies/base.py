"""Base rules the operation rules are composed of (docs/resources.md#policy)."""

from oslo_policy import policy

ADMIN = "context_is_admin"
ADMIN_OR_SERVICE = "admin_or_service"
PROJECT_MEMBER = "project_member"
PROJECT_READER = "project_reader"
ADMIN_OR_OWNER = "admin_or_owner"
ADMIN_OR_OWNER_OR_SERVICE = "admin_or_owner_or_service"
ADMIN_OR_READER_OR_SERVICE = "admin_or_reader_or_service"

RULES = [
    policy.RuleDefault(ADMIN, "role:admin", description="The caller is an administrator."),
    policy.RuleDefault(ADMIN_OR_SERVICE, "role:admin or role:service", description="Administrator or service user."),
    policy.RuleDefault(
        PROJECT_MEMBER,
        "role:member and project_id:%(project_id)s",
        description="A member of the project the request addresses.",
    ),
    policy.RuleDefault(
        PROJECT_READER,
        "role:reader and project_id:%(project_id)s",
        description="A reader of the project the request addresses.",
    ),
    policy.RuleDefault(ADMIN_OR_OWNER, f"rule:{ADMIN} or rule:{PROJECT_MEMBER}"),
    policy.RuleDefault(ADMIN_OR_OWNER_OR_SERVICE, f"rule:{ADMIN_OR_SERVICE} or rule:{PROJECT_MEMBER}"),
    policy.RuleDefault(ADMIN_OR_READER_OR_SERVICE, f"rule:{ADMIN_OR_OWNER_OR_SERVICE} or rule:{PROJECT_READER}"),
]


def operation(name: str, check: str, description: str, *operations: tuple[str, str]) -> policy.DocumentedRuleDefault:
    return policy.DocumentedRuleDefault(
        name=name,
        check_str=f"rule:{check}",
        description=description,
        operations=[{"method": method, "path": path} for method, path in operations],
    )
