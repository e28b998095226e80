#include "frontend/semantic/check_fit.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "frontend/semantic/builtins.h"
#include "frontend/semantic/evaluate.h"

namespace cvm {
namespace {

using graph::Value;
using graph::ValueKind;

/// What an optimizer setting accepts.
enum class SettingKind {
  Rate,         // a positive plain number (lr)
  NonNegative,  // a plain number >= 0
  Count,        // an integer >= 1
  Flag,         // true or false
  Betas,        // two numbers in [0, 1)
  LineSearch,   // "strong_wolfe"
};

struct SettingSpec {
  const char* name;
  SettingKind kind;
};

struct OptimizerSpec {
  const char* name;
  std::vector<SettingSpec> settings;
};

/// torch::optim's optimizers and their options (names as in PyTorch and LibTorch).
const std::vector<OptimizerSpec>& optimizer_table() {
  using K = SettingKind;
  static const std::vector<SettingSpec> adam = {
      {"lr", K::Rate}, {"betas", K::Betas}, {"eps", K::NonNegative}, {"weight_decay", K::NonNegative}, {"amsgrad", K::Flag}};
  static const std::vector<OptimizerSpec> table = {
      {"SGD",
       {{"lr", K::Rate}, {"momentum", K::NonNegative}, {"dampening", K::NonNegative}, {"weight_decay", K::NonNegative},
        {"nesterov", K::Flag}}},
      {"Adam", adam},
      {"AdamW", adam},
      {"Adagrad",
       {{"lr", K::Rate}, {"lr_decay", K::NonNegative}, {"weight_decay", K::NonNegative},
        {"initial_accumulator_value", K::NonNegative}, {"eps", K::NonNegative}}},
      {"RMSprop",
       {{"lr", K::Rate}, {"alpha", K::NonNegative}, {"eps", K::NonNegative}, {"weight_decay", K::NonNegative},
        {"momentum", K::NonNegative}, {"centered", K::Flag}}},
      {"LBFGS",
       {{"lr", K::Rate}, {"max_iter", K::Count}, {"max_eval", K::Count}, {"tolerance_grad", K::NonNegative},
        {"tolerance_change", K::NonNegative}, {"history_size", K::Count}, {"line_search_fn", K::LineSearch}}},
  };
  return table;
}

const OptimizerSpec* find_optimizer(const std::string& name) {
  for (const auto& o : optimizer_table()) {
    if (name == o.name) return &o;
  }
  return nullptr;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v) {
    if (x == s) return true;
  }
  return false;
}

bool plain_number(const Value& v) { return v.kind == ValueKind::Number && v.dim.dimensionless(); }

/// What a value of a setting of `kind` must be, when `v` is not one; "" when it is.
std::string setting_problem(const Value& v, SettingKind kind) {
  switch (kind) {
    case SettingKind::Rate: return plain_number(v) && v.number > 0 ? "" : "a positive plain number";
    case SettingKind::NonNegative: return plain_number(v) && v.number >= 0 ? "" : "a non-negative plain number";
    case SettingKind::Count: return plain_number(v) && v.is_integer && v.number >= 1 ? "" : "an integer of at least 1";
    case SettingKind::Flag: return v.kind == ValueKind::Bool ? "" : "true or false";
    case SettingKind::Betas: {
      bool ok = v.kind == ValueKind::List && v.items.size() == 2;
      for (const auto& b : v.items) ok = ok && plain_number(b) && b.number >= 0 && b.number < 1;
      return ok ? "" : "a list of two numbers in [0, 1), e.g. [0.9, 0.999]";
    }
    case SettingKind::LineSearch:
      return v.kind == ValueKind::String && v.text == "strong_wolfe" ? "" : "\"strong_wolfe\" (torch's only line search)";
  }
  return "";
}

/// The value of a count (`chunk 100`), or nullopt when it is absent or was reported.
std::optional<int64_t> count(const ast::ExprPtr& e, const char* what, long long minimum, DiagnosticSink& sink) {
  if (!e) return std::nullopt;
  Scope scope;
  auto v = evaluate(*e, scope, sink);
  if (!v) return std::nullopt;
  if (v->kind != ValueKind::Number || !v->is_integer || !v->dim.dimensionless() || v->number < minimum) {
    sink.error("E0701", e->range, std::string("'") + what + "' must be an integer of at least " +
                                      std::to_string(minimum));
    return std::nullopt;
  }
  return static_cast<int64_t>(v->number);
}

/// Nodes that an output depends on.
std::set<int> upstream(const graph::ModelGraph& g, const graph::SignalRef& from) {
  std::set<int> seen;
  std::vector<graph::SignalRef> todo{from};
  while (!todo.empty()) {
    auto r = todo.back();
    todo.pop_back();
    if (r.kind != graph::SignalRef::Kind::Node || !seen.insert(r.index).second) continue;
    for (const auto& in : g.nodes[static_cast<size_t>(r.index)].inputs) {
      for (const auto& s : in.sources) todo.push_back(s);
    }
  }
  return seen;
}

/// A parameter built from others: an initialiser naming parameters, or a derived scalar.
bool is_derived(const graph::Parameter& p) { return !p.tied_to && !p.value.param_refs().empty(); }

/// The parameter a tie chain ends at (`index` itself when it is not tied).
int tie_root(const graph::ModelGraph& g, int index) {
  std::set<int> seen;
  while (index >= 0 && g.params[static_cast<size_t>(index)].tied_to && seen.insert(index).second) {
    index = g.find_param(*g.params[static_cast<size_t>(index)].tied_to);
  }
  return index;
}

bool fittable_type(const std::string& type) {
  return type == "real" || type == "time" || type == "frequency" || type == "length" || type == "tensor";
}

/// Parameters a target depends on: those of the nodes in `nodes`, and what their values
/// come from (ties, and the parameters an initialiser or a derived scalar names, except
/// for the derived parameters in `detached`, which the fit frees from their sources).
std::set<int> used_params(const graph::ModelGraph& g, const std::set<int>& nodes, const std::set<int>& detached) {
  std::vector<int> todo;
  for (int n : nodes) {
    for (int q : g.nodes[static_cast<size_t>(n)].params) todo.push_back(q);
  }
  std::set<int> used;
  while (!todo.empty()) {
    int q = todo.back();
    todo.pop_back();
    if (q < 0 || !used.insert(q).second) continue;
    const graph::Parameter& p = g.params[static_cast<size_t>(q)];
    if (p.tied_to) {
      todo.push_back(g.find_param(*p.tied_to));
    } else if (!detached.count(q)) {
      for (const auto& r : p.value.param_refs()) todo.push_back(g.find_param(r));
    }
  }
  return used;
}

/// `file` relative to the folder `dir` of the .cvm file (unchanged when absolute).
std::string resolve(const std::filesystem::path& dir, const std::string& file) {
  if (file.empty() || dir.empty() || std::filesystem::path(file).is_absolute()) return file;
  return (dir / file).lexically_normal().string();
}

/// `"/dataset"` (in the data file) or `"F.h5:/dataset"`.
graph::FitDataset dataset(const std::string& text, const std::string& data_file, const std::filesystem::path& dir,
                          SourceRange range) {
  graph::FitDataset d;
  d.range = range;
  auto colon = text.rfind(":/");
  if (colon == std::string::npos || colon == 0) {
    d.file = data_file;
    d.dataset = colon == 0 ? text.substr(1) : text;
  } else {
    d.file = resolve(dir, text.substr(0, colon));
    d.dataset = text.substr(colon + 1);
    d.in_data_file = false;
  }
  return d;
}

/// A free parameter with a prior must start where the prior is defined: an unbounded
/// parameter whose prior lives on (0, inf) is fitted through its logarithm.
void check_start_in_prior(const graph::Parameter& p, SourceRange at, DiagnosticSink& sink) {
  if (!p.prior || p.value.kind != ValueKind::Number) return;
  const Builtin* b = find_builtin(p.prior->text);
  if (!b) return;
  double lo = b->support_lo, hi = b->support_hi;
  bool open_lo = !p.lower;  // log transform: 0 itself is out
  if (p.prior->text == "uniform") {
    const Value* a = p.prior->arg("lower");
    const Value* z = p.prior->arg("upper");
    if (!a || !z) return;
    lo = a->number;
    hi = z->number;
    open_lo = false;
  }
  double x = p.value.number;
  bool inside = (open_lo ? x > lo : x >= lo) && x <= hi;
  if (inside) return;
  auto text = [&](double v) { return graph::to_string(Value::make_number(v, p.dim)); };
  auto& d = sink.error("E0602", at, "free parameter '" + p.path + "' starts at " + text(x) +
                                        ", outside where its prior '" + p.prior->text + "' is defined");
  d.help = std::isinf(hi) ? "start it above " + text(lo) + ", e.g. with --set '" + p.path + "=...'"
                          : "start it in [" + text(lo) + ", " + text(hi) + "]";
}

bool needs_arguments(const ast::ModelDecl& m) {
  for (const auto& f : m.formals) {
    if (!f.default_value) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> names = {"mse", "sse", "poisson", "corr"};
  return names;
}

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& o : optimizer_table()) out.push_back(o.name);
    return out;
  }();
  return names;
}

