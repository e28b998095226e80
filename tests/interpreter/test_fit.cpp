// Fits run end to end through the engine's `cvm fit` entry point on files written here:
// convis's reference fit (fit_ln_adam), recovery of a low-pass time constant from
// synthetic data, a MAP fit against its analytic answer, and an interrupted fit resumed
// from its checkpoint giving bit for bit the uninterrupted result.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>
#include <fstream>

#include "frontend/semantic/compile.h"
#include "interpreter/engine_api.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "interpreter/runtime/tensor_array.h"
#include "tests/support/reference_file.h"
#include "tests/support/temp_dir.h"

using namespace cvm;

namespace {

std::string write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  return path.string();
}

void write_h5(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& datasets) {
  io::Hdf5OutputFile out(path);
  for (const auto& [name, t] : datasets) out.write_dataset(name, interp::array_from_tensor(t));
  out.commit();
}

at::Tensor read(const std::string& file, const std::string& dataset) {
  return interp::tensor_from_array(io::read_hdf5_dataset(file, dataset));
}

/// Runs a model (the file's only one) on x with its default parameters, or values `sets`.
at::Tensor run_model(const std::string& path, const at::Tensor& x, const std::vector<std::string>& sets = {}) {
  at::NoGradGuard no_grad;
  Compilation c;
  auto g = compile_model(c, path, "");
  REQUIRE(g);
  const std::string dir = std::filesystem::path(path).parent_path().string();
  auto params = interp::materialise_params(*g, dir);
  for (const auto& s : sets) {  // NAME=VALUE in base units
    auto eq = s.find('=');
    int i = g->find_param(s.substr(0, eq));
    REQUIRE(i >= 0);
    params[static_cast<size_t>(i)].fill_(std::stod(s.substr(eq + 1)));
  }
  interp::rebuild_derived(*g, dir, params);
  interp::ExecutionPlan plan(*g, params, {g->resolution, 0});
  return plan.run_chunk({x})[0];
}

int fit(const std::string& file, FitRequest r = {}) {
  r.model.file = file;
  r.quiet = true;
  return cvm_engine_fit(&r);
}

}  // namespace

TEST_CASE("fit_ln_adam: convis's LN fit with Adam follows convis's loss curve", "[fit][reference]") {
  test::TempDir dir("cvm_fit_ln");
  std::string ref = test::reference_file();
  std::string file = write_text(dir.path / "ln.cvm", R"(
import std.convis
model LNFit = LN(kernel_dim = [10, 3, 3])
fit LNFit as fit_ln_adam {
  data "convis_reference.h5"
  input x = "/cases/fit_ln_adam/input"
  target output = "/cases/fit_ln_adam/target" loss sse
  free conv.weight
  optimizer Adam(lr = 0.05)
  chunk 100; epochs 30
  export "fitted.h5"
}
)");
  FitRequest r;
  r.data = ref;
  REQUIRE(fit(file, r) == 0);
  std::string bundle = (dir.path / "fitted.h5").string();
  std::vector<double> loss = io::read_hdf5_doubles(bundle, "/fit/loss");
  at::Tensor convis = read(ref, "/cases/fit_ln_adam/loss_curve").to(at::kDouble);
  REQUIRE(loss.size() == 120);
  CHECK(loss[0] == Approx(convis[0].item<double>()).epsilon(1e-6));  // zero weights: sum of target^2
  for (size_t i = 0; i < loss.size(); ++i) {
    double ratio = loss[i] / convis[static_cast<int64_t>(i)].item<double>();
    INFO("step " << i << ": cvm " << loss[i] << ", convis " << convis[static_cast<int64_t>(i)].item<double>());
    CHECK(ratio > 0.1);
    CHECK(ratio < 10);
  }
  INFO("final loss: cvm " << loss.back() << ", convis " << convis[119].item<double>());
  CHECK(loss.back() <= convis[119].item<double>() * 1.0001);
  // The fitted weight is stored flipped, as convis stores it: flip back to an impulse response.
  at::Tensor w = read(bundle, "/params/conv_weight").reshape({10, 3, 3}).flip({0, 1, 2}).to(at::kDouble).flatten();
  at::Tensor truth = read(ref, "/cases/fit_ln_adam/true_kernel").to(at::kDouble).flatten();
  double corr = at::corrcoef(at::stack({w, truth}))[0][1].item<double>();
  INFO("correlation with the true kernel: " << corr);
  CHECK(corr >= 0.9999);
}

