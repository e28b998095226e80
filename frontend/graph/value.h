// Compile-time values: what the checker computes from expressions (numbers with their
// dimension in base units, booleans, strings, lists, and calls such as initialisers
// `gaussian(sigma = 0.1 deg)` or priors `lognormal(0, 1)` with evaluated arguments). An
// initialiser's argument may name a parameter (`gaussian(sigma = sigma_center)`): a ParamRef,
// resolved when the tensor is built, so setting the parameter rebuilds the tensor. A scalar
// parameter's whole value may be a ParamRef too (`param center_E_tau: time = tau_center`):
// a derived scalar, rebuilt in the same way.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "frontend/units/unit.h"

namespace cvm::graph {

enum class ValueKind { None, Number, Bool, String, List, Call, ParamRef };

struct Value {
  ValueKind kind = ValueKind::None;
  double number = 0;       // Number: in base units (s, deg, Hz ...)
  bool is_integer = false; // Number written as an integer
  Dimension dim;           // Number, ParamRef
  bool boolean = false;
  std::string text;        // String; Call: the callee name; ParamRef: the parameter's path
  std::vector<Value> items;                          // List
  std::vector<std::pair<std::string, Value>> args;   // Call: named arguments in order

  static Value make_number(double v, Dimension d = {}, bool integer = false) {
    Value x;
    x.kind = ValueKind::Number;
    x.number = v;
    x.dim = d;
    x.is_integer = integer;
    return x;
  }
  static Value make_bool(bool b) {
    Value x;
    x.kind = ValueKind::Bool;
    x.boolean = b;
    return x;
  }
  static Value make_string(std::string s) {
    Value x;
    x.kind = ValueKind::String;
    x.text = std::move(s);
    return x;
  }
  static Value make_param_ref(std::string path, Dimension d) {
    Value x;
    x.kind = ValueKind::ParamRef;
    x.text = std::move(path);
    x.dim = d;
    return x;
  }
  /// Paths of the parameters a value is built from: a ParamRef's own, or those a Call's
  /// arguments name (empty for a plain value).
  std::vector<std::string> param_refs() const {
    if (kind == ValueKind::ParamRef) return {text};
    std::vector<std::string> out;
    for (const auto& a : args) {
      if (a.second.kind == ValueKind::ParamRef) out.push_back(a.second.text);
    }
    return out;
  }
  /// A named argument of a Call, or nullptr.
  const Value* arg(const std::string& name) const {
    for (const auto& a : args) {
      if (a.first == name) return &a.second;
    }
    return nullptr;
  }
};

/// Text for dumps and `cvm params`: `0.01 s`, `[10, 5, 5]`, `gaussian(sigma = 0.1 deg)`.
std::string to_string(const Value& v);

}  // namespace cvm::graph
