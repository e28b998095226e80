#include "frontend/semantic/evaluate.h"

#include <cmath>

#include "frontend/semantic/builtins.h"

namespace cvm {
namespace {

using graph::Value;
using graph::ValueKind;

std::string kind_name(const Value& v) {
  switch (v.kind) {
    case ValueKind::Number: return dimension_name(v.dim);
    case ValueKind::Bool: return "a boolean";
    case ValueKind::String: return "a string";
    case ValueKind::List: return "a list";
    case ValueKind::Call: return "a call of '" + v.text + "'";
    case ValueKind::ParamRef: return "the parameter '" + v.text + "'";
    case ValueKind::None: return "nothing";
  }
  return "a value";
}

std::optional<Value> eval_number(const ast::Expr& e, const Scope& scope, DiagnosticSink& sink) {
  Value v = Value::make_number(e.number, {}, e.is_integer && e.unit.empty());
  double scale = 1.0;
  for (const auto& f : e.unit) {
    auto u = lookup_unit(f.name, scope.resolution);
    if (!u) {
      auto& d = sink.error("E0402", f.range, "unknown unit '" + f.name + "'");
      d.help = did_you_mean(f.name, unit_names());
      if (d.help.empty()) d.help = "units are s, ms, us, steps, Hz, deg, arcmin and px";
      return std::nullopt;
    }
    scale *= std::pow(u->scale, f.power);
    v.dim.time += u->dim.time * f.power;
    v.dim.space += u->dim.space * f.power;
  }
  v.number *= scale;
  return v;
}

/// Checks one argument of a built-in call against its declared type.
bool check_builtin_arg(const Value& v, const BuiltinArg& spec, const std::string& what, SourceRange at,
                       DiagnosticSink& sink) {
  switch (spec.type) {
    case ArgType::String:
      if (v.kind == ValueKind::String) return true;
      sink.error("E0401", at, what + " must be a string, found " + kind_name(v));
      return false;
    case ArgType::Bool:
      if (v.kind == ValueKind::Bool) return true;
      sink.error("E0401", at, what + " must be true or false, found " + kind_name(v));
      return false;
    case ArgType::Numbers:
      if (v.kind == ValueKind::List) {
        BuiltinArg item = spec;
        item.type = ArgType::Number;
        for (const auto& x : v.items) {
          if (!check_builtin_arg(x, item, what, at, sink)) return false;
        }
        return true;
      }
      break;
    case ArgType::Number:
    case ArgType::Integer: break;
  }
  Dimension want = spec.type == ArgType::Integer ? Dimension{} : spec.dim;
  if (v.kind == ValueKind::ParamRef && spec.type == ArgType::Integer) {
    sink.error("E0310", at, what + " sets the kernel's size and must be a constant, not a parameter");
    return false;
  }
  if (v.kind != ValueKind::Number && v.kind != ValueKind::ParamRef) {
    sink.error("E0401", at, what + " must be " + dimension_name(want) + ", found " + kind_name(v));
    return false;
  }
  if (v.dim != want) {
    auto& d = sink.error(v.dim.dimensionless() ? "E0403" : "E0401", at,
                         what + " must be " + dimension_name(want) + ", found " + dimension_name(v.dim));
    if (v.dim.dimensionless()) d.help = "add a unit, e.g. '" + spec.name + " = " + (want.time ? "10 ms'" : "0.1 deg'");
    return false;
  }
  if (spec.type == ArgType::Integer && (!v.is_integer || std::floor(v.number) != v.number)) {
    sink.error("E0401", at, what + " must be an integer");
    return false;
  }
  return true;
}

std::optional<Value> eval_call(const ast::Expr& e, const Scope& scope, DiagnosticSink& sink) {
  std::string name = e.path.str();
  const Builtin* b = find_builtin(name);
  if (!b) {
    std::vector<std::string> all = builtin_names(BuiltinKind::Initialiser);
    for (auto k : {BuiltinKind::ScalarInitialiser, BuiltinKind::Prior, BuiltinKind::Stimulus}) {
      auto more = builtin_names(k);
      all.insert(all.end(), more.begin(), more.end());
    }
    auto& d = sink.error("E0305", e.path.range, "unknown function '" + name + "'");
    d.help = did_you_mean(name, all);
    return std::nullopt;
  }
  Value call;
  call.kind = ValueKind::Call;
  call.text = name;
  // An initialiser's arguments may name number parameters (rebuilt when they change).
  Scope initialiser_scope;
  const Scope* arg_scope = &scope;
  const bool initialiser = b->kind == BuiltinKind::Initialiser || b->kind == BuiltinKind::ScalarInitialiser;
  if (initialiser && !scope.in_initialiser) {
    initialiser_scope = scope;
    initialiser_scope.in_initialiser = true;
    arg_scope = &initialiser_scope;
  }
  std::vector<std::optional<Value>> given(b->args.size());
  bool ok = true;
  size_t positional = 0;
  bool named_seen = false;
  for (const auto& a : e.args) {
    size_t index = b->args.size();
    if (a.name.name.empty()) {
      if (named_seen) {
        sink.error("E0101", a.value->range, "a positional argument cannot follow a named one");
        ok = false;
        continue;
      }
      index = positional++;
      if (index >= b->args.size()) {
        sink.error("E0303", a.value->range,
                   "'" + name + "' takes " + std::to_string(b->args.size()) + " arguments");
        ok = false;
        continue;
      }
    } else {
      named_seen = true;
      for (size_t i = 0; i < b->args.size(); ++i) {
        if (b->args[i].name == a.name.name) index = i;
      }
      if (index == b->args.size()) {
        std::vector<std::string> names;
        for (const auto& x : b->args) names.push_back(x.name);
        auto& d = sink.error("E0303", a.name.range,
                             "'" + name + "' has no argument '" + a.name.name + "'");
        d.help = did_you_mean(a.name.name, names);
        ok = false;
        continue;
      }
    }
    auto v = evaluate(*a.value, *arg_scope, sink);
    if (!v) {
      ok = false;
      continue;
    }
    const BuiltinArg& spec = b->args[index];
    std::string what = "argument '" + spec.name + "' of '" + name + "'";
    if (!check_builtin_arg(*v, spec, what, a.value->range, sink)) {
      ok = false;
      continue;
    }
    given[index] = std::move(v);
  }
  for (size_t i = 0; i < b->args.size(); ++i) {
    if (!given[i]) {
      if (!b->args[i].default_value) {
        if (ok) sink.error("E0304", e.range, "'" + name + "' needs argument '" + b->args[i].name + "'");
        ok = false;
        continue;
      }
      const BuiltinArg& spec = b->args[i];
      if (spec.type == ArgType::String) given[i] = Value::make_string(spec.default_text);
      else if (spec.type == ArgType::Bool) given[i] = Value::make_bool(*spec.default_value != 0);
      else given[i] = Value::make_number(*spec.default_value, spec.dim, spec.type == ArgType::Integer);
    }
    call.args.emplace_back(b->args[i].name, *given[i]);
  }
  if (!ok) return std::nullopt;
  return call;
}

/// Reports, at the operand, a value of `and`, `or` or `not` that is not true or false.
bool check_boolean_operand(const Value& v, const ast::Expr& operand, const std::string& op, DiagnosticSink& sink) {
  if (v.kind == ValueKind::Bool) return true;
  auto& d = sink.error("E0401", operand.range, "'" + op + "' needs true or false, found " + kind_name(v));
  if (v.kind == ValueKind::Number) d.help = "compare it to get true or false, e.g. 'n > 0'";
  return false;
}

std::optional<Value> eval_binary(const ast::Expr& e, const Scope& scope, DiagnosticSink& sink) {
  auto l = evaluate(*e.operands[0], scope, sink);
  auto r = evaluate(*e.operands[1], scope, sink);
  if (!l || !r) return std::nullopt;
  if (e.op == "and" || e.op == "or") {
    bool ok = check_boolean_operand(*l, *e.operands[0], e.op, sink);
    ok = check_boolean_operand(*r, *e.operands[1], e.op, sink) && ok;
    if (!ok) return std::nullopt;
    return Value::make_bool(e.op == "and" ? l->boolean && r->boolean : l->boolean || r->boolean);
  }
  if (l->kind != ValueKind::Number || r->kind != ValueKind::Number) {
    sink.error("E0401", e.range, "'" + e.op + "' needs numbers, found " + kind_name(*l) +
                                     " and " + kind_name(*r));
    return std::nullopt;
  }
  bool both_int = l->is_integer && r->is_integer;
  const std::string& op = e.op;
  if (op == "+" || op == "-") {
    if (l->dim != r->dim) {
      sink.error("E0401", e.range, std::string("cannot ") + (op == "+" ? "add " : "subtract ") +
                                       dimension_name(r->dim) + (op == "+" ? " to " : " from ") +
                                       dimension_name(l->dim));
      return std::nullopt;
    }
    return Value::make_number(op == "+" ? l->number + r->number : l->number - r->number, l->dim, both_int);
  }
  if (op == "*") return Value::make_number(l->number * r->number, l->dim * r->dim, both_int);
  if (op == "/") {
    if (r->number == 0) {
      sink.error("E0404", e.operands[1]->range, "division by zero");
      return std::nullopt;
    }
    return Value::make_number(l->number / r->number, l->dim / r->dim, false);
  }
  // A comparison: both sides of one dimension, the result true or false.
  if (l->dim != r->dim) {
    sink.error("E0401", e.range, "cannot compare " + dimension_name(l->dim) + " with " + dimension_name(r->dim));
    return std::nullopt;
  }
  double a = l->number, b = r->number;
  bool result = op == "<" ? a < b : op == "<=" ? a <= b : op == ">" ? a > b : op == ">=" ? a >= b
              : op == "==" ? a == b : a != b;
  return Value::make_bool(result);
}

}  // namespace

std::optional<Value> evaluate(const ast::Expr& e, const Scope& scope, DiagnosticSink& sink) {
  switch (e.kind) {
    case ast::ExprKind::Number: return eval_number(e, scope, sink);
    case ast::ExprKind::String: return Value::make_string(e.text);
    case ast::ExprKind::Bool: return Value::make_bool(e.boolean);
    case ast::ExprKind::List: {
      Value list;
      list.kind = ValueKind::List;
      for (const auto& x : e.operands) {
        auto v = evaluate(*x, scope, sink);
        if (!v) return std::nullopt;
        list.items.push_back(std::move(*v));
      }
      return list;
    }
    case ast::ExprKind::Call: return eval_call(e, scope, sink);
    case ast::ExprKind::Path: {
      std::string name = e.path.str();
      if (auto it = scope.constants.find(name); it != scope.constants.end()) return it->second;
      if (scope.parameters.count(name) && scope.in_initialiser) {
        auto dim = scope.scalar_params.find(name);
        if (dim != scope.scalar_params.end()) return Value::make_param_ref(scope.parameters.at(name), dim->second);
        sink.error("E0310", e.range, "'" + name + "' is a tensor; an initialiser's argument can name only a number parameter");
        return std::nullopt;
      }
      if (scope.parameters.count(name)) {
        auto& d = sink.error("E0310", e.range,
                             "'" + name + "' is a parameter; only a whole argument can name it");
        d.help = "write 'arg = " + name + "' to tie an argument to it; arithmetic on parameters is "
                 "not supported yet";
        return std::nullopt;
      }
      std::vector<std::string> names;
      for (const auto& c : scope.constants) names.push_back(c.first);
      for (const auto& p : scope.parameters) names.push_back(p.first);
      auto& d = sink.error("E0301", e.range, "unknown name '" + name + "'");
      d.help = did_you_mean(name, names);
      if (d.help.empty() && lookup_unit(name, scope.resolution)) {
        d.help = "a unit goes right after its number, on the same line: '1 " + name + "'";
      }
      return std::nullopt;
    }
    case ast::ExprKind::Unary: {
      auto v = evaluate(*e.operands[0], scope, sink);
      if (!v) return std::nullopt;
      if (e.op == "not") {
        if (!check_boolean_operand(*v, *e.operands[0], e.op, sink)) return std::nullopt;
        return Value::make_bool(!v->boolean);
      }
      if (v->kind != ValueKind::Number) {
        sink.error("E0401", e.range, "a sign needs a number, found " + kind_name(*v));
        return std::nullopt;
      }
      if (e.op == "-") v->number = -v->number;
      return v;
    }
    case ast::ExprKind::Binary: return eval_binary(e, scope, sink);
    case ast::ExprKind::Index: {
      auto list = evaluate(*e.operands[0], scope, sink);
      auto index = evaluate(*e.operands[1], scope, sink);
      if (!list || !index) return std::nullopt;
      if (list->kind != ValueKind::List) {
        sink.error("E0401", e.operands[0]->range, "only a list can be indexed, found " + kind_name(*list));
        return std::nullopt;
      }
      if (index->kind != ValueKind::Number || !index->is_integer) {
        sink.error("E0401", e.operands[1]->range, "an index must be an integer");
        return std::nullopt;
      }
      auto i = static_cast<long long>(index->number);
      if (i < 0 || i >= static_cast<long long>(list->items.size())) {
        sink.error("E0501", e.operands[1]->range,
                   "index " + std::to_string(i) + " is outside a list of " +
                       std::to_string(list->items.size()) + " values");
        return std::nullopt;
      }
      return list->items[static_cast<size_t>(i)];
    }
  }
  return std::nullopt;
}

const std::vector<std::string>& known_types() {
  static const std::vector<std::string> types = {"real",   "int",       "bool",   "string", "time",
                                                 "frequency", "length", "tensor", "signal"};
  return types;
}

bool is_known_type(const std::string& name) {
  for (const auto& t : known_types()) {
    if (t == name) return true;
  }
  return false;
}

static bool check_scalar(const Value& v, const std::string& type, SourceRange at,
                         const std::string& what, DiagnosticSink& sink) {
  if (type == "bool") {
    if (v.kind == ValueKind::Bool) return true;
    sink.error("E0401", at, what + " must be true or false, found " + kind_name(v));
    return false;
  }
  if (type == "string") {
    if (v.kind == ValueKind::String) return true;
    sink.error("E0401", at, what + " must be a string, found " + kind_name(v));
    return false;
  }
  auto dim = type_dimension(type);
  if (!dim) return true;  // tensor/signal are checked by their users
  if (v.kind == ValueKind::Call && dim->dimensionless() && type != "int") {
    const Builtin* b = find_builtin(v.text);
    if (b && b->kind == BuiltinKind::ScalarInitialiser) return true;  // a dimensionless number
  }
  if (v.kind != ValueKind::Number) {
    sink.error("E0401", at, what + " must be " + dimension_name(*dim) + ", found " + kind_name(v));
    return false;
  }
  if (v.dim != *dim) {
    auto& d = sink.error(v.dim.dimensionless() ? "E0403" : "E0401", at,
                         what + " must be " + dimension_name(*dim) + ", found " + dimension_name(v.dim));
    if (v.dim.dimensionless()) {
      d.help = dim->time == 1 ? "add a unit, e.g. '10 ms'" : dim->space == 1 ? "add a unit, e.g. '0.1 deg'"
                                                                         : "add a unit, e.g. '100 Hz'";
    }
    return false;
  }
  if (type == "int" && (!v.is_integer || std::floor(v.number) != v.number)) {
    sink.error("E0401", at, what + " must be an integer");
    return false;
  }
  return true;
}

bool check_type(const Value& v, const ast::TypeRef& type, const Scope& scope, SourceRange at,
                const std::string& what, DiagnosticSink& sink) {
  const std::string& name = type.name.name;
  if (name == "tensor") {
    if (v.kind == ValueKind::Number && v.dim.dimensionless()) return true;
    if (v.kind == ValueKind::Call) {
      const Builtin* b = find_builtin(v.text);
      if (b && b->kind == BuiltinKind::Initialiser) return true;
    }
    auto& d = sink.error("E0401", at, what + " must be a number or an initialiser such as "
                                             "'gaussian(sigma = 0.1 deg)', found " + kind_name(v));
    d.help = "initialisers: zeros, ones, constant, random, gaussian, exponential, load";
    return false;
  }
  if (!type.has_dims || name == "signal") return check_scalar(v, name, at, what, sink);
  // A list type: `int[3]` needs exactly 3 values, `int[]` any number.
  if (v.kind != ValueKind::List) {
    sink.error("E0401", at, what + " must be a list like [1, 2, 3], found " + kind_name(v));
    return false;
  }
  if (!type.dims.empty()) {
    DiagnosticSink scratch;
    auto n = evaluate(*type.dims[0], scope, scratch);
    if (n && n->kind == ValueKind::Number &&
        static_cast<size_t>(n->number) != v.items.size()) {
      size_t want = static_cast<size_t>(n->number);
      sink.error("E0502", at, what + " needs " + std::to_string(want) +
                                  (want == 1 ? " value" : " values") + ", found " +
                                  std::to_string(v.items.size()));
      return false;
    }
  }
  for (const auto& item : v.items) {
    if (!check_scalar(item, name, at, what + " (each value)", sink)) return false;
  }
  return true;
}

}  // namespace cvm