TEST_CASE("a low-pass time constant is recovered from synthetic data within 2 %", "[fit]") {
  test::TempDir dir("cvm_fit_lp");
  std::string model = R"(
import std.convis
model LP {
  input x
  param tau: time = 20 ms in [1 ms, 1 s]
  layer lp = TemporalLowPassFilterRecursive(tau = tau)
  x -> lp
  output y = lp
}
)";
  std::string truth_file = write_text(dir.path / "truth.cvm", model);
  at::manual_seed(3);
  at::Tensor x = at::rand({1, 1, 1500, 4, 4});
  at::Tensor y = run_model(truth_file, x);
  write_h5((dir.path / "data.h5").string(), {{"/x", x}, {"/y", y}});
  std::string file = write_text(dir.path / "fit.cvm", model + R"(
fit LP {
  data "data.h5"
  input x = "/x"
  target y = "/y" loss mse
  optimizer Adam(lr = 0.01)
  chunk 100; skip 50; epochs 25
  export "lp.h5"
}
)");
  FitRequest r;
  r.model.sets = {"tau=35 ms"};
  REQUIRE(fit(file, r) == 0);
  double tau = read((dir.path / "lp.h5").string(), "/params/tau").item<double>();
  INFO("fitted tau " << tau << " s");
  CHECK(tau == Approx(0.020).epsilon(0.02));
  CHECK(*io::read_hdf5_string_attribute((dir.path / "lp.h5").string(), "/params/tau", "transform") == "logit");
}

TEST_CASE("a bounded gain with a normal prior gets the analytic MAP value", "[fit]") {
  test::TempDir dir("cvm_fit_map");
  at::manual_seed(5);
  at::Tensor x = at::rand({1, 1, 60, 3, 3}).to(at::kDouble) + 0.1;
  at::Tensor y = 1.4 * x + 0.3 * at::randn_like(x);
  write_h5((dir.path / "data.h5").string(), {{"/x", x.to(at::kFloat)}, {"/y", y.to(at::kFloat)}});
  std::string file = write_text(dir.path / "map.cvm", R"(
import std.convis
model Gain {
  input x
  param gain: real = 1 in [0, 10] ~ normal(2, 0.5)
  layer nl = NLRectifyScale(scale = gain)
  x -> nl
  output y = nl
}
fit Gain {
  data "data.h5"
  input x = "/x"
  target y = "/y" loss sse
  free gain
  optimizer LBFGS(lr = 1, max_iter = 50, line_search_fn = "strong_wolfe")
  epochs 3
  export "gain.h5"
}
)");
  REQUIRE(fit(file) == 0);
  // Minimum of sum (g x - y)^2 + (g - 2)^2 / (2 0.5^2), with the float32 data the fit saw.
  at::Tensor xf = x.to(at::kFloat).to(at::kDouble), yf = y.to(at::kFloat).to(at::kDouble);
  double s0 = 0.5, mu0 = 2;
  double expected = ((xf * yf).sum().item<double>() + mu0 / (2 * s0 * s0)) /
                    ((xf * xf).sum().item<double>() + 1 / (2 * s0 * s0));
  double gain = read((dir.path / "gain.h5").string(), "/params/gain").item<double>();
  INFO("MAP gain " << gain << ", analytic " << expected);
  CHECK(gain == Approx(expected).epsilon(1e-4));
}

