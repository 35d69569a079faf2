from freezer_api.policies.base import ADMIN_OR_OWNER_OR_SERVICE, ADMIN_OR_READER_OR_SERVICE, operation

COLLECTION = "/v2/{project_id}/backups"
ITEM = "/v2/{project_id}/backups/{backup_id}"
# v1 works in the token's project, which is the target project of its checks.
V1_COLLECTION = "/v1/backups"
V1_ITEM = "/v1/backups/{backup_id}"

RULES = [
    operation(
        "backups:create", ADMIN_OR_OWNER_OR_SERVICE, "Record a backup.", ("POST", COLLECTION), ("POST", V1_COLLECTION)
    ),
    operation(
        "backups:get_all",
        ADMIN_OR_READER_OR_SERVICE,
        "List and search backups.",
        ("GET", COLLECTION),
        ("GET", V1_COLLECTION),
    ),
    operation("backups:get", ADMIN_OR_READER_OR_SERVICE, "Show one backup.", ("GET", ITEM), ("GET", V1_ITEM)),
    operation(
        "backups:update",
        ADMIN_OR_OWNER_OR_SERVICE,
        "Update a backup's status or metadata.",
        ("PATCH", ITEM),
        ("PATCH", V1_ITEM),
        ("PUT", V1_ITEM),
    ),
    operation(
        "backup_sets:get_all",
        ADMIN_OR_READER_OR_SERVICE,
        "List the backup sets (container, hostname, backup name) and their chains.",
        ("GET", "/v2/{project_id}/backup-sets"),
    ),
    operation(
        "backups:restore_plan",
        ADMIN_OR_READER_OR_SERVICE,
        "Find the restore point of a backup set at a time, and its chain.",
        ("GET", "/v2/{project_id}/restore-plan"),
    ),
    operation(
        "backups:restore",
        ADMIN_OR_OWNER_OR_SERVICE,
        "Create a one-shot job restoring a backup onto a client.",
        ("POST", ITEM + "/restore"),
    ),
    operation(
        "backups:delete", ADMIN_OR_OWNER_OR_SERVICE, "Delete a backup record.", ("DELETE", ITEM), ("DELETE", V1_ITEM)
    ),
]
