#include "cli/output.hpp"

#include <unistd.h>

#include <sys/ioctl.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "common/time_zone.hpp"

namespace steritrack::cli {
namespace {

constexpr std::size_t kGap = 2;  // spaces between columns
constexpr char32_t kReplacement = 0xFFFD;

// One code point from UTF-8 at `pos`, advancing it; an invalid or truncated
// sequence gives U+FFFD and consumes one byte.
char32_t next_code_point(std::string_view s, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++pos;
    return kReplacement;
  }
  if (pos + len > s.size()) {
    ++pos;
    return kReplacement;
  }
  for (std::size_t i = 1; i < len; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return kReplacement;
    }
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++pos;
    return kReplacement;
  }
  pos += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool in(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

// Characters that would move the cursor, change colours or reorder text.
bool is_control(char32_t cp) {
  return cp < 0x20 || in(cp, 0x7F, 0x9F) || in(cp, 0x202A, 0x202E) || in(cp, 0x2066, 0x2069);
}

// A small wcwidth: combining marks and zero-width characters take no
// column, East Asian wide and fullwidth characters (and emoji) two, the
// rest one. Enough for names, units and the symbols our messages use
// (—, °, ×, …), without a locale or ncurses.
int code_point_width(char32_t cp) {
  if (in(cp, 0x0300, 0x036F) || in(cp, 0x1AB0, 0x1AFF) || in(cp, 0x1DC0, 0x1DFF) || in(cp, 0x20D0, 0x20FF) ||
      in(cp, 0xFE20, 0xFE2F) || in(cp, 0xFE00, 0xFE0F) || in(cp, 0x200B, 0x200F) || in(cp, 0x2060, 0x2064) ||
      cp == 0xFEFF || in(cp, 0xE0100, 0xE01EF))
    return 0;
  if (in(cp, 0x1100, 0x115F) || in(cp, 0x2E80, 0x303E) || in(cp, 0x3041, 0x33FF) || in(cp, 0x3400, 0x4DBF) ||
      in(cp, 0x4E00, 0x9FFF) || in(cp, 0xA000, 0xA4CF) || in(cp, 0xAC00, 0xD7A3) || in(cp, 0xF900, 0xFAFF) ||
      in(cp, 0xFE30, 0xFE4F) || in(cp, 0xFF00, 0xFF60) || in(cp, 0xFFE0, 0xFFE6) || in(cp, 0x1F300, 0x1F64F) ||
      in(cp, 0x1F900, 0x1F9FF) || in(cp, 0x20000, 0x2FFFD) || in(cp, 0x30000, 0x3FFFD))
    return 2;
  return 1;
}

std::string cell_text(const Cell& c) {
  if (std::holds_alternative<std::int64_t>(c)) return std::to_string(std::get<std::int64_t>(c));
  if (std::holds_alternative<double>(c)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", std::get<double>(c));
    return buf;
  }
  if (std::holds_alternative<std::string>(c)) return std::get<std::string>(c);
  return {};
}

nlohmann::json cell_json(const Cell& c) {
  if (std::holds_alternative<std::int64_t>(c)) return std::get<std::int64_t>(c);
  if (std::holds_alternative<double>(c)) return std::get<double>(c);
  if (std::holds_alternative<std::string>(c)) {
    const auto& s = std::get<std::string>(c);
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  }
  return nullptr;
}

void print_json(std::ostream& out, const Table& table) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& row : table.rows) {
    nlohmann::json obj = nlohmann::json::object();
    for (std::size_t i = 0; i < table.columns.size(); ++i) obj[table.columns[i]] = cell_json(row.at(i));
    arr.push_back(std::move(obj));
  }
  out << arr.dump(2) << '\n';
}

void print_csv(std::ostream& out, const Table& table) {
  for (std::size_t i = 0; i < table.columns.size(); ++i) out << (i ? "," : "") << csv_escape(table.columns[i]);
  out << '\n';
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_escape(cell_text(row[i]));
    out << '\n';
  }
}

// One column of the table for people, as it will be printed.
struct ShownColumn {
  std::size_t index;  // in Table::columns
  ColumnView view;
  std::string header;
  std::vector<std::string> cells;  // printable text, one per row
  std::size_t width = 0;

  void measure() {
    width = display_width(header);
    for (const auto& c : cells) width = std::max(width, display_width(c));
  }
};

