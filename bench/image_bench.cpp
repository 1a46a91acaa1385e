// bench_image [IMAGES_DIR] [ROUNDS]: how well and how fast scan::ImageDecoder
// reads the generated camera-like frames of tests/data/images, next to a bare
// ZXing ReadBarcodes call (all formats, default hints) on the same frames, and
// with each of its stages and second passes, to show what each one buys.
//
// Success: the texts of the manifest, all of them and nothing else. Each
// variant's success is judged in a child process, because ZXing 1.4 aborts
// on some frames; an aborted frame counts as a miss and is left out of the
// timing. Time: per 640x480 frame, in-process, mean of ROUNDS runs.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <ZXing/ReadBarcode.h>

#include "scan/image_decoder.hpp"

namespace {

using namespace steritrack;
using Clock = std::chrono::steady_clock;

struct Sample {
  std::string file;
  bool must = true;  // "may": beyond what the decoder reads today
  std::vector<std::string> expected;
  scan::GrayImage image;
};

std::string with_gs(std::string text) {
  for (auto at = text.find("<GS>"); at != std::string::npos; at = text.find("<GS>", at)) text.replace(at, 4, "\x1D");
  return text;
}

std::vector<Sample> load(const std::filesystem::path& dir) {
  std::ifstream manifest(dir / "expected.tsv");
  if (!manifest) throw std::runtime_error("cannot read " + (dir / "expected.tsv").string());
  std::vector<Sample> samples;
  for (std::string line; std::getline(manifest, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Sample s;
    std::getline(fields, s.file, '\t');
    std::string requirement;
    std::getline(fields, requirement, '\t');
    s.must = requirement == "must";
    for (std::string t; std::getline(fields, t, '\t');) s.expected.push_back(with_gs(t));
    std::ifstream in(dir / s.file, std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto image = scan::load_grayscale(bytes);
    if (!image) throw std::runtime_error(s.file + ": " + image.error());
    s.image = std::move(*image);
    samples.push_back(std::move(s));
  }
  return samples;
}

using Texts = std::vector<std::string>;
using Variant = std::function<Texts(const scan::GrayImage&)>;

Texts zxing_texts(const scan::GrayImage& image, const ZXing::DecodeHints& hints) {
  Texts texts;
  const ZXing::ImageView view(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum);
  for (const auto& r : ZXing::ReadBarcodes(view, hints))
    if (r.isValid()) texts.push_back(r.text());
  return texts;
}

// ImageDecoder texts carry a symbology identifier prefix where bare ZXing
// texts do not: for those a suffix match counts.
bool matches(const Texts& got, const Texts& expected, bool exact) {
  if (got.size() != expected.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& g = got[i];
    const auto& e = expected[i];
    const bool same = exact ? g == e : (!g.empty() && e.size() >= g.size() && e.compare(e.size() - g.size(), g.size(), g) == 0);
    if (!same && exact) return false;
    if (!same) {
      // Bare ZXing lists symbols in its own order: any order counts.
      return std::all_of(expected.begin(), expected.end(), [&](const std::string& want) {
        return std::any_of(got.begin(), got.end(), [&](const std::string& have) {
          return want.size() >= have.size() && want.compare(want.size() - have.size(), have.size(), have) == 0;
        });
      });
    }
  }
  return true;
}

enum class Outcome { hit, miss, aborted };

// Judges one run in a child: ZXing 1.4 may abort.
Outcome judge(const Variant& v, const Sample& s, bool exact) {
  const pid_t pid = fork();
  if (pid == 0) {
    // ZXing's assertion message on an aborting frame: the table says "abort".
    if (const int null = open("/dev/null", O_WRONLY); null >= 0) dup2(null, STDERR_FILENO);
    _exit(matches(v(s.image), s.expected, exact) ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return Outcome::aborted;
  return WEXITSTATUS(status) == 0 ? Outcome::hit : Outcome::miss;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : STERITRACK_TEST_IMAGES;
  const int rounds = argc > 2 ? std::stoi(argv[2]) : 20;
  const auto samples = load(dir);

  ZXing::DecodeHints restricted;
  restricted.setFormats(ZXing::BarcodeFormat::DataMatrix | ZXing::BarcodeFormat::Code128 |
                        ZXing::BarcodeFormat::QRCode | ZXing::BarcodeFormat::MicroQRCode |
                        ZXing::BarcodeFormat::EAN8 | ZXing::BarcodeFormat::EAN13 | ZXing::BarcodeFormat::UPCA |
                        ZXing::BarcodeFormat::UPCE | ZXing::BarcodeFormat::DataBar |
                        ZXing::BarcodeFormat::DataBarExpanded);
  ZXing::DecodeHints fast = restricted;
  fast.setTryHarder(false).setTryRotate(false).setTryDownscale(false);

  const auto decoder_with = [](bool strips, scan::SecondPass second) -> Variant {
    scan::DecoderOptions options;
    options.data_matrix_everywhere = strips;
    options.second_pass = second;
    const auto decoder = std::make_shared<scan::ImageDecoder>(options);
    return [decoder](const scan::GrayImage& image) {
      Texts t;
      if (auto symbols = decoder->decode(image))
        for (const auto& s : *symbols) t.push_back(s.text);
      return t;
    };
  };
  using SP = scan::SecondPass;

  struct Named {
    std::string name;
    Variant run;
    bool exact;
  };
  const std::vector<Named> variants{
      {"bare ZXing ReadBarcodes (all formats, default hints)",
       [](const scan::GrayImage& i) { return zxing_texts(i, ZXing::DecodeHints{}); }, false},
      {"bare ZXing, 5 symbologies, default hints", [&](const scan::GrayImage& i) { return zxing_texts(i, restricted); },
       false},
      {"bare ZXing, 5 symbologies, no tryHarder/Rotate/Downscale",
       [&](const scan::GrayImage& i) { return zxing_texts(i, fast); }, false},
      {"ImageDecoder: one look (no DM strips, no 2nd pass)", decoder_with(false, SP::none), true},
      {"ImageDecoder: + DataMatrix strips", decoder_with(true, SP::none), true},
      {"ImageDecoder: + 2nd pass global histogram", decoder_with(true, SP::global_histogram), true},
      {"ImageDecoder: + 2nd pass enlarged 2x", decoder_with(true, SP::enlarged), true},
      {"ImageDecoder: + 2nd pass stretched, enlarged (default)", decoder_with(true, SP::stretched_enlarged), true},
  };

  std::size_t frames = 0;
  for (const auto& s : samples) frames += s.image.width == 640 && s.image.height == 480;
  std::printf("%zu images (%zu of 640x480) in %s; time: mean of %d runs per frame\n\n", samples.size(), frames,
              dir.c_str(), rounds);
  std::printf("%-54s %8s %8s %10s %10s %12s\n", "decoder", "success", "aborted", "ms p50", "ms mean", "ms no code");
  for (const auto& v : variants) {
    int hits = 0, aborted = 0;
    std::vector<std::string> missed;
    std::vector<double> times;
    double empty_ms = 0;
    for (const auto& s : samples) {
      const Outcome o = judge(v.run, s, v.exact);
      hits += o == Outcome::hit;
      aborted += o == Outcome::aborted;
      if (o != Outcome::hit) missed.push_back(s.file + (o == Outcome::aborted ? "(abort)" : ""));
      if (o == Outcome::aborted || s.image.width != 640 || s.image.height != 480) continue;
      const auto start = Clock::now();
      for (int r = 0; r < rounds; ++r) (void)v.run(s.image);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count() / rounds;
      times.push_back(ms);
      if (s.expected.empty()) empty_ms = ms;
    }
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    double sum = 0;
    for (double t : times) sum += t;
    std::printf("%-54s %4d/%-3zu %8d %10.2f %10.2f %12.2f\n", v.name.c_str(), hits, samples.size(), aborted,
                sorted.empty() ? 0 : sorted[sorted.size() / 2], times.empty() ? 0 : sum / static_cast<double>(times.size()),
                empty_ms);
    if (!missed.empty()) {
      std::printf("    missed:");
      for (const auto& m : missed) std::printf(" %s", m.c_str());
      std::printf("\n");
    }
  }
  return 0;
}
