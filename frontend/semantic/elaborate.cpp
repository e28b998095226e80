#include "frontend/semantic/elaborate.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "frontend/semantic/builtins.h"
#include "frontend/semantic/evaluate.h"

namespace cvm {
namespace {

using graph::Value;
using graph::ValueKind;

/// A signal during elaboration: a model input, a node output, or a wire (an input port
/// of a nested instance, resolved to real sources at the end).
struct Src {
  enum class Kind { Input, Node, Wire } kind = Kind::Input;
  int index = 0;
  int port = 0;
};

struct Hop {
  Src src;
  SourceRange range;  // the connection that made it
};

/// What an instantiated layer offers to the model around it.
struct Interface {
  std::vector<std::pair<std::string, int>> inputs;   // port name -> wire
  std::vector<std::pair<std::string, Src>> outputs;  // port name -> signal
  std::string prefix;                                // parameter path prefix ("conv.")
  std::string type;                                  // for messages
};

class Elaborator {
 public:
  Elaborator(const Program& program, Resolution resolution, DiagnosticSink& sink)
      : program_(program), sink_(sink), resolution_(resolution) {}

  std::optional<graph::ModelGraph> run(FileId file, const ast::ModelDecl& model) {
    g_.model = model.name.name;
    g_.source_file = program_.sources().file(file).path;
    g_.resolution = resolution_;
    g_.doc = model.doc;
    size_t errors = sink_.error_count();
    Scope outer;
    outer.resolution = resolution_;
    auto iface = instantiate(DeclRef{&model, file}, {}, {}, outer, "", model.range, /*top=*/true);
    if (!iface || sink_.error_count() > errors) return std::nullopt;
    if (g_.inputs.empty() && top_outputs_.empty()) expose_primitive(*iface, model.range);
    if (!finish()) return std::nullopt;
    if (sink_.error_count() > errors) return std::nullopt;
    return std::move(g_);
  }

 private:
  // ------------------------------------------------------------------ instances

  std::optional<Interface> instantiate(DeclRef ref, const std::vector<ast::Arg>& args,
                                       const std::vector<ast::Override>& overrides,
                                       const Scope& outer, const std::string& prefix,
                                       SourceRange use, bool top = false) {
    for (const auto* d : stack_) {
      if (d == ref.decl) {
        sink_.error("E0312", use, "model '" + ref.decl->name.name + "' contains itself");
        return std::nullopt;
      }
    }
    stack_.push_back(ref.decl);
    // An alias's preset arguments apply to the instance it names, never to the layers
    // nested inside it: every other instance starts with no presets.
    bool from_alias = alias_call_;
    alias_call_ = false;
    if (!from_alias) presets_.emplace_back();
    std::optional<Interface> result;
    if (ref.decl->alias) {
      result = instantiate_alias(ref, args, outer, prefix, use, top);
    } else if (ref.decl->is_primitive) {
      result = instantiate_primitive(ref, args, outer, prefix);
    } else {
      result = instantiate_model(ref, args, outer, prefix, top);
    }
    if (!from_alias) presets_.pop_back();
    stack_.pop_back();
    if (result) apply_overrides(overrides, outer, prefix, ref.decl->name.name);
    return result;
  }

  /// `model LN2 = LN(kernel_dim = [10, 5, 5]) { ... }`: the aliased instance's arguments
  /// come first; arguments given to LN2 override them.
  std::optional<Interface> instantiate_alias(DeclRef ref, const std::vector<ast::Arg>& args,
                                             const Scope& outer, const std::string& prefix,
                                             SourceRange use, bool top) {
    const ast::Instance& inst = *ref.decl->alias;
    auto target = lookup(ref.file, inst.type);
    if (!target) return std::nullopt;
    Scope alias_scope;
    alias_scope.resolution = resolution_;
    // Evaluate the alias's own arguments in its file's (empty) scope; then the caller's.
    std::vector<ast::Arg> merged;
    std::set<std::string> given;
    for (const auto& a : args) given.insert(a.name.name);
    std::map<std::string, Value> preset;
    for (const auto& a : inst.args) {
      if (!a.name.name.empty() && given.count(a.name.name)) continue;
      auto v = evaluate(*a.value, alias_scope, sink_);
      if (!v) return std::nullopt;
      if (a.name.name.empty()) {
        sink_.error("E0303", a.value->range, "arguments of a model alias must be named");
        return std::nullopt;
      }
      preset[a.name.name] = *v;
      preset_ranges_[a.name.name] = a.value->range;
    }
    presets_.push_back(std::move(preset));
    alias_call_ = true;
    auto iface = instantiate(*target, args, inst.overrides, outer, prefix, use, top);
    presets_.pop_back();
    return iface;
  }

  std::optional<DeclRef> lookup(FileId file, const ast::Path& type) {
    auto visible = program_.visible(file);
    std::string name = type.parts.back().name;
    auto it = visible.find(name);
    if (it == visible.end()) {
      std::vector<std::string> names;
      for (const auto& v : visible) names.push_back(v.first);
      auto& d = sink_.error("E0305", type.range, "unknown layer or model '" + type.str() + "'");
      d.help = did_you_mean(name, names);
      if (d.help.empty() && !program_.file(file)->ast.imports.size()) {
        d.help = "library layers need an import, e.g. 'import std.convis'";
      }
      return std::nullopt;
    }
    return it->second;
  }

  /// Binds call arguments to formals (constants) and parameters (values or ties).
  struct Bound {
    std::map<std::string, Value> formals;
    std::map<std::string, std::pair<const ast::Arg*, std::optional<std::string>>> params;
  };

