// The temporal filters of std.convis (TimePadding, Delay, VariableDelay,
// TemporalHighPassFilterRecursive, SmoothConv, Diff, Conv1d), run through compiled models:
// any chunking (1-frame chunks included) gives the whole-run output, and the outputs match
// their definitions (delays, high-pass step and impulse responses, padding modes).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "frontend/semantic/compile.h"
#include "interpreter/kernels/recursive_lowpass.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "tests/support/temp_dir.h"

using namespace cvm;

namespace {

/// A model compiled from source with its parameters; plan() builds a fresh plan.
struct Model {
  Compilation compilation;
  std::optional<graph::ModelGraph> graph;
  std::vector<at::Tensor> params;

  explicit Model(const std::string& model_line) {
    test::TempDir dir("cvm_test_temporal");
    const std::string path = dir / "model.cvm";
    std::ofstream(path) << "import std.convis\n" << model_line << "\n";
    graph = compile_model(compilation, path, "");
    if (!graph) FAIL("model did not compile: " << model_line);
    params = interp::materialise_params(*graph, ".");
  }
  at::Tensor& param(const std::string& name) {
    const int index = graph->find_param(name);
    if (index < 0) FAIL("no parameter " << name);
    return params[static_cast<size_t>(index)];
  }
  std::unique_ptr<interp::ExecutionPlan> plan() const {
    return std::make_unique<interp::ExecutionPlan>(*graph, params, interp::LayerContext{graph->resolution});
  }
};

/// The concatenated outputs of a run in chunks of the given sizes (cycled).
at::Tensor run_in_chunks(interp::ExecutionPlan& plan, const at::Tensor& x, const std::vector<int64_t>& sizes) {
  std::vector<at::Tensor> parts;
  size_t k = 0;
  for (int64_t t = 0; t < x.size(2);) {
    const int64_t n = std::min(sizes[k++ % sizes.size()], x.size(2) - t);
    parts.push_back(plan.run_chunk({x.narrow(2, t, n)})[0]);
    t += n;
  }
  return at::cat(parts, 2);
}

double max_abs(const at::Tensor& t) { return t.abs().max().item<double>(); }

/// Runs `model` whole and in several chunkings (1-frame chunks, 7, random sizes) and
/// checks every chunked output against the whole run.
void check_chunk_invariance(Model& model, const at::Tensor& x, double tolerance = 0) {
  auto plan = model.plan();
  const at::Tensor whole = plan->run_chunk({x})[0];
  std::mt19937 rng(11);
  std::vector<std::vector<int64_t>> chunkings = {{1}, {7}, {2, 1, 5}};
  for (int trial = 0; trial < 3; ++trial) {
    std::vector<int64_t> sizes;
    for (int i = 0; i < 20; ++i) sizes.push_back(1 + static_cast<int64_t>(rng() % 23));
    chunkings.push_back(sizes);
  }
  for (const auto& sizes : chunkings) {
    plan->reset_state();
    const at::Tensor chunked = run_in_chunks(*plan, x, sizes);
    INFO("chunks of " << sizes[0] << (sizes.size() > 1 ? ", ..." : ""));
    REQUIRE(chunked.sizes() == whole.sizes());
    CHECK(max_abs(chunked - whole) <= tolerance * std::max(1.0, max_abs(whole)));
  }
}

/// A frame t of x: [B, C, 1, X, Y].
at::Tensor frame(const at::Tensor& x, int64_t t) { return x.narrow(2, t, 1); }

}  // namespace

