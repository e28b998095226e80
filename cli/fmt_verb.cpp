// `cvm fmt`: prints .cvm files in the canonical layout (frontend/syntax/format.h), rewrites
// the ones that change with -w, or with --check prints a diff for each file that is not
// formatted and fails. Runs the frontend only, in this process.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <unistd.h>

#include "cli/line_diff.h"
#include "cli/verb_support.h"
#include "cli/verbs.h"
#include "frontend/diagnostics/render.h"
#include "frontend/syntax/format.h"

namespace cvm {
namespace {

namespace fs = std::filesystem;

const char* kStdin = "-";

/// FILE read into `sources` (standard input for "-"), or nullopt after reporting why not.
std::optional<FileId> read_source(SourceManager& sources, const std::string& file, DiagnosticSink& sink) {
  if (file == kStdin) {
    std::string text(std::istreambuf_iterator<char>(std::cin), {});
    return sources.add("<stdin>", "<stdin>", std::move(text));
  }
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    sink.error("E0001", {}, "'" + file + "' is a directory, not a .cvm file");
    return std::nullopt;
  }
  auto id = sources.load(file, file);
  if (!id) {
    sink.error("E0001", {}, "cannot read '" + file + "': " +
                                (fs::exists(file, ec) ? "permission denied" : "no such file"));
  }
  return id;
}

/// Replaces `path` (the file a symbolic link points to) by `text`: written to a temporary
/// file in the same folder, which takes the old file's permissions and is then renamed over
/// it. Returns "" or the reason it failed.
std::string rewrite(const std::string& path, const std::string& text) {
  std::error_code ec;
  fs::path target = fs::is_symlink(path, ec) ? fs::canonical(path, ec) : fs::path(path);
  if (ec) return ec.message();
  fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string name = (folder / ("." + target.filename().string() + ".fmt-XXXXXX")).string();
  int fd = mkstemp(name.data());
  if (fd < 0) return std::strerror(errno);
  FILE* out = fdopen(fd, "wb");
  bool written = out && std::fwrite(text.data(), 1, text.size(), out) == text.size();
  std::string reason = written ? "" : std::strerror(errno);
  if (out ? std::fclose(out) != 0 : close(fd) != 0) {
    if (reason.empty()) reason = std::strerror(errno);
  }
  fs::perms mode = fs::status(target, ec).permissions();
  if (reason.empty() && !ec) fs::permissions(name, mode, ec);
  if (reason.empty() && !ec) fs::rename(name, target, ec);
  if (reason.empty() && ec) reason = ec.message();
  if (!reason.empty()) fs::remove(name, ec);
  return reason;
}

}  // namespace

int cmd_fmt(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("check", "print a diff for each file that is not formatted and exit 1; write nothing")
      ("write,w", "rewrite the files that are not formatted (nothing is printed)");
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::Files, vm,
             "usage: cvm fmt FILE... [--check] [-w]\n\n"
             "Lays out .cvm files in the one canonical layout (docs/formatting.md):\n"
             "indentation, spacing, aligned parameter columns, blank lines. Comments are\n"
             "kept and line breaks stay where they are. Prints each formatted FILE to\n"
             "stdout (FILE '-' reads standard input). A file that does not parse is left\n"
             "alone: its errors go to stderr and the exit code is 1."))
    return kExitOk;
  if (!vm.count("files")) throw UsageError("cvm fmt needs at least one FILE");
  bool check = vm.count("check") > 0;
  bool write = vm.count("write") > 0;
  if (check && write) throw UsageError("--check and -w do not go together");
  const auto& files = vm["files"].as<std::vector<std::string>>();
  if (write) {
    for (const auto& f : files) {
      if (f == kStdin) throw UsageError("-w cannot rewrite standard input");
    }
  }

  bool ok = true;
  size_t unformatted = 0;
  for (const auto& file : files) {
    SourceManager sources;
    DiagnosticSink sink;
    std::optional<FileId> id = read_source(sources, file, sink);
    std::optional<std::string> formatted;
    if (id) formatted = format_file(sources, *id, sink);
    render_all(std::cerr, sources, sink);
    if (!formatted) {
      ok = false;
      continue;
    }
    const SourceFile& source = sources.file(*id);
    const std::string& original = source.text;
    if (check) {
      if (*formatted != original) {
        std::cout << unified_diff(original, *formatted, source.name, source.name + " (formatted)");
        ++unformatted;
      }
    } else if (write) {
      if (*formatted == original) continue;
      std::string failure = rewrite(file, *formatted);
      if (!failure.empty()) {
        std::cerr << "cvm fmt: cannot write '" << file << "': " << failure << "\n";
        ok = false;
      }
    } else {
      std::cout << *formatted;
    }
  }
  if (unformatted > 0) {
    std::cerr << "cvm fmt: " << unformatted << (unformatted == 1 ? " file is" : " files are")
              << " not formatted (cvm fmt -w FILE... formats them)\n";
  }
  return ok && unformatted == 0 ? kExitOk : kExitModelError;
}

}  // namespace cvm
