#include "frontend/semantic/compile.h"

#include <set>

#include "frontend/semantic/check_fit.h"
#include "frontend/semantic/command_line.h"
#include "frontend/semantic/elaborate.h"

namespace cvm {
namespace {

/// Duplicate model names within a file.
void check_unique_models(const ast::File& f, DiagnosticSink& sink) {
  std::map<std::string, SourceRange> seen;
  for (const auto& m : f.models) {
    auto [it, inserted] = seen.emplace(m.name.name, m.name.range);
    if (!inserted) {
      sink.error("E0302", m.name.range, "duplicate model '" + m.name.name + "'")
          .notes.push_back({it->second, "'" + m.name.name + "' is first declared here"});
    }
  }
}

/// Duplicate fit names (`as NAME`, else the model's name) within a file.
void check_unique_fits(const ast::File& f, DiagnosticSink& sink) {
  std::map<std::string, SourceRange> seen;
  for (const auto& fit : f.fits) {
    std::string name = fit_name(fit);
    SourceRange at = fit.name ? fit.name->range : fit.model.range;
    auto [it, inserted] = seen.emplace(name, at);
    if (!inserted) {
      auto& d = sink.error("E0302", at, "duplicate fit '" + name + "'");
      d.notes.push_back({it->second, "'" + name + "' is first declared here"});
      d.help = "name each fit of a model with 'fit " + fit.model.str() + " as NAME'";
    }
  }
}

bool needs_arguments(const ast::ModelDecl& m) {
  for (const auto& f : m.formals) {
    if (!f.default_value) return true;
  }
  return false;
}

/// The graph of the model a fit names, declared in the entry file or imported; nullopt
/// when it is not a model that can be built on its own (check_fit says why) or has errors.
std::optional<graph::ModelGraph> fit_model_graph(Compilation& c, const ast::FitDecl& fit) {
  auto visible = c.program.visible(*c.entry);
  auto it = visible.find(fit.model.str());
  if (it == visible.end() || it->second.decl->is_primitive || needs_arguments(*it->second.decl)) return std::nullopt;
  return elaborate(c.program, *c.entry, it->second.file, *it->second.decl, c.sink);
}

}  // namespace

bool check_file(Compilation& c, const std::string& path) {
  c.entry = c.program.load(path, c.sink);
  if (!c.entry) return false;
  const LoadedFile* f = c.program.file(*c.entry);
  check_unique_models(f->ast, c.sink);
  check_unique_fits(f->ast, c.sink);
  std::map<std::string, graph::ModelGraph> graphs;
  for (const auto& m : f->ast.models) {
    if (m.is_primitive || needs_arguments(m)) continue;
    if (auto g = elaborate(c.program, *c.entry, *c.entry, m, c.sink)) graphs.emplace(m.name.name, std::move(*g));
  }
  for (const auto& fit : f->ast.fits) {
    // A fit may name an imported model: build its graph too.
    std::string name = fit.model.str();
    auto visible = c.program.visible(*c.entry);
    auto it = visible.find(name);
    if (!graphs.count(name) && it != visible.end() && it->second.file != *c.entry) {
      if (auto g = fit_model_graph(c, fit)) graphs.emplace(name, std::move(*g));
    }
    check_fit(c.program, *c.entry, fit, graphs, c.sink);
  }
  return !c.sink.has_errors();
}

std::optional<graph::ModelGraph> compile_model(Compilation& c, const std::string& path,
                                               const std::string& model) {
  c.entry = c.program.load(path, c.sink);
  if (!c.entry) return std::nullopt;
  const LoadedFile* f = c.program.file(*c.entry);
  check_unique_models(f->ast, c.sink);
  if (c.sink.has_errors()) return std::nullopt;
  std::vector<const ast::ModelDecl*> candidates;
  for (const auto& m : f->ast.models) {
    if (!m.is_primitive) candidates.push_back(&m);
  }
  const ast::ModelDecl* chosen = nullptr;
  std::vector<std::string> names;
  for (const auto* m : candidates) names.push_back(m->name.name);
  if (!model.empty()) {
    for (const auto* m : candidates) {
      if (m->name.name == model) chosen = m;
    }
    if (!chosen) {
      auto& d = c.sink.error("E0309", {}, "'" + path + "' has no model '" + model + "'");
      d.help = did_you_mean(model, names);
      if (d.help.empty() && !names.empty()) {
        d.help = "its models are: " + join_names(names);
      }
      return std::nullopt;
    }
  } else if (candidates.size() == 1) {
    chosen = candidates[0];
  } else {
    std::string list = join_names(names);
    auto& d = c.sink.error("E0309", {}, candidates.empty() ? "'" + path + "' declares no model"
                                                            : "'" + path + "' declares several models");
    if (!candidates.empty()) d.help = "choose one with --model: " + list;
    return std::nullopt;
  }
  if (needs_arguments(*chosen)) {
    for (const auto& fm : chosen->formals) {
      if (!fm.default_value) {
        auto& d = c.sink.error("E0304", chosen->name.range,
                               "model '" + chosen->name.name + "' needs argument '" + fm.name.name +
                                   "' and cannot run on its own");
        d.help = "declare an instance with its arguments, e.g. 'model M = " + chosen->name.name + "(" +
                 fm.name.name + " = ...)'";
        return std::nullopt;
      }
    }
  }
  return elaborate(c.program, *c.entry, *c.entry, *chosen, c.sink);
}

std::optional<CompiledFit> compile_fit(Compilation& c, const std::string& path, const std::string& fit,
                                       const std::vector<std::string>& sets) {
  c.entry = c.program.load(path, c.sink);
  if (!c.entry) return std::nullopt;
  const LoadedFile* f = c.program.file(*c.entry);
  check_unique_models(f->ast, c.sink);
  check_unique_fits(f->ast, c.sink);
  if (c.sink.has_errors()) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& x : f->ast.fits) names.push_back(fit_name(x));
  const ast::FitDecl* chosen = nullptr;
  if (!fit.empty()) {
    for (const auto& x : f->ast.fits) {
      if (fit_name(x) == fit) chosen = &x;
    }
    if (!chosen) {
      auto& d = c.sink.error("E0309", {}, "'" + path + "' has no fit '" + fit + "'");
      d.help = did_you_mean(fit, names);
      if (d.help.empty()) d.help = names.empty() ? "it declares no fit" : "its fits are: " + join_names(names);
      return std::nullopt;
    }
  } else if (names.size() == 1) {
    chosen = &f->ast.fits[0];
  } else {
    auto& d = c.sink.error("E0309", {}, names.empty() ? "'" + path + "' declares no fit"
                                                       : "'" + path + "' declares several fits");
    d.help = names.empty() ? "add a block 'fit MODEL { ... }' (see docs/language.md)"
                           : "choose one with --fit: " + join_names(names);
    return std::nullopt;
  }
  std::map<std::string, graph::ModelGraph> graphs;
  if (auto g = fit_model_graph(c, *chosen)) {
    for (const auto& s : sets) {
      if (!apply_setting(c, *g, s)) return std::nullopt;
    }
    graphs.emplace(chosen->model.str(), std::move(*g));
  }
  auto spec = check_fit(c.program, *c.entry, *chosen, graphs, c.sink);
  if (!spec || c.sink.has_errors()) return std::nullopt;
  return CompiledFit{std::move(graphs.begin()->second), std::move(*spec)};
}

}  // namespace cvm
