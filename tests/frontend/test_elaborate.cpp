// Elaboration: models become flat, checked graphs; names, ties, overrides, channels,
// aliases, nesting, order and import errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "frontend_test_support.h"
#include "tests/support/temp_dir.h"

using namespace cvm;
using cvm::graph::ValueKind;

namespace {

graph::ModelGraph build(const std::string& text, const std::string& model) {
  auto c = test::load_text(text);
  REQUIRE(c->entry.has_value());
  auto g = test::elaborate_model(*c, model);
  INFO(test::all_messages(c->sink));
  REQUIRE(g.has_value());
  REQUIRE_FALSE(c->sink.has_errors());
  return std::move(*g);
}

/// Elaborates and expects failure; returns the compilation to inspect its diagnostics.
std::unique_ptr<Compilation> build_fails(const std::string& text, const std::string& model) {
  auto c = test::load_text(text);
  REQUIRE(c->entry.has_value());
  auto g = test::elaborate_model(*c, model);
  CHECK_FALSE(g.has_value());
  CHECK(c->sink.has_errors());
  return c;
}

std::vector<std::string> node_paths(const graph::ModelGraph& g) {
  std::vector<std::string> out;
  for (const auto& n : g.nodes) out.push_back(n.path);
  return out;
}

std::vector<std::string> param_paths(const graph::ModelGraph& g) {
  std::vector<std::string> out;
  for (const auto& p : g.params) out.push_back(p.path);
  return out;
}

const graph::Parameter& param(const graph::ModelGraph& g, const std::string& path) {
  int i = g.find_param(path);
  INFO("parameter " << path);
  REQUIRE(i >= 0);
  return g.params[static_cast<size_t>(i)];
}

using Strings = std::vector<std::string>;
using Shape = std::vector<int64_t>;

}  // namespace

TEST_CASE("LN from std.convis flattens to a convolution and a rectifier", "[elaborate]") {
  auto g = build("import std.convis\nmodel M = LN(kernel_dim = [10, 5, 5])", "M");
  CHECK(g.model == "M");
  CHECK(node_paths(g) == Strings{"conv", "nonlinearity"});
  CHECK(g.nodes[0].primitive == "Conv3d");
  CHECK(g.nodes[1].primitive == "NLRectify");
  CHECK(param_paths(g) == Strings{"conv.weight"});
  const auto& w = param(g, "conv.weight");
  CHECK(w.shape == Shape{1, 1, 10, 5, 5});
  CHECK(w.type == "tensor");
  CHECK(w.value.kind == ValueKind::Call);
  CHECK(w.value.text == "zeros");
  CHECK(w.doc == "the kernel, [out, in, t, x, y]");
  CHECK(g.find_param("conv.bias") == -1);
  const auto* bias = g.nodes[0].arg("bias");
  REQUIRE(bias);
  CHECK(bias->kind == ValueKind::Bool);
  CHECK_FALSE(bias->boolean);
  const auto* k = g.nodes[0].arg("kernel_size");
  REQUIRE(k);
  REQUIRE(k->items.size() == 3);
  CHECK(k->items[0].number == 10);
  CHECK(g.nodes[0].states == Strings{"history"});
  CHECK(g.nodes[1].inputs[0].sources.size() == 1);
  CHECK(g.nodes[1].inputs[0].sources[0].index == 0);
}

TEST_CASE("LN used as a layer: dotted paths, wiring, outputs", "[elaborate]") {
  auto g = build("import std.convis\nmodel M { input stim; layer ln = LN(kernel_dim = [10, 5, 5]); stim -> ln; output r = ln }", "M");
  CHECK(node_paths(g) == Strings{"ln.conv", "ln.nonlinearity"});
  CHECK(param_paths(g) == Strings{"ln.conv.weight"});
  CHECK(param(g, "ln.conv.weight").shape == Shape{1, 1, 10, 5, 5});
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.inputs[0].name == "stim");
  REQUIRE(g.nodes[0].inputs[0].sources.size() == 1);
  CHECK(g.nodes[0].inputs[0].sources[0].kind == graph::SignalRef::Kind::Input);
  CHECK(g.nodes[1].inputs[0].sources[0].kind == graph::SignalRef::Kind::Node);
  CHECK(g.nodes[1].inputs[0].sources[0].index == 0);
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.outputs[0].name == "r");
  CHECK(g.outputs[0].source.index == 1);
}

