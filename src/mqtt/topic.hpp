#pragma once
// MQTT topic filters, as the broker matches them (MQTT 3.1.1 §4.7).
#include <string_view>

namespace steritrack::mqtt {

// True if `topic` matches `filter` ('+' one level, '#' this level and all
// below). Topics starting with '$' do not match a leading wildcard.
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace steritrack::mqtt
