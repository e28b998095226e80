// Evaluation: units and dimensions, resolution-dependent units, integer checks, lists,
// built-in calls with defaults and unit checks, and checking values against types.
#include <catch2/catch.hpp>

#include "frontend_test_support.h"

using namespace cvm;
using cvm::graph::Value;
using cvm::graph::ValueKind;
using cvm::test::eval_text;

namespace {

Value ok(const std::string& text, const Scope& scope = Scope{}) {
  auto e = eval_text(text, scope);
  INFO(text << ": " << test::all_messages(e->sink));
  REQUIRE(e->value.has_value());
  REQUIRE_FALSE(e->sink.has_errors());
  return *e->value;
}

const Diagnostic& fails(const std::string& text, const Scope& scope = Scope{}) {
  static std::unique_ptr<test::Evaluated> keep;
  keep = eval_text(text, scope);
  INFO(text);
  REQUIRE_FALSE(keep->value.has_value());
  const Diagnostic* d = test::first_error(keep->sink);
  REQUIRE(d != nullptr);
  return *d;
}

constexpr Dimension kTime{1, 0};
constexpr Dimension kSpace{0, 1};
constexpr Dimension kFreq{-1, 0};

/// Checks a value against a type written as text (`int[3]`, `time`).
std::unique_ptr<test::Evaluated> typed(const std::string& value, const std::string& type_text,
                                       bool& fits) {
  auto e = eval_text(value);
  REQUIRE(e->value.has_value());
  // Parse the type through a parameter declaration.
  auto p = test::parse_text("model M { param p: " + type_text + " }");
  REQUIRE(p->file.has_value());
  const ast::TypeRef& t = p->file->models[0].params[0].type;
  Scope scope;
  fits = check_type(*e->value, t, scope, {}, "'p'", e->sink);
  return e;
}

}  // namespace

TEST_CASE("numbers with time units become seconds", "[evaluate]") {
  auto v = ok("10 ms");
  CHECK(v.kind == ValueKind::Number);
  CHECK(v.number == Approx(0.01));
  CHECK(v.dim == kTime);
  CHECK_FALSE(v.is_integer);  // a number with a unit is never an integer
  CHECK(ok("250 us").number == Approx(0.00025));
  CHECK(ok("2 s").number == 2.0);
}

TEST_CASE("frequency, angle and compound units", "[evaluate]") {
  auto hz = ok("5 Hz");
  CHECK(hz.number == 5.0);
  CHECK(hz.dim == kFreq);
  auto arcmin = ok("30 arcmin");
  CHECK(arcmin.number == Approx(0.5));
  CHECK(arcmin.dim == kSpace);
  auto speed = ok("2 deg/s");
  CHECK(speed.number == 2.0);
  CHECK(speed.dim == (Dimension{-1, 1}));
  auto per_ms = ok("3 ms^-1");
  CHECK(per_ms.number == Approx(3000.0));
  CHECK(per_ms.dim == kFreq);
  auto area = ok("4 deg^2");
  CHECK(area.dim == (Dimension{0, 2}));
  CHECK(area.number == 4.0);
  auto prod = ok("1 deg*ms");
  CHECK(prod.number == Approx(0.001));
  CHECK(prod.dim == (Dimension{1, 1}));
  auto hz_s = ok("10 Hz*s");
  CHECK(hz_s.dim.dimensionless());
  CHECK(hz_s.number == 10.0);
}

TEST_CASE("arithmetic keeps dimensions", "[evaluate]") {
  auto sum = ok("1 s + 500 ms");
  CHECK(sum.number == Approx(1.5));
  CHECK(sum.dim == kTime);
  auto diff = ok("1 deg - 30 arcmin");
  CHECK(diff.number == Approx(0.5));
  auto prod = ok("10 ms * 2");
  CHECK(prod.number == Approx(0.02));
  CHECK(prod.dim == kTime);
  auto ratio = ok("1 s / 2 s");
  CHECK(ratio.number == Approx(0.5));
  CHECK(ratio.dim.dimensionless());
  auto inv = ok("1 / (10 ms)");
  CHECK(inv.number == Approx(100.0));
  CHECK(inv.dim == kFreq);
  auto neg = ok("-(2 ms)");
  CHECK(neg.number == Approx(-0.002));
  CHECK(ok("+3").number == 3.0);
  CHECK(ok("2 + 3 * 4").number == 14.0);
  CHECK(ok("(2 + 3) * 4").number == 20.0);
  CHECK(ok("10 - 2 - 3").number == 5.0);
  CHECK(ok("8 / 2 / 2").number == 2.0);
}

