// Tensor initialisers as convis's set_weight and kernel builders place them: kernel()
// with 1/2/3/5-d arrays, flip and normalize; highpass_exponential; gaussian into Conv2d's
// 4-d weight; size mismatches are errors that name the parameter. Derived scalars (a
// parameter's whole value, density()) follow their sources; kernels built from parameters
// must fit their shape (kernel_support's sizes are the kernels' sizes).
#include <catch2/catch.hpp>

#include <fstream>

#include "frontend/semantic/compile.h"
#include "frontend/semantic/kernel_support.h"
#include "interpreter/io/npy.h"
#include "interpreter/io/npz.h"
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

namespace {

const char* kOpl = R"(
primitive Opl(center_size: int = 3) {
  input x
  output y
  param tau_center: time = 10 ms
  param sigma_center: length = 0.05 deg
  param center_E_tau: time = tau_center
  param center_G_density: real = density(sigma = sigma_center)
  param center_G_weight: tensor[1, 1, 1, center_size, center_size] = gaussian(sigma = sigma_center)
}
model M {
  input x
  layer opl = Opl()
  x -> opl
  output y = opl
}
)";

struct Compiled {
  Compilation c;
  std::optional<graph::ModelGraph> g;
  std::vector<at::Tensor> values;
  at::Tensor& operator[](const std::string& path) {
    int i = g->find_param(path);
    REQUIRE(i >= 0);
    return values[static_cast<size_t>(i)];
  }
};

std::unique_ptr<Compiled> compile_opl(const test::TempDir& dir, const std::string& source = kOpl) {
  auto m = std::make_unique<Compiled>();
  std::string file = dir / "opl.cvm";
  std::ofstream(file) << source;
  m->g = compile_model(m->c, file, "M");
  REQUIRE(m->g);
  m->values = interp::materialise_params(*m->g, dir.path.string());
  return m;
}

}  // namespace

TEST_CASE("a derived scalar takes its source's value and is rebuilt when the source changes", "[initialisers][derived]") {
  test::TempDir dir("cvm_test_init");
  auto m = compile_opl(dir);
  CHECK((*m)["opl.center_E_tau"].item<double>() == Approx(0.01));
  CHECK((*m)["opl.center_G_density"].item<double>() == Approx(2.0));  // 1 / (0.05 deg * 10 px/deg)
  CHECK((*m)["opl.center_E_tau"].data_ptr() != (*m)["opl.tau_center"].data_ptr());  // its own tensor
  (*m)["opl.tau_center"].fill_(0.02);
  (*m)["opl.sigma_center"].fill_(0.04);  // still a 3x3 gaussian
  interp::rebuild_derived(*m->g, dir.path.string(), m->values);
  CHECK((*m)["opl.center_E_tau"].item<double>() == Approx(0.02));
  CHECK((*m)["opl.center_G_density"].item<double>() == Approx(2.5));
  // A value given for the derived name itself wins.
  (*m)["opl.tau_center"].fill_(0.03);
  interp::rebuild_derived(*m->g, dir.path.string(), m->values, {"opl_center_E_tau"});
  CHECK((*m)["opl.center_E_tau"].item<double>() == Approx(0.02));
}

TEST_CASE("a parameter file may give or leave out a derived scalar", "[initialisers][derived]") {
  test::TempDir dir("cvm_test_init");
  auto m = compile_opl(dir);
  (*m)["opl.tau_center"].fill_(0.04);
  (*m)["opl.center_E_tau"].fill_(0.05);
  std::string file = dir / "all.h5";
  interp::export_params(file, *m->g, m->values);
  auto fresh = compile_opl(dir);
  std::set<std::string> given = interp::load_param_file(file, *fresh->g, fresh->values);
  CHECK(given.count("opl_center_E_tau"));
  interp::rebuild_derived(*fresh->g, dir.path.string(), fresh->values, given);
  CHECK((*fresh)["opl.tau_center"].item<double>() == Approx(0.04));
  CHECK((*fresh)["opl.center_E_tau"].item<double>() == Approx(0.05));  // the file's value wins
  // Without the derived names the file still loads, and they follow their sources.
  std::vector<std::pair<std::string, io::Array>> some;
  for (const char* name : {"opl_tau_center", "opl_sigma_center"}) {
    some.emplace_back(name, interp::array_from_tensor((*m)[std::string("opl.") + (name + 4)]));
  }
  std::string partial = dir / "sources.npz";
  io::write_npz(partial, some);
  auto other = compile_opl(dir);
  std::set<std::string> from_sources = interp::load_param_file(partial, *other->g, other->values);
  interp::rebuild_derived(*other->g, dir.path.string(), other->values, from_sources);
  CHECK((*other)["opl.center_E_tau"].item<double>() == Approx(0.04));
}

TEST_CASE("density() of a zero sigma is an error naming the parameter", "[initialisers][derived]") {
  test::TempDir dir("cvm_test_init");
  std::string source = kOpl;
  source.replace(source.find("0.05 deg"), 8, "0 deg");
  source.replace(source.find("center_size: int = 3"), 20, "center_size: int = 1");
  std::string file = dir / "opl.cvm";
  std::ofstream(file) << source;
  Compilation c;
  auto g = compile_model(c, file, "M");
  REQUIRE(g);
  try {
    interp::materialise_params(*g, dir.path.string());
    FAIL("no error");
  } catch (const interp::RuntimeError& e) {
    CHECK(std::string(e.what()).find("'opl.center_G_density': density(sigma = 0") == 0);
  }
}

