// The spatial primitives of std.convis (stdlib/convis/spatial.cvm) and Conv3d's padding
// options: analytic values (RF of a constant, Deriche on a constant, the nonlinearities),
// convis's Deriche boundary quirk against a transcription of its loops and the reference
// file, chunked == whole for every stateful variant, and McIntosh written in the language
// against reference case model_mcintosh__random.
#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "frontend/semantic/compile.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/kernels/linear_readout.h"
#include "interpreter/kernels/nonlinearities.h"
#include "interpreter/kernels/receptive_field.h"
#include "interpreter/kernels/spatial_recursive.h"
#include "interpreter/runtime/layer_registry.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "interpreter/runtime/tensor_array.h"
#include "tests/support/temp_dir.h"
#include "tests/support/reference_file.h"

using namespace cvm;
namespace k = cvm::kernels;

namespace {

using cvm::test::reference_file;

at::Tensor load(const std::string& dataset) {
  return interp::tensor_from_array(io::read_hdf5_dataset(reference_file(), dataset));
}

double relative_error(const at::Tensor& got, const at::Tensor& ref) {
  REQUIRE(got.sizes() == ref.sizes());
  const double scale = std::max(ref.abs().max().item<double>(), 1e-30);
  return (got.to(at::kDouble) - ref.to(at::kDouble)).abs().max().item<double>() / scale;
}

/// x in chunks of the given sizes (cycled), each through `step`, joined along time.
template <class Step>
at::Tensor run_chunked(const at::Tensor& x, const std::vector<int64_t>& sizes, Step step) {
  std::vector<at::Tensor> parts;
  for (int64_t t = 0, i = 0; t < x.size(2); ++i) {
    const int64_t n = std::min(sizes[static_cast<size_t>(i) % sizes.size()], x.size(2) - t);
    parts.push_back(step(x.narrow(2, t, n)));
    t += n;
  }
  return at::cat(parts, 2);
}

const std::vector<std::vector<int64_t>> kChunkings = {{1}, {7}, {3, 1, 11, 2}, {40}};

/// A graph compiled from `source` (which imports std.convis); `model` picks one of its models.
struct Compiled {
  Compiled(const std::string& source, const std::string& model = "") {
    test::TempDir dir("cvm_test_spatial");
    const std::string file = dir / "model.cvm";
    std::ofstream(file) << source;
    auto g = compile_model(compilation, file, model);
    if (!g) FAIL("model did not compile:\n" << source);
    graph = *g;
  }
  Compilation compilation;
  graph::ModelGraph graph;
};

/// One std.convis primitive, `model M = <call>`, as the plan runs it.
struct BuiltLayer {
  explicit BuiltLayer(const std::string& call) : compiled("import std.convis\nmodel M = " + call + "\n") {
    const graph::ModelGraph& g = compiled.graph;
    REQUIRE(g.nodes.size() == 1);
    const graph::Node& node = g.nodes[0];
    const interp::LayerFactory* factory = interp::find_layer(node.primitive);
    REQUIRE(factory != nullptr);
    layer = (*factory)(node, interp::LayerContext{g.resolution, 0});
    const auto values = interp::materialise_params(g, ".");
    for (int p : node.params) {
      const std::string& name = g.params[static_cast<size_t>(p)].path;
      layer->params[name.substr(node.prefix.size())] = values[static_cast<size_t>(p)];
    }
  }
  at::Tensor run(const at::Tensor& x) { return layer->forward({x})[0]; }
  /// Whole run and every chunking of kChunkings agree to `tolerance` (relative).
  void check_chunk_invariant(const at::Tensor& x, double tolerance = 1e-6) {
    layer->reset_state();
    const at::Tensor whole = run(x);
    for (const auto& sizes : kChunkings) {
      layer->reset_state();
      INFO("chunks of " << sizes[0] << (sizes.size() > 1 ? ", ..." : ""));
      CHECK(relative_error(run_chunked(x, sizes, [&](const at::Tensor& c) { return run(c); }), whole) <= tolerance);
    }
  }

