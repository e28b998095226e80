// Parsing: every construct of grammar/Cvm.g4 becomes the right AST node.
#include <catch2/catch.hpp>

#include "frontend/syntax/ast_dump.h"
#include "frontend_test_support.h"

using namespace cvm;
using cvm::test::parse_text;

namespace {

const ast::File& ok(const std::unique_ptr<test::Parsed>& p) {
  INFO(test::all_messages(p->sink));
  REQUIRE(p->file.has_value());
  REQUIRE_FALSE(p->sink.has_errors());
  return *p->file;
}

}  // namespace

TEST_CASE("imports of library modules and of files", "[parse]") {
  auto p = parse_text("import std.convis\nimport \"lib/kernels.cvm\"\n");
  const auto& f = ok(p);
  REQUIRE(f.imports.size() == 2);
  CHECK_FALSE(f.imports[0].is_file);
  CHECK(f.imports[0].module.str() == "std.convis");
  REQUIRE(f.imports[0].module.parts.size() == 2);
  CHECK(f.imports[1].is_file);
  CHECK(f.imports[1].file == "lib/kernels.cvm");
}

TEST_CASE("a resolution block holds settings", "[parse]") {
  auto p = parse_text("resolution { steps_per_second = 2000; pixels_per_degree = 20 }");
  const auto& f = ok(p);
  REQUIRE(f.resolutions.size() == 1);
  const auto& s = f.resolutions[0].settings;
  REQUIRE(s.size() == 2);
  CHECK(s[0].name.name == "steps_per_second");
  CHECK(s[0].value->kind == ast::ExprKind::Number);
  CHECK(s[0].value->number == 2000);
  CHECK(s[1].name.name == "pixels_per_degree");
  CHECK(s[1].value->number == 20);
}

TEST_CASE("a model with formals and a body", "[parse]") {
  auto p = parse_text(R"(
model M(k: int[3] = [1, 2, 3], flag: bool) {
  input x
  input y: signal[2]
  param g: real = 1
  layer conv = Conv3d(kernel_size = k)
  layer nl = NLRectify()
  x -> conv -> nl
  output out = nl
}
)");
  const auto& f = ok(p);
  REQUIRE(f.models.size() == 1);
  const auto& m = f.models[0];
  CHECK(m.name.name == "M");
  CHECK_FALSE(m.is_primitive);
  CHECK_FALSE(m.alias.has_value());
  REQUIRE(m.formals.size() == 2);
  CHECK(m.formals[0].name.name == "k");
  CHECK(m.formals[0].type.name.name == "int");
  CHECK(m.formals[0].type.has_dims);
  REQUIRE(m.formals[0].type.dims.size() == 1);
  CHECK(m.formals[0].type.dims[0]->number == 3);
  REQUIRE(m.formals[0].default_value);
  CHECK(m.formals[0].default_value->kind == ast::ExprKind::List);
  CHECK(m.formals[0].default_value->operands.size() == 3);
  CHECK(m.formals[1].type.name.name == "bool");
  CHECK(m.formals[1].default_value == nullptr);
  REQUIRE(m.inputs.size() == 2);
  CHECK(m.inputs[0].name.name == "x");
  CHECK_FALSE(m.inputs[0].type.has_value());
  REQUIRE(m.inputs[1].type.has_value());
  CHECK(m.inputs[1].type->name.name == "signal");
  CHECK(m.inputs[1].type->dims[0]->number == 2);
  REQUIRE(m.params.size() == 1);
  REQUIRE(m.layers.size() == 2);
  CHECK(m.layers[0].name.name == "conv");
  CHECK(m.layers[0].instance.type.str() == "Conv3d");
  REQUIRE(m.layers[0].instance.args.size() == 1);
  CHECK(m.layers[0].instance.args[0].name.name == "kernel_size");
  CHECK(m.layers[0].instance.args[0].value->kind == ast::ExprKind::Path);
  CHECK(m.layers[0].instance.args[0].value->path.str() == "k");
  CHECK(m.layers[1].instance.args.empty());
  REQUIRE(m.connections.size() == 1);
  REQUIRE(m.connections[0].chain.size() == 3);
  CHECK(m.connections[0].chain[0].str() == "x");
  CHECK(m.connections[0].chain[2].str() == "nl");
  REQUIRE(m.outputs.size() == 1);
  CHECK(m.outputs[0].name.name == "out");
  REQUIRE(m.outputs[0].source.has_value());
  CHECK(m.outputs[0].source->str() == "nl");
}

