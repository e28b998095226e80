// The checked fit (graph::FitSpec) that compile_fit returns: every item of a fit block
// resolved, and the defaults of the items a block leaves out.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "frontend/semantic/check_fit.h"
#include "frontend_test_support.h"
#include "tests/support/temp_dir.h"

using namespace cvm;

namespace {

// The model of issue 5's example: an LN model with a gain.
const char* kLN1 = R"(import std.convis
model LN1 {
  input stimulus
  param gain: real = 1 in [0, 10]
  param unused: real = 1
  layer conv = Conv3d(kernel_size = [10, 5, 5])
  layer nl = NLRectifyScale(scale = gain)
  stimulus -> conv -> nl
  output response = nl
}
)";

/// Writes `text` to fit.cvm in a fresh folder and compiles its fit `fit` with `sets`.
struct Compiled {
  test::TempDir dir{"cvm_test_fit_spec"};
  Compilation c;
  std::optional<CompiledFit> fit;
  std::string path(const std::string& name) const { return (dir.path / name).lexically_normal().string(); }
};

std::unique_ptr<Compiled> compile(const std::string& text, const std::string& fit = "",
                                  const std::vector<std::string>& sets = {}) {
  auto r = std::make_unique<Compiled>();
  std::string file = r->path("fit.cvm");
  std::ofstream(file) << text;
  r->fit = compile_fit(r->c, file, fit, sets);
  return r;
}

