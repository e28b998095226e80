// The retina's ganglion stages (GanglionInput, GanglionSpiking): the exponential shortcut of
// the transient equals the general FIR, chunked runs equal whole runs, the differentiable
// path equals the fast forward and its gradients match central finite differences, spikes
// do not depend on the chunking; std.convis's Retina has exactly convis's 56 parameter names
// and its stages switch off; 2 threads give the numbers of 1.
// A hidden test ([.bench]) times GanglionInput on 2000 frames of 50x50.
#include <catch2/catch.hpp>

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "frontend/semantic/compile.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/kernels/ganglion_spiking.h"
#include "interpreter/kernels/retina_ganglion.h"
#include "tests/support/compiled_model.h"
#include "tests/support/gradcheck.h"
#include "tests/support/reference_file.h"
#include "tests/support/temp_dir.h"

using namespace cvm;
using kernels::GanglionInputParams;
using kernels::GanglionInputState;

namespace {

/// The transient weight cvm's highpass_exponential(tau, w) initialiser gives K taps: the
/// impulse response cut or zero-padded to K, reversed.
at::Tensor placed_highpass(double tau, double w, int64_t K, double sps = 1000) {
  const at::Tensor h = kernels::exponential_highpass_filter_1d(tau, w, sps);
  at::Tensor k = at::zeros({K}, at::kFloat);
  const int64_t n = std::min(K, h.numel());
  k.narrow(0, 0, n).copy_(h.narrow(0, 0, n));
  return k.flip({0}).reshape({1, 1, K, 1, 1}).contiguous();
}

/// A bipolar-like signal: smooth in time, both signs, per pixel different.
at::Tensor test_input(std::vector<int64_t> shape, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor noise = at::randn(shape, gen, at::kFloat) * 0.05;
  at::Tensor t = at::arange(shape[2], at::kFloat).reshape({1, 1, -1, 1, 1});
  return (noise + 0.3 * at::sin(t * 0.05)).contiguous();
}

GanglionInputParams default_params(int64_t K = 73) {
  GanglionInputParams p;
  p.transient_weight = placed_highpass(0.02, 0.7, K);
  p.pooling_weight = at::ones({1, 1, 1, 1, 1});
  return p;
}

double relative_difference(const at::Tensor& a, const at::Tensor& b) {
  REQUIRE(a.sizes() == b.sizes());
  const double scale = b.abs().max().item<double>();
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>() / (scale > 0 ? scale : 1.0);
}

at::Tensor run_chunks(const at::Tensor& x, const GanglionInputParams& p, int64_t chunk) {
  GanglionInputState state;
  std::vector<at::Tensor> parts;
  for (int64_t t = 0; t < x.size(2); t += chunk) {
    parts.push_back(kernels::ganglion_input(x.narrow(2, t, std::min(chunk, x.size(2) - t)), p, state));
  }
  return at::cat(parts, 2);
}

}  // namespace

TEST_CASE("the exponential transient is recognised only when it is bitwise cvm's kernel", "[ganglion]") {
  const at::Tensor w = placed_highpass(0.02, 0.7, 73);
  auto e = kernels::exponential_transient(w, 0.02, 0.7, 1000);
  REQUIRE(e);
  CHECK(e->length == 72);
  CHECK(e->r == Approx(std::exp(-1.0 / 20)));
  // Longer weights are zero-padded, shorter ones cut: still exponentials.
  CHECK(kernels::exponential_transient(placed_highpass(0.02, 0.7, 90), 0.02, 0.7, 1000)->length == 72);
  CHECK(kernels::exponential_transient(placed_highpass(0.02, 0.7, 30), 0.02, 0.7, 1000)->length == 29);
  // Another tau, resolution or weight, or one changed value: the general path.
  CHECK_FALSE(kernels::exponential_transient(w, 0.03, 0.7, 1000));
  CHECK_FALSE(kernels::exponential_transient(w, 0.02, 0.7, 2000));
  at::Tensor changed = w.clone();
  float* v = changed.data_ptr<float>();
  v[10] = std::nextafter(v[10], 0.0f);
  CHECK_FALSE(kernels::exponential_transient(changed, 0.02, 0.7, 1000));
}