TEST_CASE("comparisons give booleans and need one dimension", "[evaluate]") {
  CHECK(ok("3 > 2").boolean);
  CHECK_FALSE(ok("3 < 2").boolean);
  CHECK(ok("2 <= 2").boolean);
  CHECK(ok("2 >= 2").boolean);
  CHECK(ok("10 ms == 0.01 s").boolean);
  CHECK(ok("1 deg != 20 arcmin").boolean);
  CHECK(ok("1 + 2 > 2").kind == ValueKind::Bool);  // arithmetic binds tighter
  CHECK(fails("1 s > 1 deg").message == "cannot compare a time with a length");
}

TEST_CASE("integer-ness follows the operands", "[evaluate]") {
  CHECK(ok("3 + 4").is_integer);
  CHECK(ok("2 * 3").is_integer);
  CHECK(ok("-5").is_integer);
  CHECK_FALSE(ok("7 / 7").is_integer);
  CHECK_FALSE(ok("2.0 * 3").is_integer);
  CHECK_FALSE(ok("1e2").is_integer);
}

TEST_CASE("px and steps depend on the resolution", "[evaluate]") {
  Scope def;  // 1000 steps/s, 10 px/deg
  auto px = ok("5 px", def);
  CHECK(px.number == Approx(0.5));
  CHECK(px.dim == kSpace);
  auto steps = ok("100 steps", def);
  CHECK(steps.number == Approx(0.1));
  CHECK(steps.dim == kTime);
  Scope fine;
  fine.resolution = Resolution{2000, 20};
  CHECK(ok("5 px", fine).number == Approx(0.25));
  CHECK(ok("100 steps", fine).number == Approx(0.05));
  CHECK(ok("1 px/steps", fine).number == Approx(100.0));
  CHECK(ok("1 px/steps", fine).dim == (Dimension{-1, 1}));
}

TEST_CASE("mixing dimensions is an error", "[evaluate]") {
  const auto& d = fails("1 s + 1 deg");
  CHECK(d.code == "E0401");
  CHECK(d.message == "cannot add a length to a time");
  const auto& d2 = fails("1 s - 1");
  CHECK(d2.code == "E0401");
  CHECK(d2.message == "cannot subtract a plain number from a time");
  CHECK(fails("10 Hz + 1 s").code == "E0401");
}

TEST_CASE("unknown units, division by zero, wrong operands", "[evaluate]") {
  const auto& u = fails("3 furlong");
  CHECK(u.code == "E0402");
  CHECK(u.message == "unknown unit 'furlong'");
  CHECK(u.help == "units are s, ms, us, steps, Hz, deg, arcmin and px");
  const auto& u2 = fails("3 mss");
  CHECK(u2.code == "E0402");
  CHECK(u2.help == "did you mean 'ms'?");
  const auto& z = fails("1 / 0");
  CHECK(z.code == "E0404");
  CHECK(z.message == "division by zero");
  CHECK(fails("1 ms / (2 ms - 2 ms)").code == "E0404");
  const auto& s = fails("\"a\" + 1");
  CHECK(s.code == "E0401");
  CHECK(s.message == "'+' needs numbers, found a string and a plain number");
  const auto& b = fails("-true");
  CHECK(b.code == "E0401");
  CHECK(b.message == "a sign needs a number, found a boolean");
}

TEST_CASE("names: constants, parameters, unknown names", "[evaluate]") {
  Scope scope;
  scope.constants["k"] = Value::make_number(3, {}, true);
  scope.parameters["gain"] = "gain";
  auto k = ok("k * 2", scope);
  CHECK(k.number == 6.0);
  CHECK(k.is_integer);
  const auto& p = fails("gain * 2", scope);
  CHECK(p.code == "E0310");
  CHECK(p.message == "'gain' is a parameter; only a whole argument can name it");
  const auto& u = fails("gian", scope);
  CHECK(u.code == "E0301");
  CHECK(u.message == "unknown name 'gian'");
  CHECK(u.help == "did you mean 'gain'?");
  const auto& unit = fails("ms");
  CHECK(unit.code == "E0301");
  CHECK(unit.help == "a unit goes right after its number, on the same line: '1 ms'");
}

