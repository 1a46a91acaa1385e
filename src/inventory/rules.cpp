#include "inventory/rules.hpp"

#include <algorithm>

#include "common/time.hpp"

namespace steritrack::inventory {

Result<std::int64_t> label_quantity(const codes::Code& code) {
  if (!code.count) return std::int64_t{1};
  if (*code.count <= 0) return fail("the label's count is " + std::to_string(*code.count) + ": nothing to book");
  if (*code.count > kMaxLabelQuantity)
    return fail("the label's count " + std::to_string(*code.count) + " is implausible: check the label");
  return *code.count;
}

Date today(TimePoint now) { return utc_date(now); }

bool needs_reorder(std::int64_t on_hand, std::int64_t on_order, std::int64_t reorder_point) {
  return on_hand + on_order <= reorder_point;
}

std::int64_t suggested_quantity(std::int64_t par_level, std::int64_t on_hand, std::int64_t on_order,
                                std::int64_t reorder_qty) {
  return std::max(par_level - on_hand - on_order, reorder_qty);
}

ExpiryState expiry_state(const std::optional<Date>& expiry, Date today, int warning_days) {
  using std::chrono::sys_days;
  if (!expiry) return ExpiryState::fine;
  if (sys_days{*expiry} < sys_days{today}) return ExpiryState::expired;
  if (sys_days{*expiry} <= sys_days{today} + std::chrono::days{warning_days}) return ExpiryState::expiring;
  return ExpiryState::fine;
}

bool is_usable(const std::optional<Date>& expiry, Date today) {
  return !expiry || std::chrono::sys_days{*expiry} >= std::chrono::sys_days{today};
}

ConsumptionPlan plan_fefo(std::vector<LotStock> lots, std::int64_t quantity, Date today) {
  // Sort key: usable before expired; within each, dated by expiry before
  // undated; ties by lot id (the older record first) so the plan is stable.
  std::stable_sort(lots.begin(), lots.end(), [&](const LotStock& a, const LotStock& b) {
    const bool ua = is_usable(a.expiry, today);
    const bool ub = is_usable(b.expiry, today);
    if (ua != ub) return ua;
    if (a.expiry.has_value() != b.expiry.has_value()) return a.expiry.has_value();
    if (a.expiry && *a.expiry != *b.expiry) return *a.expiry < *b.expiry;
    return a.lot_id < b.lot_id;
  });
  ConsumptionPlan plan;
  std::int64_t left = quantity;
  for (const auto& lot : lots) {
    if (left == 0) break;
    if (lot.quantity <= 0) continue;
    const std::int64_t n = std::min(left, lot.quantity);
    plan.takes.push_back({lot.lot_id, n});
    left -= n;
  }
  plan.shortfall = left;
  if (left > 0) plan.shortfall_lot = plan.takes.empty() ? (lots.empty() ? 0 : lots.front().lot_id)
                                                        : plan.takes.back().lot_id;
  return plan;
}

std::vector<OrderCredit> credit_orders(const std::vector<OpenOrder>& oldest_first, std::int64_t quantity) {
  std::vector<OrderCredit> credits;
  std::int64_t left = quantity;
  for (const auto& order : oldest_first) {
    if (left == 0) break;
    if (order.outstanding <= 0) continue;
    const std::int64_t n = std::min(left, order.outstanding);
    credits.push_back({order.id, n});
    left -= n;
  }
  return credits;
}

std::vector<CountLine> plan_count(const std::vector<LotStock>& on_record, const std::vector<CountedLot>& counted) {
  std::vector<CountLine> lines;
  const auto line_of = [&](std::int64_t lot_id) -> CountLine& {
    for (auto& l : lines)
      if (l.lot_id == lot_id) return l;
    return lines.emplace_back(CountLine{lot_id, 0, 0});
  };
  for (const auto& lot : on_record) line_of(lot.lot_id).on_record += lot.quantity;
  for (const auto& c : counted) line_of(c.lot_id).counted += c.counted;
  std::sort(lines.begin(), lines.end(), [](const CountLine& a, const CountLine& b) { return a.lot_id < b.lot_id; });
  return lines;
}

}  // namespace steritrack::inventory
