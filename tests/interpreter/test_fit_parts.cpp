// Tests of the pieces a fit is made of: bounds transforms, prior penalties, losses and
// their chunked accumulation, the optimizer factory and its saved state, HDF5 additions
// (float64, bytes, text attributes) and checkpoints.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "frontend/graph/model_graph.h"
#include "interpreter/fit/checkpoint.h"
#include "interpreter/fit/losses.h"
#include "interpreter/fit/optimizers.h"
#include "interpreter/fit/priors.h"
#include "interpreter/fit/transforms.h"
#include "interpreter/io/hdf5_file.h"
#include "tests/support/temp_dir.h"

using namespace cvm;
using namespace cvm::interp::fit;

namespace {

graph::Value call(const std::string& name, std::vector<std::pair<std::string, double>> args) {
  graph::Value v;
  v.kind = graph::ValueKind::Call;
  v.text = name;
  for (auto& [k, x] : args) v.args.emplace_back(k, graph::Value::make_number(x));
  return v;
}

double penalty(const graph::Value& prior, double x) {
  return prior_penalty(prior, at::scalar_tensor(x, at::kDouble)).item<double>();
}

}  // namespace

TEST_CASE("bounds transforms map the real line into the bounds and back", "[fit]") {
  graph::Parameter p;
  p.lower = 0.001;
  p.upper = 1.0;
  Transform t = Transform::for_param(p);
  CHECK(t.name() == "logit");
  at::Tensor x = at::tensor({0.002, 0.02, 0.5, 0.999}, at::kDouble);
  CHECK(at::allclose(t.to_value(t.to_unconstrained(x)), x, 1e-12, 1e-14));
  at::Tensor extremes = t.to_value(at::tensor({-100.0, 100.0}, at::kDouble));
  CHECK(extremes[0].item<double>() >= 0.001);
  CHECK(extremes[1].item<double>() <= 1.0);
  bool moved = false;
  at::Tensor on_bound = t.to_unconstrained(at::tensor({1.0}, at::kDouble), &moved);
  CHECK(moved);
  CHECK(std::isfinite(on_bound.item<double>()));

  // Values inside the bounds are never moved, however close to a bound.
  graph::Parameter wide;
  wide.lower = 1e-5;
  wide.upper = 1000;
  Transform w = Transform::for_param(wide);
  at::Tensor near_lower = at::tensor({0.0005f});
  bool near_moved = true;
  w.to_unconstrained(near_lower, &near_moved);
  CHECK(!near_moved);
  CHECK(at::equal(w.clamp_inside(near_lower), near_lower));

  graph::Parameter positive;
  positive.prior = call("lognormal", {{"mu", 0}, {"sigma", 1}});
  CHECK(Transform::for_param(positive).name() == "log");
  CHECK(Transform::for_param(graph::Parameter{}).name() == "identity");
}

TEST_CASE("prior penalties are -log densities", "[fit]") {
  const double pi = M_PI;
  CHECK(penalty(call("normal", {{"mu", 1}, {"sigma", 2}}), 2.0) ==
        Approx(0.125 + std::log(2.0) + 0.5 * std::log(2 * pi)));
  CHECK(penalty(call("lognormal", {{"mu", 0}, {"sigma", 1}}), std::exp(1.0)) ==
        Approx(0.5 + 1.0 + 0.5 * std::log(2 * pi)));
  // gamma(alpha = 3, beta = 2) at x = 1.5: -log(beta^a x^(a-1) e^(-bx) / Gamma(a))
  CHECK(penalty(call("gamma", {{"alpha", 3}, {"beta", 2}}), 1.5) ==
        Approx(-(3 * std::log(2.0) + 2 * std::log(1.5) - 3.0 - std::lgamma(3.0))));
  CHECK(penalty(call("uniform", {{"lower", 0}, {"upper", 4}}), 1.0) == Approx(std::log(4.0)));
  CHECK(penalty(call("laplace", {{"mu", 1}, {"b", 0.5}}), 0.0) == Approx(2.0 + std::log(1.0)));
  CHECK(penalty(call("halfnormal", {{"sigma", 1}}), 1.0) == Approx(0.5 + 0.5 * std::log(pi / 2)));
  at::Tensor w = at::tensor({0.0, 1.0, 4.0, 9.0}, at::kDouble);  // second differences 2, 2
  CHECK(prior_penalty(call("smooth", {{"strength", 0.5}}), w).item<double>() == Approx(4.0));
}