TEST_CASE("lists and indexing", "[evaluate]") {
  auto l = ok("[1, 2 ms, \"x\", true]");
  REQUIRE(l.kind == ValueKind::List);
  REQUIRE(l.items.size() == 4);
  CHECK(l.items[1].dim == kTime);
  CHECK(l.items[2].text == "x");
  CHECK(l.items[3].boolean);
  auto i = ok("[10, 20, 30][1]");
  CHECK(i.number == 20.0);
  CHECK(i.is_integer);
  Scope scope;
  Value k;
  k.kind = ValueKind::List;
  for (int x : {10, 5, 5}) k.items.push_back(Value::make_number(x, {}, true));
  scope.constants["k"] = k;
  CHECK(ok("k[0] - 1", scope).number == 9.0);
  CHECK(ok("k[1 + 1]", scope).number == 5.0);
  CHECK(ok("[[1, 2], [3, 4]][1][0]").number == 3.0);
  const auto& out = fails("[1, 2][2]");
  CHECK(out.code == "E0501");
  CHECK(out.message == "index 2 is outside a list of 2 values");
  CHECK(fails("[1, 2][-1]").code == "E0501");
  const auto& frac = fails("[1, 2][0.5]");
  CHECK(frac.code == "E0401");
  CHECK(frac.message == "an index must be an integer");
  CHECK(fails("[1, 2][1 ms]").message == "an index must be an integer");
  const auto& notlist = fails("5[0]");
  CHECK(notlist.code == "E0401");
  CHECK(notlist.message == "only a list can be indexed, found a plain number");
}

TEST_CASE("builtin calls fill defaults in declaration order", "[evaluate]") {
  auto e = ok("exponential(tau = 10 ms)");
  REQUIRE(e.kind == ValueKind::Call);
  CHECK(e.text == "exponential");
  REQUIRE(e.args.size() == 3);
  CHECK(e.args[0].first == "tau");
  CHECK(e.args[0].second.number == Approx(0.01));
  CHECK(e.args[1].first == "n");
  CHECK(e.args[1].second.number == 0);
  CHECK(e.args[1].second.is_integer);
  CHECK(e.args[2].first == "amplification");
  CHECK(e.args[2].second.number == 1.0);
  auto r = ok("random()");
  REQUIRE(r.args.size() == 2);
  CHECK(r.arg("seed")->number == 0);
  CHECK(r.arg("scale")->number == 1.0);
  auto pos = ok("lognormal(0, 1)");
  CHECK(pos.arg("mu")->number == 0);
  CHECK(pos.arg("sigma")->number == 1);
  auto g = ok("gaussian(sigma = 2 px)");
  CHECK(g.arg("sigma")->number == Approx(0.2));
  auto l = ok("load(\"w.h5:/weight\")");
  CHECK(l.arg("file")->text == "w.h5:/weight");
  auto z = ok("zeros()");
  CHECK(z.args.empty());
  auto m = ok("moving_grating()");
  REQUIRE(m.args.size() == 6);
  CHECK(m.arg("t")->number == 2000);
  CHECK(m.arg("x")->number == 20);
  CHECK(m.arg("y")->number == 20);
  CHECK(m.arg("vt")->number == Approx(0.005));
  CHECK(m.arg("vx")->number == 3.0);
  CHECK(m.arg("vy")->number == 2.0);
  auto imp = ok("impulse(at = 5)");
  CHECK(imp.arg("t")->number == 100);
  CHECK(imp.arg("x")->number == 9);
  CHECK(imp.arg("at")->number == 5);
  CHECK(imp.arg("amplitude")->number == 1.0);
}