std::size_t total_width(const std::vector<ShownColumn>& cols) {
  std::size_t sum = 0;
  for (const auto& c : cols) sum += c.width;
  return cols.empty() ? 0 : sum + kGap * (cols.size() - 1);
}

// What a column's times are in: "CET", "CET/CEST" across a change of
// daylight saving time, else the zone's name.
std::string zone_label(const Table& table, std::size_t index, const TimeZone& zone) {
  // Standard time first: it has the smaller offset, north and south.
  std::set<std::pair<std::chrono::seconds, std::string>> seen;
  for (const auto& row : table.rows)
    if (const auto t = parse_rfc3339(cell_text(row[index]))) seen.emplace(zone.utc_offset(*t), zone.abbreviation(*t));
  if (seen.empty()) return zone.abbreviation(TimePoint{});
  if (seen.size() > 2) return zone.name();
  return seen.size() == 1 ? seen.begin()->second : seen.begin()->second + "/" + seen.rbegin()->second;
}

std::vector<ShownColumn> shown_columns(const Table& table, const TimeZone& zone, bool short_times) {
  std::vector<ShownColumn> cols;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const auto v = table.views.find(table.columns[i]);
    ShownColumn col{i, v == table.views.end() ? ColumnView{} : v->second, printable(table.columns[i]), {}, 0};
    if (col.view.time && short_times) col.header += " " + zone_label(table, i, zone);
    for (const auto& row : table.rows) {
      std::string text = cell_text(row.at(i));
      const auto t = col.view.time ? parse_rfc3339(text) : std::nullopt;
      const Precision precision = col.view.seconds ? Precision::second : Precision::minute;
      if (t)
        text = short_times ? format_local_time_short(*t, zone, precision) : format_local_time(*t, zone, precision);
      else  // times inside messages and reasons
        text = localize_times(text, zone);
      col.cells.push_back(printable(text));
    }
    col.measure();
    cols.push_back(std::move(col));
  }
  return cols;
}

// The table as printed: the columns of each row, and the long texts that
// go on their own lines under it.
struct Layout {
  std::vector<ShownColumn> row;
  std::vector<ShownColumn> under;
};

Layout full_layout(const Table& table, const TimeZone& zone) { return {shown_columns(table, zone, false), {}}; }

// Fits the columns into `width`: long texts under the row, short times,
// then drops, then cuts.
Layout fitted_layout(const Table& table, const TimeZone& zone, std::size_t width) {
  Layout layout = full_layout(table, zone);
  if (total_width(layout.row) <= width) return layout;
  auto take_under = [&layout] {
    auto under = std::stable_partition(layout.row.begin(), layout.row.end(),
                                       [](const ShownColumn& c) { return !c.view.below; });
    layout.under.assign(std::make_move_iterator(under), std::make_move_iterator(layout.row.end()));
    layout.row.erase(under, layout.row.end());
  };
  take_under();
  if (total_width(layout.row) <= width) return layout;
  layout = Layout{shown_columns(table, zone, true), {}};
  take_under();
  auto& cols = layout.row;
  while (total_width(cols) > width) {
    auto drop = cols.end();
    for (auto it = cols.begin(); it != cols.end(); ++it)
      if (it->view.drop_rank > 0 && (drop == cols.end() || it->view.drop_rank >= drop->view.drop_rank)) drop = it;
    if (drop == cols.end()) break;
    cols.erase(drop);
  }
  // Cut the widest shrinkable column a column at a time, so that several
  // long texts end up alike, none below its header (or 6 columns).
  const auto floor_of = [](const ShownColumn& c) { return std::max<std::size_t>(display_width(c.header), 6); };
  bool cut = false;
  while (total_width(cols) > width) {
    ShownColumn* widest = nullptr;
    for (auto& c : cols)
      if (c.view.shrink && c.width > floor_of(c) && (!widest || c.width > widest->width)) widest = &c;
    if (!widest) break;  // too narrow for the table: the terminal wraps it
    --widest->width;
    cut = true;
  }
  if (cut)
    for (auto& c : cols)
      for (auto& cell : c.cells) cell = fit_to_width(cell, c.width);
  return layout;
}

constexpr std::size_t kUnderIndent = 4;