  Compiled compiled;
  std::unique_ptr<interp::Layer> layer;
};

at::Tensor noise(std::vector<int64_t> shape, uint64_t seed = 5) {
  at::manual_seed(seed);
  return at::randn(shape);
}

/// convis's SpatialRecursiveFilter loops, transcribed in double: one line, causal then
/// anti-causal; `wrap` selects convis's x_N := x_0 (else x_N := 0).
std::vector<double> deriche_line(const std::vector<double>& x, double density, bool wrap) {
  const std::array<double, 6> c = k::deriche_coefficients(density);
  const size_t n = x.size();
  std::vector<double> out(n);
  double y1 = 0, y2 = 0, x2 = x[0];
  for (size_t i = 0; i < n; ++i) {
    const double y = c[0] * x[i] + c[1] * x2 + c[4] * y1 + c[5] * y2;
    x2 = x[i];
    y2 = y1;
    y1 = y;
    out[i] = y;
  }
  double xa = wrap ? x[0] : 0.0, xb = 0;
  y1 = y2 = 0;
  for (size_t i = n; i-- > 0;) {
    const double y = c[2] * xa + c[3] * xb + c[4] * y1 + c[5] * y2;
    xb = xa;
    xa = x[i];
    y2 = y1;
    y1 = y;
    out[i] += y;
  }
  return out;
}

/// deriche_line along x then y of every frame of a [1, 1, T, X, Y] tensor.
at::Tensor deriche_transcribed(const at::Tensor& x, double density, bool wrap) {
  at::Tensor a = x.to(at::kDouble).contiguous();
  const int64_t frames = a.size(2), nx = a.size(3), ny = a.size(4);
  double* d = a.data_ptr<double>();
  for (int64_t t = 0; t < frames; ++t) {
    double* f = d + t * nx * ny;
    for (int64_t j = 0; j < ny; ++j) {  // along x: column j
      std::vector<double> line;
      for (int64_t i = 0; i < nx; ++i) line.push_back(f[i * ny + j]);
      line = deriche_line(line, density, wrap);
      for (int64_t i = 0; i < nx; ++i) f[i * ny + j] = line[static_cast<size_t>(i)];
    }
    for (int64_t i = 0; i < nx; ++i) {  // along y: row i
      std::vector<double> line(f + i * ny, f + (i + 1) * ny);
      line = deriche_line(line, density, wrap);
      std::copy(line.begin(), line.end(), f + i * ny);
    }
  }
  return a.to(at::kFloat);
}

/// convis's McIntosh written in the language (the text proposed for stdlib/convis/models.cvm).
const char* kMcIntosh = R"(
import std.convis

/// convis.models.McIntosh (McIntosh et al. 2016): two rectified convolution layers and a
/// linear readout of every channel and pixel of the second, out_channels numbers per frame
/// (output [batch, 1, time, 1, out_channels]). input_size is the stimulus's frame size
/// [x, y], which the readout's weight depends on. The convolution weights start uniform
/// (convis's random_init = False: ones normalised to sum 1).
model McIntosh(filter_size: int[3] = [10, 5, 5], out_channels: int = 1,
               filter_2_size: int[3] = [1, 1, 1], layer1_channels: int = 8,
               layer2_channels: int = 16, input_size: int[2]) {
  input x
  layer layer1 = Conv3d(1, layer1_channels, filter_size) {
    weight = constant(1 / (layer1_channels * filter_size[0] * filter_size[1] * filter_size[2]))
  }
  layer relu1 = NLRectify()
  layer layer2 = Conv3d(layer1_channels, layer2_channels, filter_2_size) {
    weight = constant(1 / (layer2_channels * layer1_channels * filter_2_size[0] *
                           filter_2_size[1] * filter_2_size[2]))
  }
  layer relu2 = NLRectify()
  layer readout = Readout(layer2_channels, input_size, out_channels)
  x -> layer1 -> relu1 -> layer2 -> relu2 -> readout
  output output = readout
}

model M = McIntosh(filter_size = [5, 3, 3], out_channels = 2, filter_2_size = [3, 3, 3],
                   layer1_channels = 2, layer2_channels = 3, input_size = [16, 16])
)";

}  // namespace