TEST_CASE("builtin calls check names, units and integers", "[evaluate]") {
  const auto& missing = fails("gaussian()");
  CHECK(missing.code == "E0304");
  CHECK(missing.message == "'gaussian' needs argument 'sigma'");
  const auto& plain = fails("gaussian(sigma = 1)");
  CHECK(plain.code == "E0403");
  CHECK(plain.message == "argument 'sigma' of 'gaussian' must be a length, found a plain number");
  CHECK(plain.help == "add a unit, e.g. 'sigma = 0.1 deg'");
  const auto& wrong = fails("gaussian(sigma = 10 ms)");
  CHECK(wrong.code == "E0401");
  CHECK(wrong.message == "argument 'sigma' of 'gaussian' must be a length, found a time");
  const auto& tau = fails("exponential(tau = 10)");
  CHECK(tau.help == "add a unit, e.g. 'tau = 10 ms'");
  const auto& integer = fails("random(seed = 1.5)");
  CHECK(integer.code == "E0401");
  CHECK(integer.message == "argument 'seed' of 'random' must be an integer");
  CHECK(fails("moving_grating(t = 2000.0)").message == "argument 't' of 'moving_grating' must be an integer");
  const auto& many = fails("random(1, 2, 3)");
  CHECK(many.code == "E0303");
  CHECK(many.message == "'random' takes 2 arguments");
  const auto& order = fails("random(seed = 1, 2)");
  CHECK(order.code == "E0101");
  CHECK(order.message == "a positional argument cannot follow a named one");
  const auto& name = fails("gaussian(sigm = 1 deg)");
  CHECK(name.code == "E0303");
  CHECK(name.message == "'gaussian' has no argument 'sigm'");
  CHECK(name.help == "did you mean 'sigma'?");
  const auto& str = fails("load(file = 1)");
  CHECK(str.message == "argument 'file' of 'load' must be a string, found a plain number");
  const auto& unknown = fails("gausian(sigma = 1 deg)");
  CHECK(unknown.code == "E0305");
  CHECK(unknown.message == "unknown function 'gausian'");
  CHECK(unknown.help == "did you mean 'gaussian'?");
  CHECK(fails("normal(\"a\", 1)").message == "argument 'mu' of 'normal' must be a plain number, found a string");
}

TEST_CASE("check_type: scalars and units", "[evaluate]") {
  bool fits = false;
  auto a = typed("10 ms", "time", fits);
  CHECK(fits);
  auto b = typed("10", "time", fits);
  CHECK_FALSE(fits);
  REQUIRE(test::first_error(b->sink));
  CHECK(test::first_error(b->sink)->code == "E0403");
  CHECK(test::first_error(b->sink)->message == "'p' must be a time, found a plain number");
  CHECK(test::first_error(b->sink)->help == "add a unit, e.g. '10 ms'");
  auto c = typed("10", "frequency", fits);
  CHECK_FALSE(fits);
  CHECK(test::first_error(c->sink)->help == "add a unit, e.g. '100 Hz'");
  auto d = typed("1", "length", fits);
  CHECK(test::first_error(d->sink)->help == "add a unit, e.g. '0.1 deg'");
  auto e = typed("5 px", "length", fits);
  CHECK(fits);
  auto f = typed("1 deg", "time", fits);
  CHECK_FALSE(fits);
  CHECK(test::first_error(f->sink)->code == "E0401");
  auto g = typed("1.5", "int", fits);
  CHECK_FALSE(fits);
  CHECK(test::first_error(g->sink)->message == "'p' must be an integer");
  auto h = typed("2", "int", fits);
  CHECK(fits);
  auto i = typed("1", "bool", fits);
  CHECK_FALSE(fits);
  CHECK(test::first_error(i->sink)->message == "'p' must be true or false, found a plain number");
  auto j = typed("\"x\"", "string", fits);
  CHECK(fits);
  auto k = typed("2.5", "real", fits);
  CHECK(fits);
  auto k2 = typed("1 ms", "real", fits);
  CHECK_FALSE(fits);
}

TEST_CASE("an integer written with a decimal point is not an int", "[evaluate]") {
  bool fits = true;
  auto e = typed("2.0", "int", fits);
  CHECK_FALSE(fits);
  CHECK(test::first_error(e->sink)->message == "'p' must be an integer");
}

