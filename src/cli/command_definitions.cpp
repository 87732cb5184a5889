#include "cli/command_definitions.h"

#include <string>

#include "common/agent_clsid.h"

#ifndef CLRPROBE_VERSION
#define CLRPROBE_VERSION "0.0.0"
#endif

namespace clrprobe::cli {
namespace {

std::string run_footer() {
  return std::string(R"(
COMMAND is searched in PATH and runs with this process's environment plus:
  CORECLR_ENABLE_PROFILING=1
  CORECLR_PROFILER=)") +
         clrprobe::kAgentClsid + R"(
  CORECLR_PROFILER_PATH, CORECLR_PROFILER_PATH_64=<absolute path of the agent>
  CLRPROBE_PROBES=<the selectors, joined by ';'>
  CLRPROBE_REPORT=<absolute path>   (with --report or --table)
  CLRPROBE_LOG=<absolute path>      (with --log)
The agent is --agent PATH, else $CLRPROBE_AGENT, else <dir of clrprobe>/../lib/libclrprobe.so.
SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to clrprobe are passed on to COMMAND.

Exit status: COMMAND's (128+N if it was killed by signal N); 2 if an argument or
selector is invalid or the agent cannot be found (COMMAND is then not run);
126/127 if COMMAND cannot be executed / is not found.

Examples:
  clrprobe run --probe 'MyApp.Orders.*::Get*' -- dotnet MyApp.dll
  clrprobe run --probe 'MyApp!MyApp.Store::Save(MyApp.Order,bool)' --report r.json --table -- ./MyApp
  clrprobe run --probe 're:^MyApp!.*Async\(' --log agent.log -- dotnet test)";
}

constexpr const char* kReportFooter = R"(
The report is the JSON file the agent writes when the program exits (clrprobe run
--report FILE). Latencies are per call, shown with units (ns, µs, ms, s).)";

constexpr const char* kPsFooter = R"(
Lists the .NET processes of the current user (every user's when run as root):
  loaded     the agent runs in it (probes: those not removed, from <pid>.probes.json)
  no agent   a .NET process without the agent (libcoreclr.so mapped, or a
             dotnet-diagnostic socket): 'clrprobe attach -p PID' loads one
Only reads: the figures exited processes left in the runtime directory
($CLRPROBE_RUNTIME_DIR, else /dev/shm/clrprobe-<uid> and /tmp/clrprobe-<uid>;
as root every clrprobe-<uid> directory there)
stay readable with 'clrprobe stats -p PID' until 'clrprobe clean' removes them
after the retention period; ps says how many there are.

Examples:
  clrprobe ps
  clrprobe ps --json | jq '.processes[] | select(.agent == "loaded") | .pid')";

constexpr const char* kCleanFooter = R"(
Removes the files of exited processes from the runtime directories ('clrprobe ps'
lists which): their stats region and probes file once their newest file is
older than the retention (--older-than, else $CLRPROBE_RETENTION, else 24h);
never anything of a running process, never anything younger. Sockets and
interrupted writes of exited processes hold no figures and go at once.
Durations: a number with s, m, h or d (90s, 30m, 12h, 7d); 0 removes every
exited process's files. 'clrprobe export' cleans the same way as it runs.

Examples:
  clrprobe clean
  clrprobe clean --older-than 1h --dry-run)";

constexpr const char* kAddFooter = R"(
The selector is checked before anything is sent (exit 2 if it is malformed).
The agent instruments the matching methods at once (ReJIT); a selector naming an
assembly that is not loaded yet becomes a pending probe, applied when it loads.
More matches than --max-methods (default 100) fail without changing anything.
--kind count counts calls only (no clock, no exceptions); --kind sampled counts
calls and exceptions exactly and times one call in --sample N (default 64) per
thread. A kind may also end the selector: 'MyApp.*::Get* kind=count'.
Budgets, enforced by the agent itself: --ttl D removes the probe after D
(state expired); --max-overhead PCT suspends it when calls/s x per-call cost
exceeds PCT % of one core (state suspended; add it again to re-enable). Also
as words: 'MyApp.*::Get* ttl=5m max_overhead=1'.