TEST_CASE("the reference file's transient weight takes the exponential shortcut", "[ganglion]") {
  // convis built it from the decimal 0.02 s and 0.7; cvm's parameters are float32.
  const at::Tensor w = test::load_reference("/cases/retina_ganglion_input_on/params/transient_weight");
  CHECK_FALSE(kernels::exponential_transient(w, static_cast<double>(0.02f), static_cast<double>(0.7f), 1000));
  CHECK(kernels::exponential_transient(w, 0.02f, 0.7f, 1000));
  // cvm's own derived weight is built from the float32 values.
  CHECK(kernels::exponential_transient(placed_highpass(0.02f, 0.7f, 73), 0.02f, 0.7f, 1000));
}

TEST_CASE("GanglionInput: the exponential shortcut equals the general FIR, whole and chunked", "[ganglion]") {
  const at::Tensor x = test_input({2, 1, 300, 5, 6}, 3);
  for (float sign : {1.0f, -1.0f}) {
    GanglionInputParams general = default_params();
    general.sign = sign;
    general.transient_bias = 0.01f;
    GanglionInputParams shortcut = general;
    shortcut.exponential = kernels::exponential_transient(general.transient_weight, 0.02, 0.7, 1000);
    REQUIRE(shortcut.exponential);
    GanglionInputState s1, s2;
    const at::Tensor a = kernels::ganglion_input(x, general, s1);
    const at::Tensor b = kernels::ganglion_input(x, shortcut, s2);
    CHECK(relative_difference(b, a) < 1e-6);
    for (int64_t chunk : {1, 7, 50, 73, 200}) {
      CHECK(relative_difference(run_chunks(x, general, chunk), a) < 1e-6);
      CHECK(relative_difference(run_chunks(x, shortcut, chunk), a) < 1e-6);
    }
    CHECK(s1.history.sizes() == at::IntArrayRef({2, 1, 72, 5, 6}));
    CHECK(at::equal(s1.history, x.narrow(2, 300 - 72, 72)));
  }
}

TEST_CASE("GanglionInput: zero history, the gain function and its branches", "[ganglion]") {
  // A step of height 0.5 at frame 0: y_0 = 0.5 (nothing before), so N = i0 + lambda y.
  at::Tensor x = at::full({1, 1, 3, 2, 2}, 0.5f);
  GanglionInputParams p = default_params();
  GanglionInputState state;
  at::Tensor out = kernels::ganglion_input(x, p, state);
  CHECK(out[0][0][0][0][0].item<float>() == Approx(37 + 100 * 0.5));
  // Far below v0 the lower branch saturates towards 0 (never NaN or inf).
  p.sign = -1;
  GanglionInputState fresh;
  at::Tensor below = kernels::ganglion_input(at::full({1, 1, 3, 2, 2}, 1e6f), p, fresh);
  CHECK(below.isfinite().all().item<bool>());
  CHECK(below[0][0][0][0][0].item<float>() == Approx(37.0 / (1 + 100 * 1e6 / 37)));
}

TEST_CASE("GanglionInput: pooling keeps the frame size, or crops it as convis", "[ganglion]") {
  const at::Tensor x = test_input({1, 1, 40, 10, 10}, 5);
  GanglionInputParams p = default_params();
  at::Tensor g = kernels::gauss_filter_2d(0.1, 0.1, 10);
  REQUIRE(g.sizes() == at::IntArrayRef({7, 7}));
  p.pooling_weight = g.reshape({1, 1, 1, 7, 7});
  p.pooling_bias = 0.25f;
  GanglionInputState s1, s2;
  GanglionInputParams unpooled = default_params();
  const at::Tensor n = kernels::ganglion_input(x, unpooled, s1);
  p.crop = true;
  const at::Tensor cropped = kernels::ganglion_input(x, p, s2);
  REQUIRE(cropped.sizes() == at::IntArrayRef({1, 1, 40, 4, 4}));
  const at::Tensor expected_crop = at::conv3d(n, p.pooling_weight) + 0.25;
  CHECK(relative_difference(cropped, expected_crop) < 1e-6);
  p.crop = false;
  GanglionInputState s3;
  const at::Tensor same = kernels::ganglion_input(x, p, s3);
  const at::Tensor expected_same = at::conv3d(at::replication_pad3d(n, {3, 3, 3, 3, 0, 0}), p.pooling_weight) + 0.25;
  CHECK(relative_difference(same, expected_same) < 1e-6);
  p.crop = true;
  GanglionInputState s4;
  CHECK_THROWS_AS(kernels::ganglion_input(x.narrow(3, 0, 5), p, s4), std::invalid_argument);
}

