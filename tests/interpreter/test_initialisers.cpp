// Tensor initialisers as convis's set_weight and kernel builders place them: kernel()
// with 1/2/3/5-d arrays, flip and normalize; highpass_exponential; gaussian into Conv2d's
// 4-d weight; size mismatches are errors that name the parameter.
#include <catch2/catch.hpp>

#include <fstream>

#include "frontend/semantic/compile.h"
#include "interpreter/io/npy.h"
#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/runtime/layer.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/tensor_array.h"
#include "tests/support/temp_dir.h"

using namespace cvm;

namespace {

/// The value of parameter `path` of the only model in `source` (written beside `arrays`).
at::Tensor param_value(const test::TempDir& dir, const std::string& source, const std::string& path) {
  std::string file = dir / "m.cvm";
  std::ofstream(file) << source;
  Compilation c;
  auto g = compile_model(c, file, "");
  REQUIRE(g);
  auto values = interp::materialise_params(*g, dir.path.string());
  int i = g->find_param(path);
  REQUIRE(i >= 0);
  return values[static_cast<size_t>(i)];
}

void write(const test::TempDir& dir, const std::string& name, const at::Tensor& t) {
  io::write_npy(dir / name, interp::array_from_tensor(t));
}

std::string conv_model(const std::string& size, const std::string& init) {
  return "import std.convis\nmodel M {\n  input x\n  layer c = Conv3d(kernel_size = " + size + ") { weight = " + init +
         " }\n  x -> c\n  output output = c\n}\n";
}

}  // namespace

TEST_CASE("kernel() flips a 3-d impulse response into the stored weight", "[initialisers]") {
  test::TempDir dir("cvm_test_init");
  at::Tensor k = at::arange(5 * 3 * 3, at::kFloat).reshape({5, 3, 3});
  write(dir, "k.npy", k);
  at::Tensor w = param_value(dir, conv_model("[5, 3, 3]", "kernel(\"k.npy\")"), "c.weight");
  REQUIRE(w.sizes().equals({1, 1, 5, 3, 3}));
  CHECK(at::equal(w[0][0], k.flip({0, 1, 2})));
  at::Tensor kept = param_value(dir, conv_model("[5, 3, 3]", "kernel(\"k.npy\", flip = false)"), "c.weight");
  CHECK(at::equal(kept[0][0], k));
  at::Tensor norm = param_value(dir, conv_model("[5, 3, 3]", "kernel(\"k.npy\", normalize = true)"), "c.weight");
  CHECK(at::allclose(norm[0][0], k.flip({0, 1, 2}) / k.sum()));
}

TEST_CASE("kernel() places 1-d, 2-d and 5-d arrays", "[initialisers]") {
  test::TempDir dir("cvm_test_init");
  write(dir, "t.npy", at::tensor({1.0f, 2.0f, 3.0f}));
  at::Tensor w1 = param_value(dir, conv_model("[3, 1, 1]", "kernel(\"t.npy\")"), "c.weight");
  CHECK(at::equal(w1.flatten(), at::tensor({3.0f, 2.0f, 1.0f})));
  at::Tensor s = at::arange(6, at::kFloat).reshape({2, 3});
  write(dir, "s.npy", s);
  at::Tensor w2 = param_value(dir, conv_model("[1, 2, 3]", "kernel(\"s.npy\")"), "c.weight");
  CHECK(at::equal(w2[0][0][0], s.flip({0, 1})));
  at::Tensor f = at::arange(4, at::kFloat).reshape({1, 1, 4, 1, 1});
  write(dir, "f.npy", f);
  at::Tensor w5 = param_value(dir, conv_model("[4, 1, 1]", "kernel(\"f.npy\")"), "c.weight");
  CHECK(at::equal(w5, f.flip({2, 3, 4})));
}

TEST_CASE("kernel() of the wrong size names the parameter", "[initialisers]") {
  test::TempDir dir("cvm_test_init");
  write(dir, "k.npy", at::ones({4, 3, 3}));
  std::string file = dir / "m.cvm";
  std::ofstream(file) << conv_model("[5, 3, 3]", "kernel(\"k.npy\")");
  Compilation c;
  auto g = compile_model(c, file, "");
  REQUIRE(g);
  CHECK_THROWS_WITH(interp::materialise_params(*g, dir.path.string()),
                    Catch::Contains("the kernel for 'c.weight' is [1, 1, 4, 3, 3] but the weight is [1, 1, 5, 3, 3]"));
}

TEST_CASE("highpass_exponential() and gaussian() in a Conv2d weight", "[initialisers]") {
  test::TempDir dir("cvm_test_init");
  at::Tensor hp = param_value(dir, conv_model("[73, 1, 1]", "highpass_exponential(tau = 20 ms, relative_weight = 0.7)"),
                              "c.weight");
  at::Tensor expected = kernels::exponential_highpass_filter_1d(0.02, 0.7, 1000);
  REQUIRE(expected.numel() == 73);
  CHECK(at::equal(hp.flatten(), expected.flip({0}).to(at::kFloat)));
  std::string conv2d = "import std.convis\nmodel M {\n  input x\n  layer c = Conv2d(kernel_size = [13, 13]) "
                       "{ weight = gaussian(sigma = 0.2 deg) }\n  x -> c\n  output output = c\n}\n";
  at::Tensor g2 = param_value(dir, conv2d, "c.weight");
  REQUIRE(g2.sizes().equals({1, 1, 13, 13}));
  CHECK(at::equal(g2[0][0], kernels::gauss_filter_2d(0.2, 0.2, 10).flip({0, 1}).to(at::kFloat)));
}