  std::optional<Bound> bind_args(const ast::ModelDecl& decl, const std::vector<ast::Arg>& args,
                                 const Scope& outer) {
    Bound b;
    bool ok = true;
    size_t positional = 0;
    std::set<std::string> seen;
    for (const auto& a : args) {
      std::string name = a.name.name;
      SourceRange where = a.name.name.empty() ? a.value->range : a.name.range;
      if (name.empty()) {
        if (positional >= decl.formals.size()) {
          sink_.error("E0303", a.value->range, "'" + decl.name.name + "' takes " +
                                                   std::to_string(decl.formals.size()) +
                                                   " positional arguments");
          ok = false;
          continue;
        }
        name = decl.formals[positional++].name.name;
      }
      if (!seen.insert(name).second) {
        sink_.error("E0302", where, "argument '" + name + "' is given twice");
        ok = false;
        continue;
      }
      const ast::Formal* formal = nullptr;
      for (const auto& f : decl.formals) {
        if (f.name.name == name) formal = &f;
      }
      if (formal) {
        if (a.value->kind == ast::ExprKind::Path && outer.parameters.count(a.value->path.str())) {
          auto& d = sink_.error("E0310", a.value->range,
                                "argument '" + name + "' of '" + decl.name.name +
                                    "' sets the structure of the layer and must be a constant");
          d.help = "'" + a.value->path.str() + "' is a parameter, which can change when fitting";
          ok = false;
          continue;
        }
        auto v = evaluate(*a.value, outer, sink_);
        if (!v) {
          ok = false;
          continue;
        }
        if (!check_type(*v, formal->type, outer, a.value->range, "argument '" + name + "'", sink_)) {
          ok = false;
          continue;
        }
        b.formals[name] = *v;
        continue;
      }
      const ast::ParamDecl* param = nullptr;
      for (const auto& p : decl.params) {
        if (p.name.name == name) param = &p;
      }
      if (!param) {
        std::vector<std::string> names;
        for (const auto& f : decl.formals) names.push_back(f.name.name);
        for (const auto& p : decl.params) names.push_back(p.name.name);
        auto& d = sink_.error("E0303", where, "'" + decl.name.name + "' has no argument '" + name + "'");
        d.help = did_you_mean(name, names);
        if (d.help.empty() && !names.empty()) {
          d.help = "its arguments are: " + join_names(names);
        }
        ok = false;
        continue;
      }
      std::optional<std::string> tie;
      if (a.value->kind == ast::ExprKind::Path) {
        auto it = outer.parameters.find(a.value->path.str());
        if (it != outer.parameters.end()) tie = it->second;
      }
      b.params[name] = {&a, tie};
    }
    if (!ok) return std::nullopt;
    return b;
  }

  /// Evaluates formals: given values, presets from an alias, or defaults.
  bool complete_formals(const ast::ModelDecl& decl, Bound& b, Scope& inner, SourceRange use) {
    bool ok = true;
    for (const auto& f : decl.formals) {
      auto it = b.formals.find(f.name.name);
      if (it == b.formals.end() && !presets_.empty()) {
        auto p = presets_.back().find(f.name.name);
        if (p != presets_.back().end()) {
          if (!check_type(p->second, f.type, inner, preset_ranges_[f.name.name],
                          "argument '" + f.name.name + "'", sink_)) {
            ok = false;
            continue;
          }
          it = b.formals.emplace(f.name.name, p->second).first;
        }
      }
      if (it != b.formals.end()) {
        inner.constants[f.name.name] = it->second;
        continue;
      }
      if (!f.default_value) {
        sink_.error("E0304", use, "'" + decl.name.name + "' needs argument '" + f.name.name + "'")
            .notes.push_back({f.range, "declared here"});
        ok = false;
        continue;
      }
      auto v = evaluate(*f.default_value, inner, sink_);
      if (!v || !check_type(*v, f.type, inner, f.default_value->range,
                            "default of '" + f.name.name + "'", sink_)) {
        ok = false;
        continue;
      }
      inner.constants[f.name.name] = *v;
    }
    return ok;
  }

  /// Creates the graph parameter for a declaration, with its value from an argument, an
  /// alias preset or its default.
  std::optional<int> make_param(const ast::ParamDecl& p, const std::string& path, const Scope& inner,
                                const Scope& outer, const Bound& bound) {
    graph::Parameter gp;
    gp.path = path;
    gp.type = p.type.name.name;
    gp.doc = p.description.empty() ? p.doc : p.description;
    gp.fixed = p.fixed;
    gp.range = p.range;
    if (!is_known_type(gp.type) || gp.type == "signal") {
      auto& d = sink_.error("E0305", p.type.name.range, "unknown parameter type '" + gp.type + "'");
      d.help = did_you_mean(gp.type, known_types());
      return std::nullopt;
    }
    gp.dim = type_dimension(gp.type).value_or(Dimension{});
    std::string what = "parameter '" + p.name.name + "'";
    auto it = bound.params.find(p.name.name);
    if (it != bound.params.end()) {
      const ast::Arg* arg = it->second.first;
      if (it->second.second) {
        int target = g_.find_param(*it->second.second);
        if (target < 0) return std::nullopt;  // its declaration failed (reported)
        const graph::Parameter& tp = g_.params[static_cast<size_t>(target)];
        if (tp.dim != gp.dim || (tp.type == "tensor") != (gp.type == "tensor")) {
          sink_.error("E0401", arg->value->range,
                      what + " is " + dimension_name(gp.dim) + ", but '" + tp.path + "' is " +
                          dimension_name(tp.dim));
          return std::nullopt;
        }
        gp.value = tp.value;
        gp.tied_to = tp.tied_to ? tp.tied_to : std::optional<std::string>(tp.path);
      } else {
        auto v = evaluate(*arg->value, outer, sink_);
        if (!v || !check_type(*v, p.type, inner, arg->value->range, what, sink_)) return std::nullopt;
        gp.value = *v;
      }
      gp.value_range = arg->value->range;
    } else if (!presets_.empty() && presets_.back().count(p.name.name)) {
      const Value& v = presets_.back().at(p.name.name);
      if (!check_type(v, p.type, inner, preset_ranges_[p.name.name], what, sink_)) return std::nullopt;
      gp.value = v;
      gp.value_range = preset_ranges_[p.name.name];
    } else if (p.value && p.value->kind == ast::ExprKind::Path && inner.parameters.count(p.value->path.str()) &&
               !inner.constants.count(p.value->path.str())) {
      auto v = derived_scalar(p, gp, inner);
      if (!v) return std::nullopt;
      gp.value = *v;
      gp.value_range = p.value->range;
    } else if (p.value) {
      auto v = evaluate(*p.value, inner, sink_);
      if (!v || !check_type(*v, p.type, inner, p.value->range, what, sink_)) return std::nullopt;
      gp.value = *v;
      gp.value_range = p.value->range;
    } else {
      gp.value = gp.type == "tensor" ? call_value("zeros") : Value::make_number(0, gp.dim, gp.type == "int");
    }
    if (gp.type == "tensor" && !shape_of(p.type, inner, gp.shape, gp.shape_formals)) return std::nullopt;
    if (!check_bounds_and_prior(p, inner, gp)) return std::nullopt;
    g_.params.push_back(std::move(gp));
    return static_cast<int>(g_.params.size() - 1);
  }