TEST_CASE("GanglionInput: the differentiable path equals the fast forward", "[ganglion]") {
  const at::Tensor x = test_input({1, 2, 120, 6, 5}, 7);
  for (bool crop : {false, true}) {
    GanglionInputParams p = default_params();
    p.sign = -1;
    p.transient_bias = -0.02f;
    p.v_0 = 0.05f;
    p.pooling_weight = kernels::gauss_filter_2d(0.05, 0.05, 10).reshape({1, 1, 1, 3, 3});
    p.pooling_bias = 0.5f;
    p.crop = crop;
    p.exponential = kernels::exponential_transient(p.transient_weight, 0.02, 0.7, 1000);
    GanglionInputState fast;
    at::Tensor history;
    std::vector<at::Tensor> fast_parts, graph_parts;
    for (int64_t t = 0; t < 120; t += 50) {
      const at::Tensor chunk = x.narrow(2, t, std::min<int64_t>(50, 120 - t));
      fast_parts.push_back(kernels::ganglion_input(chunk, p, fast));
      auto r = kernels::ganglion_input_differentiable(
          chunk, history, p.transient_weight, at::full({1}, p.transient_bias), at::scalar_tensor(p.sign),
          at::scalar_tensor(p.i_0), at::scalar_tensor(p.v_0), at::scalar_tensor(p.lambda_G), p.pooling_weight,
          at::full({1}, p.pooling_bias), crop);
      graph_parts.push_back(r[0]);
      history = r[1];
    }
    CHECK(relative_difference(at::cat(graph_parts, 2), at::cat(fast_parts, 2)) < 1e-6);
  }
}

TEST_CASE("GanglionInput: gradients match central finite differences (double)", "[ganglion][gradient]") {
  auto leaf = [](at::Tensor t) { return t.to(at::kDouble).contiguous().detach().requires_grad_(true); };
  const at::Tensor x = leaf(test_input({1, 1, 30, 4, 5}, 11) * 4);
  const at::Tensor history = test_input({1, 1, 9, 4, 5}, 12).to(at::kDouble);
  const at::Tensor weight = leaf(placed_highpass(0.005, 0.7, 10));
  const at::Tensor transient_bias = leaf(at::full({1}, 0.03));
  const at::Tensor i_0 = leaf(at::scalar_tensor(37.0));
  const at::Tensor v_0 = leaf(at::scalar_tensor(0.1));
  const at::Tensor lambda_G = leaf(at::scalar_tensor(20.0));
  const at::Tensor pooling_bias = leaf(at::full({1}, 0.2));
  for (bool crop : {false, true}) {
    for (double sign_value : {1.0, -1.0}) {
      const at::Tensor sign = leaf(at::scalar_tensor(sign_value));
      const at::Tensor pooling_weight = leaf(kernels::gauss_filter_2d(0.05, 0.05, 10).reshape({1, 1, 1, 3, 3}));
      test::WeightedSum weighted;
      auto loss = [&] {
        return weighted({kernels::ganglion_input_differentiable(x, history, weight, transient_bias, sign, i_0, v_0,
                                                                lambda_G, pooling_weight, pooling_bias, crop)[0]});
      };
      const auto errors = test::gradcheck(loss, {{"x", x},
                                                 {"transient_weight", weight},
                                                 {"transient_bias", transient_bias},
                                                 {"sign", sign},
                                                 {"i_0", i_0},
                                                 {"v_0", v_0},
                                                 {"lambda_G", lambda_G},
                                                 {"spatial_pooling_weight", pooling_weight},
                                                 {"spatial_pooling_bias", pooling_bias}});
      for (const auto& e : errors) {
        INFO("crop " << crop << ", sign " << sign_value << ": " << e.text());
        CHECK(e.relative() <= 1e-6);
      }
    }
  }
}

TEST_CASE("GanglionSpiking: no noise holds V at 0 for two frames and chunking changes nothing",
          "[ganglion][spiking]") {
  const kernels::CounterRng rng(7, kernels::layer_stream_id("gang_0_spikes"));
  at::Tensor current = at::full({1, 2, 60, 3, 4}, 400.0f);
  kernels::GanglionSpikingParams quiet;
  quiet.noise_sigma = 0;
  quiet.refr_sigma = 0;
  kernels::GanglionSpikingState state;
  const at::Tensor spikes = kernels::ganglion_spikes(current, quiet, rng, state);
  // refr starts at 3: frames 0 and 1 hold V at 0; from frame 2 V rises by 0.4 per frame
  // (I tau = 0.4, minus the leak): V_2 = 0.4, V_3 = 0.78, V_4 = 1.14 > 1 fires.
  CHECK(spikes.narrow(2, 0, 4).sum().item<float>() == 0);
  CHECK(spikes.narrow(2, 4, 1).sum().item<float>() == 24);

  kernels::GanglionSpikingParams noisy;  // convis's constructor defaults: both noises on
  at::Tensor drive = test_input({2, 1, 200, 4, 3}, 9) * 300 + 150;
  kernels::GanglionSpikingState whole_state;
  const at::Tensor whole = kernels::ganglion_spikes(drive, noisy, rng, whole_state);
  CHECK(whole.sum().item<float>() > 0);
  kernels::GanglionSpikingState chunk_state;
  std::vector<at::Tensor> parts;
  for (int64_t t = 0; t < 200; t += 7) {
    parts.push_back(kernels::ganglion_spikes(drive.narrow(2, t, std::min<int64_t>(7, 200 - t)), noisy, rng,
                                             chunk_state));
  }
  CHECK(at::equal(at::cat(parts, 2), whole));
}

