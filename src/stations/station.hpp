#pragma once
// A scanner station: its mode, operator, location and open step, and the
// dispatch of one scan to the handler of the station's mode. Every scan runs
// inside one database transaction on the writer thread; its feedback is
// published only after that commit.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "codes/code.hpp"
#include "common/clock.hpp"
#include "common/policy.hpp"
#include "store/sqlite.hpp"

namespace steritrack::stations {

enum class Mode { idle, receive, consume, count, return_, assemble, load, issue };
std::string_view to_string(Mode mode);  // "IDLE", "RECEIVE", ...
std::optional<Mode> mode_from_string(std::string_view text);

struct Station {
  std::string id;
  Mode mode = Mode::idle;
  std::string operator_badge;  // "U-0042", empty when nobody scanned a badge
  std::string location;        // "L-STORE-1"
  nlohmann::json open_step;    // the mode's open work (assembly, pending load, case); null when none
};

struct ScanContext {
  store::Connection& db;
  Station& station;
  const Policy& policy;
  TimePoint now;
  std::int64_t scan_row;  // scans.id of this scan, for ledgers that cite it
};

struct Outcome {
  bool ok = true;
  std::string message;
};
inline Outcome accept(std::string message) { return {true, std::move(message)}; }
inline Outcome refuse(std::string message) { return {false, std::move(message)}; }

// What a mode does with scans. Handlers change the database through ctx.db
// (inside the scan's transaction) and may change ctx.station's open_step.
class ModeHandler {
public:
  virtual ~ModeHandler() = default;
  // A product or label scanned while the station is in this mode.
  virtual Outcome scan(ScanContext& ctx, const codes::Code& code) = 0;
  // The station switched into this mode.
  virtual Outcome enter(ScanContext& ctx);
  // CMD-DONE: finish the open step.
  virtual Outcome done(ScanContext& ctx);
  // CMD-CANCEL, or leaving the mode: abandon the open step.
  virtual Outcome cancel(ScanContext& ctx);
};

}  // namespace steritrack::stations

namespace steritrack::stations {

// Routes one parsed scan: command cards switch mode (leaving a mode abandons
// its open step), badges and location labels set the operator and location,
// everything else goes to the handler of the station's mode.
class Dispatcher {
public:
  void set_handler(Mode mode, std::shared_ptr<ModeHandler> handler);
  bool has_handler(Mode mode) const;
  Outcome dispatch(ScanContext& ctx, const Result<codes::Code>& code);

private:
  ModeHandler* handler(Mode mode) const;
  std::map<Mode, std::shared_ptr<ModeHandler>> handlers_;
};

// Station state in the database (stations table).
Station load_station(store::Connection& db, std::string_view id, std::string_view default_location);
void save_station(store::Connection& db, const Station& station, TimePoint now);

}  // namespace steritrack::stations
