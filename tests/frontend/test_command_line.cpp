// Values from the command line: --set PATH=VALUE and --stimulus EXPR.
#include <catch2/catch.hpp>

#include "frontend/semantic/command_line.h"
#include "frontend_test_support.h"

using namespace cvm;

namespace {

struct Loaded {
  Compilation c;
  graph::ModelGraph g;
};

std::unique_ptr<Loaded> example() {
  auto l = std::make_unique<Loaded>();
  auto g = compile_model(l->c, test::examples_dir() + "/ln.cvm", "");
  INFO(test::all_messages(l->c.sink));
  REQUIRE(g.has_value());
  l->g = std::move(*g);
  return l;
}

const graph::Parameter& param(const graph::ModelGraph& g, const std::string& path) {
  int i = g.find_param(path);
  REQUIRE(i >= 0);
  return g.params[static_cast<size_t>(i)];
}

}  // namespace

TEST_CASE("a setting (--set) with units", "[command_line]") {
  auto l = example();
  REQUIRE(apply_setting(l->c, l->g, "lowpass.tau=20 ms"));
  CHECK(param(l->g, "lowpass.tau").value.number == Approx(0.02));
  REQUIRE(apply_setting(l->c, l->g, " lowpass.tau = 1.5 s"));
  CHECK(param(l->g, "lowpass.tau").value.number == Approx(1.5));
  REQUIRE(apply_setting(l->c, l->g, "lowpass.tau=100 steps"));
  CHECK(param(l->g, "lowpass.tau").value.number == Approx(0.1));
  CHECK_FALSE(l->c.sink.has_errors());
}

TEST_CASE("a setting (--set) checks the unit and the bounds", "[command_line]") {
  auto l = example();
  CHECK_FALSE(apply_setting(l->c, l->g, "lowpass.tau=20"));
  REQUIRE(test::first_error(l->c.sink));
  CHECK(test::first_error(l->c.sink)->code == "E0403");
  CHECK(test::first_error(l->c.sink)->message == "'lowpass.tau' must be a time, found a plain number");
  CHECK(param(l->g, "lowpass.tau").value.number == Approx(0.02));  // unchanged
  auto m = example();
  CHECK_FALSE(apply_setting(m->c, m->g, "gain=20"));
  CHECK(test::first_error(m->c.sink)->code == "E0601");
  CHECK(test::first_error(m->c.sink)->message == "'gain' must lie in [0, 10]");
  auto n = example();
  CHECK_FALSE(apply_setting(n->c, n->g, "lowpass.tau=2 deg"));
  CHECK(test::first_error(n->c.sink)->code == "E0401");
}

TEST_CASE("a setting (--set) of an unknown path suggests a name", "[command_line]") {
  auto l = example();
  CHECK_FALSE(apply_setting(l->c, l->g, "lowpass.tua=20 ms"));
  const auto* d = test::first_error(l->c.sink);
  REQUIRE(d);
  CHECK(d->code == "E0306");
  CHECK(d->message == "model 'LNGain' has no parameter 'lowpass.tua'");
  CHECK(d->help == "did you mean 'lowpass.tau'?");
  CHECK(d->range.begin == 0);
  CHECK(d->range.end == 11);
  CHECK(l->c.sources.file(d->range.file).name == "<--set>");
}

TEST_CASE("a setting (--set) of a tied path points at its source", "[command_line]") {
  auto l = example();
  CHECK_FALSE(apply_setting(l->c, l->g, "nl.scale=3"));
  const auto* d = test::first_error(l->c.sink);
  REQUIRE(d);
  CHECK(d->code == "E0310");
  CHECK(d->message == "'nl.scale' takes its value from 'gain'");
  CHECK(d->help == "set 'gain' instead");
}

TEST_CASE("a setting (--set) of a tie's source updates the tied parameters", "[command_line]") {
  auto l = example();
  REQUIRE(apply_setting(l->c, l->g, "gain=3"));
  CHECK(param(l->g, "gain").value.number == 3.0);
  CHECK(param(l->g, "nl.scale").value.number == 3.0);
}