TEST_CASE("kernel_support's sizes are the sizes of the kernels the interpreter builds", "[initialisers][kernel_support]") {
  for (double ppd : {10.0, 20.0, 7.5}) {
    for (double sigma = 0.0; sigma < 0.8; sigma += 0.0137) {
      INFO("sigma " << sigma << " at " << ppd << " px/deg");
      CHECK(gaussian_support(sigma, ppd) == kernels::gauss_filter_2d(sigma, sigma, ppd).size(0));
      CHECK(gaussian_support(sigma, ppd, true) == kernels::gauss_filter_2d(sigma, sigma, ppd, true).size(0));
    }
  }
  for (double sps : {1000.0, 2000.0, 333.0}) {
    for (double tau = 0.0005; tau < 0.3; tau *= 1.37) {
      INFO("tau " << tau << " at " << sps << " steps/s");
      for (double amp : {1.0, 0.7, 0.05}) {
        CHECK(exponential_support(tau, sps, 0, amp) == kernels::exponential_filter_1d(tau, 0, true, sps, amp).size(0));
        CHECK(highpass_exponential_support(tau, amp, sps) ==
              kernels::exponential_highpass_filter_1d(tau, amp, sps).size(0));
      }
      for (int n : {1, 2, 3}) {
        CHECK(exponential_support(tau, sps, n) == kernels::exponential_filter_1d(tau, n, true, sps).size(0));
      }
      for (bool even : {true, false}) {
        CHECK(exponential_support(tau, sps, 0, 1.0, even) ==
              kernels::exponential_filter_1d(tau, 0, true, sps, 1.0, 1000, 10, even).size(0));
      }
    }
  }
}

TEST_CASE("a kernel built from parameters that does not fit its shape is an error naming the formal", "[initialisers][kernel_support]") {
  test::TempDir dir("cvm_test_init");
  std::string source = kOpl;
  source.replace(source.find("0.05 deg"), 8, "0.2 deg");
  std::string file = dir / "opl.cvm";
  std::ofstream(file) << source;
  Compilation c;
  auto g = compile_model(c, file, "M");
  REQUIRE(g);
  CHECK(g->params[static_cast<size_t>(g->find_param("opl.center_G_weight"))].shape_formals ==
        std::vector<std::string>{"", "", "", "center_size", "center_size"});
  try {
    interp::materialise_params(*g, dir.path.string());
    FAIL("no error");
  } catch (const interp::RuntimeError& e) {
    CHECK(std::string(e.what()) ==
          "'opl.center_G_weight': gaussian(sigma = 0.2 deg) needs 13x13 at 10 px/deg, but its shape gives 3x3 "
          "(values would be cut off); pass center_size = 13");
  }
  // A list formal (Conv3d's kernel_size) is named with all its values; a time kernel in frames.
  std::string conv = "import std.convis\nmodel M {\n  input x\n  param tau: time = 20 ms\n  param s: length = 0.1 deg\n"
                     "  layer c = Conv3d(kernel_size = [50, 3, 3]) { weight = highpass_exponential(tau = tau, relative_weight = 0.7) }\n"
                     "  layer d = Conv3d(kernel_size = [2, 5, 5]) { weight = gaussian(sigma = s) }\n"
                     "  x -> c -> d\n  output y = d\n}\n";
  std::ofstream(dir / "conv.cvm") << conv;
  Compilation c2;
  auto g2 = compile_model(c2, dir / "conv.cvm", "M");
  REQUIRE(g2);
  try {
    interp::materialise_params(*g2, dir.path.string());
    FAIL("no error");
  } catch (const interp::RuntimeError& e) {
    CHECK(std::string(e.what()) ==
          "'c.weight': highpass_exponential(tau = 0.02 s, relative_weight = 0.7) needs 73 frames at 1000 steps/s, "
          "but its shape gives 50 (values would be cut off); pass kernel_size = [73, 3, 3]");
  }
  // The same kernels from constants are cut into their shape, as written.
  std::string constant = conv;
  constant.replace(constant.find("tau = tau"), 9, "tau = 20 ms");
  constant.replace(constant.find("sigma = s"), 9, "sigma = 0.1 deg");
  std::ofstream(dir / "constant.cvm") << constant;
  Compilation c3;
  auto g3 = compile_model(c3, dir / "constant.cvm", "M");
  REQUIRE(g3);
  CHECK_NOTHROW(interp::materialise_params(*g3, dir.path.string()));
}

TEST_CASE("a kernel built from parameters may be smaller than its shape", "[initialisers][kernel_support]") {
  test::TempDir dir("cvm_test_init");
  std::string source = kOpl;
  source.replace(source.find("center_size: int = 3"), 20, "center_size: int = 9");
  auto m = compile_opl(dir, source);
  at::Tensor w = (*m)["opl.center_G_weight"];
  REQUIRE(w.sizes().equals({1, 1, 1, 9, 9}));
  CHECK(w[0][0][0][4][4].item<double>() > 0);
  CHECK(w[0][0][0][0][0].item<double>() == 0);  // padded
}
