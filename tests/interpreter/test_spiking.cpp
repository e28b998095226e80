// The spiking primitives of std.convis (stdlib/convis/spiking.cvm): the counter-based
// generator, chunk invariance of every layer, reproducible seeds, Poisson rates, the
// motion sensor on ramps, and the Layer state API (set/reset/save/restore).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "frontend/semantic/compile.h"
#include "interpreter/kernels/counter_rng.h"
#include "interpreter/runtime/layer_registry.h"
#include "interpreter/runtime/parameters.h"
#include "tests/support/temp_dir.h"

using namespace cvm;

namespace {

/// A std.convis primitive compiled from `model M = <call>`, run as the plan runs it: one
/// Layer from the registry with its declared parameter values.
struct BuiltLayer {
  BuiltLayer(const std::string& call, uint64_t seed, const std::string& path_override = "") {
    test::TempDir dir("cvm_test_spiking");
    const std::string file = dir / "model.cvm";
    std::ofstream(file) << "import std.convis\nmodel M = " << call << "\n";
    auto g = compile_model(compilation, file, "");
    if (!g) FAIL("model did not compile: " << call);
    graph = *g;
    REQUIRE(graph.nodes.size() == 1);
    graph::Node node = graph.nodes[0];
    if (!path_override.empty()) node.path = path_override;
    const interp::LayerFactory* factory = interp::find_layer(node.primitive);
    REQUIRE(factory != nullptr);
    layer = (*factory)(node, interp::LayerContext{graph.resolution, seed});
    const auto values = interp::materialise_params(graph, ".");
    for (int p : node.params) {
      const std::string& name = graph.params[static_cast<size_t>(p)].path;
      layer->params[name.substr(node.prefix.size())] = values[static_cast<size_t>(p)];
    }
  }
  at::Tensor run(const at::Tensor& x) { return layer->forward({x})[0]; }
  /// x in chunks of the given sizes (cycled), joined along time.
  at::Tensor run_chunked(const at::Tensor& x, const std::vector<int64_t>& sizes) {
    std::vector<at::Tensor> parts;
    for (int64_t t = 0, k = 0; t < x.size(2); ++k) {
      const int64_t n = std::min(sizes[static_cast<size_t>(k) % sizes.size()], x.size(2) - t);
      parts.push_back(run(x.narrow(2, t, n)));
      t += n;
    }
    return at::cat(parts, 2);
  }

  Compilation compilation;
  graph::ModelGraph graph;
  std::unique_ptr<interp::Layer> layer;
};

/// Every spiking primitive, with a stimulus that makes it active and noise switched on
/// where the layer has noise.
struct Case {
  std::string call;
  double offset, scale;  // input = offset + scale * N(0, 1)
};
const std::vector<Case> kCases = {
    {"Poisson()", 0.3, 0.1},
    {"Izhikevich()", 10, 5},
    {"LeakyIntegrateAndFireNeuron()", 0.3, 0.2},
    {"LeakyIntegrateAndFireNeuron() { noise_sigma = 0 }", 0.3, 0.2},
    {"RefractoryLeakyIntegrateAndFireNeuron()", 0.4, 0.2},
    {"FitzHughNagumo() { noise_strength = 0.1 }", 0.5, 0.5},
    {"HogkinHuxley()", 10, 5},
    {"IntegrativeMotionSensor()", 0, 1},
    {"IntegrativeMotionSensor(spiking_mode = \"log\", threshold = 1.5)", 1, 0.5},
};

at::Tensor stimulus(const Case& c, int64_t frames, int64_t x, int64_t y, uint64_t seed = 11) {
  at::manual_seed(seed);
  return c.offset + c.scale * at::randn({1, 1, frames, x, y});
}

}  // namespace

