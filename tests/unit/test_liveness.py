"""Liveness sightings (docs/health.md#liveness): throttled in memory, written in batches, never lowered."""

from freezer_api.domain.liveness import LivenessRecorder, client_of_poll
from tests.support.memory_store import MemoryStore


def last_seen(store: MemoryStore, project: str, client: str) -> int | None:
    with store.reading() as uow:
        return uow.liveness.last_seen(project, client)


def test_one_write_per_client_per_resolution():
    store = MemoryStore()
    recorder = LivenessRecorder(store, resolution=15, background=False)
    for at in (100, 101, 114):
        recorder.saw("p", "c", at)
    recorder.saw("p", "d", 105)
    assert recorder.flush() == 2
    assert (last_seen(store, "p", "c"), last_seen(store, "p", "d")) == (100, 105)
    recorder.saw("p", "c", 114)
    assert recorder.flush() == 0  # still within the resolution of the last write
    recorder.saw("p", "c", 115)
    assert recorder.flush() == 1
    assert last_seen(store, "p", "c") == 115
    assert store.commits == 2


def test_a_later_process_never_lowers_last_seen():
    store = MemoryStore()
    LivenessRecorder(store, resolution=0, background=False).saw("p", "c", 200)
    first = LivenessRecorder(store, resolution=0, background=False)
    first.saw("p", "c", 200)
    first.flush()
    late = LivenessRecorder(store, resolution=0, background=False)
    late.saw("p", "c", 150)  # another server process, whose sighting is older
    late.flush()
    assert last_seen(store, "p", "c") == 200


def test_projects_are_separate_and_nameless_sightings_ignored():
    store = MemoryStore()
    recorder = LivenessRecorder(store, resolution=15, background=False)
    recorder.saw("p", "c", 100)
    recorder.saw("q", "c", 100)
    recorder.saw("p", None, 100)
    assert recorder.flush() == 2
    assert last_seen(store, "q", "c") == 100


def test_the_poll_of_a_client_names_it_in_match():
    assert client_of_poll({"match_not": [{"status": "completed"}], "match": [{"client_id": "host_1"}]}) == "host_1"
    assert client_of_poll({"match": [{"job_id": "x"}]}) is None
    assert client_of_poll(None) is None
    assert client_of_poll({"match": [{"client_id": 5}]}) is None