// A regression test: a model alias elaborated on its own (`cvm graph` of
// `model M = LN(..)`) once lost the aliased model's inputs and outputs.
TEST_CASE("a model alias elaborated on its own keeps its inputs and outputs", "[elaborate]") {
  auto g = build("import std.convis\nmodel M = LN(kernel_dim = [10, 5, 5])", "M");
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.inputs[0].name == "x");
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.outputs[0].name == "output");
  CHECK(g.outputs[0].source.index == 1);
  REQUIRE(g.nodes[0].inputs[0].sources.size() == 1);
  CHECK(g.nodes[0].inputs[0].sources[0].kind == graph::SignalRef::Kind::Input);
}

TEST_CASE("a conditional parameter exists when its condition holds", "[elaborate]") {
  auto g = build("import std.convis\nmodel M { input x; layer ln = LN(kernel_dim = [2, 3, 3], bias = true); x -> ln; output y = ln }", "M");
  CHECK(param_paths(g) == Strings{"ln.conv.weight", "ln.conv.bias"});
  CHECK(param(g, "ln.conv.bias").shape == Shape{1});
  CHECK(g.nodes[0].arg("bias")->boolean);
}

// An alias's arguments reach only the aliased model: `bias = true` is LN's formal, not
// Conv3d's tensor parameter of the same name.
TEST_CASE("alias arguments apply only to the aliased model", "[elaborate]") {
  auto g = build("import std.convis\nmodel M = LN(kernel_dim = [2, 3, 3], bias = true)", "M");
  CHECK(param_paths(g) == Strings{"conv.weight", "conv.bias"});
  CHECK(param(g, "conv.bias").shape == Shape{1});
}

TEST_CASE("a model alias can be used as a layer and its arguments overridden", "[elaborate]") {
  const char* src = R"(import std.convis
model LN2 = LN(kernel_dim = [10, 5, 5])
model Use {
  input x
  layer a = LN2()
  layer b = LN2(kernel_dim = [3, 3, 3])
  x -> a -> b
  output y = b
})";
  auto g = build(src, "Use");
  CHECK(node_paths(g) == Strings{"a.conv", "a.nonlinearity", "b.conv", "b.nonlinearity"});
  CHECK(param(g, "a.conv.weight").shape == Shape{1, 1, 10, 5, 5});
  CHECK(param(g, "b.conv.weight").shape == Shape{1, 1, 3, 3, 3});
  auto alias = build(src, "LN2");
  CHECK(param(alias, "conv.weight").shape == Shape{1, 1, 10, 5, 5});
}

TEST_CASE("a model alias's overrides apply", "[elaborate]") {
  auto g = build("import std.convis\nmodel L = LN(kernel_dim = [3, 3, 3]) { conv.weight = ones() }", "L");
  CHECK(param(g, "conv.weight").value.text == "ones");
}

TEST_CASE("the example LN model: ties, overrides, units", "[elaborate]") {
  Compilation c;
  auto g = compile_model(c, test::examples_dir() + "/ln.cvm", "");
  INFO(test::all_messages(c.sink));
  REQUIRE(g.has_value());
  CHECK(g->model == "LNGain");
  CHECK(param_paths(*g) == Strings{"gain", "conv.weight", "conv.bias", "lowpass.tau", "nl.scale", "nl.bias"});
  const auto& scale = param(*g, "nl.scale");
  REQUIRE(scale.tied_to.has_value());
  CHECK(*scale.tied_to == "gain");
  CHECK(scale.value.number == 2.0);
  CHECK_FALSE(param(*g, "nl.bias").tied_to.has_value());
  CHECK(param(*g, "nl.bias").value.number == 0);
  const auto& gain = param(*g, "gain");
  CHECK(gain.lower == 0.0);
  CHECK(gain.upper == 10.0);
  REQUIRE(gain.prior.has_value());
  CHECK(gain.prior->text == "lognormal");
  CHECK(gain.doc == "output gain");
  const auto& tau = param(*g, "lowpass.tau");
  CHECK(tau.value.number == Approx(0.02));
  CHECK(tau.dim == (Dimension{1, 0}));
  CHECK(*tau.lower == Approx(1e-5));
  CHECK(*tau.upper == Approx(1000));
  const auto& w = param(*g, "conv.weight");
  CHECK(w.shape == Shape{1, 1, 20, 10, 10});
  CHECK(w.value.text == "exponential");
  CHECK(w.value.arg("tau")->number == Approx(0.01));
  CHECK(g->doc == "A linear-nonlinear cell with a gain.");
  CHECK(scale.flat_name() == "nl_scale");
  CHECK(param(*g, "conv.weight").flat_name() == "conv_weight");
}

