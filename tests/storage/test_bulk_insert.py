"""insert_many stores documents exactly as insert does, in the order given.

Sixty backups make over a thousand terms: enough for the COPY path on PostgreSQL.
"""

import orjson

from freezer_api.domain.ports import Scope
from freezer_api.domain.search import parse_search
from tests.conftest import new_project
from tests.support.factories import backup_metadata


def test_bulk_inserted_documents_are_found_like_single_ones(store):
    project = new_project()
    docs = [
        (
            f"b{n:02}",
            {
                "backup_id": f"b{n:02}",
                "backup_metadata": backup_metadata(backup_name=f"name{n % 3}", time_stamp=1000 + n),
            },
        )
        for n in range(60)
    ]
    single = {"backup_id": "single", "backup_metadata": backup_metadata(backup_name="name1", time_stamp=2000)}

    inserted = store.atomic(lambda uow: uow.backups.insert_many(project, "agent", docs))
    store.atomic(lambda uow: uow.backups.insert(project, "single", "agent", single))

    assert [stored.seq for stored in inserted] == sorted(stored.seq for stored in inserted)
    with store.reading() as uow:
        for (backup_id, doc), stored in zip(docs, inserted, strict=False):
            got = uow.backups.get(project, backup_id)
            assert (got.seq, got.version, orjson.loads(got.raw)) == (stored.seq, 1, doc)

        def search(body):
            query = parse_search(body, time_bounds=True)
            return [
                orjson.loads(raw)["backup_id"] for raw in uow.backups.search(Scope(project), query, limit=100, offset=0)
            ]

        assert search({"match": [{"backup_name": "name1"}]}) == [f"b{n:02}" for n in range(1, 60, 3)] + ["single"]
        assert search({"time_after": 1020, "time_before": 1030}) == [f"b{n:02}" for n in range(20, 31)]
        assert search({"match": [{"_all": "NAME2"}]}) == [f"b{n:02}" for n in range(2, 60, 3)]
        assert search({"match": [{"job_id": docs[41][1]["backup_metadata"]["job_id"]}]}) == ["b41"]
