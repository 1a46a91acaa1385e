// An online backup taken while another thread keeps writing is a
// consistent database: integrity_check passes and the chain verifies.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "report/compliance_db.hpp"
#include "report/verify.hpp"

using namespace steritrack;
using namespace std::chrono;
using steritrack::testing::add_cycle;
using steritrack::testing::add_sterilizer;
using steritrack::testing::at;
using steritrack::testing::TempDb;

TEST_CASE("a backup taken during continuous writes is consistent and verifies", "[report][backup]") {
  TempDb tmp;
  {
    store::Connection db(tmp.path());
    add_sterilizer(db, "A");
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    store::Connection db(tmp.path());
    const auto t0 = at("2026-11-02T08:00:00Z");
    for (int i = 0; !stop; ++i) {
      store::Transaction tx(db);
      add_cycle(db, "A", std::to_string(10000 + i), t0 + minutes(i));
      db.execute("UPDATE cycles SET status = 'recalled' WHERE cycle = ?", std::to_string(10000 + i / 2));
      report::chain_record(db, "cycle", "A/" + std::to_string(10000 + i / 2), t0 + minutes(i));
      tx.commit();
      ++written;
    }
  });
  // Let the writer get going; then copy while it writes.
  while (written < 200) std::this_thread::yield();
  const std::string copy_path = tmp.dir().file("backup.db");
  const int before = written;
  {
    store::Connection db(tmp.path(), store::OpenMode::read_write);
    db.backup_to(copy_path);
  }
  const int after = written;
  stop = true;
  writer.join();
  INFO("cycles written before/after the copy: " << before << "/" << after << ", in all " << written);

  store::Connection copy(copy_path, store::OpenMode::read_write);
  CHECK(copy.query_text("PRAGMA integrity_check") == "ok");
  const auto r = report::verify(copy);
  for (const auto& p : r.problems) INFO(report::describe(p));
  CHECK(r.ok());
  const auto cycles = copy.query_int("SELECT count(*) FROM cycles").value_or(0);
  CHECK(cycles >= before);
  CHECK(cycles <= after);
  CHECK(r.entries_checked == 2 * cycles);
}