TEST_CASE("NLSquare and NLRectifySquare follow convis's formulas", "[spatial][nonlinearity]") {
  const at::Tensor x = at::tensor({-2.0f, -0.25f, 0.0f, 0.5f, 3.0f, 1e4f});
  const at::Tensor square = k::nl_square(x, 2.0, -0.5);
  const at::Tensor rect_square = k::nl_rectify_square(x, 2.0, -0.5);
  const std::vector<double> affine = {-4.5, -1.0, -0.5, 0.5, 5.5, 19999.5};
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double a = affine[static_cast<size_t>(i)];
    CHECK(square[i].item<double>() == Approx(a * a).epsilon(1e-6));
    CHECK(rect_square[i].item<double>() == Approx(a > 0 ? a * a : 0.0).epsilon(1e-6));
  }
  // The rectifier clamps at 1e6 before squaring.
  CHECK(k::nl_rectify_square(at::tensor({1e7f}), 1.0, 0.0).item<double>() == Approx(1e12));
  CHECK(k::nl_square(at::tensor({1e4f}), 1.0, 0.0).item<double>() == Approx(1e8));
}

TEST_CASE("RF of a constant is the constant times the weight's sum over the window", "[spatial][rf]") {
  const at::Tensor weight = noise({1, 1, 5, 9, 9}, 3);
  const at::Tensor bias = at::tensor({0.25f});
  auto constant_response = [&](int64_t nx, int64_t ny) {
    k::TimeHistory history;
    return k::receptive_field(at::full({1, 1, 12, nx, ny}, 2.0f), weight, bias, history);
  };
  SECTION("the frame has the weight's size") {
    const at::Tensor y = constant_response(9, 9);
    REQUIRE(y.sizes() == at::IntArrayRef({1, 1, 12, 1, 1}));
    const double expected = 2.0 * weight.sum().item<double>() + 0.25;
    CHECK(y.min().item<double>() == Approx(expected).margin(1e-5));
    CHECK(y.max().item<double>() == Approx(expected).margin(1e-5));
  }
  SECTION("a larger frame is cut at the bottom and right") {
    const at::Tensor y = constant_response(13, 11);
    CHECK(y.max().item<double>() == Approx(2.0 * weight.sum().item<double>() + 0.25).margin(1e-5));
  }
  SECTION("a smaller frame is zero-padded at the bottom and right") {
    const at::Tensor y = constant_response(6, 7);
    const double window = weight.narrow(3, 0, 6).narrow(4, 0, 7).sum().item<double>();
    CHECK(y.max().item<double>() == Approx(2.0 * window + 0.25).margin(1e-5));
    CHECK(y.min().item<double>() == Approx(2.0 * window + 0.25).margin(1e-5));
  }
}

TEST_CASE("RF is a causal valid correlation at the top-left corner", "[spatial][rf]") {
  const at::Tensor x = noise({1, 1, 30, 11, 10}, 8);
  const at::Tensor weight = noise({2, 1, 4, 9, 9}, 9);
  k::TimeHistory history;
  const at::Tensor y = k::receptive_field(x, weight, c10::nullopt, history);
  // First-frame padding in time, then the window x[:, :, :, :9, :9].
  const at::Tensor padded = at::cat({x.narrow(2, 0, 1).expand({1, 1, 3, 11, 10}), x}, 2);
  const at::Tensor direct = at::conv3d(padded.narrow(3, 0, 9).narrow(4, 0, 9), weight);
  CHECK(relative_error(y, direct) < 1e-6);
}

TEST_CASE("Deriche on a constant frame keeps the constant away from the borders", "[spatial][deriche]") {
  for (double density : {0.3, 1.0 / 1.5, 2.0}) {
    const at::Tensor y = k::spatial_recursive_gaussian(at::full({1, 1, 2, 101, 101}, 3.0f), density);
    INFO("density " << density);
    CHECK(y[0][0][1][50][50].item<double>() == Approx(3.0).epsilon(1e-5));
  }
}

TEST_CASE("Deriche reproduces convis's loops, including the wrap-around of the backward pass",
          "[spatial][deriche]") {
  const double density = 1.0 / 1.5;
  SECTION("a transcription of convis's loops") {
    const at::Tensor x = noise({1, 1, 3, 7, 12}, 4);
    CHECK(relative_error(k::spatial_recursive_gaussian(x, density), deriche_transcribed(x, density, true)) < 1e-6);
  }
  SECTION("single-pixel lines") {
    const at::Tensor x = noise({1, 1, 2, 1, 5}, 6);
    CHECK(relative_error(k::spatial_recursive_gaussian(x, density), deriche_transcribed(x, density, true)) < 1e-6);
  }
  SECTION("the reference needs the wrap-around: x_N := x_0, not 0") {
    const std::string c = "/cases/filter_spatial_recursive_sigma0.15__random";
    const at::Tensor x = load(c + "/input"), ref = load(c + "/output/output");
    const double ref_density = load(c + "/params/density").item<double>();
    CHECK(relative_error(k::spatial_recursive_gaussian(x, ref_density), ref) < 1e-5);
    CHECK(relative_error(deriche_transcribed(x, ref_density, false), ref) > 1e-3);
  }
}