Examples:
  clrprobe add -p 4242 'MyApp.Orders.*::Get*'
  clrprobe add -p 4242 'MyApp!MyApp.Store::Save(MyApp.Order,bool)'
  clrprobe add -p 4242 'MyApp.*::*' --dry-run --max-methods 500
  clrprobe add -p 4242 'MyApp.Orders.*::*' --kind sampled --sample 100
  clrprobe add -p 4242 'MyApp.Orders.*::*' --ttl 10m --max-overhead 1)";

constexpr const char* kListFooter = R"(
Asks the agent for its probes: id, state (active, pending, removed, expired:
removed by its --ttl, suspended: over its --max-overhead), the methods each one
instruments and those it refused, and its budgets.

Examples:
  clrprobe list -p 4242
  clrprobe list -p 4242 --json)";

constexpr const char* kRemoveFooter = R"(
Disarms the methods no other probe uses: their instrumented code stays, its hooks
switched off (no call); adding a probe of the same kind again re-arms them with
no ReJIT. --revert gives them their original code back instead (also for the
disarmed methods of a probe removed before). A removed probe stays listed
(state removed) with its final figures.

Examples:
  clrprobe remove -p 4242 3
  clrprobe remove -p 4242 --all
  clrprobe remove -p 4242 3 --revert)";

constexpr const char* kStatsFooter = R"(
Reads <pid>.probes.json and the stats region <pid>.stats from the runtime
directory, without talking to the agent: works while the process runs and after
it exited (until 'clrprobe clean' removes the files, 24 h later by default).
Per probe: calls, exceptions, cancelled tasks and latency percentiles of the
calls since it was added, and the calls in flight now (removed probes keep
their final figures). --json prints the schema of the report 'clrprobe run
--report' writes. --by-method: one row per method of every probe (calls,
exceptions, p50/p99/max, TOTAL time in completed calls from the latency
histogram, within 6.25%), sorted by --sort (total, calls or p99), --top N rows.

Examples:
  clrprobe stats -p 4242
  clrprobe stats -p 4242 --json | jq '.probes[] | {selector, calls}'
  clrprobe stats -n Orders --by-method --sort p99 --top 5)";

constexpr const char* kMonitorFooter = R"(
Redraws a table every interval (in place on a terminal, one block per interval
otherwise): calls per second over the interval, total calls, exceptions and
cancelled tasks, calls in flight now, and p50/p90/p99/max latency of the calls
completed during the interval (--cumulative: since the probe was added). Ends
on Ctrl-C, or when the process exits (then it prints the final figures); both
exit 0. --by-method: one row per method, as 'clrprobe stats --by-method', with
calls/s. --json: one JSON object per refresh on one line (NDJSON: time_unix_ns,
pid, running, interval_seconds, probes[], and methods[] with --by-method); the
last one has running false when the process exited.

Examples:
  clrprobe monitor -p 4242
  clrprobe monitor -p 4242 --interval 5 --cumulative
  clrprobe monitor -p 4242 --count 10 > figures.txt
  clrprobe monitor -n Orders --by-method --sort p99 --top 10
  clrprobe monitor -p 4242 --json --count 5 | jq '.probes[].calls_per_second')";

void add_per_method_options(CLI::App* cmd, PerMethodOptions& options) {
  cmd->add_flag("--by-method", options.by_method, "One row per method instead of per probe");
  cmd->add_option("--sort", options.sort, "With --by-method: order rows by calls, p99 or total time (default: total)")
      ->type_name("KEY")
      ->check(CLI::IsMember({"calls", "p99", "total"}));
  cmd->add_option("--top", options.top, "With --by-method: show the first N rows")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
}

// --ttl / --max-overhead (selector/budget.h) on add, run and watch.
void add_budget_options(CLI::App* cmd, BudgetOptions& budget, const char* overhead_default) {
  cmd->add_option("--ttl", budget.ttl,
                  "Remove the probe after D (ms, s, m, h; e.g. 30s, 5m): the agent enforces it on its own")
      ->type_name("D");
  cmd->add_option(
         "--max-overhead", budget.max_overhead,
         std::string("Suspend the probe when its estimated cost exceeds PCT % of one core (") + overhead_default + ")")
      ->type_name("PCT");
}