TEST_CASE("Philox4x32-10 gives the published known answers", "[spiking][rng]") {
  using A4 = std::array<uint32_t, 4>;
  CHECK(kernels::philox4x32_10({0, 0, 0, 0}, {0, 0}) == A4{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(kernels::philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        A4{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(kernels::philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        A4{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("the counter generator's uniforms and normals have the right moments", "[spiking][rng]") {
  const kernels::CounterRng rng(5, kernels::layer_stream_id("lif"));
  const int n = 200000;
  int outside = 0;
  double su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0, ss2 = 0, scs = 0;
  for (int i = 0; i < n; ++i) {
    const auto cell = static_cast<uint32_t>(i % 1000);
    const double u = rng.uniform(cell, i / 1000, 0);
    const double z = rng.normal(cell, i / 1000, 1);
    const std::array<float, 2> pair = rng.normal_pair(cell, i / 1000, 2);
    outside += u < 0.0 || u >= 1.0;
    su += u;
    su2 += u * u;
    sn += z;
    sn2 += z * z;
    sn4 += z * z * z * z;
    ss2 += static_cast<double>(pair[1]) * pair[1];
    scs += static_cast<double>(pair[0]) * pair[1];
  }
  CHECK(outside == 0);
  CHECK(std::abs(su / n - 0.5) < 0.005);
  CHECK(std::abs(su2 / n - 1.0 / 3) < 0.005);
  CHECK(std::abs(sn / n) < 0.01);
  CHECK(std::abs(sn2 / n - 1) < 0.015);
  CHECK(std::abs(sn4 / n - 3) < 0.1);
  CHECK(std::abs(ss2 / n - 1) < 0.015);  // the pair's second number is normal too
  CHECK(std::abs(scs / n) < 0.015);      // and uncorrelated with the first
  // Different draws, steps and cells are different numbers.
  CHECK(rng.normal(3, 7, 0) != rng.normal(3, 7, 1));
  CHECK(rng.normal(3, 7, 0) != rng.normal(3, 8, 0));
  CHECK(rng.normal(3, 7, 0) != rng.normal(4, 7, 0));
  CHECK(rng.normal(3, 7, 0) == kernels::CounterRng(5, kernels::layer_stream_id("lif")).normal(3, 7, 0));
}

TEST_CASE("every spiking layer gives the same output in chunks as whole", "[spiking][chunking]") {
  at::NoGradGuard guard;
  std::mt19937 chunking(3);
  for (const Case& c : kCases) {
    INFO(c.call);
    BuiltLayer layer(c.call, 42);
    const at::Tensor x = stimulus(c, 150, 5, 7);
    const at::Tensor whole = layer.run(x);
    CHECK(whole.abs().sum().item<double>() > 0);  // the stimulus makes the layer active
    for (int trial = 0; trial < 4; ++trial) {
      std::vector<int64_t> sizes;
      for (int i = 0; i < 12; ++i) sizes.push_back(1 + static_cast<int64_t>(chunking() % 40));
      layer.layer->reset_state();
      CHECK(at::equal(layer.run_chunked(x, sizes), whole));
    }
  }
}

TEST_CASE("spikes depend on the seed and the layer, not on the chunking or the threads", "[spiking][seed]") {
  at::NoGradGuard guard;
  const Case noisy{"RefractoryLeakyIntegrateAndFireNeuron()", 0.4, 0.2};
  const at::Tensor x = stimulus(noisy, 200, 8, 8);
  BuiltLayer a(noisy.call, 7), b(noisy.call, 7), other_seed(noisy.call, 8), other_layer(noisy.call, 7, "lif2");
  const at::Tensor spikes = a.run(x);
  CHECK(at::equal(b.run_chunked(x, {13, 1, 50}), spikes));
  CHECK(!at::equal(other_seed.run(x), spikes));
  CHECK(!at::equal(other_layer.run(x), spikes));

  // Many cells and few frames, so the cells are split between threads.
  const at::Tensor wide = stimulus(noisy, 10, 128, 128);
  at::set_num_threads(1);
  a.layer->reset_state();
  const at::Tensor one_thread = a.run(wide);
  at::set_num_threads(2);
  a.layer->reset_state();
  CHECK(at::equal(a.run(wide), one_thread));
  at::set_num_threads(1);

  const Case poisson{"Poisson()", 0.3, 0.1};
  BuiltLayer p7(poisson.call, 7), p7b(poisson.call, 7), p8(poisson.call, 8);
  const at::Tensor rates = stimulus(poisson, 100, 6, 6);
  const at::Tensor poisson_spikes = p7.run(rates);
  CHECK(at::equal(p7b.run_chunked(rates, {7}), poisson_spikes));
  CHECK(!at::equal(p8.run(rates), poisson_spikes));
}

TEST_CASE("Poisson spikes at the input's rate", "[spiking][poisson]") {
  at::NoGradGuard guard;
  BuiltLayer poisson("Poisson()", 1);
  for (double rate : {0.0, 0.05, 0.3, 1.0}) {
    const at::Tensor spikes = poisson.run(at::full({1, 1, 400, 10, 10}, rate));
    const double n = static_cast<double>(spikes.numel());
    const double sigma = std::sqrt(rate * (1 - rate) / n);
    CHECK(std::abs(spikes.mean().item<double>() - rate) <= 4 * sigma + 1e-12);
    CHECK(at::equal(spikes, spikes.clamp(0, 1).round()));  // float 0/1
  }
}

TEST_CASE("the motion sensor sends ON spikes on a rising ramp and OFF spikes on a falling one",
          "[spiking][motion_sensor]") {
  at::NoGradGuard guard;
  SECTION("linear: the input is integrated, one spike per threshold crossed") {
    BuiltLayer sensor("IntegrativeMotionSensor(threshold = 1.0)", 0);
    // +0.25 per frame for 40 frames, then -0.25 per frame for 40 frames.
    at::Tensor x = at::cat({at::full({1, 1, 40, 2, 3}, 0.25), at::full({1, 1, 40, 2, 3}, -0.25)}, 2);
    const at::Tensor y = sensor.run(x);
    REQUIRE(y.sizes() == at::IntArrayRef({1, 2, 80, 2, 3}));
    const at::Tensor on = y.select(1, 0), off = y.select(1, 1);
    // f reaches 1.25 > 1 at frames 4, 8, ..., 36 (every 4th frame while rising).
    CHECK(on.narrow(1, 0, 40).sum().item<double>() == 9 * 6);
    CHECK(on.select(1, 4).min().item<double>() == 1);
    CHECK(on.narrow(1, 40, 40).sum().item<double>() == 0);
    CHECK(off.narrow(1, 0, 40).sum().item<double>() == 0);
    CHECK(off.narrow(1, 40, 40).sum().item<double>() > 0);
  }
  SECTION("log: ratios against the last event level") {
    BuiltLayer sensor("IntegrativeMotionSensor(spiking_mode = \"log\", threshold = 2.0)", 0);
    // Starts at 0.5: a ramp 0.6 .. 8.6 crosses 1, 2, 4, 8 -> 4 ON spikes per cell.
    at::Tensor ramp = at::linspace(0.6, 8.6, 81).reshape({1, 1, 81, 1, 1}).expand({1, 1, 81, 2, 2}).contiguous();
    const at::Tensor up = sensor.run(ramp);
    CHECK(up.select(1, 0).sum().item<double>() == 4 * 4);
    CHECK(up.select(1, 1).sum().item<double>() == 0);
    const at::Tensor down = sensor.run(ramp.flip(2));
    CHECK(down.select(1, 0).sum().item<double>() == 0);
    CHECK(down.select(1, 1).sum().item<double>() > 0);
  }
  SECTION("bad settings are model errors") {
    CHECK_THROWS_AS(BuiltLayer("IntegrativeMotionSensor(spiking_mode = \"cubic\")", 0), interp::RuntimeError);
    CHECK_THROWS_AS(BuiltLayer("IntegrativeMotionSensor(spiking_mode = \"log\", threshold = 1.0)", 0),
                    interp::RuntimeError);
  }
}

TEST_CASE("a set state replaces the initial state until the next reset", "[spiking][state]") {
  at::NoGradGuard guard;
  BuiltLayer lif("LeakyIntegrateAndFireNeuron() { noise_sigma = 0 }", 0);
  // Without input, V decays by (1 - g_L tau) = 0.95 per frame and never spikes.
  const at::Tensor zero = at::zeros({1, 1, 3, 2, 2});
  at::Tensor v0 = at::tensor({0.2f, 0.4f, 0.6f, 0.8f}).reshape({2, 2});
  lif.layer->set_state("V", v0);
  CHECK(lif.run(zero).sum().item<double>() == 0);
  auto saved = lif.layer->save_state();
  REQUIRE(saved.size() == 2);  // V and the frame counter
  CHECK(at::allclose(saved[0].reshape({2, 2}), v0 * 0.95 * 0.95 * 0.95));

  // A large V spikes in the first frame; restore_state brings back the decayed V.
  lif.layer->set_state("V", at::full({1, 1, 2, 2}, 5.0));
  CHECK(lif.run(zero.narrow(2, 0, 1)).sum().item<double>() == 4);
  lif.layer->restore_state(saved);
  CHECK(at::allclose(lif.layer->save_state()[0], saved[0]));

  // After a reset the initial V is drawn again: 0.5 + 0.2 U(0, 1).
  lif.layer->reset_state();
  lif.run(at::zeros({1, 1, 1, 20, 20}));
  const at::Tensor v = lif.layer->save_state()[0] / 0.95;
  CHECK(v.min().item<double>() >= 0.5 - 1e-6);
  CHECK(v.max().item<double>() <= 0.7 + 1e-6);

  CHECK_THROWS_AS(lif.layer->set_state("refr", v0), interp::RuntimeError);
  CHECK_THROWS_AS(lif.layer->set_state("V", at::zeros({4})), interp::RuntimeError);
  lif.layer->set_state("V", at::zeros({3, 3}));  // does not fit the next input
  CHECK_THROWS_AS(lif.run(zero), std::invalid_argument);
  BuiltLayer poisson("Poisson()", 0);
  CHECK_THROWS_AS(poisson.layer->set_state("V", v0), interp::RuntimeError);
}

TEST_CASE("refractory cells stay silent for refr_mu after a spike", "[spiking][state]") {
  at::NoGradGuard guard;
  BuiltLayer rlif("RefractoryLeakyIntegrateAndFireNeuron() { noise_sigma = 0; refr_sigma = 0 ms }", 0);
  rlif.layer->set_state("V", at::zeros({1, 1}));
  rlif.layer->set_state("refr", at::zeros({1, 1}));
  // V' = 0.95 V + I: with I = 0.6 a cell spikes in its second frame from V = 0. A spike
  // sets 1000 * 3 ms = 3 steps, counted down from the spike's frame, which hold V at 0 in
  // the next frame: a spike every 3rd frame instead of every 2nd.
  const at::Tensor spikes = rlif.run(at::full({1, 1, 20, 1, 1}, 0.6)).flatten();
  std::vector<int64_t> frames;
  for (int64_t t = 0; t < 20; ++t) {
    if (spikes[t].item<float>() == 1) frames.push_back(t);
  }
  CHECK(frames == std::vector<int64_t>{1, 4, 7, 10, 13, 16, 19});
}

TEST_CASE("Izhikevich(output_only_spikes = false) is refused", "[spiking]") {
  CHECK_THROWS_AS(BuiltLayer("Izhikevich(output_only_spikes = false)", 0), interp::RuntimeError);
}
