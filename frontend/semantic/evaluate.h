// Evaluating expressions at compile time and checking values against declared types.
// Units are applied here: `10 ms` becomes 0.01 with the dimension of a time, `5 px`
// becomes 0.5 deg at 10 pixels per degree; adding a time to a length is an error.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "frontend/diagnostics/diagnostic.h"
#include "frontend/graph/value.h"
#include "frontend/syntax/ast.h"

namespace cvm {

/// Names an expression can refer to.
struct Scope {
  Resolution resolution;
  std::map<std::string, graph::Value> constants;   // formals (model/primitive arguments)
  std::map<std::string, std::string> parameters;   // model params: name -> graph path
  std::map<std::string, Dimension> scalar_params;  // params that are numbers: name -> dimension
  /// Set while evaluating an initialiser's arguments, where a scalar parameter may be named
  /// (`gaussian(sigma = sigma_center)`): it becomes a ParamRef, resolved at run time.
  bool in_initialiser = false;
};

/// Evaluates `e`; reports errors and returns nullopt when it cannot.
std::optional<graph::Value> evaluate(const ast::Expr& e, const Scope& scope, DiagnosticSink& sink);

/// Checks `v` (the value of `at`) against a declared type; reports and returns false when
/// it does not fit. `what` names the thing for messages ("argument 'tau'").
bool check_type(const graph::Value& v, const ast::TypeRef& type, const Scope& scope,
                SourceRange at, const std::string& what, DiagnosticSink& sink);

/// Whether `name` is a type the language knows (real, int, bool, string, time, frequency,
/// length, tensor, signal).
bool is_known_type(const std::string& name);
const std::vector<std::string>& known_types();

}  // namespace cvm