TEST_CASE("an empty formals list and an instance without parentheses", "[parse]") {
  auto p = parse_text("model A() { layer n = NLRectify; output o = n }");
  const auto& f = ok(p);
  REQUIRE(f.models.size() == 1);
  CHECK(f.models[0].formals.empty());
  CHECK(f.models[0].layers[0].instance.type.str() == "NLRectify");
  CHECK(f.models[0].layers[0].instance.args.empty());
}

TEST_CASE("a model alias", "[parse]") {
  auto p = parse_text("model LN2 = std.LN(kernel_dim = [10, 5, 5]) { conv.weight = ones() }");
  const auto& f = ok(p);
  REQUIRE(f.models.size() == 1);
  const auto& m = f.models[0];
  CHECK(m.name.name == "LN2");
  REQUIRE(m.alias.has_value());
  CHECK(m.alias->type.str() == "std.LN");
  REQUIRE(m.alias->args.size() == 1);
  CHECK(m.alias->args[0].name.name == "kernel_dim");
  REQUIRE(m.alias->overrides.size() == 1);
  CHECK(m.alias->overrides[0].path.str() == "conv.weight");
  CHECK(m.alias->overrides[0].value->kind == ast::ExprKind::Call);
  CHECK(m.alias->overrides[0].value->path.str() == "ones");
  CHECK(m.layers.empty());
  CHECK(m.inputs.empty());
}

TEST_CASE("a parameter with type, value, bounds, prior, description, fixed", "[parse]") {
  auto p = parse_text(
      "model M { param gain: real = 2.0 in [0, 10] ~ lognormal(0, 1) \"output gain\" fixed\n"
      "          param tau: time\n }");
  const auto& f = ok(p);
  const auto& ps = f.models[0].params;
  REQUIRE(ps.size() == 2);
  const auto& g = ps[0];
  CHECK(g.name.name == "gain");
  CHECK(g.type.name.name == "real");
  CHECK_FALSE(g.type.has_dims);
  REQUIRE(g.value);
  CHECK(g.value->number == 2.0);
  CHECK_FALSE(g.value->is_integer);
  REQUIRE(g.lower);
  REQUIRE(g.upper);
  CHECK(g.lower->number == 0);
  CHECK(g.upper->number == 10);
  REQUIRE(g.prior);
  CHECK(g.prior->kind == ast::ExprKind::Call);
  CHECK(g.prior->path.str() == "lognormal");
  CHECK(g.prior->args.size() == 2);
  CHECK(g.description == "output gain");
  CHECK(g.fixed);
  CHECK(g.condition == nullptr);
  const auto& t = ps[1];
  CHECK(t.value == nullptr);
  CHECK(t.lower == nullptr);
  CHECK(t.prior == nullptr);
  CHECK(t.description.empty());
  CHECK_FALSE(t.fixed);
}

TEST_CASE("a parameter with a condition", "[parse]") {
  auto p = parse_text("primitive P(bias: bool = true) { param b: tensor[1] = zeros() \"d\" if bias }");
  const auto& f = ok(p);
  const auto& b = f.models[0].params[0];
  CHECK(b.type.name.name == "tensor");
  CHECK(b.description == "d");
  REQUIRE(b.condition);
  CHECK(b.condition->kind == ast::ExprKind::Path);
  CHECK(b.condition->path.str() == "bias");
}