  /// `param center_E_tau: time = tau_center`: a number parameter whose whole value is an
  /// earlier number parameter of the same declaration, of the same type (a derived scalar,
  /// rebuilt when its source is set). Returns the ParamRef, or nullopt after reporting.
  std::optional<Value> derived_scalar(const ast::ParamDecl& p, const graph::Parameter& gp, const Scope& inner) {
    const std::string name = p.value->path.str();
    const SourceRange at = p.value->range;
    const graph::Parameter* source = nullptr;
    if (int i = g_.find_param(inner.parameters.at(name)); i >= 0) source = &g_.params[static_cast<size_t>(i)];
    if (!source) return std::nullopt;  // its declaration failed (reported)
    if (gp.type == "tensor" || source->type == "tensor") {
      auto& d = sink_.error("E0310", at, gp.type == "tensor"
                                             ? "tensor parameter '" + p.name.name + "' cannot take the value of '" + name + "'"
                                             : "'" + name + "' is a tensor; a number parameter can take only a number parameter's value");
      d.help = gp.type == "tensor" ? "build it with an initialiser, e.g. 'constant(value = " + name + ")'"
                                   : "only an initialiser's arguments and whole number values can name a parameter";
      return std::nullopt;
    }
    const bool numeric = type_dimension(gp.type).has_value() && type_dimension(source->type).has_value();
    const bool fits = gp.type == source->type ||
                      (numeric && gp.type != "int" && gp.dim == source->dim);
    if (!fits) {
      auto kind = [](const graph::Parameter& q) {
        return q.type == "int" ? std::string("an integer") : q.type == "bool" ? std::string("a boolean")
               : q.type == "string" ? std::string("a string") : dimension_name(q.dim);
      };
      auto& d = sink_.error("E0401", at, "parameter '" + p.name.name + "' is " + kind(gp) + ", but '" + name + "' is " +
                                             kind(*source));
      d.notes.push_back({source->range, "'" + name + "' declared here"});
      return std::nullopt;
    }
    return Value::make_param_ref(source->path, source->dim);
  }

  /// Lets initialisers in `scope` name parameter `name` when it is a number.
  void note_scalar_param(Scope& scope, const std::string& name, std::optional<int> index) {
    if (!index) return;
    const graph::Parameter& gp = g_.params[static_cast<size_t>(*index)];
    if (gp.type != "tensor") scope.scalar_params[name] = gp.dim;
  }

  static Value call_value(const std::string& name) {
    Value v;
    v.kind = ValueKind::Call;
    v.text = name;
    return v;
  }

  /// `tensor[out, in, kernel]`: every dimension an integer or a list of integers. `formals`
  /// gets, per dimension, the formal it comes from (graph::Parameter::shape_formals).
  bool shape_of(const ast::TypeRef& type, const Scope& inner, std::vector<int64_t>& shape,
                std::vector<std::string>& formals) {
    for (const auto& d : type.dims) {
      auto v = evaluate(*d, inner, sink_);
      if (!v) return false;
      const bool is_formal = d->kind == ast::ExprKind::Path && inner.constants.count(d->path.str());
      const std::string formal = is_formal ? d->path.str() : "";
      if (v->kind == ValueKind::List) {
        for (size_t i = 0; i < v->items.size(); ++i) formals.push_back(is_formal ? formal + "[" + std::to_string(i) + "]" : "");
      } else {
        formals.push_back(formal);
      }
      auto add = [&](const Value& x) {
        if (x.kind != ValueKind::Number || !x.is_integer || x.number < 1) {
          auto& diag = sink_.error("E0501", d->range, "a tensor dimension must be a positive integer");
          if (current_use_.valid()) diag.notes.push_back({current_use_, "in the layer declared here"});
          return false;
        }
        shape.push_back(static_cast<int64_t>(x.number));
        return true;
      };
      if (v->kind == ValueKind::List) {
        for (const auto& x : v->items) {
          if (!add(x)) return false;
        }
      } else if (!add(*v)) {
        return false;
      }
    }
    return true;
  }