TEST_CASE("a fit stopped and resumed from its checkpoint ends bit for bit as one run", "[fit]") {
  test::TempDir dir("cvm_fit_resume");
  at::manual_seed(9);
  at::Tensor x = at::rand({1, 1, 400, 3, 3});
  std::string model = R"(
import std.convis
model LN2 {
  input x
  layer conv = Conv3d(kernel_size = [5, 3, 3])
  layer lp = TemporalLowPassFilterRecursive(tau = 30 ms)
  layer nl = NLRectify()
  x -> conv -> lp -> nl
  output y = nl
}
)";
  std::string truth = write_text(dir.path / "truth.cvm", R"(
import std.convis
model T {
  input x
  layer conv = Conv3d(kernel_size = [5, 3, 3]) { weight = random(seed = 4, scale = 0.3) }
  layer lp = TemporalLowPassFilterRecursive(tau = 15 ms)
  layer nl = NLRectify()
  x -> conv -> lp -> nl
  output y = nl
}
)");
  at::Tensor y = run_model(truth, x);
  write_h5((dir.path / "data.h5").string(), {{"/x", x}, {"/y", y}});
  std::string file = write_text(dir.path / "fit.cvm", model + R"(
fit LN2 {
  data "data.h5"
  input x = "/x"
  target y = "/y"
  optimizer Adam(lr = 0.02)
  chunk 60; skip 10; epochs 3
}
)");
  FitRequest whole;
  whole.export_path = (dir.path / "whole.h5").string();
  REQUIRE(fit(file, whole) == 0);

  FitRequest first;
  first.export_path = (dir.path / "part.h5").string();
  first.checkpoint = (dir.path / "c.h5").string();
  first.max_steps = 8;  // stops inside the second epoch (7 steps per epoch)
  REQUIRE(fit(file, first) == 0);
  CHECK(io::read_hdf5_doubles(first.checkpoint, "/fit/loss").size() == 8);
  FitRequest rest = first;
  rest.max_steps = -1;
  rest.resume = true;
  REQUIRE(fit(file, rest) == 0);

  auto whole_loss = io::read_hdf5_doubles(whole.export_path, "/fit/loss");
  auto resumed_loss = io::read_hdf5_doubles(first.export_path, "/fit/loss");
  REQUIRE(whole_loss.size() == 21);
  CHECK(whole_loss == resumed_loss);
  for (const std::string p : {"/params/conv_weight", "/params/lp_tau"}) {
    INFO(p);
    CHECK(at::equal(read(whole.export_path, p), read(first.export_path, p)));
  }

  // A checkpoint of another fit is refused.
  write_text(dir.path / "fit.cvm", model + R"(
fit LN2 {
  data "data.h5"
  input x = "/x"
  target y = "/y"
  optimizer Adam(lr = 0.03)
  chunk 60; skip 10; epochs 3
}
)");
  CHECK(fit(file, rest) == 1);
}

TEST_CASE("a retina stage's parameters are recovered from synthetic data within 2 %", "[fit][retina]") {
  test::TempDir dir("cvm_fit_opl");
  const std::string model = "import std.convis\nmodel O = HalfRecursiveOPLFilter()\n";
  std::string truth = write_text(dir.path / "truth.cvm", model);
  at::manual_seed(11);
  at::Tensor x = at::rand({1, 1, 600, 12, 12});
  at::Tensor y = run_model(truth, x, {"relative_weight=0.6", "tau_center=0.016"});
  write_h5((dir.path / "data.h5").string(), {{"/x", x}, {"/y", y}});
  std::string file = write_text(dir.path / "fit.cvm", model + R"(
fit O {
  data "data.h5"
  input x = "/x"
  target y = "/y" loss mse
  free relative_weight, tau_center
  optimizer LBFGS(lr = 1, max_iter = 30, line_search_fn = "strong_wolfe")
  chunk 200; skip 50; epochs 10
  export "opl.h5"
}
)");
  REQUIRE(fit(file) == 0);
  const std::string bundle = (dir.path / "opl.h5").string();
  double w = read(bundle, "/params/relative_weight").item<double>();
  double tau = read(bundle, "/params/tau_center").item<double>();
  double e_tau = read(bundle, "/params/center_E_tau").item<double>();
  INFO("relative_weight " << w << ", tau_center " << tau << " s, center_E_tau " << e_tau << " s");
  CHECK(w == Approx(0.6).epsilon(0.02));
  CHECK(tau == Approx(0.016).epsilon(0.02));
  CHECK(e_tau == tau);  // the derived time constant follows its source
}
