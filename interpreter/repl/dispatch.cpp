#include "interpreter/repl/dispatch.h"

#include <cmath>
#include <iostream>

#include "frontend/diagnostics/diagnostic.h"
#include "interpreter/plot/plots.h"
#include "interpreter/repl/command.h"
#include "interpreter/repl/command_error.h"
#include "interpreter/repl/command_table.h"
#include "interpreter/repl/session.h"
#include "interpreter/repl/views.h"
#include "interpreter/runtime/impulse.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/run_output.h"

namespace cvm::repl {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void require_extension(const std::string& path, const std::vector<std::string>& extensions, const std::string& command) {
  for (const auto& e : extensions) {
    if (ends_with(path, e)) return;
  }
  throw CommandError(command + " writes " + join_names(extensions) + " files; '" + path + "' has none of these extensions");
}

/// "model LNGain: 1 input, 1 output, 3 layers, 6 parameters".
std::string model_text(const Session& session) {
  if (!session.has_model()) {
    std::vector<std::string> names;
    for (const auto& m : session.models()) names.push_back(m.name);
    if (names.empty()) return "no models";
    return "models " + join_names(names) + "; choose one with :use MODEL";
  }
  const graph::ModelGraph& g = session.graph();
  auto count = [](size_t n, const std::string& what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); };
  return "model " + g.model + " (" + count(g.inputs.size(), "input") + ", " + count(g.outputs.size(), "output") + ", " +
         count(g.nodes.size(), "layer") + ", " + count(g.params.size(), "parameter") + ")";
}

void help(std::ostream& out, const Command& c) {
  if (c.args.empty()) {
    for (const auto& cmd : kCommands) {
      std::string usage = cmd.usage;
      if (usage.size() > 36) out << "  " << usage << "\n" << std::string(40, ' ') << cmd.summary << "\n";
      else out << "  " << usage << std::string(38 - usage.size(), ' ') << cmd.summary << "\n";
    }
    out << "A bare PATH (or p.PATH) describes a parameter; Tab completes commands, paths, units and files.\n";
    return;
  }
  std::string name = c.args[0];
  if (name == "=" || name == "set") name = "PATH = VALUE";
  if (name == "describe" || name == "PATH") name = ":describe";
  if (name[0] != ':' && name != "p" && name != "m" && name != "s" && name != "PATH = VALUE") name = ":" + name;
  std::vector<std::string> names;
  for (const auto& cmd : kCommands) {
    names.push_back(cmd.name);
    if (name == cmd.name) {
      out << cmd.usage << "\n" << cmd.details << "\n";
      return;
    }
  }
  std::string hint = did_you_mean(name, names);
  throw CommandError("no command '" + c.args[0] + "'" + (hint.empty() ? "" : "; " + hint));
}

void print_reload(std::ostream& out, const Session& session, const ReloadReport& r) {
  out << "reloaded " << session.file() << ": " << model_text(session) << "; state reset\n";
  for (const auto& k : r.kept) out << "  kept " << k << "\n";
  for (const auto& k : r.changed) out << "  changed in the file: " << k << "\n";
  for (const auto& k : r.dropped) out << "  dropped " << k << "\n";
  for (const auto& k : r.added) out << "  new " << k << "\n";
  for (const auto& k : r.removed) out << "  removed " << k << "\n";
}

void print_run(std::ostream& out, const Session& session, const RunResult& r) {
  const auto& in = r.input_shape;
  double seconds = std::round(r.seconds * 1000) / 1000;
  if (r.interrupted) out << "\n";  // after the terminal's ^C
  out << "model " << session.graph().model << ": ";
  if (r.interrupted) out << "interrupted (Ctrl-C) after " << r.frames_run << " of " << in[2];
  else out << r.frames_run;
  out << " frames of " << in[3] << "x" << in[4] << " in " << seconds << " s ("
      << static_cast<int64_t>(static_cast<double>(r.frames_run) / std::max(r.seconds, 1e-9)) << " frames/s)\n";
  for (size_t k = 0; k < r.names.size(); ++k) out << "  " << r.stats[k].line(r.names[k]) << "\n";
  if (r.state_reset) out << "  (the input's size differs from the last run's: the state started afresh)\n";
}

/// The last run's outputs, for :save and :plot.
const RunResult& last_run(const Session& session) {
  if (!session.last_run()) throw CommandError("no outputs yet: :run a stimulus first");
  return *session.last_run();
}

void save(std::ostream& out, const Session& session, const std::string& path) {
  require_extension(path, {".h5", ".hdf5"}, ":save");
  const RunResult& r = last_run(session);
  const graph::ModelGraph& g = session.graph();
  io::Hdf5OutputFile file = interp::create_run_output(path, g, 0);
  for (size_t k = 0; k < r.names.size(); ++k) {
    interp::add_output_stream(file, r.names[k], r.outputs[k], g.resolution);
    file.append(r.names[k], r.outputs[k].data_ptr<float>(), r.outputs[k].size(2));
  }
  file.commit();
  out << "wrote " << path << ":";
  for (size_t k = 0; k < r.names.size(); ++k) out << " /outputs/" << r.names[k] << " " << interp::shape_text(r.outputs[k].sizes());
  out << "\n";
}

