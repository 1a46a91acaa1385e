#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "store/writer.hpp"
#include "support/temp_db.hpp"

using namespace steritrack;

namespace {

struct Completions {
  std::mutex m;
  std::condition_variable cv;
  int done = 0;
  int failed = 0;
  void complete(std::exception_ptr e) {
    std::lock_guard lock(m);
    (e ? failed : done)++;
    cv.notify_all();
  }
  void wait_for(int n) {
    std::unique_lock lock(m);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return done + failed >= n; }));
  }
};

}  // namespace

TEST_CASE("the writer completes each job only after its commit is visible", "[store][writer]") {
  testkit::TempDb t;
  store::Writer writer(t.path(), {});
  store::Connection reader(t.path());
  std::atomic<int> visible_at_completion{0};
  Completions c;
  for (int i = 0; i < 500; ++i) {
    writer.submit(
        [i](store::Connection& db) {
          db.execute("INSERT INTO stations (id, mode) VALUES (?, 'IDLE')", "s" + std::to_string(i));
        },
        [&, i](std::exception_ptr e) {
          store::Connection check(t.path(), store::OpenMode::read_only);
          if (check.query_int("SELECT count(*) FROM stations WHERE id = ?", "s" + std::to_string(i)) == 1)
            ++visible_at_completion;
          c.complete(e);
        });
  }
  c.wait_for(500);
  CHECK(c.done == 500);
  CHECK(visible_at_completion == 500);
}

TEST_CASE("a failing job rolls back alone, its batch neighbours commit", "[store][writer]") {
  testkit::TempDb t;
  Completions c;
  {
    store::Writer writer(t.path(), {});
    writer.submit([](store::Connection& db) { db.execute("INSERT INTO stations (id, mode) VALUES ('a', 'IDLE')"); },
                  [&](std::exception_ptr e) { c.complete(e); });
    writer.submit(
        [](store::Connection& db) {
          db.execute("INSERT INTO stations (id, mode) VALUES ('b', 'IDLE')");
          db.execute("INSERT INTO stations (id, mode) VALUES ('a', 'IDLE')");  // duplicate key
        },
        [&](std::exception_ptr e) { c.complete(e); });
    writer.submit([](store::Connection& db) { db.execute("INSERT INTO stations (id, mode) VALUES ('c', 'IDLE')"); },
                  [&](std::exception_ptr e) { c.complete(e); });
    c.wait_for(3);
  }
  CHECK(c.done == 2);
  CHECK(c.failed == 1);
  CHECK(t.db().query_int("SELECT count(*) FROM stations") == 2);
  CHECK(t.db().query_int("SELECT count(*) FROM stations WHERE id = 'b'") == 0);
}

TEST_CASE("stopping the writer commits what is queued", "[store][writer]") {
  testkit::TempDb t;
  {
    store::Writer writer(t.path(), {});
    for (int i = 0; i < 1000; ++i)
      writer.submit(
          [i](store::Connection& db) {
            db.execute("INSERT INTO stations (id, mode) VALUES (?, 'IDLE')", "s" + std::to_string(i));
          },
          {});
    writer.stop();
  }
  CHECK(t.db().query_int("SELECT count(*) FROM stations") == 1000);
}

TEST_CASE("the writer notices commits made by another connection", "[store][writer]") {
  testkit::TempDb t;
  Completions c;
  store::Writer writer(t.path(), {.max_batch = 256, .external_poll = std::chrono::milliseconds(20)},
                       [&] { c.complete(nullptr); });
  store::Connection other(t.path());
  other.execute("INSERT INTO stations (id, mode) VALUES ('cli', 'IDLE')");
  c.wait_for(1);
  CHECK(c.done >= 1);
}