  bool check_bounds_and_prior(const ast::ParamDecl& p, const Scope& inner, graph::Parameter& gp) {
    std::string what = "bound of '" + p.name.name + "'";
    if (p.lower) {
      auto lo = evaluate(*p.lower, inner, sink_);
      auto hi = evaluate(*p.upper, inner, sink_);
      if (!lo || !hi) return false;
      for (auto [v, e] : {std::pair{&*lo, p.lower.get()}, std::pair{&*hi, p.upper.get()}}) {
        if (v->kind != ValueKind::Number || v->dim != gp.dim) {
          sink_.error(v->kind == ValueKind::Number && v->dim.dimensionless() ? "E0403" : "E0401",
                      e->range, "a " + what + " must be " + dimension_name(gp.dim) + " like the parameter");
          return false;
        }
      }
      if (lo->number >= hi->number) {
        sink_.error("E0601", p.lower->range, "the lower bound of '" + p.name.name +
                                                 "' must be below its upper bound");
        return false;
      }
      gp.lower = lo->number;
      gp.upper = hi->number;
      if (gp.value.kind == ValueKind::Number && (gp.value.number < lo->number || gp.value.number > hi->number)) {
        sink_.error("E0601", p.value ? p.value->range : p.range,
                    "the value of '" + p.name.name + "' lies outside its bounds");
        return false;
      }
    }
    if (p.prior) {
      auto v = evaluate(*p.prior, inner, sink_);
      if (!v) return false;
      const Builtin* b = find_builtin(v->text);
      if (!b || b->kind != BuiltinKind::Prior) {
        auto& d = sink_.error("E0602", p.prior->range, "'" + v->text + "' is not a prior distribution");
        d.help = did_you_mean(v->text, builtin_names(BuiltinKind::Prior));
        return false;
      }
      double support_lo = b->support_lo, support_hi = b->support_hi;
      if (v->text == "uniform") {  // its support is its own range
        const Value* lo = v->arg("lower");
        const Value* hi = v->arg("upper");
        if (lo && hi && lo->kind == ValueKind::Number && hi->kind == ValueKind::Number) {
          support_lo = lo->number;
          support_hi = hi->number;
        }
      }
      if (gp.lower && (*gp.lower < support_lo || *gp.upper > support_hi)) {
        sink_.error("E0602", p.prior->range, "the bounds of '" + p.name.name +
                                                 "' reach outside where the prior '" + v->text +
                                                 "' is defined");
        return false;
      }
      gp.prior = *v;
    }
    return true;
  }

  std::optional<Interface> instantiate_primitive(DeclRef ref, const std::vector<ast::Arg>& args,
                                                 const Scope& outer, const std::string& prefix) {
    const ast::ModelDecl& decl = *ref.decl;
    auto bound = bind_args(decl, args, outer);
    if (!bound) return std::nullopt;
    Scope inner;
    inner.resolution = resolution_;
    if (!complete_formals(decl, *bound, inner, current_use_)) return std::nullopt;

    graph::Node node;
    node.path = prefix.empty() ? decl.name.name : prefix.substr(0, prefix.size() - 1);
    node.prefix = prefix;
    node.primitive = decl.name.name;
    node.range = current_use_;
    for (const auto& f : decl.formals) node.args.emplace_back(f.name.name, inner.constants.at(f.name.name));
    bool ok = true;
    for (const auto& p : decl.params) {
      if (p.condition) {
        auto c = evaluate(*p.condition, inner, sink_);
        if (!c || c->kind != ValueKind::Bool) {
          if (c) sink_.error("E0401", p.condition->range, "a condition must be true or false");
          ok = false;
          continue;
        }
        if (!c->boolean) {
          switched_off_.insert(prefix + p.name.name);
          continue;
        }
      }
      auto index = make_param(p, prefix + p.name.name, inner, outer, *bound);
      if (!index) {
        ok = false;
        continue;
      }
      node.params.push_back(*index);
      // Later parameters of the primitive may build their initial value from this one.
      inner.parameters[p.name.name] = prefix + p.name.name;
      note_scalar_param(inner, p.name.name, index);
    }
    if (!ok) return std::nullopt;
    int node_index = static_cast<int>(g_.nodes.size());
    Interface iface;
    iface.prefix = prefix;
    iface.type = decl.name.name;
    for (const auto& in : decl.inputs) {
      int wire = new_wire();
      node.inputs.push_back({in.name.name, {}});
      port_wires_.push_back({node_index, static_cast<int>(node.inputs.size() - 1), wire});
      iface.inputs.emplace_back(in.name.name, wire);
      expected_channels_[{node_index, static_cast<int>(node.inputs.size() - 1)}] =
          channels_of(in.type, inner);
    }
    for (const auto& out : decl.outputs) {
      node.outputs.push_back(out.name.name);
      auto c = channels_of(out.type, inner);
      node.out_channels.push_back(c.value_or(-1));
      iface.outputs.emplace_back(out.name.name,
                                 Src{Src::Kind::Node, node_index, static_cast<int>(node.outputs.size() - 1)});
    }
    for (const auto& s : decl.states) node.states.push_back(s.name.name);
    g_.nodes.push_back(std::move(node));
    return iface;
  }

  std::optional<int64_t> channels_of(const std::optional<ast::TypeRef>& type, const Scope& inner) {
    if (!type || type->dims.empty()) return std::nullopt;
    auto v = evaluate(*type->dims[0], inner, sink_);
    if (!v) return std::nullopt;
    if (v->kind != ValueKind::Number || !v->is_integer || v->number < 1) {
      auto& d = sink_.error("E0501", type->dims[0]->range, "a channel count must be a positive integer");
      if (current_use_.valid()) d.notes.push_back({current_use_, "in the layer declared here"});
      return std::nullopt;
    }
    return static_cast<int64_t>(v->number);
  }

  int new_wire() {
    wires_.emplace_back();
    return static_cast<int>(wires_.size() - 1);
  }

  // ------------------------------------------------------------------ model bodies

  struct Signals {
    std::map<std::string, Src> sources;                          // inputs
    std::map<std::string, Interface> layers;
    std::map<std::string, SourceRange> declared;                 // every name, for duplicates
    std::map<std::string, int> output_wires;
    std::set<std::string> failed;  // layers that could not be built: no follow-up errors
  };