// --max-methods on add and watch: the agent refuses a selector matching more.
template <typename Value>
void add_max_methods_option(CLI::App* cmd, Value& max_methods) {
  cmd->add_option("--max-methods", max_methods, "Refuse if more methods match (agent default: 100)")
      ->type_name("N")
      ->check(CLI::Range(1, 1'000'000));
}

void define_run(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  RunOptions& run = line.run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a .NET program with probes attached from its start");
  formatter.set_usage(run_cmd, "clrprobe run [OPTIONS] -- COMMAND [ARGS...]");
  run_cmd->add_option("--probe", run.probes, "Method selector to probe (repeatable; ';' separates several)")
      ->type_name("SELECTOR")
      ->allow_extra_args(false);
  // Before issue 13, `run -p` was --probe; -p is the process id everywhere now.
  run_cmd->add_option("-p", line.run_old_p)->group("")->allow_extra_args(false);
  run_cmd
      ->add_option("--kind", run.kind,
                   "How the probes measure: full (default), count (calls only) or sampled (latency of 1 call in N)")
      ->type_name("KIND");
  run_cmd->add_option("--sample", run.sample, "With --kind sampled: time one call in N per thread (default: 64)")
      ->type_name("N");
  add_budget_options(run_cmd, run.budget, "default: unbounded; for --probe selectors without their own");
  run_cmd->add_option("-r,--report", run.report_path, "Write the JSON report to FILE when the program exits")
      ->type_name("FILE");
  run_cmd->add_flag("-t,--table", run.table, "Print the report as a table on stderr when the program exits");
  run_cmd->add_flag("--all-methods", run.all_methods, "With --table: list every matched method (default: first 20)");
  run_cmd->add_option("-l,--log", run.log_path, "Agent log file")->type_name("FILE");
  run_cmd
      ->add_option("--probes-file", run.probes_file,
                   "Probes file (one selector per line, '#' comments): applied at start, edits apply live")
      ->type_name("FILE");
  run_cmd->add_option("--agent", run.agent_path, "Path of libclrprobe.so")->type_name("PATH");
  run_cmd->add_option("COMMAND", run.command, "The program to run and its arguments (after --)")->type_name("");
  run_cmd->footer(run_footer());
  line.run_cmd = run_cmd;
}

void define_report(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  ReportOptions& report = line.report;
  CLI::App* report_cmd = app.add_subcommand("report", "Print a report written by clrprobe run --report");
  formatter.set_usage(report_cmd, "clrprobe report [OPTIONS] FILE");
  report_cmd->add_option("FILE", report.path, "Report file (JSON)")->required()->type_name("");
  report_cmd->add_flag("--json", report.json, "Print the JSON itself (pretty-printed)");
  report_cmd->add_flag("--all-methods", report.all_methods, "List every matched method (default: first 20 per probe)");
  report_cmd->footer(kReportFooter);
  line.report_cmd = report_cmd;
}

void define_ps(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  CLI::App* ps_cmd = app.add_subcommand("ps", "List .NET processes and whether they run the agent");
  formatter.set_usage(ps_cmd, "clrprobe ps [--json]");
  ps_cmd->add_flag("--json", line.ps.json, "Print JSON");
  ps_cmd->footer(kPsFooter);
  line.ps_cmd = ps_cmd;
}

void define_add(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  AddOptions& add = line.add;
  CLI::App* add_cmd = app.add_subcommand("add", "Add a probe to a running process");
  const char* add_usage =
      "clrprobe add (-p PID | -n NAME) SELECTOR [--kind count|sampled|full] [--sample N] [--dry-run] "
      "[--ttl D] [--max-overhead PCT] [--max-methods N] [--json]";
  formatter.set_usage(add_cmd, add_usage);
  add_target_options(add_cmd, line.add_target, add_usage);
  // Checked after -p (resolve_target): `add -p X::Y` is a missing pid, not a missing selector.
  add_cmd->add_option("SELECTOR", add.selector, "Methods to probe (see 'clrprobe --help')")->type_name("");
  add_cmd->add_flag("--dry-run", add.dry_run, "Show what would be probed; change nothing");
  add_cmd
      ->add_option("--kind", add.kind,
                   "How the probe measures: full (default), count (calls only) or sampled (latency of 1 call in N)")
      ->type_name("KIND");
  add_cmd->add_option("--sample", add.sample, "With --kind sampled: time one call in N per thread (default: 64)")
      ->type_name("N");
  add_budget_options(add_cmd, add.budget, "default: unbounded");
  add_max_methods_option(add_cmd, add.max_methods);
  add_cmd->add_flag("--json", add.json, "Print the agent's reply as JSON");
  add_cmd->footer(kAddFooter);
  line.add_cmd = add_cmd;
}

