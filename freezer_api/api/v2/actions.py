"""/v2/{project_id}/actions"""

from freezer_api.api.v2.documents import Creation, Deleting, Listing, Patching, Replacing, Showing


class ActionsCollection(Listing, Creation):
    kind, id_name = "actions", "action_id"


class ActionItem(Showing, Replacing, Patching, Deleting):
    kind, id_name = "actions", "action_id"
