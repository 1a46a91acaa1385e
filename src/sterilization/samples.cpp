#include "sterilization/samples.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace steritrack::sterilization {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kNoPhase = 0xff;

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

void put_varint(SampleBlob& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

class Reader {
public:
  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}
  bool byte(std::uint8_t& out) {
    if (pos_ >= data_.size()) return false;
    out = data_[pos_++];
    return true;
  }
  bool varint(std::uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      std::uint8_t b = 0;
      if (!byte(b)) return false;
      out |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool at_end() const { return pos_ == data_.size(); }

private:
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

// The running state both sides keep; each token is a change to it.
struct State {
  std::int64_t t = 0;
  std::int64_t interval = 0;
  std::int64_t temp = 0;
  std::int64_t pressure = 0;
  std::uint8_t phase = kNoPhase;
  bool has_pressure = true;
};

bool fits(std::int64_t v, std::int64_t lo, std::int64_t hi) { return v >= lo && v <= hi; }

std::int32_t round_to_int(double v) { return static_cast<std::int32_t>(std::lround(v)); }

}  // namespace

Sample make_sample(TimePoint ts, Phase phase, double temp_c, std::optional<double> pressure_kpa) {
  Sample s;
  s.ts = ts;
  s.phase = phase;
  s.temp_dc = round_to_int(temp_c * 10);
  if (pressure_kpa) s.pressure_hpa = round_to_int(*pressure_kpa * 10);
  return s;
}

Placement place_sample(std::vector<Sample>& samples, const Sample& s) {
  // Samples nearly always arrive in order: check the end first.
  if (samples.empty() || samples.back().ts < s.ts) {
    samples.push_back(s);
    return Placement::added;
  }
  const auto it = std::lower_bound(samples.begin(), samples.end(), s.ts,
                                   [](const Sample& a, TimePoint t) { return a.ts < t; });
  if (it != samples.end() && it->ts == s.ts) return Placement::duplicate;
  samples.insert(it, s);
  return Placement::added;
}

SampleBlob encode_samples(std::span<const Sample> samples) {
  SampleBlob out;
  out.reserve(8 + samples.size() * 2);
  out.push_back(kVersion);
  put_varint(out, samples.size());
  State st;
  bool first = true;
  for (const Sample& s : samples) {
    const std::int64_t t = s.ts.time_since_epoch().count();
    const std::int64_t interval = t - st.t;
    const std::int64_t dod = interval - st.interval;
    const std::int64_t dtemp = s.temp_dc - st.temp;
    const bool has_p = s.pressure_hpa.has_value();
    const std::int64_t dp = has_p ? *s.pressure_hpa - st.pressure : 0;
    const auto phase = static_cast<std::uint8_t>(s.phase);
    const bool steady = !first && dod == 0 && phase == st.phase && has_p == st.has_pressure;

    if (steady && fits(dtemp, -4, 3) && fits(dp, -8, 7)) {
      out.push_back(static_cast<std::uint8_t>(((dtemp + 4) << 4) | (dp + 8)));
    } else if (steady && fits(dtemp, -16, 15) && fits(dp, -256, 255)) {
      const auto bits = static_cast<std::uint16_t>(0x8000 | ((dtemp + 16) << 9) | (dp + 256));
      out.push_back(static_cast<std::uint8_t>(bits >> 8));
      out.push_back(static_cast<std::uint8_t>(bits & 0xff));
    } else {
      std::uint8_t head = 0xc0;
      if (dod != 0) head |= 0x20;
      if (dtemp != 0) head |= 0x10;
      if (dp != 0) head |= 0x08;
      if (!has_p) head |= 0x04;
      if (phase != st.phase) head |= 0x02;
      out.push_back(head);
      if (phase != st.phase) out.push_back(phase);
      if (dod != 0) put_varint(out, zigzag(dod));
      if (dtemp != 0) put_varint(out, zigzag(dtemp));
      if (dp != 0) put_varint(out, zigzag(dp));
    }
    // The first interval is measured from zero: start the steady-rate
    // prediction from the second sample on.
    st.interval = first ? 0 : interval;
    st.t = t;
    st.temp = s.temp_dc;
    if (has_p) st.pressure = *s.pressure_hpa;
    st.has_pressure = has_p;
    st.phase = phase;
    first = false;
  }
  return out;
}

Result<std::vector<Sample>> decode_samples(std::span<const std::uint8_t> blob) {
  Reader in(blob);
  std::uint8_t version = 0;
  if (!in.byte(version)) return fail("samples: empty");
  if (version != kVersion) return fail("samples: unknown encoding version " + std::to_string(version));
  std::uint64_t count = 0;
  // Each sample takes at least one byte: a larger count is damage.
  if (!in.varint(count) || count > blob.size()) return fail("samples: bad count");
  std::vector<Sample> out;
  out.reserve(count);
  State st;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint8_t head = 0;
    if (!in.byte(head)) return fail("samples: truncated at sample " + std::to_string(i));
    std::int64_t dod = 0, dtemp = 0, dp = 0;
    bool has_p = st.has_pressure;
    std::uint8_t phase = st.phase;
    if (!(head & 0x80)) {
      dtemp = ((head >> 4) & 0x07) - 4;
      dp = (head & 0x0f) - 8;
    } else if (!(head & 0x40)) {
      std::uint8_t low = 0;
      if (!in.byte(low)) return fail("samples: truncated at sample " + std::to_string(i));
      const int bits = ((head & 0x3f) << 8) | low;
      dtemp = ((bits >> 9) & 0x1f) - 16;
      dp = (bits & 0x1ff) - 256;
    } else {
      has_p = !(head & 0x04);
      std::uint64_t v = 0;
      if ((head & 0x02) && !in.byte(phase)) return fail("samples: truncated at sample " + std::to_string(i));
      if (head & 0x20) {
        if (!in.varint(v)) return fail("samples: truncated at sample " + std::to_string(i));
        dod = unzigzag(v);
      }
      if (head & 0x10) {
        if (!in.varint(v)) return fail("samples: truncated at sample " + std::to_string(i));
        dtemp = unzigzag(v);
      }
      if (head & 0x08) {
        if (!in.varint(v)) return fail("samples: truncated at sample " + std::to_string(i));
        dp = unzigzag(v);
      }
    }
    if (i == 0 && (head & 0xc0) != 0xc0) return fail("samples: first sample not in full form");
    if (phase > static_cast<std::uint8_t>(Phase::drying)) return fail("samples: bad phase at sample " + std::to_string(i));
    const std::int64_t interval = st.interval + dod;
    if (i > 0 && interval <= 0) return fail("samples: times out of order at sample " + std::to_string(i));
    const std::int64_t t = st.t + interval;
    const std::int64_t temp = st.temp + dtemp;
    const std::int64_t pressure = st.pressure + dp;
    constexpr std::int64_t lim = std::numeric_limits<std::int32_t>::max();
    if (std::abs(temp) > lim || std::abs(pressure) > lim) return fail("samples: value out of range at sample " + std::to_string(i));

    Sample s;
    s.ts = TimePoint{Duration{t}};
    s.phase = static_cast<Phase>(phase);
    s.temp_dc = static_cast<std::int32_t>(temp);
    if (has_p) s.pressure_hpa = static_cast<std::int32_t>(pressure);
    out.push_back(s);

    st.interval = i == 0 ? 0 : interval;
    st.t = t;
    st.temp = temp;
    if (has_p) st.pressure = pressure;
    st.has_pressure = has_p;
    st.phase = phase;
  }
  if (!in.at_end()) return fail("samples: trailing bytes");
  return out;
}

}  // namespace steritrack::sterilization
