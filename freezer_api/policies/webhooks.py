from freezer_api.policies.base import ADMIN_OR_OWNER, operation

COLLECTION = "/v2/{project_id}/webhooks"
ITEM = "/v2/{project_id}/webhooks/{webhook_id}"

# Members of the project (and admins) only: a webhook's URL and deliveries
# say where the project's events go, which readers need not know.
RULES = [
    operation("webhooks:create", ADMIN_OR_OWNER, "Register a webhook.", ("POST", COLLECTION)),
    operation("webhooks:get_all", ADMIN_OR_OWNER, "List the project's webhooks.", ("GET", COLLECTION)),
    operation("webhooks:get", ADMIN_OR_OWNER, "Show one webhook.", ("GET", ITEM)),
    operation("webhooks:delete", ADMIN_OR_OWNER, "Delete a webhook and its deliveries.", ("DELETE", ITEM)),
    operation("webhooks:get_deliveries", ADMIN_OR_OWNER, "List a webhook's deliveries.", ("GET", f"{ITEM}/deliveries")),
]