TEST_CASE("check_file accepts the example", "[elaborate]") {
  Compilation c;
  CHECK(check_file(c, test::examples_dir() + "/ln.cvm"));
  CHECK_FALSE(c.sink.has_errors());
}

TEST_CASE("overrides: unknown names, bounds, types", "[elaborate]") {
  const char* head = "import std.convis\nmodel M {\n input x\n";
  const char* tail = "\n x -> l\n output y = l\n}";
  auto c = build_fails(std::string(head) + " layer l = Conv3d() { wieght = ones() }" + tail, "M");
  const auto* d = test::first_error(c->sink);
  REQUIRE(d);
  CHECK(d->code == "E0306");
  CHECK(d->message == "'Conv3d' has no parameter 'wieght'");
  CHECK(d->help == "did you mean 'weight'?");
  auto b = build_fails(std::string(head) + " layer l = TemporalLowPassFilterRecursive() { tau = 2000 s }" + tail, "M");
  CHECK(test::first_error(b->sink)->code == "E0601");
  CHECK(test::first_error(b->sink)->message == "'tau' lies outside its bounds");
  auto t = build_fails(std::string(head) + " layer l = TemporalLowPassFilterRecursive() { tau = 20 }" + tail, "M");
  CHECK(test::first_error(t->sink)->code == "E0403");
  auto ok = build(std::string(head) + " layer l = TemporalLowPassFilterRecursive() { tau = 50 ms }" + tail, "M");
  CHECK(param(ok, "l.tau").value.number == Approx(0.05));
}

TEST_CASE("ties through arguments and overrides", "[elaborate]") {
  auto g = build(R"(import std.convis
model M {
  input x
  param gain: real = 3
  param t: time = 30 ms
  layer nl = NLRectifyScale(scale = gain)
  layer lp = TemporalLowPassFilterRecursive() { tau = t }
  x -> lp -> nl
  output y = nl
})", "M");
  CHECK(*param(g, "nl.scale").tied_to == "gain");
  CHECK(param(g, "nl.scale").value.number == 3.0);
  CHECK(*param(g, "lp.tau").tied_to == "t");
  CHECK(param(g, "lp.tau").value.number == Approx(0.03));
}

TEST_CASE("a tie between different dimensions is an error", "[elaborate]") {
  auto c = build_fails(R"(import std.convis
model M {
  input x
  param t: time = 30 ms
  layer nl = NLRectifyScale(scale = t)
  x -> nl
  output y = nl
})", "M");
  const auto* d = test::first_error(c->sink);
  CHECK(d->code == "E0401");
  CHECK(d->message == "parameter 'scale' is a plain number, but 't' is a time");
}

TEST_CASE("a parameter given to a structural argument is an error", "[elaborate]") {
  auto c = build_fails(R"(import std.convis
model M {
  input x
  param n: int = 2
  layer c = Conv3d(out_channels = n)
  x -> c
  output y = c
})", "M");
  CHECK(test::first_error(c->sink)->code == "E0310");
  CHECK(test::first_error(c->sink)->message ==
        "argument 'out_channels' of 'Conv3d' sets the structure of the layer and must be a constant");
}

TEST_CASE("arithmetic on parameters is not supported", "[elaborate]") {
  auto c = build_fails(R"(import std.convis
model M {
  input x
  param g: real = 2
  layer nl = NLRectifyScale(scale = g * 2)
  x -> nl
  output y = nl
})", "M");
  CHECK(test::first_error(c->sink)->code == "E0310");
}