TEST_CASE("losses on hand values, and accumulated over chunks as over the whole", "[fit]") {
  at::Tensor yhat = at::tensor({1.0, 2.0, 3.0, 4.0}, at::kDouble);
  at::Tensor y = at::tensor({1.0, 1.0, 5.0, 2.0}, at::kDouble);
  CHECK(chunk_loss(LossKind::Sse, yhat, y).item<double>() == Approx(9.0));
  CHECK(chunk_loss(LossKind::Mse, yhat, y).item<double>() == Approx(2.25));
  double poisson = 0;
  for (int i = 0; i < 4; ++i) {
    double r = yhat[i].item<double>(), c = y[i].item<double>();
    poisson += r - c * std::log(r + 1e-8) + std::lgamma(c + 1);
  }
  CHECK(chunk_loss(LossKind::Poisson, yhat, y).item<double>() == Approx(poisson));
  CHECK(chunk_loss(LossKind::Corr, yhat, yhat * 2 + 1).item<double>() == Approx(0.0).margin(1e-12));
  CHECK(chunk_loss(LossKind::Corr, yhat, -yhat).item<double>() == Approx(2.0));
  CHECK_THROWS(loss_kind("l1"));

  at::Tensor a = at::randn({50}, at::kDouble), b = at::randn({50}, at::kDouble);
  for (LossKind kind : {LossKind::Mse, LossKind::Sse, LossKind::Poisson, LossKind::Corr}) {
    at::Tensor pa = kind == LossKind::Poisson ? a.abs() : a, pb = kind == LossKind::Poisson ? b.abs().round() : b;
    LossAccumulator acc(kind);
    acc.add(pa.narrow(0, 0, 17), pb.narrow(0, 0, 17));
    acc.add(pa.narrow(0, 17, 33), pb.narrow(0, 17, 33));
    CHECK(acc.value() == Approx(chunk_loss(kind, pa, pb).item<double>()).epsilon(1e-10));
  }
}

TEST_CASE("optimizers are made from settings and their state survives a round trip", "[fit]") {
  auto run = [](torch::optim::Optimizer& opt, at::Tensor& w, int steps) {
    for (int i = 0; i < steps; ++i) {
      opt.step([&] {
        opt.zero_grad();
        at::Tensor loss = (w - 3).pow(2).sum() + w.pow(4).sum() * 0.01;
        loss.backward();
        return loss;
      });
    }
  };
  for (const std::string name : {"Adam", "SGD", "LBFGS", "RMSprop", "Adagrad", "AdamW"}) {
    INFO(name);
    OptimizerSettings settings{{"lr", graph::Value::make_number(0.05)}};
    if (name == "Adam") {
      graph::Value betas;
      betas.kind = graph::ValueKind::List;
      betas.items = {graph::Value::make_number(0.8), graph::Value::make_number(0.99)};
      settings.emplace_back("betas", betas);
    }
    at::Tensor w1 = at::zeros({3}, at::kFloat).set_requires_grad(true);
    auto opt1 = make_optimizer(name, settings, {w1});
    run(*opt1, w1, 3);
    std::vector<uint8_t> saved = save_optimizer_state(*opt1);
    at::Tensor w2 = w1.detach().clone().set_requires_grad(true);
    auto opt2 = make_optimizer(name, settings, {w2});
    load_optimizer_state(*opt2, saved);
    run(*opt1, w1, 4);
    run(*opt2, w2, 4);
    CHECK(at::equal(w1, w2));
  }
  CHECK_THROWS(make_optimizer("Nadam", {}, {at::zeros({1}).set_requires_grad(true)}));
}

TEST_CASE("checkpoints keep leaves, optimizer state, layer states and histories exactly", "[fit]") {
  cvm::test::TempDir dir;
  std::string path = (dir.path / "c.h5").string();
  Checkpoint c;
  c.identity = "abc";
  c.progress.epoch = 3;
  c.progress.next_frame = 120;
  c.progress.global_step = 17;
  c.progress.loss = {1.0 / 3.0, 2e-300, 12345.678};
  c.progress.epoch_loss = {5.5};
  c.progress.validation = {0.25};
  c.progress.validation_epoch = {2};
  c.progress.best_value = 0.25;
  c.progress.best_epoch = 2;
  c.leaves = {at::randn({1, 1, 10, 3, 3}), at::scalar_tensor(0.02f)};
  c.best_leaves = {at::randn({1, 1, 10, 3, 3}), at::scalar_tensor(0.03f)};
  c.optimizer = {1, 2, 3, 255, 0};
  c.layer_states = {{}, {at::randn({1, 1, 1, 4, 4}), at::Tensor(), at::tensor({1, 2}, at::kLong)}};
  write_checkpoint(path, c);
  Checkpoint r = read_checkpoint(path);
  CHECK(r.identity == "abc");
  CHECK(r.progress.epoch == 3);
  CHECK(r.progress.next_frame == 120);
  CHECK(r.progress.global_step == 17);
  CHECK(r.progress.loss == c.progress.loss);
  CHECK(r.progress.validation_epoch == c.progress.validation_epoch);
  CHECK(r.optimizer == c.optimizer);
  REQUIRE(r.leaves.size() == 2);
  CHECK(at::equal(r.leaves[0], c.leaves[0]));
  CHECK(at::equal(r.best_leaves[1].reshape({}), c.best_leaves[1]));
  REQUIRE(r.layer_states.size() == 2);
  CHECK(r.layer_states[0].empty());
  CHECK(at::equal(r.layer_states[1][0], c.layer_states[1][0]));
  CHECK(!r.layer_states[1][1].defined());
  CHECK(at::equal(r.layer_states[1][2], c.layer_states[1][2]));
  CHECK_THROWS_AS(read_checkpoint((dir.path / "missing.h5").string()), cvm::io::DataError);
}