std::vector<std::string> optimizer_setting_names(const std::string& name) {
  std::vector<std::string> out;
  if (const OptimizerSpec* o = find_optimizer(name)) {
    for (const auto& s : o->settings) out.push_back(s.name);
  }
  return out;
}

std::string fit_name(const ast::FitDecl& fit) { return fit.name ? fit.name->name : fit.model.str(); }

namespace {

/// Reports a fit's model that has no graph: unknown, a primitive, or needing arguments
/// (a model whose graph failed was reported when it was built).
void report_missing_model(const Program& program, FileId file, const ast::FitDecl& fit, DiagnosticSink& sink) {
  std::string model = fit.model.str();
  auto visible = program.visible(file);
  auto v = visible.find(model);
  if (v == visible.end()) {
    std::vector<std::string> names;
    for (const auto& [n, ref] : visible) {
      if (!ref.decl->is_primitive) names.push_back(n);
    }
    auto& d = sink.error("E0301", fit.model.range, "unknown model '" + model + "'");
    d.help = did_you_mean(model, names);
  } else if (v->second.decl->is_primitive) {
    sink.error("E0301", fit.model.range, "'" + model + "' is a primitive, not a model")
        .help = "fit a model made of it, e.g. 'model M = " + model + "()'";
  } else if (needs_arguments(*v->second.decl)) {
    for (const auto& fm : v->second.decl->formals) {
      if (fm.default_value) continue;
      sink.error("E0304", fit.model.range,
                 "model '" + model + "' needs argument '" + fm.name.name + "' and cannot be fitted on its own")
          .help = "declare an instance with its arguments, e.g. 'model M = " + model + "(" + fm.name.name +
                  " = ...)', and fit that";
      break;
    }
  }
}

/// Checks one fit block against its model's graph, filling in the FitSpec as it goes.
class FitChecker {
 public:
  FitChecker(const ast::FitDecl& fit, const graph::ModelGraph& g, const std::string& source, DiagnosticSink& sink)
      : fit_(fit), g_(g), model_(fit.model.str()), dir_(std::filesystem::path(source).parent_path()), sink_(sink) {
    spec_.model = model_;
    spec_.name = fit_name(fit);
    spec_.source_file = source;
    spec_.range = fit.range;
    if (fit.data_file) spec_.data_file = resolve(dir_, *fit.data_file);
    if (fit.export_file) spec_.export_path = resolve(dir_, *fit.export_file);
  }