TEST_CASE("a channel mismatch is reported at the connection", "[elaborate]") {
  auto c = build_fails(R"(import std.convis
model M {
  input x
  layer c1 = Conv3d(out_channels = 2)
  layer c2 = Conv3d(in_channels = 1)
  x -> c1 -> c2
  output y = c2
})", "M");
  const auto* d = test::first_error(c->sink);
  REQUIRE(d);
  CHECK(d->code == "E0501");
  CHECK(d->message == "'c2' expects 1 channel at its input 'x', but 'c1' has 2");
  REQUIRE(d->notes.size() == 1);
  CHECK(d->notes[0].message == "'c2' is declared here");
}

TEST_CASE("channels flow through layers and typed inputs", "[elaborate]") {
  auto g = build(R"(import std.convis
model M {
  input x: signal[2]
  layer c1 = Conv3d(in_channels = 2, out_channels = 3)
  layer nl = NLRectify()
  x -> c1 -> nl
  output y = nl
})", "M");
  CHECK(g.inputs[0].channels == 2);
  CHECK(param(g, "c1.weight").shape == Shape{3, 2, 1, 1, 1});
  CHECK(g.nodes[1].out_channels == std::vector<int64_t>{3});
  CHECK(g.outputs[0].channels == 3);
}

// A model whose parameter `g` is tied to its layer's `nl.scale`.
const char* kInnerWithTie = R"(import std.convis
model Inner {
  input x
  param g: real = 1.5
  layer nl = NLRectifyScale(scale = g)
  x -> nl
  output y = nl
}
)";

TEST_CASE("nested models have dotted parameter and node paths", "[elaborate]") {
  auto g = build(std::string(kInnerWithTie) + R"(model Middle {
  input x
  layer inner = Inner() { g = 2.5 }
  x -> inner
  output y = inner
}
model Outer {
  input stim
  layer mid = Middle()
  layer ln = LN(kernel_dim = [2, 2, 2])
  stim -> ln -> mid
  output out = mid
})", "Outer");
  CHECK(node_paths(g) == Strings{"ln.conv", "ln.nonlinearity", "mid.inner.nl"});
  CHECK(param_paths(g) == Strings{"mid.inner.g", "mid.inner.nl.scale", "mid.inner.nl.bias", "ln.conv.weight"});
  CHECK(param(g, "mid.inner.g").value.number == 2.5);
  CHECK(*param(g, "mid.inner.nl.scale").tied_to == "mid.inner.g");
}

// Overriding a parameter (`{ g = 2.5 }`) updates the parameters tied to it.
TEST_CASE("an override of a parameter updates the parameters tied to it", "[elaborate]") {
  auto g = build(std::string(kInnerWithTie) + R"(model Outer {
  input x
  layer inner = Inner() { g = 2.5 }
  x -> inner
  output y = inner
})", "Outer");
  CHECK(param(g, "inner.g").value.number == 2.5);
  CHECK(*param(g, "inner.nl.scale").tied_to == "inner.g");
  CHECK(param(g, "inner.nl.scale").value.number == 2.5);
}

TEST_CASE("nodes come in topological order whatever the declaration order", "[elaborate]") {
  auto g = build(R"(import std.convis
model M {
  input x
  layer c = NLRectify()
  layer b = NLRectify()
  layer a = NLRectify()
  b -> c
  x -> a
  a -> b
  output y = c
})", "M");
  CHECK(node_paths(g) == Strings{"a", "b", "c"});
  CHECK(g.nodes[1].inputs[0].sources[0].index == 0);
  CHECK(g.nodes[2].inputs[0].sources[0].index == 1);
  CHECK(g.outputs[0].source.index == 2);
}

TEST_CASE("fan-in sums several sources into one input", "[elaborate]") {
  auto g = build(R"(import std.convis
model M {
  input x
  layer a = NLRectify()
  layer b = NLRectify()
  layer sum = NLRectify()
  x -> a -> sum
  x -> b -> sum
  output y = sum
})", "M");
  int s = g.find_node("sum");
  REQUIRE(s == 2);
  REQUIRE(g.nodes[2].inputs[0].sources.size() == 2);
  CHECK(g.nodes[2].inputs[0].sources[0].index == g.find_node("a"));
  CHECK(g.nodes[2].inputs[0].sources[1].index == g.find_node("b"));
}

