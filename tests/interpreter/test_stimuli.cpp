// Stimuli as frame sources: reading in chunks (any sizes, any order) equals reading the
// whole stimulus, for every built-in stimulus; numpy's legacy MT19937 against values numpy
// itself prints; argument errors are data errors.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "frontend/semantic/builtins.h"
#include "frontend/semantic/command_line.h"
#include "interpreter/kernels/numpy_random.h"
#include "interpreter/kernels/stimuli_random.h"
#include "interpreter/kernels/stimulus_factory.h"

namespace {

namespace k = cvm::kernels;

std::unique_ptr<cvm::io::FrameSource> stimulus(const std::string& text) {
  cvm::Compilation c;
  auto value = cvm::evaluate_stimulus(c, cvm::Resolution{}, text);
  INFO(text);
  REQUIRE(value);
  return k::make_stimulus(*value);
}

std::vector<float> whole(cvm::io::FrameSource& s) { return s.read(0, s.frames()).data; }

/// Reads the frames in chunks of random length 1..max_chunk (fixed seed), in order.
std::vector<float> in_chunks(cvm::io::FrameSource& s, unsigned seed, int64_t max_chunk) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> length(1, max_chunk);
  std::vector<float> out;
  for (int64_t t = 0; t < s.frames();) {
    const int64_t n = length(rng);
    auto a = s.read(t, n);
    out.insert(out.end(), a.data.begin(), a.data.end());
    t += n;
  }
  return out;
}

/// Reads the frames in chunks of `chunk`, last chunk first (every read goes backwards).
std::vector<float> backwards(cvm::io::FrameSource& s, int64_t chunk) {
  const auto shape = s.shape();
  const int64_t frame = shape[0] * shape[1] * shape[3] * shape[4];
  std::vector<float> out(static_cast<size_t>(s.frames() * frame));
  for (int64_t t = (s.frames() - 1) / chunk * chunk; t >= 0; t -= chunk) {
    auto a = s.read(t, chunk);
    std::copy(a.data.begin(), a.data.end(), out.begin() + t * frame);
  }
  return out;
}

}  // namespace

TEST_CASE("numpy's legacy RandomState to the bit", "[stimuli][numpy]") {
  k::NumpyRandomState rng(0);  // np.random.seed(0)
  CHECK(rng.random_sample() == 0.5488135039273248);
  CHECK(rng.random_sample() == 0.7151893663724195);
  CHECK(rng.random_sample() == 0.6027633760716439);

  rng.seed_with(42);  // np.random.seed(42); np.random.randn(3)
  CHECK(rng.standard_normal() == 0.4967141530112327);
  CHECK(rng.standard_normal() == -0.13826430117118466);  // the cached second value of a pair
  CHECK(rng.standard_normal() == 0.6476885381006925);

  rng.seed_with(0);  // re-seeding drops the cached normal: np.random.seed(0); np.random.randn(2)
  CHECK(rng.standard_normal() == 1.764052345967664);
  CHECK(rng.standard_normal() == 0.4001572083672233);
  rng.seed_with(0);
  CHECK(rng.standard_normal() == 1.764052345967664);

  k::NumpyRandomState big(4294967295U);  // the largest seed numpy accepts
  const double u = big.random_sample();
  CHECK((u >= 0 && u < 1));
}

