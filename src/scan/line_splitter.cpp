#include "scan/line_splitter.hpp"

namespace steritrack::scan {

std::optional<LineEnd> line_end_from_string(std::string_view text) {
  if (text == "CR") return LineEnd::cr;
  if (text == "LF") return LineEnd::lf;
  if (text == "CRLF") return LineEnd::crlf;
  return std::nullopt;
}

std::string_view to_string(LineEnd end) {
  switch (end) {
    case LineEnd::cr: return "CR";
    case LineEnd::lf: return "LF";
    case LineEnd::crlf: return "CRLF";
  }
  return "?";
}

LineSplitter::LineSplitter(LineEnd end, std::optional<char> gs_substitute, std::size_t max_length)
    : end_(end), gs_substitute_(gs_substitute), max_length_(max_length) {}

void LineSplitter::reset() {
  line_.clear();
  overlong_ = false;
}

std::vector<Result<std::string>> LineSplitter::feed(std::string_view bytes) {
  const char cut = end_ == LineEnd::cr ? '\r' : '\n';
  std::vector<Result<std::string>> out;
  for (const char c : bytes) {
    if (c != cut) {
      // Two bytes of slack for a stray CR/LF that trimming removes.
      if (!overlong_ && line_.size() >= max_length_ + 2) {
        overlong_ = true;
        line_.clear();
      }
      if (!overlong_) line_.push_back(c);
      continue;
    }
    const auto first = line_.find_first_not_of("\r\n");
    std::string text = first == std::string::npos ? std::string{} : line_.substr(first);
    text.erase(text.find_last_not_of("\r\n") + 1);
    line_.clear();
    if (overlong_ || text.size() > max_length_) {
      overlong_ = false;
      out.emplace_back(fail("line longer than " + std::to_string(max_length_) + " bytes before its " +
                            std::string(to_string(end_)) + " terminator (does the scanner's suffix match?)"));
      continue;
    }
    if (text.empty()) continue;
    apply_gs_substitute(text, gs_substitute_);
    out.emplace_back(std::move(text));
  }
  return out;
}

}  // namespace steritrack::scan
