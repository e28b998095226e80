// The numerical kernels (interpreter/kernels) against convis's reference file: kernel
// builders, stimuli, and every single-filter case they cover, whole and chunked, plus
// chunk-invariance of the stateful kernels on random chunkings.
#include <catch2/catch.hpp>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "interpreter/io/hdf5_file.h"
#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/kernels/nonlinearities.h"
#include "interpreter/kernels/recursive_lowpass.h"
#include "interpreter/kernels/stimuli.h"
#include "tests/support/reference_file.h"

namespace {

namespace k = cvm::kernels;
using cvm::test::reference_file;
using cvm::test::to_tensor;
using Attribute = cvm::test::ReferenceAttribute;

at::Tensor load(const std::string& dataset) { return cvm::test::load_reference(dataset); }

double attr(const std::string& object, const std::string& name) {
  return Attribute(object, name).number();
}

/// Keyword arguments of a recorded call such as "moving_grating(t=100,x=10,vy=-1.0)".
std::map<std::string, double> call_arguments(const std::string& call) {
  std::map<std::string, double> args;
  const auto open = call.find('('), close = call.rfind(')');
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  std::string inner = call.substr(open + 1, close - open - 1);
  size_t start = 0;
  while (start < inner.size()) {
    size_t end = inner.find(',', start);
    if (end == std::string::npos) end = inner.size();
    const std::string item = inner.substr(start, end - start);
    const auto eq = item.find('=');
    REQUIRE(eq != std::string::npos);
    args[item.substr(0, eq)] = std::stod(item.substr(eq + 1));
    start = end + 1;
  }
  return args;
}

/// max |actual - expected| <= rel * max |expected| (and equal shapes).
void check_close(const at::Tensor& actual, const at::Tensor& expected, double rel,
                 const std::string& what) {
  INFO(what);
  REQUIRE(actual.sizes() == expected.sizes());
  const double scale = expected.abs().max().item<double>();
  const double err = (actual.to(at::kDouble) - expected.to(at::kDouble)).abs().max().item<double>();
  INFO("max |diff| = " << err << ", max |expected| = " << scale << ", relative "
                       << (scale > 0 ? err / scale : err));
  CHECK(err <= rel * std::max(scale, 1e-30));
}

/// Runs `step` on the whole input in one call, and in chunks of `chunk` frames with a
/// fresh state, as convis's Layer.run(input, dt=chunk) does.
template <typename State, typename Step>
std::pair<at::Tensor, at::Tensor> whole_and_chunked(const at::Tensor& input, int64_t chunk,
                                                    Step step) {
  State whole_state;
  at::Tensor whole = step(input, whole_state);
  State chunk_state;
  std::vector<at::Tensor> parts;
  for (int64_t t = 0; t < input.size(2); t += chunk)
    parts.push_back(step(input.narrow(2, t, std::min(chunk, input.size(2) - t)), chunk_state));
  return {whole, at::cat(parts, 2)};
}

/// Runs `step` over chunks of random length 1..37 (fixed seed).
template <typename State, typename Step>
at::Tensor random_chunks(const at::Tensor& input, unsigned seed, Step step) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> length(1, 37);
  State state;
  std::vector<at::Tensor> parts;
  for (int64_t t = 0; t < input.size(2);) {
    const int64_t n = std::min(length(rng), input.size(2) - t);
    parts.push_back(step(input.narrow(2, t, n), state));
    t += n;
  }
  return at::cat(parts, 2);
}

constexpr double kCaseTolerance = 1e-5;   // relative to max |reference|
constexpr double kKernelTolerance = 1e-6;

/// A reference case whose output is compared whole and, if recorded, chunked.
template <typename State, typename Step>
void check_case(const std::string& name, Step step) {
  const std::string group = "/cases/" + name;
  const at::Tensor input = load(group + "/input");
  const at::Tensor expected = load(group + "/output/output");
  State state;
  check_close(step(input, state), expected, kCaseTolerance, name + " (whole)");
  const auto chunk = static_cast<int64_t>(attr(group, "chunk_dt"));
  if (chunk > 0) {
    const at::Tensor expected_chunked = load(group + "/output_chunked/output");
    auto [whole, chunked] = whole_and_chunked<State>(input, chunk, step);
    check_close(chunked, expected_chunked, kCaseTolerance,
                name + " (chunks of " + std::to_string(chunk) + ")");
  }
}

struct NoState {};

std::vector<std::string> kernel_datasets(const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& n : cvm::io::list_hdf5_datasets(reference_file(), "/kernels"))
    if (n.rfind(prefix, 0) == 0) names.push_back("/kernels/" + n);
  REQUIRE(!names.empty());
  return names;
}

at::Tensor whole_source(cvm::io::FrameSource& source) {
  return to_tensor(source.read(0, source.frames()));
}

}  // namespace

