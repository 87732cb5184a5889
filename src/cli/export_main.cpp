// clrprobe-export: the `clrprobe export` command in its own executable (see
// export_launcher.h). `clrprobe export ARGS` runs `clrprobe-export export
// ARGS`; the same parser (export_cli.h) reads them, so messages and --help
// are those of `clrprobe export`.
#include <CLI/CLI.hpp>

#include "cli/exit_codes.h"
#include "cli/export_cli.h"

#ifndef CLRPROBE_VERSION
#define CLRPROBE_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace clrprobe::cli;
  CLI::App app{"clrprobe-export: the 'clrprobe export' command (run it as 'clrprobe export')."};
  app.name("clrprobe");
  app.require_subcommand(1);
  ExportOptions options;
  options.version = CLRPROBE_VERSION;
  add_export_subcommand(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return export_command(options);
}