TEST_CASE("layers with positional and named arguments and overrides", "[parse]") {
  auto p = parse_text(R"(model M {
  layer conv = Conv3d(1, out_channels = 2, kernel_size = [20, 10, 10]) {
    weight = exponential(tau = 10 ms); bias = 0
    inner.deep = 1
  }
})");
  const auto& f = ok(p);
  const auto& inst = f.models[0].layers[0].instance;
  REQUIRE(inst.args.size() == 3);
  CHECK(inst.args[0].name.name.empty());
  CHECK(inst.args[0].value->number == 1);
  CHECK(inst.args[1].name.name == "out_channels");
  CHECK(inst.args[2].value->kind == ast::ExprKind::List);
  REQUIRE(inst.overrides.size() == 3);
  CHECK(inst.overrides[0].path.str() == "weight");
  CHECK(inst.overrides[0].value->kind == ast::ExprKind::Call);
  REQUIRE(inst.overrides[0].value->args.size() == 1);
  CHECK(inst.overrides[0].value->args[0].name.name == "tau");
  REQUIRE(inst.overrides[0].value->args[0].value->unit.size() == 1);
  CHECK(inst.overrides[0].value->args[0].value->unit[0].name == "ms");
  CHECK(inst.overrides[1].path.str() == "bias");
  CHECK(inst.overrides[2].path.str() == "inner.deep");
  CHECK(inst.overrides[2].path.parts.size() == 2);
}

TEST_CASE("connection chains and named ports", "[parse]") {
  auto p = parse_text("model M { x -> split.a; split.left -> mix.l -> out\n y -> z }");
  const auto& f = ok(p);
  const auto& cs = f.models[0].connections;
  REQUIRE(cs.size() == 3);
  REQUIRE(cs[0].chain.size() == 2);
  CHECK(cs[0].chain[1].str() == "split.a");
  REQUIRE(cs[1].chain.size() == 3);
  CHECK(cs[1].chain[0].parts.size() == 2);
  CHECK(cs[1].chain[0].parts[1].name == "left");
  CHECK(cs[1].chain[1].str() == "mix.l");
  CHECK(cs[2].chain[0].str() == "y");
}

TEST_CASE("outputs with and without type and source", "[parse]") {
  auto p = parse_text("model M { output a\n output b: signal[2] = nl.y\n output c = nl }");
  const auto& f = ok(p);
  const auto& os = f.models[0].outputs;
  REQUIRE(os.size() == 3);
  CHECK_FALSE(os[0].type.has_value());
  CHECK_FALSE(os[0].source.has_value());
  REQUIRE(os[1].type.has_value());
  CHECK(os[1].type->name.name == "signal");
  CHECK(os[1].source->str() == "nl.y");
  CHECK_FALSE(os[2].type.has_value());
  CHECK(os[2].source->str() == "nl");
}

TEST_CASE("primitives with formals, typed ports, params and states", "[parse]") {
  auto p = parse_text(R"(
primitive Conv(in_channels: int = 1, out_channels: int = 1, k: int[3] = [1, 1, 1]) {
  input x: signal[in_channels]
  output y: signal[out_channels]
  param weight: tensor[out_channels, in_channels, k] = zeros() "kernel"
  state history "the last frames"
  state other
}
primitive Plain { input x; output y }
)");
  const auto& f = ok(p);
  REQUIRE(f.models.size() == 2);
  const auto& c = f.models[0];
  CHECK(c.is_primitive);
  CHECK(c.formals.size() == 3);
  REQUIRE(c.inputs.size() == 1);
  CHECK(c.inputs[0].type->dims[0]->path.str() == "in_channels");
  REQUIRE(c.outputs.size() == 1);
  CHECK(c.outputs[0].type->dims[0]->path.str() == "out_channels");
  REQUIRE(c.params.size() == 1);
  CHECK(c.params[0].type.dims.size() == 3);
  REQUIRE(c.states.size() == 2);
  CHECK(c.states[0].name.name == "history");
  CHECK(c.states[0].description == "the last frames");
  CHECK(c.states[1].description.empty());
  CHECK(f.models[1].is_primitive);
  CHECK(f.models[1].formals.empty());
}