TEST_CASE("check_type: lists and tensors", "[evaluate]") {
  bool fits = false;
  auto a = typed("[1, 2, 3]", "int[3]", fits);
  CHECK(fits);
  auto b = typed("[1, 2]", "int[3]", fits);
  CHECK_FALSE(fits);
  CHECK(test::first_error(b->sink)->code == "E0502");
  CHECK(test::first_error(b->sink)->message == "'p' needs 3 values, found 2");
  auto c = typed("[1, 2.5, 3]", "int[3]", fits);
  CHECK_FALSE(fits);
  CHECK(test::first_error(c->sink)->message == "'p' (each value) must be an integer");
  auto d = typed("[1 ms, 2 ms]", "time[]", fits);
  CHECK(fits);
  auto e = typed("3", "int[3]", fits);
  CHECK_FALSE(fits);
  CHECK(test::first_error(e->sink)->message == "'p' must be a list like [1, 2, 3], found a plain number");
  auto f = typed("gaussian(sigma = 1 deg)", "tensor[1]", fits);
  CHECK(fits);
  auto g = typed("0.5", "tensor[1]", fits);
  CHECK(fits);
  auto h = typed("normal(0, 1)", "tensor[1]", fits);
  CHECK_FALSE(fits);
  CHECK(test::first_error(h->sink)->help == "initialisers: zeros, ones, constant, random, gaussian, exponential, load");
  auto i = typed("1 ms", "tensor", fits);
  CHECK_FALSE(fits);
}

TEST_CASE("the known types", "[evaluate]") {
  for (const char* t : {"real", "int", "bool", "string", "time", "frequency", "length", "tensor", "signal"}) {
    CHECK(is_known_type(t));
  }
  CHECK_FALSE(is_known_type("float"));
  CHECK(known_types().size() == 9);
}

TEST_CASE("and, or and not combine booleans", "[evaluate][boolean]") {
  CHECK(ok("true and false").boolean == false);
  CHECK(ok("true and true").boolean == true);
  CHECK(ok("false or true").boolean == true);
  CHECK(ok("false or false").boolean == false);
  CHECK(ok("not false").boolean == true);
  CHECK(ok("not true").kind == ValueKind::Bool);
  // Precedence: comparisons, then not, then and, then or.
  CHECK(ok("not 1 > 2").boolean == true);
  CHECK(ok("true or true and false").boolean == true);
  CHECK(ok("(true or true) and false").boolean == false);
  CHECK(ok("not true or true").boolean == true);
  CHECK(ok("not (true or true)").boolean == false);
  CHECK(ok("1 ms < 2 ms and 3 > 2").boolean == true);
  Scope formals;
  formals.constants["spikes"] = Value::make_bool(false);
  formals.constants["gang"] = Value::make_bool(true);
  CHECK(ok("spikes and gang", formals).boolean == false);
  CHECK(ok("spikes or gang", formals).boolean == true);
}

TEST_CASE("and, or and not on anything but booleans are errors at the operand", "[evaluate][boolean]") {
  const Diagnostic& a = fails("true and 1");
  CHECK(a.code == "E0401");
  CHECK(a.message == "'and' needs true or false, found a plain number");
  CHECK(a.help == "compare it to get true or false, e.g. 'n > 0'");
  CHECK(a.range.begin == 9);
  const Diagnostic& o = fails("\"x\" or false");
  CHECK(o.message == "'or' needs true or false, found a string");
  CHECK(o.range.begin == 0);
  const Diagnostic& n = fails("not 2 ms");
  CHECK(n.message == "'not' needs true or false, found a time");
  // Arithmetic and comparisons still need numbers.
  CHECK(fails("true + 1").code == "E0401");
}

TEST_CASE("density() is a scalar initialiser for real parameters only", "[evaluate][derived]") {
  bool fits = false;
  auto r = typed("density(sigma = 0.1 deg)", "real", fits);
  CHECK(fits);
  CHECK(r->value->kind == ValueKind::Call);
  CHECK(r->value->text == "density");
  auto t = typed("density(sigma = 0.1 deg)", "tensor[1]", fits);
  CHECK_FALSE(fits);
  auto i = typed("density(sigma = 0.1 deg)", "int", fits);
  CHECK_FALSE(fits);
  CHECK(fails("density(sigma = 10 ms)").message == "argument 'sigma' of 'density' must be a length, found a time");
}