TEST_CASE("exponential_filter_1d matches every reference kernel", "[kernels]") {
  for (const auto& ds : kernel_datasets("exponential_filter_1d")) {
    const at::Tensor got = k::exponential_filter_1d(
        attr(ds, "tau"), static_cast<int>(attr(ds, "n")), attr(ds, "normalize") != 0, 1000,
        attr(ds, "amplification"));
    check_close(got, load(ds), kKernelTolerance, ds);
  }
}

TEST_CASE("exponential_highpass_filter_1d matches every reference kernel", "[kernels]") {
  for (const auto& ds : kernel_datasets("exponential_highpass_filter_1d")) {
    const at::Tensor got =
        k::exponential_highpass_filter_1d(attr(ds, "tau"), attr(ds, "relative_weight"), 1000);
    check_close(got, load(ds), kKernelTolerance, ds);
  }
}

TEST_CASE("gauss_filter_2d matches every reference kernel", "[kernels]") {
  for (const auto& ds : kernel_datasets("gauss_filter_2d")) {
    const at::Tensor got = k::gauss_filter_2d(attr(ds, "x_sig"), attr(ds, "y_sig"), 10,
                                              attr(ds, "even") != 0);
    check_close(got, load(ds), kKernelTolerance, ds);
  }
}

TEST_CASE("kernel builder edge cases follow convis", "[kernels]") {
  CHECK(k::exponential_filter_1d(0.01).size(0) == 47);
  CHECK(k::exponential_filter_1d(0.01, 0, true, 1000, 1.0, 1000, 10, true).size(0) == 48);
  CHECK(k::exponential_filter_1d(0.01, 0, true, 1000, 1.0, 1000, 10, false).size(0) == 47);
  CHECK(k::exponential_filter_1d(0.001, 0, true, 1000, 1.0, 5).size(0) == 5);
  const at::Tensor unnormalised = k::exponential_filter_1d(0.01, 0, false);
  CHECK(unnormalised[0].item<float>() == Approx(std::exp(-0.04)));
  CHECK((k::gauss_filter_2d(0, 0.1).sizes() == at::IntArrayRef{1, 1}));
  CHECK((k::gauss_filter_2d(0.001, 0.001).sizes() == at::IntArrayRef{1, 1}));
  CHECK((k::gauss_filter_2d(0.001, 0.001, 10, true).sizes() == at::IntArrayRef{2, 2}));
  CHECK((k::gauss_filter_2d(0.05, 0.15).sizes() == at::IntArrayRef{11, 3}));
}

TEST_CASE("MovingGrating matches convis.samples.moving_grating", "[kernels][stimuli]") {
  for (const std::string ds :
       {"/samples/moving_grating", "/samples/moving_grating__vt0.02_vx1_vy-1"}) {
    auto args = call_arguments(Attribute(ds, "call").text());
    const auto get = [&](const char* key, double fallback) {
      return args.count(key) ? args[key] : fallback;
    };
    k::MovingGrating grating(static_cast<int64_t>(get("t", 2000)),
                             static_cast<int64_t>(get("x", 20)),
                             static_cast<int64_t>(get("y", 20)), get("vt", 1.0 / 200),
                             get("vx", 3.0), get("vy", 2.0));
    const at::Tensor expected = load(ds);
    const at::Tensor whole = whole_source(grating);
    check_close(whole.squeeze(0).squeeze(0), expected, kKernelTolerance, ds);
    // Any frame range on demand, clipped at the end.
    const at::Tensor part = to_tensor(grating.read(37, 1000));
    check_close(part, whole.narrow(2, 37, whole.size(2) - 37), 0, ds + " frames 37..");
  }
}

TEST_CASE("Impulse equals the reference impulse input", "[kernels][stimuli]") {
  k::Impulse impulse;
  const at::Tensor expected = load("/cases/filter_lowpass_recursive_tau0.01__impulse/input");
  check_close(whole_source(impulse), expected, 0, "impulse");
  CHECK(to_tensor(impulse.read(10, 1)).sum().item<float>() == 1.0f);
  CHECK(to_tensor(impulse.read(11, 50)).abs().sum().item<float>() == 0.0f);
  CHECK((impulse.read(95, 10).shape == std::vector<int64_t>{1, 1, 5, 9, 9}));
  CHECK(impulse.read(100, 10).data.empty());
}

TEST_CASE("recursive_lowpass reproduces TemporalLowPassFilterRecursive", "[kernels]") {
  for (const std::string name :
       {"filter_lowpass_recursive_tau0.01__impulse", "filter_lowpass_recursive_tau0.01__random",
        "filter_lowpass_recursive_tau0.05__random"}) {
    const std::string group = "/cases/" + name;
    const double tau = load(group + "/params/tau").item<double>();
    const double sps = attr(group, "steps_per_second");
    check_case<k::LowPassState>(name, [&](const at::Tensor& x, k::LowPassState& s) {
      return k::recursive_lowpass(x, tau, sps, s);
    });
  }
}

