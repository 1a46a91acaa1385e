// What people read from the real CLI binary: `alerts` and `log` fitted to
// 80 and 120 columns (through $COLUMNS and through a real pseudo-terminal's
// size), times in the clinic's zone with the zone shown, control characters
// stripped; full text through a pipe and in CSV.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "alerts/alerts.hpp"
#include "cli/output.hpp"
#include "integration/fixture.hpp"
#include "report/compliance_db.hpp"
#include "support/paths.hpp"

using namespace steritrack;
using namespace std::chrono;
using steritrack::testing::add_cycle;
using steritrack::testing::add_sterilizer;
using steritrack::testing::at;
using steritrack::testkit::TempDb;

namespace {

// A clinic in Berlin: its database and the config naming its zone.
struct Clinic {
  TempDb db;
  std::string config;

  Clinic() : config(db.path() + ".toml") {
    std::ofstream(config) << "[database]\npath = \"" << db.path() << "\"\n\n"
                          << "[mqtt]\nurl = \"tcp://127.0.0.1:1883\"\nclient_id = \"t\"\ntopic_prefix = \"steritrack\"\n\n"
                          << "[[station]]\nid = \"desk\"\nlocation = \"L-STORE-1\"\n\n"
                          << "[[sterilizer]]\nid = \"A\"\nname = \"A\"\ntype = \"prevac\"\nprofile = \"generic-json\"\n\n"
                          << "[policy]\ntimezone = \"Europe/Berlin\"\n";
    store::Connection c(db.path());
    store::Transaction tx(c);
    add_sterilizer(c, "A");
    add_sterilizer(c, "B");
    // Winter time (CET), and one cycle in summer time (CEST).
    for (int i = 1; i <= 3; ++i) add_cycle(c, "A", std::to_string(1040 + i), at("2026-12-02T07:00:00Z") + hours(i));
    add_cycle(c, "B", "311", at("2026-07-01T05:00:00Z"));
    c.execute("UPDATE cycles SET load = 'T-EXAM-01;T-SURG-01;T-EXAM-02;T-ORTHO-03', bi = 'positive', ci = 'pass',"
              " bi_lot = 'BI2291', status = 'recalled' WHERE cycle = '1042'");
    const auto t = at("2026-12-02T07:14:00Z");
    alerts::raise(c, "bi_positive", "A/1042",
                  "BI positive on A/1042 — recall the load: T-EXAM-01, T-SURG-01 (2 packs in scope, 1 issued to "
                  "case C-2026-1187)",
                  t);
    alerts::raise(c, "parameter_mismatch", "A/1043",
                  "A/1043: the sterilizer reported pass, its samples do not show it: 3 exposure samples below the "
                  "minimum 132.0 °C (tolerance 0.0 °C): lowest 129.8 °C at 2026-12-02T09:01:30Z",
                  t + minutes(90));
    alerts::raise(c, "reorder", "00614141200016",
                  "Nitrile gloves \x1B[31mM\x1B[0m, box of 100: 2 left (reorder point 4) — order 10 × box\r", t);
    tx.commit();
  }

