"""The migrations build exactly the schema the repositories use."""

from freezer_api.storage import schema


def test_migrated_database_matches_the_tables(store):
    assert schema.is_current(store.engine)
    assert schema.differences(store.engine) == []