  graph::FitSpec check() {
    check_inputs();
    check_targets();
    check_free();
    check_optimizer();
    spec_.chunk = count(fit_.chunk, "chunk", 1, sink_).value_or(spec_.chunk);
    spec_.skip = count(fit_.skip, "skip", 0, sink_).value_or(spec_.skip);
    spec_.epochs = count(fit_.epochs, "epochs", 1, sink_).value_or(spec_.epochs);
    if (auto seed = count(fit_.seed, "seed", 0, sink_)) spec_.seed = static_cast<uint64_t>(*seed);
    spec_.patience = count(fit_.patience, "patience", 1, sink_).value_or(spec_.patience);
    check_validation(count(fit_.validate_every, "every", 1, sink_));
    return std::move(spec_);
  }

 private:
  graph::FitDataset dataset_of(const std::string& text, SourceRange range) const {
    return dataset(text, spec_.data_file, dir_, range);
  }

  /// One dataset per graph input.
  void check_inputs() {
    std::set<std::string> inputs;
    for (const auto& [name, text] : fit_.inputs) {
      bool found = false;
      std::vector<std::string> names;
      for (const auto& i : g_.inputs) {
        names.push_back(i.name);
        found |= i.name == name.name;
      }
      if (!found) {
        auto& d = sink_.error("E0301", name.range, "model '" + model_ + "' has no input '" + name.name + "'");
        d.help = did_you_mean(name.name, names);
      } else if (!inputs.insert(name.name).second) {
        sink_.error("E0302", name.range, "input '" + name.name + "' is given data twice");
      } else {
        spec_.inputs.push_back({name.name, dataset_of(text, name.range)});
      }
    }
    for (const auto& i : g_.inputs) {
      if (!inputs.count(i.name)) {
        sink_.error("E0701", fit_.range, "the fit gives no data for input '" + i.name + "'")
            .help = "add 'input " + i.name + " = \"/dataset\"'";
      }
    }
  }

