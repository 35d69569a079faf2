from freezer_api.policies.base import ADMIN_OR_OWNER, ADMIN_OR_READER_OR_SERVICE, operation

COLLECTION = "/v2/{project_id}/actions"
ITEM = "/v2/{project_id}/actions/{action_id}"

RULES = [
    operation("actions:create", ADMIN_OR_OWNER, "Create an action.", ("POST", COLLECTION)),
    operation("actions:get_all", ADMIN_OR_READER_OR_SERVICE, "List and search actions.", ("GET", COLLECTION)),
    operation("actions:get", ADMIN_OR_READER_OR_SERVICE, "Show one action.", ("GET", ITEM)),
    operation("actions:update", ADMIN_OR_OWNER, "Update part of an action.", ("PATCH", ITEM)),
    operation("actions:replace", ADMIN_OR_OWNER, "Create or replace an action by id.", ("POST", ITEM)),
    operation("actions:delete", ADMIN_OR_OWNER, "Delete an action.", ("DELETE", ITEM)),
]
