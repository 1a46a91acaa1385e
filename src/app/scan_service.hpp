#pragma once
// One scan from any input, end to end inside the writer's transaction:
// idempotency by scan id, parse, dispatch to the station's mode, persist the
// station, record the scan. The feedback it returns is published by the
// daemon only after the commit.
#include <map>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "stations/station.hpp"
#include "store/sqlite.hpp"

namespace steritrack::app {

struct ScanRequest {
  std::string station;
  std::string text;
  std::optional<std::string> scan_id;  // from MQTT JSON scans
  std::string source;                  // mqtt, serial, evdev, image
};

struct ScanFeedback {
  bool ok = false;
  std::string mode;
  std::string code;
  std::string message;
  std::string ts;
  std::optional<std::string> scan_id;
  bool duplicate = false;  // the scan id was seen before: this is the stored answer
};

// The MQTT scan payload: raw code text, or {"id": ..., "code": ..., "ts": ...}.
Result<ScanRequest> parse_scan_payload(const std::string& station, const std::string& payload);

// {"ok":..,"mode":..,"code":..,"message":..,"ts":..[,"id":..]}
std::string feedback_json(const ScanFeedback& feedback);

class ScanService {
public:
  explicit ScanService(stations::Dispatcher& dispatcher);
  // `config` is the writer thread's snapshot (a reload may add stations).
  ScanFeedback process(store::Connection& db, const ScanRequest& request, TimePoint now, const Config& config);

private:
  stations::Dispatcher& dispatcher_;
};

}  // namespace steritrack::app