TEST_CASE("temporal filters give the whole-run output for any chunking", "[temporal][chunking]") {
  at::NoGradGuard no_grad;
  at::manual_seed(5);
  const at::Tensor x = at::randn({1, 1, 90, 6, 5});
  SECTION("TimePadding") {
    for (const char* mode : {"first_frame", "zeros", "ones"}) {
      INFO(mode);
      Model m(std::string("model M = TimePadding(length = 4, mode = \"") + mode + "\")");
      check_chunk_invariance(m, x);
    }
  }
  SECTION("Delay") {
    Model m("model M = Delay(delay = 3, length = 2)");
    check_chunk_invariance(m, x);
  }
  SECTION("VariableDelay") {
    Model m("model M = VariableDelay(shape = [6, 5])");
    m.param("delays").copy_(at::randint(0, 12, {6, 5}));
    check_chunk_invariance(m, x);
  }
  SECTION("TemporalHighPassFilterRecursive") {
    Model m("model M = TemporalHighPassFilterRecursive(tau = 20 ms, k = 0.8)");
    check_chunk_invariance(m, x);
  }
  SECTION("SmoothConv") {
    Model m("model M = SmoothConv(n = 4, tau = 15 ms, spatial_filter = [3, 4])");
    check_chunk_invariance(m, x, 1e-6);
  }
  SECTION("Diff") {
    Model m("model M = Diff()");
    check_chunk_invariance(m, x);
  }
  SECTION("Conv1d, with and without time padding") {
    for (const char* pad : {"true", "false"}) {
      INFO("time_pad = " << pad);
      Model m(std::string("model M { input s: signal[2]\n"
                          "layer c = Conv1d(in_channels = 2, out_channels = 3, kernel_size = 9, time_pad = ") +
              pad + ")\n s -> c\n output y = c }");
      m.param("c.weight").copy_(at::randn({3, 2, 9}));
      m.param("c.bias").copy_(at::randn({3}));
      check_chunk_invariance(m, at::randn({1, 2, 60, 4, 3}), 1e-6);
    }
  }
}

TEST_CASE("TimePadding puts its frames before the run's first frame only", "[temporal]") {
  at::NoGradGuard no_grad;
  // Frames 1, 2, 3 (each frame constant): easy to read which frame went where.
  const at::Tensor x = at::arange(1, 4, at::kFloat).reshape({1, 1, 3, 1, 1}).expand({1, 1, 3, 2, 2}).contiguous();
  auto padded_frames = [&](const std::string& mode, int64_t length) {
    Model m("model M = TimePadding(length = " + std::to_string(length) + ", mode = \"" + mode + "\")");
    const at::Tensor y = m.plan()->run_chunk({x})[0];
    REQUIRE(y.size(2) == length + 3);
    CHECK(at::equal(y.narrow(2, length, 3), x));
    std::vector<float> values;
    for (int64_t t = 0; t < length; ++t) values.push_back(y[0][0][t][1][1].item<float>());
    return values;
  };
  using V = std::vector<float>;
  CHECK(padded_frames("first_frame", 4) == V{1, 1, 1, 1});
  CHECK(padded_frames("zeros", 2) == V{0, 0});
  CHECK(padded_frames("ones", 2) == V{1, 1});
  CHECK(padded_frames("mean", 2) == V{2, 2});
  // convis: mirror is x reversed from the start (x[L-1] .. x[0]), repeated when T < L.
  CHECK(padded_frames("mirror", 2) == V{2, 1});
  CHECK(padded_frames("mirror", 5) == V{2, 1, 3, 2, 1});
  // convis: full_copy is the last L frames of x, repeated copies of x when T < L.
  CHECK(padded_frames("full_copy", 2) == V{2, 3});
  CHECK(padded_frames("full_copy", 5) == V{2, 3, 1, 2, 3});

  Model m("model M = TimePadding(length = 2)");
  auto plan = m.plan();
  CHECK(plan->run_chunk({x})[0].size(2) == 5);
  CHECK(at::equal(plan->run_chunk({x})[0], x));  // later chunks pass unchanged
  plan->push_state();
  plan->reset_state();
  CHECK(plan->run_chunk({x})[0].size(2) == 5);  // a reset starts a new run
  plan->pop_state();
  CHECK(plan->run_chunk({x})[0].size(2) == 3);
}