  /// A graph output, a dataset, a loss and a weight per target; notes the nodes they
  /// depend on.
  void check_targets() {
    if (fit_.targets.empty()) sink_.error("E0701", fit_.range, "a fit needs at least one target");
    for (const auto& t : fit_.targets) {
      const graph::GraphOutput* out = nullptr;
      std::vector<std::string> names;
      for (const auto& o : g_.outputs) {
        names.push_back(o.name);
        if (o.name == t.output.name) out = &o;
      }
      if (!out) {
        auto& d = sink_.error("E0301", t.output.range, "model '" + model_ + "' has no output '" + t.output.name + "'");
        d.help = did_you_mean(t.output.name, names);
        targets_ok_ = false;
        continue;
      }
      auto up = upstream(g_, out->source);
      reached_.insert(up.begin(), up.end());
      graph::FitTarget target;
      target.output = t.output.name;
      target.data = dataset_of(t.dataset, t.dataset_range);
      if (t.loss) {
        target.loss = t.loss->name;
        if (!contains(loss_names(), t.loss->name)) {
          auto& d = sink_.error("E0702", t.loss->range, "unknown loss '" + t.loss->name + "'");
          d.help = did_you_mean(t.loss->name, loss_names());
          if (d.help.empty()) d.help = "losses are mse, sse, poisson and corr";
        }
      }
      if (t.weight) {
        Scope scope;
        auto w = evaluate(*t.weight, scope, sink_);
        if (w && (w->kind != ValueKind::Number || !w->dim.dimensionless() || w->number < 0)) {
          sink_.error("E0701", t.weight->range, "a target's weight must be a non-negative plain number");
        } else if (w) {
          target.weight = w->number;
        }
      }
      spec_.targets.push_back(std::move(target));
    }
  }

  /// The graph index of parameter `p`, or -1 after reporting that there is none.
  int find_param(const ast::Path& p) {
    int index = g_.find_param(p.str());
    if (index < 0) {
      std::vector<std::string> names;
      for (const auto& q : g_.params) names.push_back(q.path);
      auto& d = sink_.error("E0306", p.range, "model '" + model_ + "' has no parameter '" + p.str() + "'");
      d.help = did_you_mean(p.str(), names);
    }
    return index;
  }

