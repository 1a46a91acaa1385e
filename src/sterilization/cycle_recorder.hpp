#pragma once
// Records sterilizer events into the cycles table, inside the caller's
// transaction (the daemon runs it on the database writer thread). It keeps
// each cycle's samples and summary up to date, verifies the cycle at its end
// (or when its cycle_end is overdue), raises the cycle alerts and appends
// the cycle to the tamper-evident chain.
//
// Every fact it acts on is in the database (open cycles, last event times),
// so timeouts work across daemon restarts.
#include <map>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/policy.hpp"
#include "sterilization/cycle_listener.hpp"
#include "sterilization/events.hpp"
#include "sterilization/programs.hpp"
#include "store/sqlite.hpp"

namespace steritrack::sterilization {

enum class Outcome { applied, duplicate, refused };
std::string_view to_string(Outcome o);

struct HandleResult {
  Outcome outcome = Outcome::applied;
  std::string reason;  // why it was refused
};

struct TimeoutReport {
  std::vector<std::string> timed_out;  // cycles closed for a missing cycle_end ("A/1042")
  std::vector<std::string> silent;     // sterilizers newly flagged device_silent
};

class CycleRecorder {
public:
  // listener may be null (no sterilization workflow, e.g. in tests).
  CycleRecorder(ProgramCatalog programs, Policy policy, CycleListener* listener = nullptr);

  // The sterilizer's longest allowed gap between exposure samples, from its
  // device profile; the policy's max_sample_gap_s otherwise.
  void set_max_sample_interval(const std::string& sterilizer, double seconds);

  // Applies one event of the sterilizer. A refused event writes nothing but
  // the sterilizer's last_heard_at (the device is talking); a duplicate
  // (same sterilizer, type, cycle and time) changes nothing else either.
  HandleResult handle(store::Connection& db, const std::string& sterilizer, const CanonicalEvent& event,
                      TimePoint now);

  // The daemon's timer: closes cycles whose cycle_end is overdue (verdict
  // incomplete, record_incomplete) and raises or resolves device_silent.
  TimeoutReport check_timeouts(store::Connection& db, TimePoint now, const Policy& policy);

private:
  HandleResult start(store::Connection& db, const std::string& sterilizer, const CycleStart& e, TimePoint now);
  HandleResult sample(store::Connection& db, const std::string& sterilizer, const SampleEvent& e, TimePoint now);
  HandleResult end(store::Connection& db, const std::string& sterilizer, const CycleEnd& e, TimePoint now);
  HandleResult fault(store::Connection& db, const std::string& sterilizer, const Fault& e, TimePoint now);
  // Verifies the cycle and stores the verdict, alerts and chain entry.
  void close(store::Connection& db, std::int64_t cycle_row, TimePoint now);

  ProgramCatalog programs_;
  Policy policy_;
  CycleListener* listener_;
  std::map<std::string, double> max_gap_s_;
};

}  // namespace steritrack::sterilization