TEST_CASE("Conv3d without time padding emits only frames with a full window", "[spatial][conv3d]") {
  const at::Tensor x = noise({1, 2, 40, 8, 9}, 10);
  const at::Tensor weight = noise({3, 2, 6, 3, 2}, 11);
  const at::Tensor bias = at::tensor({0.1f, -0.2f, 0.3f});
  SECTION("the first call loses K_t - 1 frames") {
    k::TimeHistory history;
    const at::Tensor y = k::causal_conv3d(x, weight, bias, history, {false, true});
    REQUIRE(y.size(2) == 35);
    const at::Tensor padded = at::replication_pad3d(x, {1, 0, 1, 1, 0, 0});
    CHECK(relative_error(y, at::conv3d(padded, weight, bias)) < 1e-6);
  }
  SECTION("short first chunks emit nothing until the window is full") {
    k::TimeHistory history;
    for (int t = 0; t < 5; ++t) CHECK(k::causal_conv3d(x.narrow(2, t, 1), weight, bias, history, {false, true}).size(2) == 0);
    CHECK(k::causal_conv3d(x.narrow(2, 5, 1), weight, bias, history, {false, true}).size(2) == 1);
  }
  SECTION("as a layer, chunked == whole") {
    BuiltLayer conv("Conv3d(out_channels = 3, kernel_size = [6, 3, 2], time_pad = false) { weight = random(seed = 2) }");
    conv.check_chunk_invariant(x.narrow(1, 0, 1));
  }
}

TEST_CASE("Conv3d and Conv2d without autopad are valid correlations", "[spatial][conv3d]") {
  const at::Tensor x = noise({1, 1, 25, 10, 8}, 12);
  SECTION("Conv3d") {
    const at::Tensor weight = noise({1, 1, 4, 3, 5}, 13);
    k::TimeHistory history;
    const at::Tensor y = k::causal_conv3d(x, weight, c10::nullopt, history, {true, false});
    REQUIRE(y.sizes() == at::IntArrayRef({1, 1, 25, 8, 4}));
    const at::Tensor padded = at::cat({x.narrow(2, 0, 1).expand({1, 1, 3, 10, 8}), x}, 2);
    CHECK(relative_error(y, at::conv3d(padded, weight)) < 1e-6);
    BuiltLayer conv("Conv3d(kernel_size = [4, 3, 5], autopad = false, time_pad = false) { weight = random(seed = 4) }");
    const at::Tensor both = conv.run(x);
    CHECK(both.sizes() == at::IntArrayRef({1, 1, 22, 8, 4}));
    conv.check_chunk_invariant(x);
  }
  SECTION("Conv2d") {
    BuiltLayer conv("Conv2d(kernel_size = [3, 4], autopad = false) { weight = random(seed = 5); bias = 0.5 }");
    const at::Tensor y = conv.run(x);
    REQUIRE(y.sizes() == at::IntArrayRef({1, 1, 25, 8, 5}));
    const at::Tensor w = conv.layer->params.at("weight");
    CHECK(relative_error(y, at::conv3d(x, w.unsqueeze(2)) + 0.5) < 1e-6);
  }
}

TEST_CASE("Conv2d pads like convis and adds its scalar bias to every channel", "[spatial][conv2d]") {
  BuiltLayer conv("Conv2d(out_channels = 2, kernel_size = [4, 3]) { weight = random(seed = 6); bias = -1 }");
  const at::Tensor x = noise({1, 1, 6, 7, 7}, 14);
  const at::Tensor y = conv.run(x);
  REQUIRE(y.sizes() == at::IntArrayRef({1, 2, 6, 7, 7}));
  // floor(K/2) before, K - floor(K/2) - 1 after, replicated.
  const at::Tensor padded = at::replication_pad3d(x, {1, 1, 2, 1, 0, 0});
  CHECK(relative_error(y, at::conv3d(padded, conv.layer->params.at("weight").unsqueeze(2)) - 1.0) < 1e-6);
}

