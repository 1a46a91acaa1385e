#pragma once
// The sterilization workflow's side of a cycle (CycleListener): binding the
// sterilizer's pending load at cycle_start, and releasing, quarantining or
// failing its packs once the cycle has its verdict.
#include <functional>

#include "common/policy.hpp"
#include "sterilization/cycle_listener.hpp"

namespace steritrack::sterilization {

class Workflow final : public CycleListener {
public:
  // The policy is asked for on every event, so a reloaded config applies to
  // the next cycle.
  using PolicySource = std::function<Policy()>;
  explicit Workflow(PolicySource policy);

  // Load cycles: the pending load becomes this cycle's load (operator, load,
  // implants in the log; packs processing). On a sterilizer out of service the
  // load is held and out_of_service_use is raised; on a prevac sterilizer
  // without a passed Bowie-Dick earlier the same clinic day,
  // bowie_dick_missing. Air-removal and leak tests get status `test`.
  void cycle_started(store::Connection& db, std::int64_t cycle_row, TimePoint now) override;
  // pass: released with shelf-life expiry, or quarantined (implants under
  // policy.implant_quarantine, or held for being out of service) until a
  // negative BI; fail or incomplete: failed.
  void cycle_verified(store::Connection& db, std::int64_t cycle_row, TimePoint now) override;

private:
  PolicySource policy_;
};

}  // namespace steritrack::sterilization