TEST_CASE("a setting (--set) needs PATH=VALUE and a valid expression", "[command_line]") {
  auto l = example();
  CHECK_FALSE(apply_setting(l->c, l->g, "gain"));
  CHECK(test::first_error(l->c.sink)->code == "E0801");
  CHECK(test::first_error(l->c.sink)->help == "for example --set 'nl.scale=2' or --set 'lowpass.tau=20 ms'");
  auto m = example();
  CHECK_FALSE(apply_setting(m->c, m->g, "gain=1 +"));
  CHECK(test::first_error(m->c.sink)->code == "E0101");
  CHECK(setting_path("  lowpass.tau  = 20 ms") == "lowpass.tau");
  CHECK(setting_path("gain") == "gain");
}

TEST_CASE("a setting (--set) of a tensor takes an initialiser", "[command_line]") {
  auto l = example();
  REQUIRE(apply_setting(l->c, l->g, "conv.weight=gaussian(sigma = 3 px)"));
  const auto& w = param(l->g, "conv.weight");
  CHECK(w.value.text == "gaussian");
  CHECK(w.value.arg("sigma")->number == Approx(0.3));
  CHECK(w.shape == std::vector<int64_t>{1, 1, 20, 10, 10});
}

TEST_CASE("stimulus defaults", "[command_line]") {
  Compilation c;
  auto v = evaluate_stimulus(c, Resolution{}, "moving_grating()");
  REQUIRE(v.has_value());
  CHECK(v->kind == graph::ValueKind::Call);
  CHECK(v->text == "moving_grating");
  REQUIRE(v->args.size() == 6);
  CHECK(v->args[0].first == "t");
  CHECK(v->arg("t")->number == 2000);
  CHECK(v->arg("x")->number == 20);
  CHECK(v->arg("y")->number == 20);
  CHECK(v->arg("vt")->number == Approx(0.005));
  CHECK(v->arg("vx")->number == 3.0);
  CHECK(v->arg("vy")->number == 2.0);
  auto w = evaluate_stimulus(c, Resolution{}, "moving_grating(t = 200, x = 50, y = 40)");
  REQUIRE(w.has_value());
  CHECK(w->arg("t")->number == 200);
  CHECK(w->arg("x")->number == 50);
  CHECK(w->arg("y")->number == 40);
  CHECK(w->arg("vt")->number == Approx(0.005));
  auto i = evaluate_stimulus(c, Resolution{}, "impulse()");
  REQUIRE(i.has_value());
  CHECK(i->arg("t")->number == 100);
  CHECK(i->arg("at")->number == 10);
  CHECK_FALSE(c.sink.has_errors());
}

TEST_CASE("stimulus errors", "[command_line]") {
  Compilation c;
  CHECK_FALSE(evaluate_stimulus(c, Resolution{}, "moving_gratin()").has_value());
  REQUIRE(test::first_error(c.sink));
  CHECK(test::first_error(c.sink)->code == "E0305");
  CHECK(test::first_error(c.sink)->message == "unknown stimulus 'moving_gratin'");
  CHECK(test::first_error(c.sink)->help == "did you mean 'moving_grating'?");
  Compilation d;
  CHECK_FALSE(evaluate_stimulus(d, Resolution{}, "gaussian(sigma = 1 deg)").has_value());
  CHECK(test::first_error(d.sink)->message == "unknown stimulus 'gaussian'");
  Compilation e;
  CHECK_FALSE(evaluate_stimulus(e, Resolution{}, "1 + 2").has_value());
  CHECK(test::first_error(e.sink)->code == "E0801");
  Compilation f;
  CHECK_FALSE(evaluate_stimulus(f, Resolution{}, "moving_grating(t = 20.5)").has_value());
  CHECK(test::first_error(f.sink)->message == "argument 't' of 'moving_grating' must be an integer");
  Compilation g;
  CHECK_FALSE(evaluate_stimulus(g, Resolution{}, "").has_value());
  CHECK(g.sink.has_errors());
}
