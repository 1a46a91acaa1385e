#include "mqtt/topic.hpp"

#include <algorithm>

namespace steritrack::mqtt {

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (!topic.empty() && topic.front() == '$' && !filter.empty() && (filter.front() == '+' || filter.front() == '#'))
    return false;
  std::size_t f = 0, t = 0;
  while (true) {
    const std::size_t f_end = std::min(filter.find('/', f), filter.size());
    const std::string_view level = filter.substr(f, f_end - f);
    if (level == "#") return true;  // also matches the parent level ("a/#" matches "a")
    const std::size_t t_end = std::min(topic.find('/', t), topic.size());
    if (level != "+" && level != topic.substr(t, t_end - t)) return false;
    const bool filter_done = f_end == filter.size();
    const bool topic_done = t_end == topic.size();
    if (filter_done || topic_done) {
      if (filter_done && topic_done) return true;
      // "a/#" matches "a": the filter has one more level, and it is '#'.
      return topic_done && filter.substr(f_end + 1) == "#";
    }
    f = f_end + 1;
    t = t_end + 1;
  }
}

}  // namespace steritrack::mqtt
