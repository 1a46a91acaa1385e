#include "app/scan_service.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/time.hpp"

namespace steritrack::app {
namespace {

constexpr std::size_t kMaxScanLength = 4096;
constexpr std::size_t kMaxScanIdLength = 128;

std::string trim_line_end(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.pop_back();
  return s;
}

}  // namespace

Result<ScanRequest> parse_scan_payload(const std::string& station, const std::string& payload) {
  ScanRequest r;
  r.station = station;
  r.source = "mqtt";
  if (!payload.empty() && payload.front() == '{') {
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail("scan payload is not valid JSON");
    const auto code = j.find("code");
    if (code == j.end() || !code->is_string()) return fail("scan JSON needs \"code\" as a string");
    r.text = trim_line_end(code->get<std::string>());
    if (const auto id = j.find("id"); id != j.end()) {
      if (!id->is_string() || id->get<std::string>().empty() || id->get<std::string>().size() > kMaxScanIdLength)
        return fail("scan JSON \"id\" must be a non-empty string of at most 128 characters");
      r.scan_id = id->get<std::string>();
    }
    if (const auto ts = j.find("ts"); ts != j.end()) {
      if (!ts->is_string() || !parse_rfc3339(ts->get<std::string>()))
        return fail("scan JSON \"ts\" must be an RFC 3339 time such as 2026-11-27T08:00:00Z");
    }
    for (const auto& [key, value] : j.items())
      if (key != "code" && key != "id" && key != "ts") return fail("scan JSON has an unknown key \"" + key + "\"");
  } else {
    r.text = trim_line_end(payload);
  }
  if (r.text.empty()) return fail("empty scan");
  if (r.text.size() > kMaxScanLength) return fail("scan longer than 4096 characters");
  return r;
}

std::string feedback_json(const ScanFeedback& f) {
  nlohmann::json j = {{"ok", f.ok}, {"mode", f.mode}, {"code", f.code}, {"message", f.message}, {"ts", f.ts}};
  if (f.scan_id) j["id"] = *f.scan_id;
  // Scanned text may hold bytes that are not UTF-8; replace rather than fail.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ScanService::ScanService(stations::Dispatcher& dispatcher) : dispatcher_(dispatcher) {}

ScanFeedback ScanService::process(store::Connection& db, const ScanRequest& req, TimePoint now,
                                  const Config& config) {
  ScanFeedback fb;
  fb.code = req.text;
  fb.scan_id = req.scan_id;
  fb.ts = format_rfc3339(now);

  if (req.scan_id) {
    auto& q = db.query("SELECT ok, mode, message, at FROM scans WHERE scan_id = ?", *req.scan_id);
    if (q.step()) {
      fb.ok = q.get_int(0) != 0;
      fb.mode = q.get_text(1);
      fb.message = q.get_text(2);
      fb.ts = q.get_text(3);
      fb.duplicate = true;
      q.reset();
      return fb;
    }
  }

  const auto cfg = std::find_if(config.stations.begin(), config.stations.end(),
                                [&](const StationConfig& s) { return s.id == req.station; });
  const StationConfig* station_cfg = cfg == config.stations.end() ? nullptr : &*cfg;
  stations::Station station = stations::load_station(db, req.station, station_cfg ? station_cfg->location : "");

  db.execute(
      "INSERT INTO scans (scan_id, station, source, at, operator, mode, code, ok, message)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, 0, '')",
      req.scan_id, req.station, req.source, fb.ts, station.operator_badge, stations::to_string(station.mode),
      req.text);
  const std::int64_t scan_row = db.last_insert_id();

  codes::ParseOptions options{utc_date(now), station_cfg ? station_cfg->gs_substitute : std::nullopt};
  const Result<codes::Code> code = codes::parse(req.text, options);

  stations::Outcome outcome;
  {
    stations::Station working = station;
    stations::ScanContext ctx{db, working, config.policy, now, scan_row};
    store::Savepoint sp(db);
    try {
      outcome = dispatcher_.dispatch(ctx, code);
      stations::save_station(db, working, now);
      sp.release();
      station = std::move(working);
    } catch (const std::exception& e) {
      // A bug or a database error in a handler must not take the daemon down
      // or leave half a scan: its changes roll back and the scan is refused.
      spdlog::error("scan.failed station={} error=\"{}\"", req.station, e.what());
      outcome = stations::refuse("Internal error; nothing was changed. Tell the IT person.");
    }
  }

  fb.ok = outcome.ok;
  fb.message = outcome.message;
  fb.mode = std::string{stations::to_string(station.mode)};
  db.execute("UPDATE scans SET ok = ?, message = ?, mode = ?, operator = ? WHERE id = ?", outcome.ok, outcome.message,
             fb.mode, station.operator_badge, scan_row);
  return fb;
}

}  // namespace steritrack::app
