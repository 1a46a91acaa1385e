#include <catch2/catch.hpp>

#include "store/migrations.hpp"
#include "support/temp_db.hpp"

using namespace steritrack;

TEST_CASE("a new database is migrated to the latest version and recorded", "[store]") {
  testkit::TempDir dir;
  store::Connection db((dir / "a.db").string());
  CHECK(store::schema_version(db) == 0);
  CHECK(store::migrate(db) == static_cast<int>(store::migrations().size()));
  CHECK(store::schema_version(db) == store::latest_schema_version());
  CHECK(db.query_int("SELECT count(*) FROM schema_migrations") == static_cast<std::int64_t>(store::migrations().size()));
  CHECK(store::migrate(db) == 0);
  CHECK_NOTHROW(store::require_current_schema(db));
}

TEST_CASE("migrations are numbered in increasing order", "[store]") {
  int last = 0;
  for (const auto& m : store::migrations()) {
    CHECK(m.version > last);
    last = m.version;
  }
}

TEST_CASE("a database from a newer steritrack is refused", "[store]") {
  testkit::TempDb t;
  t.db().execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, 'future', 'x')",
                 store::latest_schema_version() + 1);
  CHECK_THROWS_AS(store::migrate(t.db()), store::SchemaError);
  CHECK_THROWS_WITH(store::require_current_schema(t.db()), Catch::Contains("newer than this steritrack"));
}

TEST_CASE("an older database is reported as needing init", "[store]") {
  testkit::TempDir dir;
  store::Connection db((dir / "old.db").string());
  CHECK_THROWS_WITH(store::require_current_schema(db), Catch::Contains("steritrack init"));
}

TEST_CASE("the database runs in WAL with full sync and foreign keys", "[store]") {
  testkit::TempDb t;
  CHECK(t.db().query_text("PRAGMA journal_mode") == "wal");
  CHECK(t.db().query_int("PRAGMA synchronous") == 2);
  CHECK(t.db().query_int("PRAGMA foreign_keys") == 1);
}

TEST_CASE("a transaction rolls back unless committed", "[store]") {
  testkit::TempDb t;
  {
    store::Transaction tx(t.db());
    t.db().execute("INSERT INTO stations (id, mode) VALUES ('x', 'IDLE')");
  }
  CHECK(t.db().query_int("SELECT count(*) FROM stations") == 0);
  {
    store::Transaction tx(t.db());
    t.db().execute("INSERT INTO stations (id, mode) VALUES ('x', 'IDLE')");
    tx.commit();
  }
  CHECK(t.db().query_int("SELECT count(*) FROM stations") == 1);
}
