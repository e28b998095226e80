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
BuiltinArg numbers(const char* name, std::optional<double> def = std::nullopt, Dimension d = kNone) {
  return {name, ArgType::Numbers, d, def, ""};
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
      {"opl_impulse_response", BuiltinKind::Initialiser,
       {num("sigma_center", std::nullopt, kSpace), num("tau_center", std::nullopt, kTime),
        num("undershoot_tau_center", std::nullopt, kTime), num("undershoot_relative_weight_center"),
        num("sigma_surround", std::nullopt, kSpace), num("tau_surround", std::nullopt, kTime),
        num("relative_weight"), num("lambda_opl")},
       "the RecursiveOPLFilter's response to a unit impulse at the first frame's centre, the size of "
       "the weight, stored flipped (convis's FullConvolutionOPLFilter)"},
      {"load", BuiltinKind::Initialiser, {string("file")},
       "values read from \"FILE.h5:/dataset\" or \"FILE.npy\""},
      {"kernel", BuiltinKind::Initialiser,
       {string("file"), boolean("flip", true), boolean("normalize", false)},
       "a 1-d (time), 2-d (x, y), 3-d (t, x, y) or 5-d kernel read from \"FILE.h5:/dataset\" or "
       "\"FILE.npy\" and placed as convis's set_weight places it"},
      // scalar initialisers (a dimensionless number)
      {"density", BuiltinKind::ScalarInitialiser, {num("sigma", std::nullopt, kSpace)},
       "1 / (sigma * pixels per degree): the density of convis's recursive (Deriche) gaussian "
       "(SpatialRecursiveFilter.gaussian)"},
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
      {"moving_bar", BuiltinKind::Stimulus,
       {integer("t", 2000), integer("x", 20), integer("y", 20), num("bar_pos", -1.0), num("bar_direction", 0.0),
        num("bar_width", 1.0), num("bar_v", 0.01), boolean("sharp", false), num("temporal_smoothing", 1.0)},
       "a bar moving across the frame, smoothed in time unless sharp, as convis.samples.moving_bar"},
      {"random_checker_stimulus", BuiltinKind::Stimulus,
       {integer("t", 2000), integer("x", 20), integer("y", 20), integer("checker_size", 5), integer("seed", 123)},
       "uniform random checkers of checker_size pixels, new each frame (numpy's rand after np.random.seed(seed))"},
      {"sparse_input", BuiltinKind::Stimulus,
       {integer("t", 2000), integer("x", 20), integer("y", 20), numbers("p", 0.01), integer("seed", 0)},
       "1 with probability p, else 0 (p a number, or one per frame); numpy's rand after np.random.seed(seed)"},
      {"pulse", BuiltinKind::Stimulus,
       {integer("t", 2000), integer("x", 20), integer("y", 20), integer("pulse_length", 100)},
       "full-field pulses: pulse_length frames on, pulse_length frames off"},
      {"chirp", BuiltinKind::Stimulus,
       {integer("t", 2000), integer("x", 20), integer("y", 20), integer("pulse_on", 500), integer("pulse_off", 1000),
        integer("amp_on", 1500), integer("amp_off", 2500), num("amp_freq", 5.0), num("amp_1", 0.0), num("amp_2", 1.0),
        integer("freq_on", 3000), integer("freq_off", 4000), num("freq_1", 0.1), num("freq_2", 10.0),
        integer("stimulus_off", 4500), boolean("scale", true), num("frames_per_second", 1000.0)},
       "full-field chirp: a step, an amplitude ramp and a frequency sweep, as convis.samples.chirp"},
      {"mask_square", BuiltinKind::Stimulus,
       {integer("x", 20), integer("y", 20), num("width", 1), boolean("center_on_pixel", true)},
       "one frame: 1 inside a centred square of half-width `width` pixels"},
      {"mask_circle", BuiltinKind::Stimulus,
       {integer("x", 20), integer("y", 20), num("radius", 1), boolean("smooth", true), num("sharpness", 5.0),
        boolean("center_on_pixel", true)},
       "one frame: a centred disc of `radius` pixels, with a sigmoid edge if smooth"},
      {"gabor_kernel", BuiltinKind::Stimulus,
       {num("phi", 2.0), integer("size", 16), num("resolution", 2.0), num("f", 10.0), num("phase", 0.0),
        num("sigma_x", 1), num("sigma_y", 1)},
       "one frame: a size x size gabor patch, as convis.samples.gabor_kernel"},
      {"text_kernel", BuiltinKind::Stimulus, {}, "one frame: the 16 x 16 letters 'con vis'"},
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