std::vector<std::string> free_paths(const graph::FitSpec& s) {
  std::vector<std::string> out;
  for (const auto& f : s.free) out.push_back(f.path);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("the fit of issue 5's example", "[fit_spec]") {
  auto r = compile(std::string(kLN1) + R"(
fit LN1 {
  data "cell07.h5"                         // default file for the names below
  input stimulus = "/stimulus"             // model input <- dataset
  target response = "/response" loss mse   // model output -> dataset, loss per target
  free conv.weight, gain                   // default: every param not marked fixed
  optimizer Adam(lr = 0.01)                // any torch::optim optimizer with its options
  chunk 100; skip 20; epochs 30; seed 1    // chunk length, warm-up steps without a step, ...
  validate "/stimulus_val" -> "/response_val" every 1 epoch; early_stop patience 5
  export "ln_cell07.h5"
}
)");
  INFO(test::all_messages(r->c.sink));
  REQUIRE(r->fit);
  const graph::FitSpec& s = r->fit->spec;
  const graph::ModelGraph& g = r->fit->graph;
  CHECK(g.model == "LN1");
  CHECK(s.model == "LN1");
  CHECK(s.name == "LN1");
  CHECK(s.source_file == r->path("fit.cvm"));
  CHECK(s.data_file == r->path("cell07.h5"));

  REQUIRE(s.inputs.size() == 1);
  CHECK(s.inputs[0].name == "stimulus");
  CHECK(s.inputs[0].data.file == r->path("cell07.h5"));
  CHECK(s.inputs[0].data.dataset == "/stimulus");
  CHECK(s.inputs[0].data.in_data_file);

  REQUIRE(s.targets.size() == 1);
  CHECK(s.targets[0].output == "response");
  CHECK(s.targets[0].data.dataset == "/response");
  CHECK(s.targets[0].loss == "mse");
  CHECK(s.targets[0].weight == 1);

  // Free parameters in graph order, with their flat names and graph indices.
  REQUIRE(s.free.size() == 2);
  CHECK(s.free[0].path == "gain");
  CHECK(s.free[0].flat_name == "gain");
  CHECK(s.free[1].path == "conv.weight");
  CHECK(s.free[1].flat_name == "conv_weight");
  for (const auto& f : s.free) {
    CHECK(g.params[static_cast<size_t>(f.index)].path == f.path);
    CHECK_FALSE(f.detached);
  }

  CHECK(s.optimizer.name == "Adam");
  REQUIRE(s.optimizer.settings.size() == 1);
  REQUIRE(s.optimizer.setting("lr"));
  CHECK(s.optimizer.setting("lr")->number == Approx(0.01));
  CHECK(s.optimizer.setting("betas") == nullptr);

  CHECK(s.chunk == 100);
  CHECK(s.skip == 20);
  CHECK(s.epochs == 30);
  REQUIRE(s.seed);
  CHECK(*s.seed == 1);
  REQUIRE(s.validate);
  CHECK(s.validate->input.dataset == "/stimulus_val");
  CHECK(s.validate->input.file == r->path("cell07.h5"));
  CHECK(s.validate->target.dataset == "/response_val");
  CHECK(s.validate->every == 1);
  CHECK(s.patience == 5);
  CHECK(s.export_path == r->path("ln_cell07.h5"));
}

TEST_CASE("the defaults of a fit block", "[fit_spec]") {
  auto r = compile(std::string(kLN1) + "fit LN1 { input stimulus = \"/s\"; target response = \"/r\" }\n");
  INFO(test::all_messages(r->c.sink));
  REQUIRE(r->fit);
  const graph::FitSpec& s = r->fit->spec;
  CHECK(s.name == "LN1");
  CHECK(s.data_file.empty());
  CHECK(s.inputs[0].data.file.empty());
  CHECK(s.targets[0].loss == "sse");
  CHECK(s.targets[0].weight == 1);
  // Every parameter a target depends on that can be fitted: not `unused` (no target
  // depends on it), not nl.scale (tied to gain).
  CHECK(free_paths(s) == Strings{"gain", "conv.weight", "conv.bias", "nl.bias"});
  CHECK(s.optimizer.name == "Adam");
  CHECK(s.optimizer.settings.empty());
  CHECK_FALSE(s.optimizer.range.valid());
  CHECK(s.chunk == 0);
  CHECK(s.skip == 0);
  CHECK(s.epochs == 1);
  CHECK_FALSE(s.seed);
  CHECK_FALSE(s.validate);
  CHECK(s.patience == 0);
  CHECK(s.export_path.empty());
}

TEST_CASE("the default free list leaves out fixed, tied, derived and non-number parameters", "[fit_spec]") {
  auto r = compile(R"(import std.convis
model M {
  input x
  param gain: real = 1
  param tau: time = 20 ms fixed
  param sigma: length = 0.2 deg
  param n: int = 2
  layer lp = TemporalLowPassFilterRecursive(tau = tau)
  layer conv = Conv3d(kernel_size = [1, 5, 5], bias = false) {
    weight = gaussian(sigma = sigma)
  }
  layer nl = NLRectifyScale(scale = gain)
  x -> lp -> conv -> nl
  output y = nl
}
fit M {
  input x = "/x"
  target y = "/y"
  fixed nl.bias
}
)");
  INFO(test::all_messages(r->c.sink));
  REQUIRE(r->fit);
  // tau: fixed in the model; nl.bias: fixed in the fit; lp.tau, nl.scale: tied; conv.weight:
  // built from sigma; n: an int no layer uses.
  CHECK(free_paths(r->fit->spec) == Strings{"gain", "sigma"});
}

TEST_CASE("a derived tensor named in free is detached from its sources", "[fit_spec]") {
  auto r = compile(R"(import std.convis
model M {
  input x
  param sigma: length = 0.2 deg
  layer conv = Conv3d(kernel_size = [1, 5, 5], bias = false) {
    weight = gaussian(sigma = sigma)
  }
  x -> conv
  output y = conv
}
fit M {
  input x = "/x"
  target y = "/y"
  free conv.weight
}
)");
  INFO(test::all_messages(r->c.sink));
  REQUIRE(r->fit);
  REQUIRE(r->fit->spec.free.size() == 1);
  CHECK(r->fit->spec.free[0].path == "conv.weight");
  CHECK(r->fit->spec.free[0].detached);
}

TEST_CASE("datasets in other files and --data", "[fit_spec]") {
  auto r = compile(std::string(kLN1) + R"(
fit LN1 as cell07 {
  data "data/cell07.h5"
  input stimulus = "stimuli.h5:/noise"
  target response = "/spikes" loss poisson weight 2.5
  target response = "/rates" loss corr weight 0.5
  free gain
}
)");
  INFO(test::all_messages(r->c.sink));
  REQUIRE(r->fit);
  graph::FitSpec s = r->fit->spec;
  CHECK(s.name == "cell07");
  CHECK(s.inputs[0].data.file == r->path("stimuli.h5"));
  CHECK(s.inputs[0].data.dataset == "/noise");
  CHECK_FALSE(s.inputs[0].data.in_data_file);
  REQUIRE(s.targets.size() == 2);
  CHECK(s.targets[0].data.file == r->path("data/cell07.h5"));
  CHECK(s.targets[0].loss == "poisson");
  CHECK(s.targets[0].weight == 2.5);
  CHECK(s.targets[1].loss == "corr");
  CHECK(s.targets[1].weight == 0.5);

  graph::replace_data_file(s, "other.h5");
  CHECK(s.data_file == "other.h5");
  CHECK(s.inputs[0].data.file == r->path("stimuli.h5"));  // named its own file
  CHECK(s.targets[0].data.file == "other.h5");
  CHECK(s.targets[1].data.file == "other.h5");
}

TEST_CASE("optimizer settings of every kind", "[fit_spec]") {
  auto settings = [](const std::string& optimizer) {
    auto r = compile(std::string(kLN1) + "fit LN1 { input stimulus = \"/s\"; target response = \"/r\"; optimizer " +
                     optimizer + " }\n");
    INFO(test::all_messages(r->c.sink));
    REQUIRE(r->fit);
    return r->fit->spec.optimizer;
  };
  auto adam = settings("AdamW(lr = 1e-3, betas = [0.8, 0.99], eps = 1e-6, weight_decay = 0.01, amsgrad = true)");
  CHECK(adam.name == "AdamW");
  REQUIRE(adam.settings.size() == 5);
  CHECK(adam.settings[1].first == "betas");
  REQUIRE(adam.setting("betas")->items.size() == 2);
  CHECK(adam.setting("betas")->items[1].number == Approx(0.99));
  CHECK(adam.setting("amsgrad")->boolean);
  auto lbfgs = settings("LBFGS(lr = 1, max_iter = 20, history_size = 10, line_search_fn = \"strong_wolfe\")");
  CHECK(lbfgs.setting("max_iter")->number == 20);
  CHECK(lbfgs.setting("line_search_fn")->text == "strong_wolfe");
  auto sgd = settings("SGD(lr = 0.1, momentum = 0.9, nesterov = true)");
  CHECK(sgd.setting("nesterov")->boolean);
  CHECK(optimizer_setting_names("RMSprop") ==
        Strings{"lr", "alpha", "eps", "weight_decay", "momentum", "centered"});
}

TEST_CASE("compile_fit chooses the fit by name and applies --set values", "[fit_spec]") {
  std::string text = std::string(kLN1) + R"(
fit LN1 as mse_fit { input stimulus = "/s"; target response = "/r" loss mse; free gain }
fit LN1 as corr_fit { input stimulus = "/s"; target response = "/r" loss corr; free gain }
)";
  auto chosen = compile(text, "corr_fit", {"gain=3"});
  INFO(test::all_messages(chosen->c.sink));
  REQUIRE(chosen->fit);
  CHECK(chosen->fit->spec.name == "corr_fit");
  CHECK(chosen->fit->spec.targets[0].loss == "corr");
  const graph::ModelGraph& g = chosen->fit->graph;
  CHECK(g.params[static_cast<size_t>(g.find_param("gain"))].value.number == 3);

  auto ambiguous = compile(text);
  CHECK_FALSE(ambiguous->fit);
  REQUIRE(test::first_error(ambiguous->c.sink));
  CHECK(test::first_error(ambiguous->c.sink)->code == "E0309");
  CHECK(test::first_error(ambiguous->c.sink)->help == "choose one with --fit: mse_fit, corr_fit");

  auto misspelt = compile(text, "mse_fitt");
  CHECK_FALSE(misspelt->fit);
  CHECK(test::first_error(misspelt->c.sink)->help == "did you mean 'mse_fit'?");

  auto none = compile(kLN1);
  CHECK_FALSE(none->fit);
  CHECK(test::first_error(none->c.sink)->message.find("declares no fit") != std::string::npos);

  auto bad_set = compile(text, "mse_fit", {"gain=20"});
  CHECK_FALSE(bad_set->fit);
  CHECK(test::first_error(bad_set->c.sink)->code == "E0601");
}