  bool declare(Signals& s, const ast::Ident& name, const char* what) {
    auto [it, inserted] = s.declared.emplace(name.name, name.range);
    if (!inserted) {
      sink_.error("E0302", name.range, std::string("duplicate ") + what + " '" + name.name + "'")
          .notes.push_back({it->second, "'" + name.name + "' is first declared here"});
      return false;
    }
    return true;
  }

  std::optional<Interface> instantiate_model(DeclRef ref, const std::vector<ast::Arg>& args,
                                             const Scope& outer, const std::string& prefix, bool top) {
    const ast::ModelDecl& decl = *ref.decl;
    auto bound = bind_args(decl, args, outer);
    if (!bound) return std::nullopt;
    Scope inner;
    inner.resolution = resolution_;
    {
      std::set<std::string> formal_names;
      for (const auto& f : decl.formals) {
        if (!formal_names.insert(f.name.name).second) {
          sink_.error("E0302", f.name.range, "duplicate argument '" + f.name.name + "'");
        }
        if (!is_known_type(f.type.name.name) || f.type.name.name == "tensor" || f.type.name.name == "signal") {
          auto& d = sink_.error("E0305", f.type.name.range, "'" + f.type.name.name +
                                                                "' is not a type an argument can have");
          d.help = did_you_mean(f.type.name.name, known_types());
          return std::nullopt;
        }
      }
    }
    if (!complete_formals(decl, *bound, inner, current_use_)) return std::nullopt;

    Signals s;
    Interface iface;
    iface.prefix = prefix;
    iface.type = decl.name.name;
    for (const auto& in : decl.inputs) {
      if (!declare(s, in.name, "name")) continue;
      if (top) {
        graph::GraphInput gi{in.name.name, 1, in.range};
        if (in.type) {
          if (in.type->name.name != "signal") {
            sink_.error("E0401", in.type->range, "an input's type is 'signal' or 'signal[channels]'");
          } else if (auto c = channels_of(in.type, inner)) {
            gi.channels = *c;
          }
        }
        g_.inputs.push_back(gi);
        s.sources[in.name.name] = Src{Src::Kind::Input, static_cast<int>(g_.inputs.size() - 1), 0};
      } else {
        int wire = new_wire();
        s.sources[in.name.name] = Src{Src::Kind::Wire, wire, 0};
        iface.inputs.emplace_back(in.name.name, wire);
      }
    }
    for (const auto& p : decl.params) {
      if (!declare(s, p.name, "name")) continue;
      auto index = make_param(p, prefix + p.name.name, inner, outer, *bound);
      // Known by name even when its declaration failed, so uses do not report again.
      inner.parameters[p.name.name] = prefix + p.name.name;
      note_scalar_param(inner, p.name.name, index);
    }
    for (const auto& l : decl.layers) {
      if (!declare(s, l.name, "name")) continue;
      auto target = lookup(ref.file, l.instance.type);
      if (!target) {
        s.failed.insert(l.name.name);
        continue;
      }
      SourceRange saved = current_use_;
      current_use_ = l.range;
      auto sub = instantiate(*target, l.instance.args, l.instance.overrides, inner,
                             prefix + l.name.name + ".", l.instance.range);
      current_use_ = saved;
      if (sub) s.layers[l.name.name] = std::move(*sub);
      else s.failed.insert(l.name.name);
    }
    for (const auto& o : decl.outputs) {
      if (!declare(s, o.name, "name")) continue;
      s.output_wires[o.name.name] = new_wire();
    }
    size_t errors_before_connections = sink_.error_count();
    for (const auto& c : decl.connections) {
      for (size_t i = 0; i + 1 < c.chain.size(); ++i) connect(s, c.chain[i], c.chain[i + 1]);
    }
    bool connections_failed = sink_.error_count() > errors_before_connections;
    for (const auto& o : decl.outputs) {
      auto it = s.output_wires.find(o.name.name);
      if (it == s.output_wires.end()) continue;
      if (o.source) {
        if (auto src = source_of(s, *o.source)) wires_[static_cast<size_t>(it->second)].push_back({*src, o.source->range});
      }
      if (wires_[static_cast<size_t>(it->second)].empty()) {
        if (!s.failed.empty() || connections_failed || (o.source && sink_.has_errors())) continue;
        auto& d = sink_.error("E0308", o.name.range, "output '" + o.name.name + "' is not connected");
        d.help = "write 'output " + o.name.name + " = LAYER' or connect 'LAYER -> " + o.name.name + "'";
        continue;
      }
      iface.outputs.emplace_back(o.name.name, Src{Src::Kind::Wire, it->second, 0});
      if (top) top_outputs_.push_back({o.name.name, it->second, o.range});
    }
    if (!top) {
      PendingInstance pending{prefix.substr(0, prefix.size() - 1), decl.name.name, {}, current_use_};
      for (const auto& [name, src] : iface.outputs) pending.output_wires.emplace_back(name, src.index);
      instances_.push_back(std::move(pending));
    }
    if (decl.outputs.empty()) {
      sink_.error("E0308", decl.name.range, "model '" + decl.name.name + "' has no output");
    }
    // Every input port of every layer must be fed (unless a connection failed: reported).
    for (const auto& l : decl.layers) {
      auto it = s.layers.find(l.name.name);
      if (connections_failed) break;
      if (it == s.layers.end()) continue;
      for (const auto& [port, wire] : it->second.inputs) {
        if (wires_[static_cast<size_t>(wire)].empty()) {
          std::string what = it->second.inputs.size() == 1 ? "layer '" + l.name.name + "'"
                                                           : "input '" + port + "' of layer '" + l.name.name + "'";
          auto& d = sink_.error("E0307", l.name.range, what + " is not connected");
          d.help = "connect a signal to it: 'SIGNAL -> " + l.name.name +
                   (it->second.inputs.size() == 1 ? "" : "." + port) + "'";
        }
      }
    }
    return iface;
  }

