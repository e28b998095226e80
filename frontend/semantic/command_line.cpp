#include "frontend/semantic/command_line.h"

#include "frontend/semantic/builtins.h"
#include "frontend/semantic/evaluate.h"
#include "frontend/syntax/parse.h"

namespace cvm {

std::string setting_path(const std::string& spec) {
  std::string path = spec.substr(0, spec.find('='));
  while (!path.empty() && path.back() == ' ') path.pop_back();
  while (!path.empty() && path.front() == ' ') path.erase(0, 1);
  return path;
}

bool apply_setting(Compilation& c, graph::ModelGraph& g, const std::string& spec) {
  FileId id = c.sources.add("<--set>", "<--set>", spec);
  size_t eq = spec.find('=');
  if (eq == std::string::npos) {
    c.sink.error("E0801", {id, 0, static_cast<uint32_t>(spec.size())}, "--set needs PATH=VALUE")
        .help = "for example --set 'nl.scale=2' or --set 'lowpass.tau=20 ms'";
    return false;
  }
  std::string path = setting_path(spec);
  SourceRange path_range{id, 0, static_cast<uint32_t>(eq)};
  int index = g.find_param(path);
  if (index < 0) {
    std::vector<std::string> names;
    for (const auto& p : g.params) names.push_back(p.path);
    auto& d = c.sink.error("E0306", path_range, "model '" + g.model + "' has no parameter '" + path + "'");
    d.help = did_you_mean(path, names);
    return false;
  }
  graph::Parameter& p = g.params[static_cast<size_t>(index)];
  if (p.tied_to) {
    c.sink.error("E0310", path_range, "'" + path + "' takes its value from '" + *p.tied_to + "'")
        .help = "set '" + *p.tied_to + "' instead";
    return false;
  }
  // Parse the value as its own pseudo file so positions are right.
  std::string value_text = spec.substr(eq + 1);
  FileId vid = c.sources.add("<--set " + path + ">", "<--set>", value_text);
  auto expr = parse_expression(c.sources, vid, c.sink);
  if (!expr) return false;
  Scope scope;
  scope.resolution = g.resolution;
  auto v = evaluate(*expr, scope, c.sink);
  if (!v) return false;
  ast::TypeRef t;
  t.name.name = p.type;
  if (!check_type(*v, t, scope, expr->range, "'" + path + "'", c.sink)) return false;
  if (p.lower && v->kind == graph::ValueKind::Number && (v->number < *p.lower || v->number > *p.upper)) {
    c.sink.error("E0601", expr->range, "'" + path + "' must lie in [" + graph::to_string(graph::Value::make_number(*p.lower, p.dim)) +
                                           ", " + graph::to_string(graph::Value::make_number(*p.upper, p.dim)) + "]");
    return false;
  }
  p.value = *v;
  for (auto& q : g.params) {
    if (q.tied_to && *q.tied_to == path) q.value = *v;
  }
  return true;
}

std::optional<graph::Value> evaluate_stimulus(Compilation& c, const Resolution& r, const std::string& text) {
  FileId id = c.sources.add("<--stimulus>", "<--stimulus>", text);
  auto expr = parse_expression(c.sources, id, c.sink);
  if (!expr) return std::nullopt;
  if (expr->kind != ast::ExprKind::Call) {
    c.sink.error("E0801", expr->range, "a stimulus is a call such as 'moving_grating(t = 2000, x = 50, y = 50)'");
    return std::nullopt;
  }
  const Builtin* b = find_builtin(expr->path.str());
  if (!b || b->kind != BuiltinKind::Stimulus) {
    auto& d = c.sink.error("E0305", expr->path.range, "unknown stimulus '" + expr->path.str() + "'");
    d.help = did_you_mean(expr->path.str(), builtin_names(BuiltinKind::Stimulus));
    if (d.help.empty()) d.help = "stimuli: " + join_names(builtin_names(BuiltinKind::Stimulus));
    return std::nullopt;
  }
  Scope scope;
  scope.resolution = r;
  return evaluate(*expr, scope, c.sink);
}

}  // namespace cvm
