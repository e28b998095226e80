// Built-in functions usable in expressions: tensor initialisers (`gaussian(sigma = ..)`),
// priors (`lognormal(0, 1)`) and stimuli (`moving_grating(t = 2000, ..)`). Each has a
// signature here, so calls are checked (names, units) without linking the interpreter,
// which implements them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "frontend/units/unit.h"

namespace cvm {

/// Initialiser: the value of a tensor parameter; ScalarInitialiser: the value of a `real`
/// parameter, built from others (`density(sigma = sigma_center)`); both may name number
/// parameters in their arguments.
enum class BuiltinKind { Initialiser, ScalarInitialiser, Prior, Stimulus };

/// What an argument accepts.
enum class ArgType {
  Number,   // a number of dimension `dim`
  Integer,  // a whole number
  String,   // a string (file names, modes)
  Bool,     // true or false
  Numbers,  // a number of dimension `dim`, or a list of them
};

struct BuiltinArg {
  std::string name;
  ArgType type = ArgType::Number;
  Dimension dim;                    // expected dimension of a number
  std::optional<double> default_value;  // numbers and bools (0/1), in base units; nullopt: required
  std::string default_text;         // strings: the default when default_value is set
};

struct Builtin {
  std::string name;
  BuiltinKind kind;
  std::vector<BuiltinArg> args;
  std::string doc;
  // Priors: the support [lo, hi] of the distribution (may be infinite).
  double support_lo = 0, support_hi = 0;
};

const Builtin* find_builtin(const std::string& name);
std::vector<std::string> builtin_names(BuiltinKind kind);

}  // namespace cvm
