from freezer_api.policies.base import ADMIN_OR_OWNER, ADMIN_OR_READER_OR_SERVICE, ADMIN_OR_SERVICE, operation

COLLECTION = "/v2/{project_id}/clients"
ITEM = "/v2/{project_id}/clients/{client_id}"

RULES = [
    operation("clients:create", ADMIN_OR_OWNER, "Register a client.", ("POST", COLLECTION)),
    operation(
        "clients:create_central",
        ADMIN_OR_SERVICE,
        "Register a central client, visible to every project (checked in addition to clients:create).",
        ("POST", COLLECTION),
    ),
    operation("clients:get_all", ADMIN_OR_READER_OR_SERVICE, "List clients.", ("GET", COLLECTION)),
    operation("clients:get", ADMIN_OR_READER_OR_SERVICE, "Show one client.", ("GET", ITEM)),
    operation("clients:delete", ADMIN_OR_OWNER, "Delete a client registration.", ("DELETE", ITEM)),
]
