#include "store/migrations.hpp"

#include "common/clock.hpp"
#include "common/time.hpp"

namespace steritrack::store {

int latest_schema_version() { return migrations().empty() ? 0 : migrations().back().version; }

int schema_version(Connection& db) {
  const bool has_table =
      db.query_int("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'").value_or(0) >
      0;
  if (!has_table) return 0;
  return static_cast<int>(db.query_int("SELECT coalesce(max(version),0) FROM schema_migrations").value_or(0));
}

int migrate(Connection& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const int current = schema_version(db);
  if (current > latest_schema_version())
    throw SchemaError("database " + db.path() + " has schema version " + std::to_string(current) +
                      ", newer than this steritrack supports (" + std::to_string(latest_schema_version()) +
                      "): upgrade steritrack, or restore a backup made by this version");
  int applied = 0;
  for (const Migration& m : migrations()) {
    if (m.version <= current) continue;
    Transaction tx(db);
    try {
      db.exec(m.sql);
    } catch (const DatabaseError& e) {
      throw SchemaError(std::string{"migration "} + m.name + " failed: " + e.what());
    }
    db.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?,?,?)", m.version, m.name,
               format_rfc3339(SystemClock{}.now()));
    tx.commit();
    ++applied;
  }
  return applied;
}

void require_current_schema(Connection& db) {
  const int current = schema_version(db);
  if (current == latest_schema_version()) return;
  if (current > latest_schema_version())
    throw SchemaError("database " + db.path() + " has schema version " + std::to_string(current) +
                      ", newer than this steritrack supports (" + std::to_string(latest_schema_version()) + ")");
  throw SchemaError("database " + db.path() + " is at schema version " + std::to_string(current) + ", expected " +
                    std::to_string(latest_schema_version()) + ": run `steritrack init` to create or migrate it");
}

}  // namespace steritrack::store