TEST_CASE("std.convis's Retina has exactly convis's 56 flat parameter names", "[ganglion][retina]") {
  test::TempDir dir("cvm_test_retina");
  const std::string path = (dir.path / "retina.cvm").string();
  std::ofstream(path) << "import std.convis\nmodel R = Retina()\n";
  Compilation compilation;
  const auto graph = compile_model(compilation, path, "");
  REQUIRE(graph);
  std::set<std::string> names;
  for (const auto& p : graph->params) {
    if (!p.tied_to) names.insert(p.flat_name());
  }
  const auto listed = io::list_hdf5_datasets(test::reference_file(), "/cases/retina_nospikes_grating/params");
  const std::set<std::string> reference(listed.begin(), listed.end());
  CHECK(reference.size() == 56);
  CHECK(names == reference);
}

TEST_CASE("Retina's stages switch off: the Retina's overrides of their parameters set nothing",
          "[ganglion][retina]") {
  const at::Tensor x = at::rand({1, 1, 30, 6, 7}, at::kFloat);
  for (const std::string stage : {"opl", "bipolar"}) {
    const auto m = test::compile_source("model R = Retina(spikes = false, " + stage + " = false)");
    for (const auto& p : m->graph.params) CHECK(p.path.rfind(stage + ".", 0) != 0);
    interp::ExecutionPlan plan(m->graph, m->params, interp::LayerContext{m->graph.resolution}, {"opl", "bipolar"});
    std::vector<at::Tensor> recorded;
    plan.run_chunk({x}, &recorded);
    // A switched-off stage passes its input through.
    CHECK(at::equal(stage == "opl" ? recorded[0] : recorded[1], stage == "opl" ? x : recorded[0]));
  }
}

TEST_CASE("Retina(spikes = false) gives the same numbers on 1 and 2 threads", "[ganglion][retina]") {
  // 40x40 frames in chunks of 30: large enough that every stage splits its work.
  const auto m = test::compile_source("model R = Retina(spikes = false)");
  const at::Tensor x = at::rand({1, 1, 60, 40, 40}, at::kFloat);
  std::vector<at::Tensor> outputs;
  const int threads_before = at::get_num_threads();
  for (int threads : {1, 2}) {
    at::set_num_threads(threads);
    const auto plan = m->plan();
    std::vector<at::Tensor> parts;
    for (int64_t t = 0; t < 60; t += 30) parts.push_back(plan->run_chunk({x.narrow(2, t, 30)})[0]);
    outputs.push_back(at::cat(parts, 2));
  }
  at::set_num_threads(threads_before);
  CHECK(at::equal(outputs[0], outputs[1]));
}

TEST_CASE("GanglionInput timing: 2000 frames of 50x50, one thread", "[.bench][ganglion]") {
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor x = test_input({1, 1, 2000, 50, 50}, 1);
  GanglionInputParams general = default_params();
  GanglionInputParams shortcut = general;
  shortcut.exponential = kernels::exponential_transient(general.transient_weight, 0.02, 0.7, 1000);
  for (const auto* p : {&shortcut, &general}) {
    double best = 1e30, best_cpu = 1e30;
    for (int run = 0; run < 5; ++run) {
      GanglionInputState state;
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu_start = std::clock();
      for (int64_t t = 0; t < 2000; t += 200) kernels::ganglion_input(x.narrow(2, t, 200), *p, state);
      best_cpu = std::min(best_cpu, 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
      best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::cout << "GanglionInput " << (p->exponential ? "exponential shortcut" : "general FIR") << ": " << best
              << " ms wall, " << best_cpu << " ms CPU (best of 5, chunks of 200)\n";
  }
  at::set_num_threads(threads);
}
