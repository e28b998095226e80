#include "frontend/semantic/builtins.h"

#include <limits>

namespace cvm {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr Dimension kNone{};
constexpr Dimension kTime{1, 0};
constexpr Dimension kSpace{0, 1};

BuiltinArg num(const char* name, std::optional<double> def = std::nullopt, Dimension d = kNone) {
  return {name, ArgType::Number, d, def, ""};
}
BuiltinArg integer(const char* name, std::optional<double> def = std::nullopt) {
  return {name, ArgType::Integer, kNone, def, ""};
}
BuiltinArg boolean(const char* name, bool def) { return {name, ArgType::Bool, kNone, def ? 1.0 : 0.0, ""}; }
BuiltinArg string(const char* name) { return {name, ArgType::String, kNone, std::nullopt, ""}; }
BuiltinArg string(const char* name, const char* def) { return {name, ArgType::String, kNone, 0.0, def}; }

const std::vector<Builtin>& table() {
  static const std::vector<Builtin> builtins = {
      // tensor initialisers
      {"zeros", BuiltinKind::Initialiser, {}, "all zeros"},
      {"ones", BuiltinKind::Initialiser, {}, "all ones"},
      {"constant", BuiltinKind::Initialiser, {num("value")}, "every element equal to value"},
      {"random", BuiltinKind::Initialiser, {integer("seed", 0), num("scale", 1.0)},
       "normal random numbers N(0, scale^2), seeded"},
      {"gaussian", BuiltinKind::Initialiser, {num("sigma", std::nullopt, kSpace)},
       "a 2-d gaussian in space (convis's gauss_filter_2d), not normalised"},
      {"exponential", BuiltinKind::Initialiser,
       {num("tau", std::nullopt, kTime), integer("n", 0), num("amplification", 1.0)},
       "a temporal exponential kernel (convis's exponential_filter_1d)"},
      {"highpass_exponential", BuiltinKind::Initialiser,
       {num("tau", std::nullopt, kTime), num("relative_weight", 0.1)},
       "[1, -exponential(tau, amplification = relative_weight)] (convis's exponential_highpass_filter_1d)"},
      {"load", BuiltinKind::Initialiser, {string("file")},
       "values read from \"FILE.h5:/dataset\" or \"FILE.npy\""},
      {"kernel", BuiltinKind::Initialiser,
       {string("file"), boolean("flip", true), boolean("normalize", false)},
       "a 1-d (time), 2-d (x, y), 3-d (t, x, y) or 5-d kernel read from \"FILE.h5:/dataset\" or "
       "\"FILE.npy\" and placed as convis's set_weight places it"},
      // priors (support for checking against bounds)
      {"normal", BuiltinKind::Prior, {num("mu"), num("sigma")}, "normal(mu, sigma)", -kInf, kInf},
      {"lognormal", BuiltinKind::Prior, {num("mu"), num("sigma")}, "log-normal(mu, sigma)", 0, kInf},
      {"gamma", BuiltinKind::Prior, {num("alpha"), num("beta")}, "gamma(alpha, beta)", 0, kInf},
      {"uniform", BuiltinKind::Prior, {num("lower"), num("upper")}, "uniform(lower, upper)", -kInf, kInf},
      {"laplace", BuiltinKind::Prior, {num("mu"), num("b")}, "laplace(mu, b)", -kInf, kInf},
      {"halfnormal", BuiltinKind::Prior, {num("sigma")}, "half-normal(sigma)", 0, kInf},
      {"smooth", BuiltinKind::Prior, {num("strength")}, "smoothness of a kernel", -kInf, kInf},
      // stimuli
      {"moving_grating", BuiltinKind::Stimulus,
       {integer("t", 2000), integer("x", 20), integer("y", 20), num("vt", 1.0 / 200), num("vx", 3.0),
        num("vy", 2.0)},
       "sin(vt*T + vx*X + vy*Y), as convis.samples.moving_grating"},
      {"impulse", BuiltinKind::Stimulus,
       {integer("t", 100), integer("x", 9), integer("y", 9), integer("at", 10), num("amplitude", 1.0)},
       "zero except one frame at the centre pixel"},
  };
  return builtins;
}

}  // namespace

const Builtin* find_builtin(const std::string& name) {
  for (const auto& b : table()) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::vector<std::string> builtin_names(BuiltinKind kind) {
  std::vector<std::string> out;
  for (const auto& b : table()) {
    if (b.kind == kind) out.push_back(b.name);
  }
  return out;
}

}  // namespace cvm