  std::vector<std::string> signal_names(const Signals& s) {
    std::vector<std::string> names;
    for (const auto& x : s.sources) names.push_back(x.first);
    for (const auto& x : s.layers) names.push_back(x.first);
    for (const auto& x : s.output_wires) names.push_back(x.first);
    return names;
  }

  std::optional<Src> source_of(Signals& s, const ast::Path& p) {
    const std::string& head = p.parts[0].name;
    if (s.failed.count(head)) return std::nullopt;
    if (auto it = s.sources.find(head); it != s.sources.end()) {
      if (p.parts.size() > 1) {
        sink_.error("E0301", p.range, "input '" + head + "' has no port '" + p.parts[1].name + "'");
        return std::nullopt;
      }
      return it->second;
    }
    if (auto it = s.layers.find(head); it != s.layers.end()) {
      const Interface& l = it->second;
      if (p.parts.size() == 1) {
        if (l.outputs.size() == 1) return l.outputs[0].second;
        std::vector<std::string> names;
        for (const auto& o : l.outputs) names.push_back(o.first);
        std::string ports = join_names(names);
        auto& d = sink_.error("E0307", p.range, "layer '" + head + "' has several outputs; name one");
        d.help = "its outputs are: " + ports;
        return std::nullopt;
      }
      for (const auto& o : l.outputs) {
        if (o.first == p.parts[1].name && p.parts.size() == 2) return o.second;
      }
      std::vector<std::string> ports;
      for (const auto& o : l.outputs) ports.push_back(o.first);
      auto& d = sink_.error("E0301", p.parts[1].range,
                            "layer '" + head + "' has no output '" + p.parts[1].name + "'");
      d.help = did_you_mean(p.parts[1].name, ports);
      return std::nullopt;
    }
    if (s.output_wires.count(head)) {
      sink_.error("E0307", p.range, "'" + head + "' is an output of this model; it cannot feed a layer");
      return std::nullopt;
    }
    auto& d = sink_.error("E0301", p.parts[0].range, "unknown signal '" + head + "'");
    d.help = did_you_mean(head, signal_names(s));
    return std::nullopt;
  }

  std::optional<int> sink_of(Signals& s, const ast::Path& p) {
    const std::string& head = p.parts[0].name;
    if (s.failed.count(head)) return std::nullopt;
    if (auto it = s.output_wires.find(head); it != s.output_wires.end()) return it->second;
    if (auto it = s.layers.find(head); it != s.layers.end()) {
      const Interface& l = it->second;
      if (p.parts.size() == 1) {
        if (l.inputs.size() == 1) return l.inputs[0].second;
        std::vector<std::string> names;
        for (const auto& i : l.inputs) names.push_back(i.first);
        std::string ports = join_names(names);
        auto& d = sink_.error("E0307", p.range,
                              l.inputs.empty() ? "layer '" + head + "' takes no input"
                                               : "layer '" + head + "' has several inputs; name one");
        if (!l.inputs.empty()) d.help = "its inputs are: " + ports;
        return std::nullopt;
      }
      for (const auto& i : l.inputs) {
        if (i.first == p.parts[1].name && p.parts.size() == 2) return i.second;
      }
      std::vector<std::string> ports;
      for (const auto& i : l.inputs) ports.push_back(i.first);
      auto& d = sink_.error("E0301", p.parts[1].range,
                            "layer '" + head + "' has no input '" + p.parts[1].name + "'");
      d.help = did_you_mean(p.parts[1].name, ports);
      return std::nullopt;
    }
    if (s.sources.count(head)) {
      sink_.error("E0307", p.range, "'" + head + "' is an input of this model; nothing can connect into it");
      return std::nullopt;
    }
    auto& d = sink_.error("E0301", p.parts[0].range, "unknown signal '" + head + "'");
    d.help = did_you_mean(head, signal_names(s));
    return std::nullopt;
  }

  void connect(Signals& s, const ast::Path& from, const ast::Path& to) {
    auto src = source_of(s, from);
    auto dst = sink_of(s, to);
    if (!src || !dst) return;
    SourceRange r{from.range.file, from.range.begin, to.range.end};
    wires_[static_cast<size_t>(*dst)].push_back({*src, r});
  }

  // ------------------------------------------------------------------ overrides

  void apply_overrides(const std::vector<ast::Override>& overrides, const Scope& outer,
                       const std::string& prefix, const std::string& type) {
    for (const auto& o : overrides) {
      std::string path = prefix + o.path.str();
      int index = g_.find_param(path);
      // A parameter its `if` removed (a layer switched off) has nothing to set.
      if (index < 0 && switched_off_.count(path)) continue;
      if (index < 0) {
        std::vector<std::string> names;
        for (const auto& p : g_.params) {
          if (p.path.rfind(prefix, 0) == 0) names.push_back(p.path.substr(prefix.size()));
        }
        auto& d = sink_.error("E0306", o.path.range, "'" + type + "' has no parameter '" + o.path.str() + "'");
        d.help = did_you_mean(o.path.str(), names);
        continue;
      }
      graph::Parameter& p = g_.params[static_cast<size_t>(index)];
      if (o.value->kind == ast::ExprKind::Path && outer.parameters.count(o.value->path.str())) {
        const std::string& target = outer.parameters.at(o.value->path.str());
        int target_index = g_.find_param(target);
        if (target_index < 0) continue;  // its declaration failed (reported)
        const graph::Parameter& tp = g_.params[static_cast<size_t>(target_index)];
        if (tp.dim != p.dim) {
          sink_.error("E0401", o.value->range, "'" + o.path.str() + "' is " + dimension_name(p.dim) +
                                                   ", but '" + target + "' is " + dimension_name(tp.dim));
          continue;
        }
        p.value = tp.value;
        p.tied_to = target;
        p.value_range = o.value->range;
        continue;
      }
      auto v = evaluate(*o.value, outer, sink_);
      if (!v) continue;
      ast::TypeRef t;
      t.name.name = p.type;
      if (!check_type(*v, t, outer, o.value->range, "'" + o.path.str() + "'", sink_)) continue;
      if (p.lower && v->kind == ValueKind::Number && (v->number < *p.lower || v->number > *p.upper)) {
        sink_.error("E0601", o.value->range, "'" + o.path.str() + "' lies outside its bounds");
        continue;
      }
      p.value = *v;
      p.value_range = o.value->range;
      p.tied_to.reset();
      for (auto& q : g_.params) {
        if (q.tied_to && *q.tied_to == path) q.value = *v;
      }
    }
  }