void print_people(std::ostream& out, const Table& table, const Screen& screen) {
  const TimeZone& zone = screen.zone ? *screen.zone : clinic_zone("UTC");
  const Layout layout = screen.width ? fitted_layout(table, zone, *screen.width) : full_layout(table, zone);
  const auto& cols = layout.row;
  auto line = [&](auto&& text_of) {
    std::string s;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const std::string t = text_of(cols[i]);
      s += t;
      if (i + 1 < cols.size()) s += std::string(cols[i].width - display_width(t) + kGap, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();  // an empty last cell
    out << s << '\n';
  };
  line([](const ShownColumn& c) { return c.header; });
  line([](const ShownColumn& c) { return std::string(c.width, '-'); });
  const std::size_t under_width =
      screen.width && *screen.width > kUnderIndent + 10 ? *screen.width - kUnderIndent : 10;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    line([r](const ShownColumn& c) { return c.cells[r]; });
    for (const auto& c : layout.under) {
      if (c.cells[r].empty()) continue;
      // Several texts under a row say which is which.
      const std::string text = layout.under.size() > 1 ? c.header + ": " + c.cells[r] : c.cells[r];
      for (const auto& l : wrap_to_width(text, under_width)) out << std::string(kUnderIndent, ' ') << l << '\n';
    }
  }
  if (table.rows.empty()) out << "(none)\n";
}

}  // namespace

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

void print(std::ostream& out, const Table& table, Format format, const Screen& screen) {
  switch (format) {
    case Format::json: print_json(out, table); return;
    case Format::csv: print_csv(out, table); return;
    case Format::table: print_people(out, table, screen); return;
  }
}

std::optional<std::size_t> screen_width(int fd, const char* columns_env) {
  if (columns_env && *columns_env) {
    std::size_t n = 0;
    const char* end = columns_env + std::strlen(columns_env);
    const auto [ptr, ec] = std::from_chars(columns_env, end, n);
    if (ec == std::errc{} && ptr == end && n > 0) return n;
  }
  winsize ws{};
  if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return std::nullopt;
}

std::size_t display_width(std::string_view utf8) {
  std::size_t width = 0;
  for (std::size_t pos = 0; pos < utf8.size();) {
    const char32_t cp = next_code_point(utf8, pos);
    if (!is_control(cp)) width += static_cast<std::size_t>(code_point_width(cp));
  }
  return width;
}

std::string printable(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t pos = 0; pos < utf8.size();) {
    const char32_t cp = next_code_point(utf8, pos);
    if (cp == '\t' || cp == '\n' || cp == '\r')
      out += ' ';
    else if (!is_control(cp))
      append_utf8(out, cp);
  }
  return out;
}

std::vector<std::string> wrap_to_width(std::string_view utf8, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t used = 0;
  auto flush = [&] {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines.push_back(std::move(line));
    line.clear();
    used = 0;
  };
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    // The next word and the spaces before it.
    std::size_t spaces = 0;
    while (pos < utf8.size() && utf8[pos] == ' ') ++pos, ++spaces;
    const std::size_t end = std::min(utf8.find(' ', pos), utf8.size());
    std::string_view word = utf8.substr(pos, end - pos);
    pos = end;
    if (word.empty()) break;
    const std::size_t gap = used == 0 ? 0 : spaces;
    if (used > 0 && used + gap + display_width(word) > width) flush();
    if (used > 0) line.append(gap, ' '), used += gap;
    // A word longer than the line is split where the line ends.
    while (used + display_width(word) > width) {
      std::size_t cut = 0, w = 0;
      for (std::size_t p = 0; p < word.size();) {
        const std::size_t at = p;
        const char32_t cp = next_code_point(word, p);
        const auto cw = static_cast<std::size_t>(code_point_width(cp));
        if (used + w + cw > width && at > 0) break;
        cut = p;
        w += cw;
      }
      line.append(word.substr(0, cut));
      word.remove_prefix(cut);
      flush();
    }
    line.append(word);
    used += display_width(word);
  }
  if (!line.empty() || lines.empty()) flush();
  return lines;
}

std::string fit_to_width(std::string_view utf8, std::size_t width) {
  if (display_width(utf8) <= width) return std::string{utf8};
  if (width == 0) return {};
  std::string out;
  std::size_t used = 0;
  for (std::size_t pos = 0; pos < utf8.size();) {
    const std::size_t start = pos;
    const char32_t cp = next_code_point(utf8, pos);
    const auto w = static_cast<std::size_t>(is_control(cp) ? 0 : code_point_width(cp));
    if (used + w > width - 1) break;  // keep one column for the ellipsis
    out.append(utf8.substr(start, pos - start));
    used += w;
  }
  // "a long …" would read as a word cut off: the ellipsis takes the space.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "…";
}

}  // namespace steritrack::cli