TEST_CASE("a fit of a model built from an imported one (the fit_ln_adam case)", "[fit_spec]") {
  auto r = compile(R"(import std.convis
model LNFit = LN(kernel_dim = [10, 3, 3])
fit LNFit as fit_ln_adam {
  data "convis_reference.h5"
  input x = "/cases/fit_ln_adam/input"
  target output = "/cases/fit_ln_adam/target" loss sse
  free conv.weight
  optimizer Adam(lr = 0.05)
  chunk 100; epochs 30
  export "fit_ln_adam.h5"
}
)");
  INFO(test::all_messages(r->c.sink));
  REQUIRE(r->fit);
  const graph::FitSpec& s = r->fit->spec;
  CHECK(s.model == "LNFit");
  CHECK(s.name == "fit_ln_adam");
  CHECK(free_paths(s) == Strings{"conv.weight"});
  const auto& weight = r->fit->graph.params[static_cast<size_t>(s.free[0].index)];
  CHECK(weight.shape == std::vector<int64_t>{1, 1, 10, 3, 3});
  CHECK(s.chunk == 100);
  CHECK(s.epochs == 30);
  CHECK(s.targets[0].data.dataset == "/cases/fit_ln_adam/target");
}

TEST_CASE("a fit of an imported model compiles", "[fit_spec]") {
  auto r = compile("import std.convis\nfit LN { input x = \"/x\"; target output = \"/y\" }\n");
  INFO(test::all_messages(r->c.sink));
  REQUIRE(r->fit);
  CHECK(r->fit->graph.model == "LN");
  CHECK(free_paths(r->fit->spec) == Strings{"conv.weight"});  // LN has no bias by default
}