TEST_CASE("a fit block with every item", "[parse]") {
  auto p = parse_text(R"(
fit LN as cell07 {
  data "cell.h5"
  input stimulus = "/stim"
  target response = "/resp" loss poisson weight 0.5
  target other = "/other"
  free gain, conv.weight
  fixed lowpass.tau
  optimizer Adam(lr = 0.01)
  chunk 100
  skip 10
  epochs 20
  seed 3
  validate "val.h5" -> "pred.h5" every 5 epoch
  early_stop patience 4
  export "fitted.cvm"
}
fit Other { validate "a" -> "b" }
)");
  const auto& f = ok(p);
  REQUIRE(f.fits.size() == 2);
  const auto& fit = f.fits[0];
  CHECK(fit.model.str() == "LN");
  REQUIRE(fit.name.has_value());
  CHECK(fit.name->name == "cell07");
  REQUIRE(fit.data_file.has_value());
  CHECK(*fit.data_file == "cell.h5");
  REQUIRE(fit.inputs.size() == 1);
  CHECK(fit.inputs[0].first.name == "stimulus");
  CHECK(fit.inputs[0].second == "/stim");
  REQUIRE(fit.targets.size() == 2);
  CHECK(fit.targets[0].output.name == "response");
  CHECK(fit.targets[0].dataset == "/resp");
  REQUIRE(fit.targets[0].loss.has_value());
  CHECK(fit.targets[0].loss->name == "poisson");
  REQUIRE(fit.targets[0].weight);
  CHECK(fit.targets[0].weight->number == 0.5);
  CHECK_FALSE(fit.targets[1].loss.has_value());
  CHECK(fit.targets[1].weight == nullptr);
  REQUIRE(fit.free.size() == 2);
  CHECK(fit.free[1].str() == "conv.weight");
  REQUIRE(fit.fixed.size() == 1);
  CHECK(fit.fixed[0].str() == "lowpass.tau");
  REQUIRE(fit.optimizer);
  CHECK(fit.optimizer->path.str() == "Adam");
  CHECK(fit.optimizer->args[0].name.name == "lr");
  CHECK(fit.chunk->number == 100);
  CHECK(fit.skip->number == 10);
  CHECK(fit.epochs->number == 20);
  CHECK(fit.seed->number == 3);
  REQUIRE(fit.validate.has_value());
  CHECK(fit.validate->first == "val.h5");
  CHECK(fit.validate->second == "pred.h5");
  REQUIRE(fit.validate_every);
  CHECK(fit.validate_every->number == 5);
  REQUIRE(fit.patience);
  CHECK(fit.patience->number == 4);
  REQUIRE(fit.export_file.has_value());
  CHECK(*fit.export_file == "fitted.cvm");
  const auto& other = f.fits[1];
  CHECK_FALSE(other.name.has_value());
  CHECK(other.validate_every == nullptr);
  CHECK(other.chunk == nullptr);
}

TEST_CASE("doc comments attach to the next declaration", "[parse]") {
  auto p = parse_text(R"(/// The first model.
/// Second line.
model A {
  /// the input
  input x
  // not a doc comment
  param g: real = 1
  /// the gain
  param h: real = 1
  /// the layer
  layer nl = NLRectify()
  /// the output
  output o = nl
}
model B { input x }
/// a primitive
primitive P { input x }
)");
  const auto& f = ok(p);
  REQUIRE(f.models.size() == 3);
  const auto& a = f.models[0];
  CHECK(a.doc == "The first model.\nSecond line.");
  CHECK(a.inputs[0].doc == "the input");
  CHECK(a.params[0].doc.empty());
  CHECK(a.params[1].doc == "the gain");
  CHECK(a.layers[0].doc == "the layer");
  CHECK(a.outputs[0].doc == "the output");
  CHECK(f.models[1].doc.empty());
  CHECK(f.models[2].doc == "a primitive");
}