TEST_CASE("Delay and VariableDelay shift frames, zeros before the start", "[temporal]") {
  at::NoGradGuard no_grad;
  at::manual_seed(3);
  const at::Tensor x = at::randn({1, 1, 20, 3, 4});
  SECTION("Delay") {
    Model m("model M = Delay(delay = 3)");
    const at::Tensor y = m.plan()->run_chunk({x})[0];
    CHECK(at::equal(y.narrow(2, 0, 3), at::zeros({1, 1, 3, 3, 4})));
    CHECK(at::equal(y.narrow(2, 3, 17), x.narrow(2, 0, 17)));
    Model with_length("model M = Delay(delay = 3, length = 2)");
    const at::Tensor z = with_length.plan()->run_chunk({x})[0];
    REQUIRE(z.size(2) == 22);
    CHECK(at::equal(z.narrow(2, 2, 20), y));
    CHECK(max_abs(z.narrow(2, 0, 2)) == 0);
  }
  SECTION("VariableDelay, as given and transposed as convis") {
    const at::Tensor delays = at::tensor({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, at::kFloat).reshape({3, 4});
    Model plain("model M = VariableDelay(shape = [3, 4])");
    plain.param("delays").copy_(delays);
    const at::Tensor y = plain.plan()->run_chunk({x})[0];
    Model transposed("model M = VariableDelay(shape = [4, 3], transpose = true)");
    transposed.param("delays").copy_(delays.t());
    CHECK(at::equal(transposed.plan()->run_chunk({x})[0], y));
    for (int64_t i = 0; i < 3; ++i) {
      for (int64_t j = 0; j < 4; ++j) {
        const int64_t d = 4 * i + j;
        const at::Tensor pixel = y.select(3, i).select(3, j).flatten();
        const at::Tensor input = x.select(3, i).select(3, j).flatten();
        CHECK(pixel.narrow(0, 0, d).abs().sum().item<double>() == 0);
        CHECK(at::equal(pixel.narrow(0, d, 20 - d), input.narrow(0, 0, 20 - d)));
      }
    }
  }
  SECTION("VariableDelay broadcasts one delay and truncates fractions") {
    Model m("model M = VariableDelay()");
    m.param("delays").fill_(2.7);
    Model d("model M = Delay(delay = 2)");
    CHECK(at::equal(m.plan()->run_chunk({x})[0], d.plan()->run_chunk({x})[0]));
  }
  SECTION("VariableDelay refuses negative delays and shapes that do not fit") {
    Model negative("model M = VariableDelay()");
    negative.param("delays").fill_(-1);
    CHECK_THROWS_AS(negative.plan()->run_chunk({x}), interp::RuntimeError);
    Model wrong("model M = VariableDelay(shape = [4, 3])");
    CHECK_THROWS_AS(wrong.plan()->run_chunk({x}), interp::RuntimeError);
  }
}

TEST_CASE("TemporalHighPassFilterRecursive: step and impulse responses", "[temporal]") {
  at::NoGradGuard no_grad;
  const double tau = 0.02, k = 0.8, dt = 0.001;
  const double e = std::exp(-dt / tau), norm = 2 * tau / dt;
  Model m("model M = TemporalHighPassFilterRecursive(tau = 20 ms, k = 0.8)");
  SECTION("a constant input: x[-1] = x[0], so z[t] = (1 + e)(1 - e^(t+1)) / (1 - e)") {
    const at::Tensor y = m.plan()->run_chunk({at::ones({1, 1, 200, 2, 2})})[0];
    for (int64_t t : {0, 1, 5, 50, 199}) {
      const double z = (1 + e) * (1 - std::pow(e, t + 1)) / (1 - e);
      CHECK(y[0][0][t][1][0].item<double>() == Approx(1 - k * z / norm).margin(1e-5));
    }
  }
  SECTION("an impulse at frame 5 enters the subtracted low-pass one frame later") {
    at::Tensor x = at::zeros({1, 1, 40, 1, 1});
    x[0][0][5] = 1;
    const at::Tensor y = m.plan()->run_chunk({x})[0].flatten();
    CHECK(max_abs(y.narrow(0, 0, 5)) == 0);
    CHECK(y[5].item<double>() == Approx(1));
    for (int64_t t = 6; t < 40; ++t)
      CHECK(y[t].item<double>() == Approx(-k * (1 + e) * std::pow(e, t - 6) / norm).margin(1e-7));
  }
}

TEST_CASE("SmoothConv sums spatial filters of a cascade of low-pass filters", "[temporal]") {
  at::NoGradGuard no_grad;
  at::manual_seed(9);
  const at::Tensor x = at::randn({1, 1, 50, 4, 4});
  Model m("model M = SmoothConv(n = 2, tau = 10 ms, spatial_filter = [1, 1])");
  m.param("e_n1_tau").fill_(0.03);
  m.param("g_n0_weight").fill_(2.0);
  m.param("g_n1_weight").fill_(-0.5);
  kernels::LowPassState s0, s1;
  const at::Tensor e0 = kernels::recursive_lowpass(x, 0.01, 1000, s0);
  const at::Tensor e1 = kernels::recursive_lowpass(e0, 0.03, 1000, s1);
  const at::Tensor y = m.plan()->run_chunk({x})[0];
  CHECK(max_abs(y - (2.0 * e0 - 0.5 * e1)) < 1e-6);
  CHECK(m.graph->find_param("e_n2_tau") < 0);  // only n stages have parameters

  Model none("model M = SmoothConv(n = 0)");
  CHECK_THROWS_AS(none.plan(), interp::RuntimeError);
}

TEST_CASE("Diff is the frame difference, 0 for the first frame", "[temporal]") {
  at::NoGradGuard no_grad;
  const at::Tensor x = at::randn({2, 1, 10, 3, 3});
  Model m("model M = Diff()");
  const at::Tensor y = m.plan()->run_chunk({x})[0];
  CHECK(max_abs(frame(y, 0)) == 0);
  CHECK(at::equal(y.narrow(2, 1, 9), x.narrow(2, 1, 9) - x.narrow(2, 0, 9)));
}

TEST_CASE("Conv1d convolves each pixel in time with first-frame padding", "[temporal]") {
  at::NoGradGuard no_grad;
  at::manual_seed(4);
  const at::Tensor x = at::randn({1, 1, 30, 2, 3});
  const at::Tensor w = at::randn({1, 1, 4});
  auto expected = [&](int64_t t) {
    at::Tensor sum = at::zeros({1, 1, 1, 2, 3});
    for (int64_t j = 0; j < 4; ++j) sum += w[0][0][j].item<float>() * frame(x, std::max<int64_t>(0, t - 3 + j));
    return sum + 0.25;
  };
  for (const char* pad : {"true", "false"}) {
    Model m(std::string("model M = Conv1d(kernel_size = 4, time_pad = ") + pad + ") { bias = 0.25 }");
    m.param("weight").copy_(w);
    const at::Tensor y = m.plan()->run_chunk({x})[0];
    const int64_t skipped = std::string(pad) == "true" ? 0 : 3;
    REQUIRE(y.size(2) == 30 - skipped);
    for (int64_t t : {0, 1, 2, 3, 10, 29}) {
      if (t < skipped) continue;
      CHECK(max_abs(frame(y, t - skipped) - expected(t)) < 1e-5);
    }
  }
}

TEST_CASE("temporal filters refuse arguments they cannot run", "[temporal][errors]") {
  Model mode("model M = TimePadding(length = 3, mode = \"reflect\")");
  CHECK_THROWS_WITH(mode.plan(), Catch::Contains("first_frame, zeros, ones, mean, mirror, full_copy"));
  Model delay("model M = Delay(delay = -1)");
  CHECK_THROWS_AS(delay.plan(), interp::RuntimeError);
}