  // ------------------------------------------------------------------ resolution

  void expand(const Hop& hop, std::vector<Hop>& out, std::set<int>& visiting) {
    if (hop.src.kind != Src::Kind::Wire) {
      out.push_back(hop);
      return;
    }
    if (!visiting.insert(hop.src.index).second) return;
    for (const auto& h : wires_[static_cast<size_t>(hop.src.index)]) {
      Hop inner = h;
      if (hop.range.valid() && !inner.range.valid()) inner.range = hop.range;
      expand(inner, out, visiting);
    }
    visiting.erase(hop.src.index);
  }

  static graph::SignalRef to_ref(const Src& s) {
    graph::SignalRef r;
    r.kind = s.kind == Src::Kind::Input ? graph::SignalRef::Kind::Input : graph::SignalRef::Kind::Node;
    r.index = s.index;
    r.port = s.port;
    return r;
  }

  std::string signal_name(const graph::SignalRef& r) const {
    if (r.kind == graph::SignalRef::Kind::Input) return g_.inputs[static_cast<size_t>(r.index)].name;
    const auto& n = g_.nodes[static_cast<size_t>(r.index)];
    return n.outputs.size() == 1 ? n.path : n.path + "." + n.outputs[static_cast<size_t>(r.port)];
  }

  /// `model M = Delay(delay = 3)`: the model is one primitive, so its ports become the
  /// model's inputs and outputs. A single output is named `output`, as convis's models do.
  void expose_primitive(const Interface& iface, SourceRange range) {
    for (auto& node : g_.nodes) {
      if (!node.range.valid()) node.range = range;  // runtime errors point at the model
    }
    for (size_t k = 0; k < iface.inputs.size(); ++k) {
      const auto& [port, wire] = iface.inputs[k];
      // The model's input has the channel count the primitive's port declares.
      auto declared = expected_channels_.find({0, static_cast<int>(k)});
      int64_t channels = declared != expected_channels_.end() && declared->second ? *declared->second : 1;
      g_.inputs.push_back({port, channels, range});
      wires_[static_cast<size_t>(wire)].push_back(
          {Src{Src::Kind::Input, static_cast<int>(g_.inputs.size() - 1), 0}, range});
    }
    for (const auto& [port, src] : iface.outputs) {
      int wire = new_wire();
      wires_[static_cast<size_t>(wire)].push_back({src, range});
      top_outputs_.push_back({iface.outputs.size() == 1 ? "output" : port, wire, range});
    }
  }

  bool finish() {
    // Resolve every node input to real sources.
    std::vector<std::vector<std::vector<SourceRange>>> ranges(g_.nodes.size());
    for (size_t i = 0; i < g_.nodes.size(); ++i) ranges[i].resize(g_.nodes[i].inputs.size());
    for (const auto& pw : port_wires_) {
      std::vector<Hop> hops;
      std::set<int> visiting;
      expand({Src{Src::Kind::Wire, pw.wire, 0}, {}}, hops, visiting);
      auto& in = g_.nodes[static_cast<size_t>(pw.node)].inputs[static_cast<size_t>(pw.port)];
      for (const auto& h : hops) {
        in.sources.push_back(to_ref(h.src));
        ranges[static_cast<size_t>(pw.node)][static_cast<size_t>(pw.port)].push_back(h.range);
      }
    }
    for (const auto& o : top_outputs_) {
      std::vector<Hop> hops;
      std::set<int> visiting;
      expand({Src{Src::Kind::Wire, o.wire, 0}, {}}, hops, visiting);
      if (hops.size() != 1) {
        sink_.error("E0307", o.range, hops.empty() ? "output '" + o.name + "' is not connected"
                                                   : "output '" + o.name + "' has several sources");
        continue;
      }
      g_.outputs.push_back({o.name, to_ref(hops[0].src), 1, o.range});
    }
    for (const auto& pending : instances_) {
      graph::Instance inst{pending.path, pending.type, {}, pending.range};
      for (const auto& [name, wire] : pending.output_wires) {
        std::vector<Hop> hops;
        std::set<int> visiting;
        expand({Src{Src::Kind::Wire, wire, 0}, {}}, hops, visiting);
        if (hops.size() == 1) inst.outputs.emplace_back(name, to_ref(hops[0].src));
      }
      g_.instances.push_back(std::move(inst));
    }
    if (sink_.has_errors()) return false;
    if (!topological_order(ranges)) return false;
    return infer_channels(ranges);
  }