  testkit::CommandResult cli(std::vector<std::string> args, const std::string& columns) const {
    args.insert(args.begin(), {"--config", config});
    std::vector<std::string> argv{test_paths::cli()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testkit::run_command(argv, 60s, {"COLUMNS=" + columns});
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t widest(const std::string& text) {
  std::size_t w = 0;
  for (const auto& l : lines_of(text)) w = std::max(w, cli::display_width(l));
  return w;
}

// Runs the CLI on a pseudo-terminal `cols` wide, without $COLUMNS: the size
// comes from the terminal (TIOCGWINSZ). Returns what it printed.
std::string on_terminal(const std::vector<std::string>& args, unsigned short cols) {
  int master = -1, slave = -1;
  winsize ws{};
  ws.ws_row = 50;
  ws.ws_col = cols;
  REQUIRE(openpty(&master, &slave, nullptr, nullptr, &ws) == 0);
  std::vector<std::string> argv{test_paths::cli()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::unsetenv("COLUMNS");
    ::dup2(slave, STDOUT_FILENO);
    ::close(master);
    ::close(slave);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  ::close(slave);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has closed the terminal
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::string plain;  // the terminal turns "\n" into "\r\n"
  for (char c : out)
    if (c != '\r') plain += c;
  return plain;
}

}  // namespace

TEST_CASE("steritrack alerts fits 80 columns with times in the clinic's zone", "[cli][tables]") {
  Clinic clinic;
  const auto r = clinic.cli({"alerts"}, "80");
  REQUIRE(r.exit_code == 0);
  INFO(r.out);
  CHECK(widest(r.out) <= 80);
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() > 2);
  CHECK_THAT(lines[0], Catch::StartsWith("id  kind"));
  CHECK_THAT(lines[0], Catch::Contains("last_seen CET"));
  CHECK_THAT(r.out, Catch::Contains("12-02 08:14"));
  // One line per alert; its message in full under it, indented and wrapped
  // at words (docs/guide-compliance.md, "Tables on a screen").
  std::size_t rows = 0, under = 0;
  for (const auto& l : lines) {
    if (!l.empty() && l[0] >= '0' && l[0] <= '9') ++rows;
    if (l.rfind("    ", 0) == 0) ++under;
  }
  CHECK(rows == 3);
  CHECK(under >= rows);
  CHECK(rows + under + 2 == lines.size());
  CHECK(r.out.find('\x1B') == std::string::npos);
  CHECK(r.out.find('\r') == std::string::npos);
  CHECK(r.out.find("2026-12-02T") == std::string::npos);
}

TEST_CASE("steritrack log fits 80 and 120 columns, keeping what a person checks", "[cli][tables]") {
  Clinic clinic;
  for (const char* width : {"80", "120"}) {
    const auto r = clinic.cli({"log"}, width);
    REQUIRE(r.exit_code == 0);
    INFO(width << "\n" << r.out);
    CHECK(widest(r.out) <= static_cast<std::size_t>(std::stoi(width)));
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 6);
    CHECK_THAT(lines[0], Catch::StartsWith("cycle"));
    for (const char* kept : {"start CET/CEST", "verified", "bi", "status", "load"})
      CHECK_THAT(lines[0], Catch::Contains(kept));
    // The summer cycle in CEST, the winter ones in CET: the header names the zone.
    CHECK_THAT(lines[2], Catch::Contains("B/311") && Catch::Contains("07-01 07:00"));
    CHECK_THAT(lines[4], Catch::Contains("A/1042") && Catch::Contains("12-02 10:00") && Catch::Contains("recalled"));
  }
}

TEST_CASE("the terminal's own width is used when COLUMNS is not set", "[cli][tables]") {
  Clinic clinic;
  const std::string out = on_terminal({"--config", clinic.config, "alerts"}, 80);
  INFO(out);
  CHECK(widest(out) <= 80);
  CHECK_THAT(out, Catch::Contains("last_seen CET"));
  const std::string wide = on_terminal({"--config", clinic.config, "log"}, 120);
  INFO(wide);
  CHECK(widest(wide) <= 120);
  CHECK(widest(wide) > 80);
}

TEST_CASE("through a pipe and in CSV the text is full and times stay RFC 3339 UTC", "[cli][tables]") {
  Clinic clinic;
  auto r = clinic.cli({"alerts"}, "");
  REQUIRE(r.exit_code == 0);
  CHECK(widest(r.out) > 120);
  CHECK_THAT(r.out, Catch::Contains("1 issued to case C-2026-1187)"));
  CHECK_THAT(r.out, Catch::Contains("lowest 129.8 °C at 2026-12-02 10:01 CET"));
  CHECK_THAT(r.out, Catch::Contains("2026-12-02 08:14 CET"));
  CHECK(r.out.find('\x1B') == std::string::npos);

  r = clinic.cli({"alerts", "--format", "csv"}, "80");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("1 issued to case C-2026-1187)"));
  CHECK_THAT(r.out, Catch::Contains("lowest 129.8 °C at 2026-12-02T09:01:30Z\",2026-12-02T08:44:00Z"));
  r = clinic.cli({"log", "--format", "csv"}, "80");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("sterilizer,cycle,program,start,end,"));
  CHECK_THAT(r.out, Catch::Contains("A,1042,prevac-132-4,2026-12-02T09:00:00Z,2026-12-02T09:40:00Z,"));
}

TEST_CASE("log --from a date means the clinic's day", "[cli][tables]") {
  Clinic clinic;
  // 2026-12-02T23:30Z is already the 3rd in Berlin.
  {
    store::Connection c(clinic.db.path());
    store::Transaction tx(c);
    add_cycle(c, "A", "1050", at("2026-12-02T23:30:00Z"));
    tx.commit();
  }
  auto r = clinic.cli({"log", "--from", "2026-12-03", "--format", "csv"}, "");
  REQUIRE(r.exit_code == 0);
  CHECK(lines_of(r.out).size() == 2);
  CHECK_THAT(r.out, Catch::Contains("A,1050,"));
  r = clinic.cli({"log", "--to", "2026-12-02", "--format", "csv"}, "");
  CHECK(r.out.find("A,1050,") == std::string::npos);
}
