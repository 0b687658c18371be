// FailingVfs: SQLite's own file system with one switch, for tests of what
// happens when the database file cannot be written (a full or failing
// disk). While installed it is the default VFS, so every connection opened
// then goes through it; with writes refused, a write to a main database
// file fails as a disk I/O error. The WAL and the shared memory are never
// touched, so commits go on while checkpoints fail, as on a disk whose
// database file alone is on bad blocks or past a quota.
// Thread rule: install and remove on one thread with no connection open
// through it; RefuseWrites may be called from any thread.
#pragma once

#include <sqlite3.h>

namespace leadrouter::storage::testing {

class FailingVfs {
 public:
  FailingVfs();   // installs it as the default VFS
  ~FailingVfs();  // puts the one it replaced back
  FailingVfs(const FailingVfs&) = delete;
  FailingVfs& operator=(const FailingVfs&) = delete;

  void RefuseWrites(bool refuse);

 private:
  sqlite3_vfs vfs_{};
  sqlite3_vfs* real_ = nullptr;
};

}  // namespace leadrouter::storage::testing