void impulse(std::ostream& out, Session& session, const Command& c, const std::function<bool()>& stop) {
  if (!c.plot.empty()) require_extension(c.plot, {".png", ".svg"}, ":impulse plot");
  const graph::ModelGraph& g = session.graph();
  const auto& [t, x, y] = c.impulse_size;
  std::vector<at::Tensor> response;
  try {
    response = interp::impulse_response(session.plan(), {t, x, y}, c.impulse_at, c.chunk, stop);
  } catch (const interp::ImpulseInterrupted&) {
    out << "\ninterrupted (Ctrl-C); the state is as before\n";
    return;
  } catch (const std::invalid_argument& e) {
    throw CommandError(std::string(":impulse: ") + e.what());
  }
  out << "model " << g.model << ": impulse at frame " << c.impulse_at << ", pixel (" << x / 2 << ", " << y / 2 << ") of a "
      << t << "x" << x << "x" << y << " input\n";
  std::vector<plot::NamedSignal> signals;
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    at::Tensor o = response[k].to(at::kFloat).contiguous();
    out << "  " << g.outputs[k].name << " " << interp::shape_text(o.sizes()) << "  "
        << interp::impulse_peak_text(o, c.impulse_at, g.resolution) << "\n";
    signals.push_back({g.outputs[k].name, o, "1"});
  }
  if (!c.plot.empty()) {
    plot::plot_impulse(c.plot, signals, g.resolution, c.impulse_at);
    out << "wrote " << c.plot << "\n";
  }
}

void plot_outputs(std::ostream& out, const Session& session, const std::string& path) {
  require_extension(path, {".png", ".svg"}, ":plot");
  const RunResult& r = last_run(session);
  std::vector<plot::NamedSignal> signals;
  for (size_t k = 0; k < r.names.size(); ++k) signals.push_back({r.names[k], r.outputs[k], "1"});
  plot::plot_traces(path, signals, session.graph().resolution);
  out << "wrote " << path << "\n";
}

LineResult run_command(Session& session, const Command& c, const std::string& line, const LinePlace& place,
                       std::ostream& out, const std::function<bool()>& stop) {
  using Kind = Command::Kind;
  switch (c.kind) {
    case Kind::Empty: break;
    case Kind::Help: help(out, c); break;
    case Kind::Load: return load_file(session, c.args[0], c.args.size() > 1 ? c.args[1] : "", out);
    case Kind::Reload: {
      auto report = session.reload();
      if (!report) throw ReportedError();
      print_reload(out, session, *report);
      break;
    }
    case Kind::Models: {
      if (!session.has_file()) throw CommandError("no file is loaded: :load FILE first");
      for (const auto& m : session.models()) {
        bool current = session.has_model() && session.graph().model == m.name;
        out << (current ? "* " : "  ") << m.name << (m.runnable ? "" : "  (needs arguments: it cannot run on its own)")
            << "\n";
      }
      break;
    }
    case Kind::Use:
      if (!session.use(c.args[0])) throw ReportedError();
      out << "using " << model_text(session) << "\n";
      break;
    case Kind::View: show_view(out, session, c); break;
    case Kind::Set: {
      Compilation checked;
      if (!session.set(checked, line.substr(c.path_offset))) {
        render_in_line(std::cerr, checked, line, place);
        throw ReportedError();
      }
      out << param_line(session, static_cast<size_t>(session.graph().find_param(c.path))) << "\n";
      break;
    }
    case Kind::Run: {
      Compilation checked;
      const RunResult* r = session.run(checked, c.text, c.chunk, stop);
      if (!r) {
        render_in_line(std::cerr, checked, line, place);
        throw ReportedError();
      }
      print_run(out, session, *r);
      break;
    }
    case Kind::Save: save(out, session, c.args[0]); break;
    case Kind::Push:
      session.push_state();
      out << "state pushed (" << session.state_depth() << " on the stack)\n";
      break;
    case Kind::Pop:
      session.pop_state();
      out << "state popped (" << session.state_depth() << " on the stack)\n";
      break;
    case Kind::Reset:
      session.reset_state();
      out << "state reset\n";
      break;
    case Kind::Fit: throw CommandError("fits do not run in the REPL yet; run them with cvm fit FILE");
    case Kind::Export: {
      require_extension(c.args[0], {".h5", ".npz"}, ":export");
      const graph::ModelGraph& g = session.graph();
      interp::export_params(c.args[0], g, session.params());
      size_t n = 0;
      for (const auto& p : g.params) n += p.tied_to ? 0 : 1;
      out << "wrote " << c.args[0] << ": " << n << " parameters\n";
      break;
    }
    case Kind::Impulse: impulse(out, session, c, stop); break;
    case Kind::Plot: plot_outputs(out, session, c.args[0]); break;
    case Kind::Quit: return {kExitOk, true};
  }
  return {};
}

}  // namespace

std::string prompt(const Session& session) {
  return session.has_model() ? "cvm[" + session.graph().model + "]> " : "cvm> ";
}

LineResult load_file(Session& session, const std::string& file, const std::string& model, std::ostream& out) {
  if (!session.load(file, model)) return {kExitModelError, false};
  out << "loaded " << file << ": " << model_text(session) << "\n";
  return {};
}

LineResult execute_line(Session& session, const std::string& line, const LinePlace& place, std::ostream& out,
                        const std::function<bool()>& stop) {
  LineResult result;
  // Model and data errors are rendered with the current model's sources. Commands that
  // replace the model (:load, :use, :reload) print their own errors before replacing it.
  int code = interp::guarded(session.compilation(), [&] {
    try {
      result = run_command(session, parse_command(line), line, place, out, stop);
      return result.code;
    } catch (const CommandError& e) {
      std::cerr << "cvm: error: " << e.what() << "\n";
      return static_cast<int>(kExitModelError);
    } catch (const ReportedError&) {
      return static_cast<int>(kExitModelError);
    }
  });
  out.flush();
  return {code, result.quit};
}

}  // namespace cvm::repl