void define_watch(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  WatchCommandOptions& watch = line.watch;
  CLI::App* watch_cmd = app.add_subcommand("watch", "Print arguments, return values and exceptions of live calls");
  const char* watch_usage =
      "clrprobe watch (-p PID | -n NAME) SELECTOR [--args] [--return] [--exception] [--when EXPR] [--count N] "
      "[--duration D] [--rate N/s] [--ttl D] [--max-overhead PCT] [--json]";
  formatter.set_usage(watch_cmd, watch_usage);
  add_target_options(watch_cmd, line.watch_target, watch_usage);
  watch_cmd->add_option("SELECTOR", watch.selector, "Methods to watch (see 'clrprobe --help')")->type_name("");
  watch_cmd->add_flag("--args", watch.args, "Capture the arguments (values at entry; ref/out at exit)");
  watch_cmd->add_flag("--return", watch.return_value, "Capture the return value");
  watch_cmd->add_flag("--exception", watch.exception, "Report an escaping exception (always on)");
  watch_cmd->add_flag("--stack", watch.stack, "The managed callers of each event (up to 32, innermost first)");
  watch_cmd->add_option("--when", watch.when, "Only calls where EXPR holds (latency, argN, names, return, exception)")
      ->type_name("EXPR");
  watch_cmd->add_option("--count", watch.count, "Stop after N events (default 10)")->type_name("N");
  watch_cmd->add_option("--duration", watch.duration, "Stop after D (default 60s; ms, s, m, h)")->type_name("D");
  watch_cmd->add_option("--rate", watch.rate, "At most N events per second (default 50)")->type_name("N/s");
  add_budget_options(watch_cmd, watch.budget, "default: 2");
  add_max_methods_option(watch_cmd, watch.max_methods);
  watch_cmd->add_flag("--json", watch.json, "One JSON object per event and line");
  line.watch_cmd = watch_cmd;
}

void define_list(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  ListOptions& list = line.list;
  CLI::App* list_cmd = app.add_subcommand("list", "List the probes of a running process");
  const char* list_usage = "clrprobe list (-p PID | -n NAME) [--json] [--all-methods]";
  formatter.set_usage(list_cmd, list_usage);
  add_target_options(list_cmd, line.list_target, list_usage);
  list_cmd->add_flag("--json", list.json, "Print the agent's reply as JSON");
  list_cmd->add_flag("--all-methods", list.all_methods, "List every method (default: first 20 per probe)");
  list_cmd->footer(kListFooter);
  line.list_cmd = list_cmd;
}

void define_remove(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  RemoveOptions& remove = line.remove;
  CLI::App* remove_cmd = app.add_subcommand("remove", "Remove one probe, or all, from a running process");
  const char* remove_usage = "clrprobe remove (-p PID | -n NAME) (ID | --all) [--revert] [--json]";
  formatter.set_usage(remove_cmd, remove_usage);
  add_target_options(remove_cmd, line.remove_target, remove_usage);
  CLI::Option* remove_id = remove_cmd->add_option("ID", remove.id, "Probe id (see 'clrprobe list')")
                               ->type_name("")
                               ->check(CLI::PositiveNumber);
  CLI::Option* remove_all = remove_cmd->add_flag("--all", remove.all, "Remove every probe");
  remove_all->excludes(remove_id);
  remove_cmd->add_flag("--revert", remove.revert,
                       "Give the methods their original code back (ReJIT) instead of disarming them");
  remove_cmd->add_flag("--json", remove.json, "Print the agent's reply as JSON");
  remove_cmd->footer(kRemoveFooter);
  line.remove_cmd = remove_cmd;
}

