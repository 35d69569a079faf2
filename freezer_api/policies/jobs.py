from freezer_api.policies.base import ADMIN_OR_OWNER, ADMIN_OR_READER_OR_SERVICE, ADMIN_OR_SERVICE, operation

COLLECTION = "/v2/{project_id}/jobs"
ITEM = "/v2/{project_id}/jobs/{job_id}"

RULES = [
    operation(
        "jobs:create", ADMIN_OR_OWNER, "Create a job, or replace one by id.", ("POST", COLLECTION), ("POST", ITEM)
    ),
    operation("jobs:get_all", ADMIN_OR_READER_OR_SERVICE, "List and search jobs.", ("GET", COLLECTION)),
    operation(
        "jobs:get_all_projects",
        ADMIN_OR_SERVICE,
        "List jobs of every project (all_projects=true) and read any project's job.",
        ("GET", COLLECTION),
        ("GET", ITEM),
    ),
    operation("jobs:get", ADMIN_OR_READER_OR_SERVICE, "Show one job.", ("GET", ITEM)),
    operation("jobs:update", ADMIN_OR_OWNER, "Update part of a job.", ("PATCH", ITEM)),
    operation("jobs:delete", ADMIN_OR_OWNER, "Delete a job.", ("DELETE", ITEM)),
    operation("jobs:event:create", ADMIN_OR_OWNER, "Send a start, stop or abort event.", ("POST", ITEM + "/event")),
]
