"""/v1/jobs: the v2 job resources, as v1 behaves.

v1 always generated job ids and never reaches beyond the token's project.
"""

from freezer_api.api.v2.jobs import JobItem, JobsCollection


class V1JobsCollection(JobsCollection):
    accepts_chosen_id = False
    cross_project_reads = False


class V1JobItem(JobItem):
    cross_project_reads = False