TEST_CASE("every spatial primitive gives the same output in chunks as whole", "[spatial][chunking]") {
  const at::Tensor x = noise({1, 1, 60, 9, 8}, 15);
  for (const char* call : {"Conv2d(kernel_size = [5, 5]) { weight = random(seed = 1) }",
                           "RF(kernel_size = [7, 9, 8]) { weight = random(seed = 2); bias = 0.3 }",
                           "RF(kernel_size = [12, 5, 11]) { weight = random(seed = 3) }",
                           "SpatialRecursiveFilter(density = 0.4)", "NLSquare(scale = 2, bias = -1)",
                           "NLRectifySquare(scale = 2, bias = -1)", "Sum(dim = 4)",
                           "Readout(in_channels = 1, size = [9, 8], out_channels = 3) { weight = random(seed = 4) }"}) {
    INFO(call);
    BuiltLayer layer(call);
    layer.check_chunk_invariant(x);
  }
}

TEST_CASE("Sum adds what is connected to it and sums over its dimension", "[spatial][sum]") {
  Compiled m(R"(
import std.convis
model TwoPaths {
  input x
  layer a = NLSquare()
  layer b = NLRectify()
  layer s = Sum()
  layer sy = Sum(dim = 4)
  x -> a -> s
  x -> b -> s
  s -> sy
  output total = s
  output rows = sy
}
)");
  interp::ExecutionPlan plan(m.graph, interp::materialise_params(m.graph, "."), {m.graph.resolution});
  const at::Tensor x = noise({1, 1, 5, 4, 6}, 16);
  const auto out = plan.run_chunk({x});
  const at::Tensor expected = x * x + x.clamp(0);
  CHECK(relative_error(out[0], expected) < 1e-6);
  CHECK(relative_error(out[1], expected.sum(4, true)) < 1e-6);
  CHECK_THROWS_WITH(BuiltLayer("Sum(dim = 1)"), Catch::Contains("dim must be 0 (batch), 3 (x) or 4 (y)"));
}

TEST_CASE("Readout flattens channels, rows and columns in that order", "[spatial][readout]") {
  const at::Tensor x = noise({2, 3, 4, 5, 6}, 17);
  const at::Tensor weight = noise({2, 90}, 18);
  const at::Tensor y = k::linear_readout(x, weight);
  REQUIRE(y.sizes() == at::IntArrayRef({2, 1, 4, 1, 2}));
  const int64_t b = 1, t = 2, o = 1;
  double expected = 0;
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < 5; ++i)
      for (int64_t j = 0; j < 6; ++j)
        expected += weight[o][(c * 5 + i) * 6 + j].item<double>() * x[b][c][t][i][j].item<double>();
  CHECK(y[b][0][t][0][o].item<double>() == Approx(expected).epsilon(1e-5));
  CHECK_THROWS_AS(k::linear_readout(x.narrow(3, 0, 4), weight), std::invalid_argument);
  BuiltLayer readout("Readout(in_channels = 1, size = [5, 6], out_channels = 2)");
  CHECK_THROWS_WITH(readout.run(noise({1, 1, 3, 6, 6})), Catch::Contains("frames of 5x6 pixels"));
}

TEST_CASE("McIntosh in the language reproduces convis's McIntosh", "[spatial][reference][mcintosh]") {
  at::NoGradGuard guard;
  Compiled m(kMcIntosh, "M");
  const std::string c = "/cases/model_mcintosh__random";
  std::vector<at::Tensor> params = interp::materialise_params(m.graph, ".");
  interp::load_param_file(reference_file() + ":" + c + "/params", m.graph, params);
  interp::ExecutionPlan plan(m.graph, params, {m.graph.resolution});
  const at::Tensor x = load(c + "/input"), ref = load(c + "/output/output");
  CHECK(relative_error(plan.run_chunk({x})[0], ref) < 1e-5);
  for (const auto& sizes : kChunkings) {
    plan.reset_state();
    CHECK(relative_error(run_chunked(x, sizes, [&](const at::Tensor& chunk) { return plan.run_chunk({chunk})[0]; }),
                         ref) < 1e-5);
  }
}