TEST_CASE("every built-in stimulus reads the same in chunks as whole", "[stimuli]") {
  const std::vector<std::string> calls = {
      "moving_grating(t = 120, x = 7, y = 9)",
      "impulse(t = 40)",
      "moving_bar(t = 130, x = 8, y = 11)",
      "moving_bar(t = 60, x = 8, y = 11, sharp = true, bar_direction = 0.5)",
      "moving_bar(t = 5, x = 4, y = 4, temporal_smoothing = 3)",  // radius 12 > t: wrapped reflection
      "random_checker_stimulus(t = 90, x = 10, y = 13, checker_size = 3, seed = 5)",
      "sparse_input(t = 90, x = 6, y = 7, p = 0.3, seed = 2)",
      "sparse_input(x = 6, y = 7, p = [0.1, 0.9, 0.5, 0.0, 1.0], seed = 3)",
      "pulse(t = 100, x = 3, y = 2, pulse_length = 7)",
      "chirp(t = 450, x = 2, y = 3)",
      "mask_square(x = 10, y = 12, width = 3)",
      "mask_circle(x = 10, y = 12, radius = 3)",
      "gabor_kernel()",
      "text_kernel()",
  };
  for (const auto& call : calls) {
    INFO(call);
    auto s = stimulus(call);
    const auto all = whole(*s);
    REQUIRE(static_cast<int64_t>(all.size()) == s->frames() * s->shape()[3] * s->shape()[4]);
    CHECK(in_chunks(*s, 1, 37) == all);
    CHECK(in_chunks(*s, 2, 3) == all);
    CHECK(backwards(*s, 11) == all);
    CHECK(whole(*s) == all);  // after reading backwards
    CHECK(s->read(s->frames(), 5).data.empty());
  }
}

TEST_CASE("every registered stimulus is implemented, with its defaults", "[stimuli]") {
  for (const auto& name : cvm::builtin_names(cvm::BuiltinKind::Stimulus)) {
    INFO(name);
    auto s = stimulus(name + "()");
    CHECK(s->frames() >= 1);
    CHECK(s->read(0, 1).data.size() == static_cast<size_t>(s->shape()[3] * s->shape()[4]));
  }
}

TEST_CASE("stimulus shapes follow convis", "[stimuli]") {
  CHECK((stimulus("sparse_input(t = 9, x = 2, y = 3, p = [0.5, 0.5])")->shape() == std::array<int64_t, 5>{1, 1, 2, 2, 3}));
  CHECK((stimulus("mask_circle(x = 10, y = 12)")->shape() == std::array<int64_t, 5>{1, 1, 1, 10, 12}));
  CHECK((stimulus("gabor_kernel(size = 8)")->shape() == std::array<int64_t, 5>{1, 1, 1, 8, 8}));
  CHECK((stimulus("chirp(t = 9)")->shape() == std::array<int64_t, 5>{1, 1, 9, 20, 20}));
  // random_checker_stimulus: one value per checker, cropped at the border.
  auto checker = stimulus("random_checker_stimulus(t = 2, x = 5, y = 5, checker_size = 2)");
  auto f = checker->read(0, 1).data;
  CHECK(f[0] == f[1]);
  CHECK(f[0] == f[5]);
  CHECK(f[0] == f[6]);
  CHECK(f[0] != f[2]);
  // different seeds, different stimuli; the same seed, the same stimulus
  CHECK(whole(*stimulus("sparse_input(t = 4, x = 5, y = 5, p = 0.5, seed = 1)")) !=
        whole(*stimulus("sparse_input(t = 4, x = 5, y = 5, p = 0.5, seed = 2)")));
  CHECK(whole(*stimulus("random_checker_stimulus(t = 4, seed = 9)")) ==
        whole(*stimulus("random_checker_stimulus(t = 4, seed = 9)")));
}

TEST_CASE("bad stimulus arguments are data errors", "[stimuli][errors]") {
  CHECK_THROWS_AS(stimulus("pulse(pulse_length = 0)"), cvm::io::DataError);
  CHECK_THROWS_AS(stimulus("random_checker_stimulus(checker_size = 0)"), cvm::io::DataError);
  CHECK_THROWS_AS(stimulus("sparse_input(seed = -1)"), cvm::io::DataError);
  CHECK_THROWS_AS(stimulus("chirp(scale = false, amp_on = 10, amp_off = 5)"), cvm::io::DataError);
  CHECK_THROWS_AS(stimulus("mask_square(x = 0)"), cvm::io::DataError);
}
