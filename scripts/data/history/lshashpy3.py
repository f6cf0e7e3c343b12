"""lshashpy3 history pack (no Debian package, so no pack of an installed version): the hash tables LSHash.save()
writes (`np.savez_compressed(hashtable_filename, data=self.hash_tables)`: an object array of its storages, which
LSHash reads back with `np.load(..., allow_pickle=True)`). The in-memory storage is InMemoryStorage, which defines no
rebuild hook in any release: it is its __dict__ (its name and a dict of hash keys to lists of stored points, tuples
of numbers and extra data). RedisStorage, which holds a redis client, is not admitted: LSHash never saves one that
loads as data. docs/packs/history/lshashpy3.json lists the versions each name is found in. The repository has no
tags: the releases are the commits that set lshashpy3/__init__.py's __version__ (pins.json)."""

LIB = "lshashpy3"
PACK = "lshashpy3"
TITLE = "lshashpy3's in-memory hash tables, as released versions save them"
PACKAGE = "lshashpy3"
SAVED_BASES = ()
HELD = {
    "lshashpy3.storage.InMemoryStorage": "an in-memory hash table LSHash.save() writes (pickled through its __dict__)",
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
FUNCTIONS = {}
NOT_ADMITTED = {}