void define_stats(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  StatsOptions& stats = line.stats;
  CLI::App* stats_cmd = app.add_subcommand("stats", "Print the figures of a process's probes (running or exited)");
  const char* stats_usage =
      "clrprobe stats (-p PID | -n NAME) [--json] [--all-methods] [--by-method [--sort KEY] [--top N]]";
  formatter.set_usage(stats_cmd, stats_usage);
  add_target_options(stats_cmd, line.stats_target, stats_usage);
  add_per_method_options(stats_cmd, stats.per_method);
  stats_cmd->add_flag("--json", stats.json, "Print JSON (the schema of the run report)");
  stats_cmd->add_flag("--all-methods", stats.all_methods, "List every method (default: first 20 per probe)");
  stats_cmd->footer(kStatsFooter);
  line.stats_cmd = stats_cmd;
}

void define_monitor(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  MonitorOptions& monitor = line.monitor;
  CLI::App* monitor_cmd = app.add_subcommand("monitor", "Show the probes' figures live, refreshed every second");
  const char* monitor_usage =
      "clrprobe monitor (-p PID | -n NAME) [--interval SECONDS] [--cumulative] [--count N] [--json] "
      "[--by-method [--sort KEY] [--top N]]";
  formatter.set_usage(monitor_cmd, monitor_usage);
  add_target_options(monitor_cmd, line.monitor_target, monitor_usage);
  add_per_method_options(monitor_cmd, monitor.per_method);
  monitor_cmd->add_flag("--json", monitor.json, "Print one JSON object per refresh (NDJSON)");
  monitor_cmd->add_option("-i,--interval", monitor.interval_seconds, "Seconds between refreshes (default: 1)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.1, 3600.0));
  monitor_cmd->add_flag("--cumulative", monitor.cumulative,
                        "Latencies of every call since the probe was added, not of the last interval");
  monitor_cmd->add_option("--count", monitor.count, "Stop after N refreshes")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  monitor_cmd->footer(kMonitorFooter);
  line.monitor_cmd = monitor_cmd;
}

void define_attach(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  CLI::App* attach_cmd = add_attach_subcommand(app, line.attach);
  const char* attach_usage =
      "clrprobe attach (-p PID | -n NAME) [--agent PATH] [--timeout SECONDS] [--log FILE] [--json]";
  formatter.set_usage(attach_cmd, attach_usage);
  add_target_options(attach_cmd, line.attach_target, attach_usage);
  line.attach_cmd = attach_cmd;
}

void define_clean(CLI::App& app, UsageFormatter& formatter, CommandLine& line) {
  CleanOptions& clean = line.clean;
  CLI::App* clean_cmd =
      app.add_subcommand("clean", "Remove the figures of processes that exited longer ago than the retention");
  formatter.set_usage(clean_cmd, "clrprobe clean [--older-than DURATION] [--dry-run] [--json]");
  clean_cmd
      ->add_option("--older-than", clean.older_than,
                   "Retention: keep what is younger (e.g. 30m, 12h, 7d; default: $CLRPROBE_RETENTION, else 24h)")
      ->type_name("DURATION");
  clean_cmd->add_flag("--dry-run", clean.dry_run, "Say what would be removed; remove nothing");
  clean_cmd->add_flag("--json", clean.json, "Print JSON");
  clean_cmd->footer(kCleanFooter);
  line.clean_cmd = clean_cmd;
}

void define_export(CLI::App& app, UsageFormatter& /*formatter*/, CommandLine& line) {
  line.export_options.version = CLRPROBE_VERSION;
  line.export_cmd = add_export_subcommand(app, line.export_options);
}

struct CommandDefinition {
  std::string_view name;
  void (*define)(CLI::App& app, UsageFormatter& formatter, CommandLine& line);
};

// In the order --help lists them.
constexpr CommandDefinition kCommands[] = {
    {"run", define_run},         {"report", define_report}, {"ps", define_ps},         {"add", define_add},
    {"watch", define_watch},     {"list", define_list},     {"remove", define_remove}, {"stats", define_stats},
    {"monitor", define_monitor}, {"attach", define_attach}, {"clean", define_clean},   {"export", define_export},
};

}  // namespace

void define_commands(CLI::App& app, UsageFormatter& formatter, CommandLine& line, std::string_view first_argument) {
  for (const CommandDefinition& command : kCommands) {
    if (command.name == first_argument) {
      command.define(app, formatter, line);
      return;
    }
  }
  for (const CommandDefinition& command : kCommands) command.define(app, formatter, line);
}

}  // namespace clrprobe::cli
