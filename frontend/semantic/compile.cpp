#include "frontend/semantic/compile.h"

#include <set>

#include "frontend/semantic/check_fit.h"
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

bool needs_arguments(const ast::ModelDecl& m) {
  for (const auto& f : m.formals) {
    if (!f.default_value) return true;
  }
  return false;
}

}  // namespace

bool check_file(Compilation& c, const std::string& path) {
  c.entry = c.program.load(path, c.sink);
  if (!c.entry) return false;
  const LoadedFile* f = c.program.file(*c.entry);
  check_unique_models(f->ast, c.sink);
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
    if (!graphs.count(name) && it != visible.end() && it->second.file != *c.entry &&
        !it->second.decl->is_primitive && !needs_arguments(*it->second.decl)) {
      if (auto g = elaborate(c.program, *c.entry, it->second.file, *it->second.decl, c.sink)) {
        graphs.emplace(name, std::move(*g));
      }
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

}  // namespace cvm
