// Derived scalars: a number parameter whose whole value is an earlier number parameter of
// the same declaration (`param center_E_tau: time = tau_center`) or a scalar initialiser
// (`density(sigma = sigma_center)`); type and dimension errors point at the value.
#include <catch2/catch.hpp>

#include "frontend_test_support.h"

using namespace cvm;
using cvm::graph::ValueKind;

namespace {

const char* kPrimitive = R"(
primitive Opl(size: int = 3) {
  input x
  output y
  param tau_center: time = 10 ms
  param sigma_center: length = 0.05 deg
  param center_E_tau: time = tau_center "the centre's time constant"
  param center_G_density: real = density(sigma = sigma_center)
  param center_G_weight: tensor[1, 1, 1, size, size] = gaussian(sigma = sigma_center)
}
)";

const graph::Parameter& param(const graph::ModelGraph& g, const std::string& path) {
  int i = g.find_param(path);
  INFO("parameter " << path);
  REQUIRE(i >= 0);
  return g.params[static_cast<size_t>(i)];
}

/// The first error of elaborating model M of `text`.
const Diagnostic& first_error_of(std::unique_ptr<Compilation>& c, const std::string& text) {
  c = test::load_text(text);
  REQUIRE(c->entry.has_value());
  auto g = test::elaborate_model(*c, "M");
  CHECK_FALSE(g.has_value());
  const Diagnostic* d = test::first_error(c->sink);
  REQUIRE(d);
  return *d;
}

}  // namespace

TEST_CASE("a number parameter may take the whole value of an earlier one", "[elaborate][derived]") {
  auto c = test::load_text(std::string(kPrimitive) + "model M { input x; layer opl = Opl(); x -> opl; output y = opl }");
  auto g = test::elaborate_model(*c, "M");
  INFO(test::all_messages(c->sink));
  REQUIRE(g);
  const auto& tau = param(*g, "opl.center_E_tau");
  CHECK(tau.value.kind == ValueKind::ParamRef);
  CHECK(tau.value.text == "opl.tau_center");
  CHECK(tau.value.param_refs() == std::vector<std::string>{"opl.tau_center"});
  CHECK(tau.flat_name() == "opl_center_E_tau");
  CHECK(tau.doc == "the centre's time constant");
  CHECK_FALSE(tau.tied_to);
  const auto& density = param(*g, "opl.center_G_density");
  CHECK(density.value.kind == ValueKind::Call);
  CHECK(density.value.text == "density");
  CHECK(density.value.param_refs() == std::vector<std::string>{"opl.sigma_center"});
  CHECK(graph::to_string(density.value) == "density(sigma = opl.sigma_center)");
}

TEST_CASE("density() takes a literal sigma too, and only a real parameter holds it", "[elaborate][derived]") {
  auto c = test::load_text(std::string(kPrimitive) +
                           "model M { input x; layer opl = Opl() { center_G_density = density(sigma = 0.1 deg) }; "
                           "x -> opl; output y = opl }");
  auto g = test::elaborate_model(*c, "M");
  INFO(test::all_messages(c->sink));
  REQUIRE(g);
  CHECK(param(*g, "opl.center_G_density").value.param_refs().empty());
  std::unique_ptr<Compilation> bad;
  const Diagnostic& d = first_error_of(bad, "primitive P { input x; output y; param s: length = 1 deg; param t: time = density(sigma = s) }\n"
                                            "model M { input x; layer p = P(); x -> p; output y = p }");
  CHECK(d.code == "E0401");
  CHECK(d.message == "parameter 't' must be a time, found a call of 'density'");
}

TEST_CASE("a derived scalar must have its source's type and dimension", "[elaborate][derived]") {
  std::unique_ptr<Compilation> c;
  const Diagnostic& d = first_error_of(c, "primitive P { input x; output y; param sigma: length = 1 deg; param tau: time = sigma }\n"
                                          "model M { input x; layer p = P(); x -> p; output y = p }");
  CHECK(d.code == "E0401");
  CHECK(d.message == "parameter 'tau' is a time, but 'sigma' is a length");
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].message == "'sigma' declared here");
  std::unique_ptr<Compilation> c2;
  const Diagnostic& d2 = first_error_of(c2, "primitive P { input x; output y; param g: real = 1.5; param n: int = g }\n"
                                            "model M { input x; layer p = P(); x -> p; output y = p }");
  CHECK(d2.message == "parameter 'n' is an integer, but 'g' is a plain number");
  std::unique_ptr<Compilation> c3;
  const Diagnostic& d3 = first_error_of(c3, "primitive P { input x; output y; param w: tensor[2] = zeros(); param g: real = w }\n"
                                            "model M { input x; layer p = P(); x -> p; output y = p }");
  CHECK(d3.code == "E0310");
  CHECK(d3.message == "'w' is a tensor; a number parameter can take only a number parameter's value");
  std::unique_ptr<Compilation> c4;
  const Diagnostic& d4 = first_error_of(c4, "primitive P { input x; output y; param g: real = 1; param w: tensor[2] = g }\n"
                                            "model M { input x; layer p = P(); x -> p; output y = p }");
  CHECK(d4.code == "E0310");
  CHECK(d4.help == "build it with an initialiser, e.g. 'constant(value = g)'");
}

TEST_CASE("arithmetic on a parameter stays an error in a parameter's value", "[elaborate][derived]") {
  std::unique_ptr<Compilation> c;
  const Diagnostic& d = first_error_of(c, "primitive P { input x; output y; param a: time = 1 ms; param b: time = 2 * a }\n"
                                          "model M { input x; layer p = P(); x -> p; output y = p }");
  CHECK(d.code == "E0310");
}
