from freezer_api.policies.base import ADMIN_OR_OWNER, ADMIN_OR_READER_OR_SERVICE, ADMIN_OR_SERVICE, operation

COLLECTION = "/v2/{project_id}/clients"
ITEM = "/v2/{project_id}/clients/{client_id}"
# v1 works in the token's project, which is the target project of its checks.
V1_COLLECTION = "/v1/clients"
V1_ITEM = "/v1/clients/{client_id}"

RULES = [
    operation("clients:create", ADMIN_OR_OWNER, "Register a client.", ("POST", COLLECTION), ("POST", V1_COLLECTION)),
    operation(
        "clients:create_central",
        ADMIN_OR_SERVICE,
        "Register a central client, visible to every project (checked in addition to clients:create).",
        ("POST", COLLECTION),
        ("POST", V1_COLLECTION),
    ),
    operation(
        "clients:get_all", ADMIN_OR_READER_OR_SERVICE, "List clients.", ("GET", COLLECTION), ("GET", V1_COLLECTION)
    ),
    operation("clients:get", ADMIN_OR_READER_OR_SERVICE, "Show one client.", ("GET", ITEM), ("GET", V1_ITEM)),
    operation("clients:update", ADMIN_OR_OWNER, "Update a client registration (v1 only).", ("PATCH", V1_ITEM)),
    operation("clients:delete", ADMIN_OR_OWNER, "Delete a client registration.", ("DELETE", ITEM), ("DELETE", V1_ITEM)),
]