TEST_CASE("loops are reported: feedback is not supported yet", "[elaborate]") {
  auto c = build_fails(R"(import std.convis
model M {
  input x
  layer a = NLRectify()
  layer b = NLRectify()
  x -> a -> b -> a
  output y = b
})", "M");
  const auto* d = test::first_error(c->sink);
  CHECK(d->code == "E0311");
  CHECK(d->message.rfind("connections form a loop through '", 0) == 0);
  CHECK(d->help == "feedback connections are not supported yet");
}

TEST_CASE("named ports of a primitive with several outputs", "[elaborate]") {
  const char* prims = R"(
primitive Split { input x; output on; output off }
primitive Mix { input a; input b; output y }
)";
  auto g = build(std::string(prims) + R"(
model M {
  input x
  layer s = Split()
  layer m = Mix()
  x -> s
  s.on -> m.a
  s.off -> m.b
  output y = m
  output raw = s.off
})", "M");
  CHECK(node_paths(g) == Strings{"s", "m"});
  REQUIRE(g.nodes[1].inputs.size() == 2);
  CHECK(g.nodes[1].inputs[0].port == "a");
  CHECK(g.nodes[1].inputs[0].sources[0].port == 0);
  CHECK(g.nodes[1].inputs[1].sources[0].port == 1);
  REQUIRE(g.outputs.size() == 2);
  CHECK(g.outputs[1].source.port == 1);
  auto c = build_fails(std::string(prims) + "model N { input x; layer s = Split(); layer m = Mix(); x -> s; s -> m.a; s.on -> m.b; output y = m }", "N");
  const auto* d = test::first_error(c->sink);
  CHECK(d->code == "E0307");
  CHECK(d->message == "layer 's' has several outputs; name one");
  CHECK(d->help == "its outputs are: on, off");
  auto e = build_fails(std::string(prims) + "model N { input x; layer s = Split(); layer m = Mix(); x -> s; s.on -> m.c; output y = m }", "N");
  CHECK(test::first_error(e->sink)->message == "layer 'm' has no input 'c'");
}

TEST_CASE("unknown layer types get did-you-mean help", "[elaborate]") {
  auto c = build_fails("import std.convis\nmodel M { input x; layer nl = NLRectfy(); x -> nl; output y = nl }", "M");
  const auto* d = test::first_error(c->sink);
  REQUIRE(d);
  CHECK(d->code == "E0305");
  CHECK(d->message == "unknown layer or model 'NLRectfy'");
  CHECK(d->help == "did you mean 'NLRectify'?");
  auto n = build_fails("model M { input x; layer nl = NLRectify(); x -> nl; output y = nl }", "M");
  CHECK(test::first_error(n->sink)->help == "library layers need an import, e.g. 'import std.convis'");
}

TEST_CASE("unknown arguments, signals and missing connections", "[elaborate]") {
  auto a = build_fails("import std.convis\nmodel M { input x; layer c = Conv3d(kernel_sise = [1, 1, 1]); x -> c; output y = c }", "M");
  CHECK(test::first_error(a->sink)->code == "E0303");
  CHECK(test::first_error(a->sink)->message == "'Conv3d' has no argument 'kernel_sise'");
  CHECK(test::first_error(a->sink)->help == "did you mean 'kernel_size'?");
  auto s = build_fails("import std.convis\nmodel M { input stimulus; layer nl = NLRectify(); stimulus -> nl; output y = nll }", "M");
  CHECK(test::first_error(s->sink)->code == "E0301");
  CHECK(test::first_error(s->sink)->message == "unknown signal 'nll'");
  CHECK(test::first_error(s->sink)->help == "did you mean 'nl'?");
  auto u = build_fails("import std.convis\nmodel M { input x; layer nl = NLRectify(); output y = nl }", "M");
  CHECK(test::first_error(u->sink)->code == "E0307");
  CHECK(test::first_error(u->sink)->message == "layer 'nl' is not connected");
  auto o = build_fails("import std.convis\nmodel M { input x; layer nl = NLRectify(); x -> nl; output y }", "M");
  CHECK(test::first_error(o->sink)->code == "E0308");
  CHECK(test::first_error(o->sink)->message == "output 'y' is not connected");
  auto none = build_fails("import std.convis\nmodel M { input x }", "M");
  CHECK(test::first_error(none->sink)->code == "E0308");
  CHECK(test::first_error(none->sink)->message == "model 'M' has no output");
  auto into = build_fails("import std.convis\nmodel M { input x; layer nl = NLRectify(); nl -> x; x -> nl; output y = nl }", "M");
  CHECK(test::first_error(into->sink)->message == "'x' is an input of this model; nothing can connect into it");
}