TEST_CASE("a unit belongs to its number only on the same line", "[parse]") {
  auto p = parse_text("model M {\n  param x: real = 1\n  a -> b\n  param t: time = 10 ms\n}");
  const auto& f = ok(p);
  const auto& m = f.models[0];
  REQUIRE(m.params.size() == 2);
  CHECK(m.params[0].value->unit.empty());
  CHECK(m.params[0].value->is_integer);
  REQUIRE(m.connections.size() == 1);
  REQUIRE(m.connections[0].chain.size() == 2);
  CHECK(m.connections[0].chain[0].str() == "a");
  CHECK(m.connections[0].chain[1].str() == "b");
  REQUIRE(m.params[1].value->unit.size() == 1);
  CHECK(m.params[1].value->unit[0].name == "ms");
  CHECK(m.params[1].value->unit[0].power == 1);
}

TEST_CASE("unit products, quotients and powers", "[parse]") {
  auto p = parse_text("model M { param v: real = 2 deg/s\n param f: real = 3 s^-1\n param a: real = 4 deg^2 * ms }");
  const auto& f = ok(p);
  const auto& ps = f.models[0].params;
  REQUIRE(ps[0].value->unit.size() == 2);
  CHECK(ps[0].value->unit[0].name == "deg");
  CHECK(ps[0].value->unit[0].power == 1);
  CHECK(ps[0].value->unit[1].name == "s");
  CHECK(ps[0].value->unit[1].power == -1);
  CHECK(ps[0].value->is_integer);  // the number itself was written as an integer
  REQUIRE(ps[1].value->unit.size() == 1);
  CHECK(ps[1].value->unit[0].power == -1);
  REQUIRE(ps[2].value->unit.size() == 2);
  CHECK(ps[2].value->unit[0].power == 2);
  CHECK(ps[2].value->unit[1].name == "ms");
  CHECK(ps[2].value->unit[1].power == 1);
}

TEST_CASE("soft keywords are usable as names", "[parse]") {
  auto p = parse_text(R"(model model {
  input input
  param fit: real = 1
  layer data = NLRectify()
  layer target = NLRectify()
  input -> data -> target
  output output = target
})");
  const auto& f = ok(p);
  const auto& m = f.models[0];
  CHECK(m.name.name == "model");
  CHECK(m.inputs[0].name.name == "input");
  CHECK(m.params[0].name.name == "fit");
  CHECK(m.layers[0].name.name == "data");
  REQUIRE(m.connections.size() == 1);
  CHECK(m.connections[0].chain[1].str() == "data");
  CHECK(m.outputs[0].name.name == "output");
  CHECK(m.outputs[0].source->str() == "target");
}

TEST_CASE("`in`, `true` and `false` are reserved", "[parse]") {
  auto p = parse_text("model M { param in: real = 1 }");
  CHECK_FALSE(p->file.has_value());
  CHECK(test::has_code(p->sink, "E0101"));
}

TEST_CASE("`and`, `or` and `not` are reserved and bind below comparisons", "[parse][boolean]") {
  for (const char* word : {"and", "or", "not"}) {
    auto bad = parse_text(std::string("model M { param ") + word + ": real = 1 }");
    CHECK_FALSE(bad->file.has_value());
  }
  auto p = parse_text("model M { param a: bool = not x == 1 and y or z\n param b: bool = not not a }");
  const auto& f = ok(p);
  const auto& a = *f.models[0].params[0].value;
  REQUIRE(a.kind == ast::ExprKind::Binary);
  CHECK(a.op == "or");
  CHECK(expr_text(a) == "((not (x == 1) and y) or z)");
  const auto& b = *f.models[0].params[1].value;
  REQUIRE(b.kind == ast::ExprKind::Unary);
  CHECK(b.op == "not");
  CHECK(expr_text(b) == "not not a");
}

