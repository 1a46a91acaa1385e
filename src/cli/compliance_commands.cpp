// alerts, alerts ack, verify, backup (interfaces.md section 3).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "alerts/alerts.hpp"
#include "cli/cli.hpp"
#include "report/verify.hpp"

namespace steritrack::cli {
namespace {

namespace fs = std::filesystem;

// Exit status of verify and backup when the chain shows tampering (1 is
// any other failure: no database, bad arguments).
constexpr int kTampered = 2;

Cell text_or_empty(const std::optional<std::string>& s) { return s ? Cell{*s} : Cell{}; }

Table alerts_table(const std::vector<alerts::Alert>& list) {
  Table t;
  t.columns = {"id",      "kind",       "subject",   "severity",       "state",
               "message", "first_seen", "last_seen", "acknowledged_by"};
  for (const auto& a : list)
    t.rows.push_back({a.id, a.kind, a.subject, a.severity, a.state, a.message, a.first_seen, a.last_seen,
                      text_or_empty(a.acknowledged_by)});
  // On a screen too narrow for one line per alert (docs/guide-compliance.md):
  // the message goes under its row, in full; the id to acknowledge with,
  // what, how bad and since when stay in the row.
  t.views["message"] = {.below = true};
  t.views["subject"] = {.shrink = true};
  t.views["last_seen"] = {.time = true};
  t.views["first_seen"] = {.time = true, .drop_rank = 3};
  t.views["acknowledged_by"] = {.drop_rank = 2};
  t.views["state"] = {.drop_rank = 1};
  return t;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", s);
  return buf;
}

Table problems_table(const report::VerifyResult& r) {
  Table t;
  t.columns = {"seq", "problem", "record_type", "record_key", "detail"};
  for (const auto& p : r.problems)
    t.rows.push_back({p.seq == 0 ? Cell{} : Cell{p.seq}, std::string{report::to_string(p.kind)}, p.record_type,
                      p.record_key, p.detail});
  return t;
}

using Json = nlohmann::ordered_json;

Json text_or_null(const std::string& s) { return s.empty() ? Json() : Json(s); }

Json verify_json(const report::VerifyResult& r, double seconds) {
  Json problems = Json::array();
  for (const auto& p : r.problems) {
    Json j = Json::object();
    j["seq"] = p.seq == 0 ? Json() : Json(p.seq);
    j["problem"] = report::to_string(p.kind);
    j["record_type"] = text_or_null(p.record_type);
    j["record_key"] = text_or_null(p.record_key);
    j["detail"] = p.detail;
    problems.push_back(std::move(j));
  }
  return {{"ok", r.ok()},
          {"entries", r.entries_checked},
          {"records", r.records_checked},
          {"head", r.head ? Json(report::to_string(*r.head)) : Json()},
          {"problem_count", r.problem_count},
          {"problems", std::move(problems)},
          {"seconds", seconds}};
}

// Prints a verify result; for table output `what` names the database.
void print_verify(Context& ctx, const std::string& what, const report::VerifyResult& r, double seconds) {
  std::ostream& out = *ctx.out;
  switch (ctx.format()) {
    case Format::json: out << verify_json(r, seconds).dump(2) << '\n'; return;
    case Format::csv: print(out, problems_table(r), Format::csv); return;
    case Format::table:
      if (r.ok()) {
        out << what << ": chain intact: " << r.entries_checked << " entries, " << r.records_checked
            << " records checked in " << seconds_text(seconds) << '\n';
      } else {
        out << what << ": TAMPERED: " << r.problem_count << " problem" << (r.problem_count == 1 ? "" : "s")
            << " (" << r.entries_checked << " entries, " << r.records_checked << " records checked in "
            << seconds_text(seconds) << ")\n";
        for (const auto& p : r.problems) out << "  " << report::describe(p) << '\n';
        if (r.problem_count > static_cast<std::int64_t>(r.problems.size()))
          out << "  ... and " << r.problem_count - static_cast<std::int64_t>(r.problems.size()) << " more\n";
      }
      out << what << ": head " << (r.head ? report::to_string(*r.head) : std::string{"(empty chain)"}) << '\n';
      return;
  }
}

[[noreturn]] void fail_tampered(const std::string& what, const report::VerifyResult& r) {
  throw Failure(what + ": first problem: " + report::describe(r.problems.front()), kTampered);
}

// A database's own file and the files SQLite keeps beside it.
void remove_side_files(const fs::path& p) {
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(p.string() + suffix, ec);
}
void remove_database_files(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
  remove_side_files(p);
}

void add_alerts(CLI::App& app, Context& ctx) {
  struct Options {
    bool all = false;
    std::int64_t id = 0;
    std::string operator_badge;
  };
  auto opt = std::make_shared<Options>();

  auto* cmd = app.add_subcommand(
      "alerts", "unresolved alerts (open and acknowledged); --all adds resolved ones; `alerts ack` acknowledges one");
  cmd->require_subcommand(0, 1);
  cmd->add_flag("--all", opt->all, "also list resolved alerts");
  auto* ack = cmd->add_subcommand("ack", "acknowledge an open alert");
  ack->add_option("ID", opt->id, "the alert's id (first column of `steritrack alerts`)")->required();
  ack->add_option("--operator", opt->operator_badge, "who acknowledges it: a U- badge")->required();

  cmd->callback([&ctx, opt, ack] {
    if (ack->parsed()) return;
    ctx.show(alerts_table(alerts::list(ctx.db(), opt->all)));
  });
  ack->callback([&ctx, opt] {
    store::Connection& db = ctx.db();
    store::Transaction tx(db);
    auto acked = alerts::acknowledge(db, opt->id, opt->operator_badge, ctx.now());
    if (!acked) throw Failure("alerts ack: " + acked.error());
    tx.commit();
    if (ctx.format() == Format::table)
      *ctx.out << "alert " << acked->id << " (" << acked->kind << " " << acked->subject << ") acknowledged by "
               << *acked->acknowledged_by << (acked->state == "resolved" ? " and resolved (an event)" : "") << '\n';
    else
      ctx.show(alerts_table({*acked}));
  });
}

void add_verify(CLI::App& app, Context& ctx) {
  struct Options {
    std::vector<std::string> anchors;
    std::string against;
  };
  auto opt = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "verify", "check the tamper-evident record chain: exit 0 only if intact, 2 naming the first bad record if not");
  cmd->add_option("--anchor", opt->anchors,
                  "SEQ:HASH of an entry recorded earlier (the head an earlier verify printed): it must still be there");
  cmd->add_option("--against", opt->against,
                  "an earlier backup: the chain must still contain the backup's last entry")
      ->check(CLI::ExistingFile);
  cmd->callback([&ctx, opt] {
    report::VerifyOptions options;
    for (const std::string& text : opt->anchors) {
      auto a = report::parse_anchor(text);
      if (!a) throw Failure("verify: --anchor " + text + ": expected SEQ:HASH (a number, a colon, 64 hex digits)");
      options.anchors.push_back(std::move(*a));
    }
    if (!opt->against.empty()) {
      store::Connection backup(opt->against, store::OpenMode::read_only);
      std::optional<report::Anchor> a;
      try {
        a = report::last_entry(backup);
      } catch (const store::DatabaseError& e) {
        throw Failure("verify: --against " + opt->against + ": not a steritrack database: " + e.what());
      }
      if (a) options.anchors.push_back(std::move(*a));
    }
    const auto start = std::chrono::steady_clock::now();
    const auto result = report::verify(ctx.db(), options);
    const double seconds = seconds_since(start);
    print_verify(ctx, ctx.db_path(), result, seconds);
    if (!result.ok()) fail_tampered("verify: " + ctx.db_path(), result);
  });
}

void add_backup(CLI::App& app, Context& ctx) {
  struct Options {
    std::string dest;
    bool force = false;
  };
  auto opt = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "backup", "consistent online copy of the database (also while the daemon writes), checked after copying");
  cmd->add_option("DEST", opt->dest, "the copy to write")->required();
  cmd->add_flag("--force", opt->force, "replace DEST if it exists");
  cmd->callback([&ctx, opt] {
    const fs::path dest{opt->dest};
    store::Connection& db = ctx.db();
    std::error_code ec;
    if (fs::exists(dest, ec)) {
      if (fs::equivalent(dest, ctx.db_path(), ec)) throw Failure("backup: " + opt->dest + " is the database itself");
      if (!opt->force) throw Failure("backup: " + opt->dest + " exists: use --force to replace it");
    }
    // Copy to a file beside DEST and move it into place only once checked,
    // so DEST is never a half-written or corrupt copy.
    const fs::path partial = dest.string() + ".partial-" + std::to_string(::getpid());
    remove_database_files(partial);
    const auto start = std::chrono::steady_clock::now();
    report::VerifyResult checked;
    try {
      db.backup_to(partial.string());
      store::Connection copy(partial.string(), store::OpenMode::read_write);
      std::vector<std::string> integrity;
      auto& s = copy.query("PRAGMA integrity_check");
      while (s.step()) integrity.push_back(s.get_text(0));
      if (integrity != std::vector<std::string>{"ok"}) {
        std::string first = integrity.empty() ? "no answer" : integrity.front();
        throw Failure("backup: the copy failed PRAGMA integrity_check: " + first + "; " + opt->dest +
                      " was not written");
      }
      checked = report::verify(copy);
    } catch (...) {
      remove_database_files(partial);
      throw;
    }
    // A stale -wal of an old DEST would be replayed into the new copy.
    remove_side_files(dest);
    fs::rename(partial, dest);
    const double seconds = seconds_since(start);

    // A faithful copy of a tampered database is kept: it is evidence too.
    if (ctx.format() == Format::table)
      *ctx.out << opt->dest << ": copied from " << ctx.db_path() << " (" << fs::file_size(dest) << " bytes),"
               << " integrity_check ok\n";
    print_verify(ctx, opt->dest, checked, seconds);
    if (!checked.ok()) fail_tampered("backup written to " + opt->dest + ", but verify on it", checked);
  });
}

}  // namespace

void add_compliance_commands(CLI::App& app, Context& ctx) {
  add_alerts(app, ctx);
  add_verify(app, ctx);
  add_backup(app, ctx);
}

}  // namespace steritrack::cli
