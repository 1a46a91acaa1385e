#pragma once
// The station modes of the instrument cycle: ASSEMBLE, LOAD, ISSUE, RETURN.
// Each scan runs in the scan's transaction; the Outcome's message is what the
// person at the station reads on the feedback display.
//
// Open steps (station.open_step, kept across daemon restarts):
//   ASSEMBLE {"tray": "T-…", "instruments": ["I-…", "GTIN/serial", …]}
//   LOAD     {"sterilizer": "A"}   (the pending load itself is in the loads table)
//   ISSUE    {"case": "C-…"}
#include <optional>

#include "stations/station.hpp"

namespace steritrack::sterilization {

// ASSEMBLE: scan a tray, optionally its instruments (I- labels or UDI
// GTIN+serial codes), then CMD-DONE: the count is compared with the recipe;
// missing items flag the pack and raise tray_incomplete. No instruments
// scanned: an uncounted pack.
class AssembleMode final : public stations::ModeHandler {
public:
  stations::Outcome scan(stations::ScanContext& ctx, const codes::Code& code) override;
  stations::Outcome enter(stations::ScanContext& ctx) override;
  stations::Outcome done(stations::ScanContext& ctx) override;
  stations::Outcome cancel(stations::ScanContext& ctx) override;
};

// LOAD: scan the sterilizer label, then packs: the sterilizer's pending load,
// bound by its next load cycle's cycle_start. CMD-DONE closes the step and
// keeps the load; CMD-CANCEL (or leaving the mode with the step open) clears
// the pending load.
class LoadMode final : public stations::ModeHandler {
public:
  stations::Outcome scan(stations::ScanContext& ctx, const codes::Code& code) override;
  stations::Outcome enter(stations::ScanContext& ctx) override;
  stations::Outcome done(stations::ScanContext& ctx) override;
  stations::Outcome cancel(stations::ScanContext& ctx) override;
};

// ISSUE: scan the case label, then packs. A pack that is recalled, not
// released, or past its shelf life is refused at once and raises
// recalled_pack, unsterile_issue or expired_pack.
class IssueMode final : public stations::ModeHandler {
public:
  stations::Outcome scan(stations::ScanContext& ctx, const codes::Code& code) override;
  stations::Outcome enter(stations::ScanContext& ctx) override;
  stations::Outcome done(stations::ScanContext& ctx) override;
  stations::Outcome cancel(stations::ScanContext& ctx) override;
};

// RETURN: scan trays coming back dirty (after use, recalled, or opened).
class ReturnMode final : public stations::ModeHandler {
public:
  stations::Outcome scan(stations::ScanContext& ctx, const codes::Code& code) override;
  stations::Outcome enter(stations::ScanContext& ctx) override;
  stations::Outcome done(stations::ScanContext& ctx) override;
  stations::Outcome cancel(stations::ScanContext& ctx) override;
};

// For the dispatcher: a tray label scanned in a mode that is not ours (IDLE,
// RECEIVE, CONSUME, COUNT) whose pack is recalled is refused and raises
// recalled_pack ("a recalled pack scanned anywhere but RETURN"). nullopt when
// the code is not a recalled pack's tray.
std::optional<stations::Outcome> refuse_if_recalled(stations::ScanContext& ctx, const codes::Code& code);

}  // namespace steritrack::sterilization
