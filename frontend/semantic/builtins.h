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

enum class BuiltinKind { Initialiser, Prior, Stimulus };

struct BuiltinArg {
  std::string name;
  Dimension dim;          // expected dimension of a number
  bool integer = false;   // must be an integer
  bool is_string = false; // a string (file names)
  std::optional<double> default_value;  // in base units; nullopt: required
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