  /// Named free parameters must exist, be numbers of their own (not tied, not int, bool
  /// or string) and reach a target; without `free`, every parameter that can be fitted
  /// and reaches a target, unless fixed. A derived parameter named in `free` is fitted
  /// on its own (its sources no longer rebuild it).
  void check_free() {
    struct Named {
      int index;
      SourceRange range;
    };
    std::vector<Named> named;
    std::set<int> free_set;
    for (const auto& p : fit_.free) {
      int index = find_param(p);
      if (index < 0) continue;
      const graph::Parameter& gp = g_.params[static_cast<size_t>(index)];
      if (gp.tied_to) {
        int root = tie_root(g_, index);
        std::string source = root >= 0 ? g_.params[static_cast<size_t>(root)].path : *gp.tied_to;
        sink_.error("E0705", p.range, "'" + p.str() + "' takes its value from '" + source + "'")
            .help = "free '" + source + "' instead";
      } else if (!fittable_type(gp.type)) {
        sink_.error("E0705", p.range, "'" + p.str() + "' is a parameter of type " + gp.type + " and cannot be fitted")
            .help = "only real, time, frequency, length and tensor parameters can be free";
      } else if (free_set.insert(index).second) {
        named.push_back({index, p.range});
      }
    }
    std::set<int> fixed_set;
    for (const auto& p : fit_.fixed) {
      int index = find_param(p);
      if (index < 0) continue;
      if (free_set.count(index)) {
        sink_.error("E0705", p.range, "'" + p.str() + "' is both free and fixed");
        continue;
      }
      fixed_set.insert(index);
    }
    std::set<int> detached;
    std::map<int, std::string> freed_from;  // source -> the derived parameter freed from it
    for (const auto& n : named) {
      const graph::Parameter& gp = g_.params[static_cast<size_t>(n.index)];
      if (!is_derived(gp)) continue;
      detached.insert(n.index);
      for (const auto& r : gp.value.param_refs()) freed_from[tie_root(g_, g_.find_param(r))] = gp.path;
    }
    const bool can_trace = targets_ok_ && !fit_.targets.empty();
    const std::set<int> used = used_params(g_, reached_, detached);
    for (const auto& n : named) {
      const graph::Parameter& gp = g_.params[static_cast<size_t>(n.index)];
      if (can_trace && !used.count(n.index)) {
        auto& d = sink_.error("E0703", n.range, "no target depends on free parameter '" + gp.path + "'");
        auto f = freed_from.find(n.index);
        if (f != freed_from.end()) d.help = "'" + f->second + "' is free too, so it is no longer built from '" + gp.path + "'";
        continue;
      }
      if (detached.count(n.index)) {
        for (const auto& r : gp.value.param_refs()) {
          int source = tie_root(g_, g_.find_param(r));
          if (free_set.count(source) && used.count(source)) {
            sink_.warning("W0701", n.range, "'" + gp.path + "' is free, so it no longer follows '" +
                                                g_.params[static_cast<size_t>(source)].path + "', which is free too")
                .help = "free only one of them";
          }
        }
      }
      spec_.free.push_back({gp.path, gp.flat_name(), n.index, detached.count(n.index) > 0, n.range});
    }
    if (fit_.free.empty() && can_trace) {
      for (size_t i = 0; i < g_.params.size(); ++i) {
        const graph::Parameter& gp = g_.params[i];
        int index = static_cast<int>(i);
        if (gp.fixed || fixed_set.count(index) || gp.tied_to || is_derived(gp) || !fittable_type(gp.type) ||
            !used.count(index)) {
          continue;
        }
        spec_.free.push_back({gp.path, gp.flat_name(), index, false, gp.range});
      }
      if (spec_.free.empty()) {
        sink_.error("E0701", fit_.model.range,
                    "nothing to fit: every parameter a target depends on is fixed, tied or built from others")
            .help = "name the parameters to fit with 'free PATH, ...'";
      }
    }
    std::sort(spec_.free.begin(), spec_.free.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    for (const auto& f : spec_.free) check_start_in_prior(g_.params[static_cast<size_t>(f.index)], f.range, sink_);
  }

  /// A known optimizer with named settings it has, of the right kind.
  void check_optimizer() {
    if (!fit_.optimizer) return;
    const ast::Expr& call = *fit_.optimizer;
    std::string name = call.path.str();
    spec_.optimizer.name = name;
    spec_.optimizer.range = call.range;
    const OptimizerSpec* known = find_optimizer(name);
    if (!known) {
      auto& d = sink_.error("E0704", call.path.range, "unknown optimizer '" + name + "'");
      d.help = did_you_mean(name, optimizer_names());
      if (d.help.empty()) d.help = "optimizers are SGD, Adam, AdamW, Adagrad, RMSprop and LBFGS";
    }
    std::map<std::string, SourceRange> given;
    bool all_named = true;
    for (const auto& a : call.args) {
      if (a.name.name.empty()) {
        sink_.error("E0704", a.value->range, "optimizer settings must be named, e.g. 'lr = 0.01'");
        all_named = false;
        continue;
      }
      if (!known) continue;
      const SettingSpec* setting = nullptr;
      for (const auto& s : known->settings) {
        if (a.name.name == s.name) setting = &s;
      }
      if (!setting) {
        auto names = optimizer_setting_names(name);
        auto& d = sink_.error("E0704", a.name.range, "'" + name + "' has no setting '" + a.name.name + "'");
        d.help = did_you_mean(a.name.name, names);
        if (d.help.empty()) d.help = "its settings are: " + join_names(names);
        continue;
      }
      auto [first, inserted] = given.emplace(a.name.name, a.name.range);
      if (!inserted) {
        sink_.error("E0302", a.name.range, "setting '" + a.name.name + "' is given twice")
            .notes.push_back({first->second, "first given here"});
        continue;
      }
      Scope scope;
      auto v = evaluate(*a.value, scope, sink_);
      if (!v) continue;
      std::string problem = setting_problem(*v, setting->kind);
      if (!problem.empty()) {
        sink_.error("E0704", a.value->range, "'" + a.name.name + "' must be " + problem);
        continue;
      }
      spec_.optimizer.settings.emplace_back(a.name.name, *v);
    }
    if (known && all_named && name == "SGD" && !given.count("lr")) {
      sink_.error("E0704", call.range, "SGD needs a learning rate").help = "for example 'optimizer SGD(lr = 0.01)'";
    }
  }

  /// A held-out input and its target, for a fit with one of each.
  void check_validation(std::optional<int64_t> every) {
    if (!fit_.validate) return;
    SourceRange at = fit_.validate_every ? fit_.validate_every->range : fit_.range;
    if (g_.inputs.size() != 1 || fit_.targets.size() != 1) {
      std::string why = g_.inputs.size() != 1
                            ? "model '" + model_ + "' has " + std::to_string(g_.inputs.size()) + " inputs"
                            : "this fit has " + std::to_string(fit_.targets.size()) + " targets";
      sink_.error("E0706", at, "'validate' needs a fit with one input and one target; " + why);
      return;
    }
    graph::FitValidation v;
    v.input = dataset_of(fit_.validate->first, at);
    v.target = dataset_of(fit_.validate->second, at);
    v.every = every.value_or(1);
    spec_.validate = v;
  }

  const ast::FitDecl& fit_;
  const graph::ModelGraph& g_;
  const std::string model_;
  const std::filesystem::path dir_;  // of the .cvm file: files are named relative to it
  DiagnosticSink& sink_;
  graph::FitSpec spec_;
  std::set<int> reached_;   // nodes a target depends on
  bool targets_ok_ = true;  // every target names an output
};

}  // namespace

std::optional<graph::FitSpec> check_fit(const Program& program, FileId file, const ast::FitDecl& fit,
                                        const std::map<std::string, graph::ModelGraph>& graphs,
                                        DiagnosticSink& sink) {
  auto it = graphs.find(fit.model.str());
  if (it == graphs.end()) {
    report_missing_model(program, file, fit, sink);
    return std::nullopt;
  }
  // The .cvm file as the user named it: files it names are relative to it (and so to the
  // working directory when the user's path was).
  const size_t errors_before = sink.error_count();
  graph::FitSpec spec = FitChecker(fit, it->second, program.sources().file(file).name, sink).check();
  if (sink.error_count() != errors_before) return std::nullopt;
  return spec;
}

}  // namespace cvm