  /// Reorders nodes so every node follows its sources; a loop is an error.
  bool topological_order(std::vector<std::vector<std::vector<SourceRange>>>& ranges) {
    size_t n = g_.nodes.size();
    std::vector<int> indegree(n, 0);
    std::vector<std::vector<int>> users(n);
    for (size_t i = 0; i < n; ++i) {
      for (const auto& in : g_.nodes[i].inputs) {
        for (const auto& s : in.sources) {
          if (s.kind == graph::SignalRef::Kind::Node) {
            ++indegree[i];
            users[static_cast<size_t>(s.index)].push_back(static_cast<int>(i));
          }
        }
      }
    }
    std::vector<int> order;
    for (size_t i = 0; i < n; ++i) {
      if (indegree[i] == 0) order.push_back(static_cast<int>(i));
    }
    for (size_t k = 0; k < order.size(); ++k) {
      for (int u : users[static_cast<size_t>(order[k])]) {
        if (--indegree[static_cast<size_t>(u)] == 0) order.push_back(u);
      }
    }
    if (order.size() != n) {
      for (size_t i = 0; i < n; ++i) {
        if (indegree[i] > 0) {
          auto& d = sink_.error("E0311", g_.nodes[i].range,
                                "connections form a loop through '" + g_.nodes[i].path + "'");
          d.help = "feedback connections are not supported yet";
          return false;
        }
      }
    }
    std::vector<int> new_index(n);
    for (size_t k = 0; k < n; ++k) new_index[static_cast<size_t>(order[k])] = static_cast<int>(k);
    std::vector<graph::Node> nodes(n);
    std::vector<std::vector<std::vector<SourceRange>>> new_ranges(n);
    std::map<std::pair<int, int>, std::optional<int64_t>> expected;
    for (size_t k = 0; k < n; ++k) {
      size_t old = static_cast<size_t>(order[k]);
      nodes[k] = std::move(g_.nodes[old]);
      new_ranges[k] = std::move(ranges[old]);
      for (size_t port = 0; port < nodes[k].inputs.size(); ++port) {
        expected[{static_cast<int>(k), static_cast<int>(port)}] =
            expected_channels_[{static_cast<int>(old), static_cast<int>(port)}];
      }
    }
    auto remap = [&](graph::SignalRef& r) {
      if (r.kind == graph::SignalRef::Kind::Node) r.index = new_index[static_cast<size_t>(r.index)];
    };
    for (auto& node : nodes) {
      for (auto& in : node.inputs) {
        for (auto& s : in.sources) remap(s);
      }
    }
    for (auto& o : g_.outputs) remap(o.source);
    for (auto& inst : g_.instances) {
      for (auto& o : inst.outputs) remap(o.second);
    }
    g_.nodes = std::move(nodes);
    ranges = std::move(new_ranges);
    expected_channels_ = std::move(expected);
    return true;
  }

  bool infer_channels(const std::vector<std::vector<std::vector<SourceRange>>>& ranges) {
    auto channels = [&](const graph::SignalRef& r) -> int64_t {
      if (r.kind == graph::SignalRef::Kind::Input) return g_.inputs[static_cast<size_t>(r.index)].channels;
      return g_.nodes[static_cast<size_t>(r.index)].out_channels[static_cast<size_t>(r.port)];
    };
    bool ok = true;
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      graph::Node& node = g_.nodes[i];
      int64_t first = -1;
      for (size_t port = 0; port < node.inputs.size(); ++port) {
        const auto& in = node.inputs[port];
        auto want = expected_channels_[{static_cast<int>(i), static_cast<int>(port)}];
        int64_t agreed = -1;
        for (size_t k = 0; k < in.sources.size(); ++k) {
          int64_t c = channels(in.sources[k]);
          SourceRange at = ranges[i][port][k].valid() ? ranges[i][port][k] : node.range;
          if (want && c != *want) {
            auto& d = sink_.error("E0501", at,
                                  "'" + node.path + "' expects " + std::to_string(*want) +
                                      (*want == 1 ? " channel" : " channels") + " at its input '" + in.port +
                                      "', but '" + signal_name(in.sources[k]) + "' has " + std::to_string(c));
            d.notes.push_back({node.range, "'" + node.path + "' is declared here"});
            ok = false;
          } else if (agreed >= 0 && c != agreed) {
            sink_.error("E0501", at, "signals summed into '" + node.path + "' have different channel counts (" +
                                         std::to_string(agreed) + " and " + std::to_string(c) + ")");
            ok = false;
          }
          agreed = c;
        }
        if (port == 0) first = agreed;
      }
      for (auto& c : node.out_channels) {
        if (c < 0) c = first < 0 ? 1 : first;
      }
    }
    for (auto& o : g_.outputs) o.channels = channels(o.source);
    return ok;
  }

  struct PortWire {
    int node, port, wire;
  };
  struct TopOutput {
    std::string name;
    int wire;
    SourceRange range;
  };
  /// A composite instance whose output wires are resolved at the end.
  struct PendingInstance {
    std::string path, type;
    std::vector<std::pair<std::string, int>> output_wires;
    SourceRange range;
  };

  const Program& program_;
  DiagnosticSink& sink_;
  Resolution resolution_;
  graph::ModelGraph g_;
  std::vector<const ast::ModelDecl*> stack_;
  std::vector<std::vector<Hop>> wires_;
  std::vector<PortWire> port_wires_;
  std::map<std::pair<int, int>, std::optional<int64_t>> expected_channels_;
  std::vector<TopOutput> top_outputs_;
  std::vector<PendingInstance> instances_;  // in the order they were instantiated
  std::vector<std::map<std::string, Value>> presets_;
  bool alias_call_ = false;
  std::map<std::string, SourceRange> preset_ranges_;
  std::set<std::string> switched_off_;  // paths of parameters whose `if` was false
  SourceRange current_use_;
};

}  // namespace

std::optional<graph::ModelGraph> elaborate(const Program& program, FileId entry, FileId file,
                                           const ast::ModelDecl& model, DiagnosticSink& sink) {
  const LoadedFile* f = program.file(entry);
  Resolution r = f ? f->resolution : Resolution{};
  Elaborator e(program, r, sink);
  return e.run(file, model);
}

}  // namespace cvm