TEST_CASE("an output can be fed by a connection", "[elaborate]") {
  auto g = build("import std.convis\nmodel M { input x; layer nl = NLRectify(); x -> nl -> y; output y }", "M");
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.outputs[0].source.index == 0);
}

TEST_CASE("duplicates, self-containment, required arguments", "[elaborate]") {
  auto d = build_fails("import std.convis\nmodel M { input x; layer x = NLRectify(); x -> x; output y = x }", "M");
  CHECK(test::first_error(d->sink)->code == "E0302");
  CHECK(test::first_error(d->sink)->message == "duplicate name 'x'");
  auto self = build_fails("model M { input x; layer m = M(); x -> m; output y = m }", "M");
  CHECK(test::first_error(self->sink)->code == "E0312");
  CHECK(test::first_error(self->sink)->message == "model 'M' contains itself");
  auto req = build_fails(
      "import std.convis\nmodel Needs(n: int) { input x; layer c = Conv3d(out_channels = n); x -> c; output y = c }\n"
      "model M { input x; layer a = Needs(); x -> a; output y = a }", "M");
  CHECK(test::first_error(req->sink)->code == "E0304");
  CHECK(test::first_error(req->sink)->message == "'Needs' needs argument 'n'");
  auto given = build(
      "import std.convis\nmodel Needs(n: int) { input x; layer c = Conv3d(out_channels = n); x -> c; output y = c }\n"
      "model M { input x; layer a = Needs(3); x -> a; output y = a }", "M");
  CHECK(param(given, "a.c.weight").shape == Shape{3, 1, 1, 1, 1});
  auto twice = build_fails("import std.convis\nmodel M { input x; layer c = Conv3d(1, in_channels = 1); x -> c; output y = c }", "M");
  CHECK(test::first_error(twice->sink)->message == "argument 'in_channels' is given twice");
}

TEST_CASE("parameter bounds and priors are checked", "[elaborate]") {
  const char* tail = "\n layer nl = NLRectify(); x -> nl; output y = nl }";
  auto outside = build_fails(std::string("import std.convis\nmodel M { input x; param g: real = 20 in [0, 10]") + tail, "M");
  CHECK(test::first_error(outside->sink)->code == "E0601");
  CHECK(test::first_error(outside->sink)->message == "the value of 'g' lies outside its bounds");
  auto order = build_fails(std::string("import std.convis\nmodel M { input x; param g: real = 1 in [10, 0]") + tail, "M");
  CHECK(test::first_error(order->sink)->message == "the lower bound of 'g' must be below its upper bound");
  auto support = build_fails(std::string("import std.convis\nmodel M { input x; param g: real = 1 in [-1, 1] ~ lognormal(0, 1)") + tail, "M");
  CHECK(test::first_error(support->sink)->code == "E0602");
  auto notprior = build_fails(std::string("import std.convis\nmodel M { input x; param g: real = 1 ~ zeros()") + tail, "M");
  CHECK(test::first_error(notprior->sink)->message == "'zeros' is not a prior distribution");
  auto units = build_fails(std::string("import std.convis\nmodel M { input x; param t: time = 10 ms in [0, 1]") + tail, "M");
  CHECK(test::first_error(units->sink)->code == "E0403");
  CHECK(test::first_error(units->sink)->message == "a bound of 't' must be a time like the parameter");
  auto g = build(std::string("import std.convis\nmodel M { input x; param t: time = 10 ms in [1 ms, 1 s] ~ gamma(2, 1) \"tau\" fixed") + tail, "M");
  CHECK(param(g, "t").fixed);
  CHECK(param(g, "t").doc == "tau");
  CHECK(*param(g, "t").lower == Approx(0.001));
  auto badtype = build_fails(std::string("import std.convis\nmodel M { input x; param g: float = 1") + tail, "M");
  CHECK(test::first_error(badtype->sink)->message == "unknown parameter type 'float'");
}

