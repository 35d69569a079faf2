from freezer_api.policies.base import ADMIN_OR_OWNER_OR_SERVICE, ADMIN_OR_READER_OR_SERVICE, operation

COLLECTION = "/v2/{project_id}/backups"
ITEM = "/v2/{project_id}/backups/{backup_id}"

RULES = [
    operation("backups:create", ADMIN_OR_OWNER_OR_SERVICE, "Record a backup.", ("POST", COLLECTION)),
    operation("backups:get_all", ADMIN_OR_READER_OR_SERVICE, "List and search backups.", ("GET", COLLECTION)),
    operation("backups:get", ADMIN_OR_READER_OR_SERVICE, "Show one backup.", ("GET", ITEM)),
    operation("backups:update", ADMIN_OR_OWNER_OR_SERVICE, "Update a backup's status or metadata.", ("PATCH", ITEM)),
    operation("backups:delete", ADMIN_OR_OWNER_OR_SERVICE, "Delete a backup record.", ("DELETE", ITEM)),
]