TEST_CASE("causal_conv3d reproduces Conv3d", "[kernels]") {
  for (const std::string name :
       {"filter_conv3d_kernel_5x3x3__impulse", "filter_conv3d_kernel_5x3x3__random"}) {
    const std::string group = "/cases/" + name;
    const at::Tensor weight = load(group + "/params/weight");
    const at::Tensor bias = load(group + "/params/bias");
    check_case<k::TimeHistory>(name, [&](const at::Tensor& x, k::TimeHistory& h) {
      return k::causal_conv3d(x, weight, bias, h);
    });
  }
}

TEST_CASE("causal_conv3d + nl_rectify reproduce models.LN", "[kernels]") {
  const at::Tensor weight = load("/cases/model_ln__random/params/conv_weight");
  check_case<k::TimeHistory>("model_ln__random", [&](const at::Tensor& x, k::TimeHistory& h) {
    return k::nl_rectify(k::causal_conv3d(x, weight, c10::nullopt, h));
  });
}

TEST_CASE("nonlinearities reproduce NLRectify and NLRectifyScale", "[kernels]") {
  check_case<NoState>("filter_nl_rectify__random",
                      [](const at::Tensor& x, NoState&) { return k::nl_rectify(x); });
  const std::string group = "/cases/filter_nl_rectify_scale__random";
  const double scale = load(group + "/params/scale").item<double>();
  const double bias = load(group + "/params/bias").item<double>();
  check_case<NoState>("filter_nl_rectify_scale__random", [&](const at::Tensor& x, NoState&) {
    return k::nl_rectify_scale(x, scale, bias);
  });
  CHECK(k::nl_rectify(at::full({1}, 3e6f)).item<float>() == 1e6f);
}

TEST_CASE("causal_conv3d equals a direct convolution, multi-channel with bias", "[kernels]") {
  at::manual_seed(7);
  const at::Tensor x = at::randn({2, 3, 40, 9, 8});
  const at::Tensor weight = at::randn({2, 3, 6, 4, 3});  // even Kx: padding 2 before, 1 after
  const at::Tensor bias = at::randn({2});
  // Direct: first-frame time padding, replicate spatial padding, then conv3d in double.
  const at::Tensor padded_t = at::cat({x.narrow(2, 0, 1).expand({2, 3, 5, 9, 8}), x}, 2);
  const at::Tensor padded = at::replication_pad3d(padded_t.to(at::kDouble), {1, 1, 2, 1, 0, 0});
  const at::Tensor direct =
      at::conv3d(padded, weight.to(at::kDouble), bias.to(at::kDouble)).to(at::kFloat);
  k::TimeHistory history;
  check_close(k::causal_conv3d(x, weight, bias, history), direct, 1e-6, "multi-channel");
}

TEST_CASE("causal_conv3d rejects a channel mismatch", "[kernels]") {
  k::TimeHistory history;
  CHECK_THROWS_AS(k::causal_conv3d(at::zeros({1, 2, 5, 4, 4}), at::zeros({1, 1, 3, 3, 3}),
                                   c10::nullopt, history),
                  std::invalid_argument);
}

TEST_CASE("stateful kernels are chunk-invariant", "[kernels]") {
  at::manual_seed(1234);
  const at::Tensor x = at::randn({1, 2, 400, 11, 7});
  SECTION("causal_conv3d, 10-frame kernel") {
    const at::Tensor weight = at::randn({3, 2, 10, 3, 2});
    const auto step = [&](const at::Tensor& in, k::TimeHistory& h) {
      return k::causal_conv3d(in, weight, c10::nullopt, h);
    };
    k::TimeHistory whole_history;
    const at::Tensor whole = step(x, whole_history);
    for (unsigned seed : {1u, 2u, 3u})
      check_close(random_chunks<k::TimeHistory>(x, seed, step), whole, 1e-6,
                  "random chunks, seed " + std::to_string(seed));
    const at::Tensor single = whole_and_chunked<k::TimeHistory>(x, 1, step).second;
    check_close(single, whole, 1e-6, "1-frame chunks");
  }
  SECTION("recursive_lowpass") {
    const auto step = [](const at::Tensor& in, k::LowPassState& s) {
      return k::recursive_lowpass(in, 0.01, 1000, s);
    };
    k::LowPassState whole_state;
    const at::Tensor whole = step(x, whole_state);
    for (unsigned seed : {1u, 2u, 3u})
      check_close(random_chunks<k::LowPassState>(x, seed, step), whole, 1e-6,
                  "random chunks, seed " + std::to_string(seed));
  }
}