TEST_CASE("expressions: precedence, signs, lists, indexing, strings, booleans", "[parse]") {
  auto p = parse_text(
      "model M { param a: real = 1 + 2 * 3\n param b: real = -(1 - 2) / 4\n"
      " param c: int = k[0]\n param d: string = \"x\\\"y\"\n param e: bool = false\n"
      " param f: int[2] = []\n param g: real = .5e1 }");
  const auto& f = ok(p);
  const auto& ps = f.models[0].params;
  const auto& a = *ps[0].value;
  REQUIRE(a.kind == ast::ExprKind::Binary);
  CHECK(a.op == "+");
  CHECK(a.operands[1]->kind == ast::ExprKind::Binary);
  CHECK(a.operands[1]->op == "*");
  const auto& b = *ps[1].value;
  REQUIRE(b.kind == ast::ExprKind::Binary);
  CHECK(b.op == "/");
  CHECK(b.operands[0]->kind == ast::ExprKind::Unary);
  CHECK(b.operands[0]->op == "-");
  const auto& c = *ps[2].value;
  REQUIRE(c.kind == ast::ExprKind::Index);
  CHECK(c.operands[0]->path.str() == "k");
  CHECK(c.operands[1]->number == 0);
  CHECK(ps[3].value->kind == ast::ExprKind::String);
  CHECK(ps[3].value->text == "x\"y");
  CHECK(ps[4].value->kind == ast::ExprKind::Bool);
  CHECK(ps[4].value->boolean == false);
  CHECK(ps[5].value->kind == ast::ExprKind::List);
  CHECK(ps[5].value->operands.empty());
  CHECK(ps[6].value->number == 5.0);
  CHECK_FALSE(ps[6].value->is_integer);
  CHECK(expr_text(a) == "(1 + (2 * 3))");
}

TEST_CASE("semicolons separate items and may be repeated", "[parse]") {
  auto p = parse_text(";;model M { input x;; output y = x; };;");
  const auto& f = ok(p);
  REQUIRE(f.models.size() == 1);
  CHECK(f.models[0].inputs.size() == 1);
  CHECK(f.models[0].outputs.size() == 1);
}

TEST_CASE("syntax errors are reported in the language's words", "[parse]") {
  auto p = parse_text("model { }");
  CHECK_FALSE(p->file.has_value());
  REQUIRE(p->sink.has_errors());
  const auto* d = test::first_error(p->sink);
  REQUIRE(d);
  CHECK(d->code == "E0101");
  CHECK(d->message.rfind("unexpected '{'", 0) == 0);
  CHECK(d->range.begin == 6);
}

TEST_CASE("an unexpected character is an error token", "[parse]") {
  auto p = parse_text("model M { input x } $");
  CHECK_FALSE(p->file.has_value());
  const auto* d = test::first_error(p->sink);
  REQUIRE(d);
  CHECK(d->code == "E0101");
  CHECK(d->message.rfind("unexpected character '$'", 0) == 0);
}

TEST_CASE("an unterminated string gets help", "[parse]") {
  auto p = parse_text("import \"abc\nmodel M {}");
  CHECK_FALSE(p->file.has_value());
  const auto* d = test::first_error(p->sink);
  REQUIRE(d);
  CHECK(d->help == "a string must end with '\"' on the same line");
}

TEST_CASE("parse_expression reads one expression", "[parse]") {
  SourceManager sm;
  DiagnosticSink sink;
  FileId id = sm.add("<e>", "<e>", "moving_grating(t = 2000, x = 50)");
  auto e = parse_expression(sm, id, sink);
  REQUIRE(e);
  CHECK(e->kind == ast::ExprKind::Call);
  CHECK(e->args.size() == 2);
  FileId bad = sm.add("<e2>", "<e2>", "1 +");
  CHECK(parse_expression(sm, bad, sink) == nullptr);
  CHECK(sink.has_errors());
}

TEST_CASE("numbers written with a point or exponent are not integers", "[parse]") {
  auto p = parse_text("model M { param a: real = 7; param b: real = 7.; param c: real = 1e3 }");
  const auto& f = ok(p);
  const auto& ps = f.models[0].params;
  CHECK(ps[0].value->is_integer);
  CHECK_FALSE(ps[1].value->is_integer);
  CHECK(ps[1].value->number == 7.0);
  CHECK_FALSE(ps[2].value->is_integer);
  CHECK(ps[2].value->number == 1000.0);
}