TEST_CASE("a parameter without a value gets zero of its type", "[elaborate]") {
  auto g = build("import std.convis\nmodel M { input x; param t: time; param w: tensor[2, 3]; layer nl = NLRectify(); x -> nl; output y = nl }", "M");
  CHECK(param(g, "t").value.number == 0);
  CHECK(param(g, "t").dim == (Dimension{1, 0}));
  CHECK(param(g, "w").value.text == "zeros");
  CHECK(param(g, "w").shape == Shape{2, 3});
}

TEST_CASE("the resolution block scales px and steps", "[elaborate]") {
  auto g = build(R"(import std.convis
resolution { steps_per_second = 2000; pixels_per_degree = 20 }
model M {
  input x
  param t: time = 10 steps
  layer c = Conv3d(kernel_size = [1, 3, 3]) { weight = gaussian(sigma = 2 px) }
  x -> c
  output y = c
})", "M");
  CHECK(g.resolution.steps_per_second == 2000);
  CHECK(g.resolution.pixels_per_degree == 20);
  CHECK(param(g, "t").value.number == Approx(0.005));
  CHECK(param(g, "c.weight").value.arg("sigma")->number == Approx(0.1));
  auto c = test::load_text("resolution { steps_per_second = 1 ms; speed = 3 }");
  CHECK(test::has_code(c->sink, "E0403"));
  CHECK(test::has_code(c->sink, "E0303"));
}

TEST_CASE("unknown library modules and missing files are reported at the import", "[elaborate]") {
  auto c = test::load_text("import std.nope\nimport foo.bar\nimport \"does/not/exist.cvm\"");
  REQUIRE(c->entry.has_value());
  std::vector<std::string> msgs;
  for (const auto& d : c->sink.all()) msgs.push_back(d.code + " " + d.message);
  CHECK(msgs == Strings{"E0201 unknown library module 'std.nope'", "E0201 unknown library module 'foo.bar'",
                        "E0204 cannot find imported file 'does/not/exist.cvm'"});
}

TEST_CASE("import cycles are reported", "[elaborate]") {
  namespace fs = std::filesystem;
  test::TempDir temp("cvm_test_import_cycle");
  const fs::path& dir = temp.path;
  std::ofstream(dir / "a.cvm") << "import \"b.cvm\"\nmodel A { input x; output y = x }\n";
  std::ofstream(dir / "b.cvm") << "import \"a.cvm\"\nmodel B { input x; output y = x }\n";
  Compilation c;
  c.program.load((dir / "a.cvm").string(), c.sink);
  REQUIRE(c.sink.error_count() == 1);
  const auto& d = c.sink.all()[0];
  CHECK(d.code == "E0202");
  CHECK(d.message.rfind("import cycle: ", 0) == 0);
  CHECK(d.message.find("a.cvm -> ") != std::string::npos);
  CHECK(d.message.find("b.cvm -> ") != std::string::npos);
  // a file importing itself
  std::ofstream(dir / "self.cvm") << "import \"self.cvm\"\n";
  Compilation s;
  s.program.load((dir / "self.cvm").string(), s.sink);
  CHECK(test::has_code(s.sink, "E0202"));
  // importing a file twice is not a cycle
  std::ofstream(dir / "lib.cvm") << "model L { input x; output y = x }\n";
  std::ofstream(dir / "two.cvm") << "import \"lib.cvm\"\nimport \"lib.cvm\"\n";
  Compilation t;
  CHECK(t.program.load((dir / "two.cvm").string(), t.sink).has_value());
  CHECK_FALSE(t.sink.has_errors());
}

TEST_CASE("compile_model picks a model and explains what is missing", "[elaborate]") {
  Compilation c;
  auto g = compile_model(c, test::examples_dir() + "/ln.cvm", "LNGian");
  CHECK_FALSE(g.has_value());
  REQUIRE(test::first_error(c.sink));
  CHECK(test::first_error(c.sink)->code == "E0309");
  CHECK(test::first_error(c.sink)->help == "did you mean 'LNGain'?");
}
