#include "frontend/semantic/check_fit.h"

#include <set>

#include "frontend/semantic/evaluate.h"

namespace cvm {

const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> names = {"mse", "sse", "poisson", "corr"};
  return names;
}

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = {"SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "LBFGS"};
  return names;
}

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v) {
    if (x == s) return true;
  }
  return false;
}

void check_count(const ast::ExprPtr& e, const char* what, long long minimum, DiagnosticSink& sink) {
  if (!e) return;
  Scope scope;
  auto v = evaluate(*e, scope, sink);
  if (!v) return;
  if (v->kind != graph::ValueKind::Number || !v->is_integer || !v->dim.dimensionless() || v->number < minimum) {
    sink.error("E0701", e->range, std::string("'") + what + "' must be an integer of at least " +
                                      std::to_string(minimum));
  }
}

/// Nodes that each output depends on, to find free parameters no target depends on.
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

}  // namespace

void check_fit(const Program& program, FileId file, const ast::FitDecl& fit,
               const std::map<std::string, graph::ModelGraph>& graphs, DiagnosticSink& sink) {
  std::string model = fit.model.str();
  auto it = graphs.find(model);
  if (it == graphs.end()) {
    auto visible = program.visible(file);
    if (!visible.count(model)) {
      std::vector<std::string> names;
      for (const auto& [n, ref] : visible) {
        if (!ref.decl->is_primitive) names.push_back(n);
      }
      auto& d = sink.error("E0301", fit.model.range, "unknown model '" + model + "'");
      d.help = did_you_mean(model, names);
    }
    return;  // a model with errors was reported already
  }
  const graph::ModelGraph& g = it->second;
  std::set<std::string> inputs;
  for (const auto& [name, dataset] : fit.inputs) {
    bool found = false;
    std::vector<std::string> names;
    for (const auto& i : g.inputs) {
      names.push_back(i.name);
      found |= i.name == name.name;
    }
    if (!found) {
      auto& d = sink.error("E0301", name.range, "model '" + model + "' has no input '" + name.name + "'");
      d.help = did_you_mean(name.name, names);
    }
    inputs.insert(name.name);
  }
  for (const auto& i : g.inputs) {
    if (!inputs.count(i.name)) {
      sink.error("E0701", fit.range, "the fit gives no data for input '" + i.name + "'")
          .help = "add 'input " + i.name + " = \"/dataset\"'";
    }
  }
  if (fit.targets.empty()) sink.error("E0701", fit.range, "a fit needs at least one target");
  std::set<int> reached;
  bool targets_ok = true;
  for (const auto& t : fit.targets) {
    const graph::GraphOutput* out = nullptr;
    std::vector<std::string> names;
    for (const auto& o : g.outputs) {
      names.push_back(o.name);
      if (o.name == t.output.name) out = &o;
    }
    if (!out) {
      auto& d = sink.error("E0301", t.output.range, "model '" + model + "' has no output '" + t.output.name + "'");
      d.help = did_you_mean(t.output.name, names);
      targets_ok = false;
      continue;
    }
    auto up = upstream(g, out->source);
    reached.insert(up.begin(), up.end());
    if (t.loss && !contains(loss_names(), t.loss->name)) {
      auto& d = sink.error("E0702", t.loss->range, "unknown loss '" + t.loss->name + "'");
      d.help = did_you_mean(t.loss->name, loss_names());
      if (d.help.empty()) d.help = "losses are mse, sse, poisson and corr";
    }
    if (t.weight) {
      Scope scope;
      auto w = evaluate(*t.weight, scope, sink);
      if (w && (w->kind != graph::ValueKind::Number || !w->dim.dimensionless() || w->number < 0)) {
        sink.error("E0701", t.weight->range, "a target's weight must be a non-negative plain number");
      }
    }
  }
  for (const auto* list : {&fit.free, &fit.fixed}) {
    for (const auto& p : *list) {
      int index = g.find_param(p.str());
      if (index < 0) {
        std::vector<std::string> names;
        for (const auto& q : g.params) names.push_back(q.path);
        auto& d = sink.error("E0306", p.range, "model '" + model + "' has no parameter '" + p.str() + "'");
        d.help = did_you_mean(p.str(), names);
        continue;
      }
      if (list != &fit.free) continue;
      // A free parameter must reach a target through some node that uses it (directly
      // or through a tie).
      bool used = false;
      for (size_t n = 0; n < g.nodes.size() && !used; ++n) {
        if (!reached.count(static_cast<int>(n))) continue;
        for (int q : g.nodes[n].params) {
          const auto& gp = g.params[static_cast<size_t>(q)];
          used |= q == index || (gp.tied_to && *gp.tied_to == p.str());
        }
      }
      if (!used && !fit.targets.empty() && targets_ok) {
        sink.error("E0703", p.range, "no target depends on free parameter '" + p.str() + "'");
      }
    }
  }
  if (fit.optimizer) {
    std::string name = fit.optimizer->path.str();
    if (!contains(optimizer_names(), name)) {
      auto& d = sink.error("E0704", fit.optimizer->path.range, "unknown optimizer '" + name + "'");
      d.help = did_you_mean(name, optimizer_names());
      if (d.help.empty()) d.help = "optimizers are SGD, Adam, AdamW, Adagrad, RMSprop and LBFGS";
    }
    for (const auto& a : fit.optimizer->args) {
      if (a.name.name.empty()) sink.error("E0704", a.value->range, "optimizer settings must be named, e.g. 'lr = 0.01'");
    }
  }
  check_count(fit.chunk, "chunk", 1, sink);
  check_count(fit.skip, "skip", 0, sink);
  check_count(fit.epochs, "epochs", 1, sink);
  check_count(fit.seed, "seed", 0, sink);
  check_count(fit.patience, "patience", 1, sink);
  check_count(fit.validate_every, "every", 1, sink);
}

}  // namespace cvm
