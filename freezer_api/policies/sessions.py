from freezer_api.policies.base import ADMIN_OR_OWNER, ADMIN_OR_READER_OR_SERVICE, operation

COLLECTION = "/v2/{project_id}/sessions"
ITEM = "/v2/{project_id}/sessions/{session_id}"

RULES = [
    operation("sessions:create", ADMIN_OR_OWNER, "Create a session.", ("POST", COLLECTION)),
    operation("sessions:get_all", ADMIN_OR_READER_OR_SERVICE, "List and search sessions.", ("GET", COLLECTION)),
    operation("sessions:get", ADMIN_OR_READER_OR_SERVICE, "Show one session.", ("GET", ITEM)),
    operation("sessions:update", ADMIN_OR_OWNER, "Update part of a session.", ("PATCH", ITEM)),
    operation("sessions:replace", ADMIN_OR_OWNER, "Create or replace a session by id.", ("POST", ITEM)),
    operation("sessions:delete", ADMIN_OR_OWNER, "Delete a session.", ("DELETE", ITEM)),
    operation("sessions:action:create", ADMIN_OR_OWNER, "Start or end a session run.", ("POST", ITEM + "/action")),
    operation("sessions:job:add", ADMIN_OR_OWNER, "Add a job to a session.", ("PUT", ITEM + "/jobs/{job_id}")),
    operation(
        "sessions:job:remove", ADMIN_OR_OWNER, "Remove a job from a session.", ("DELETE", ITEM + "/jobs/{job_id}")
    ),
]
