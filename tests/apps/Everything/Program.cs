using Everything;

// Usage: Everything [--no-workloads] [--rounds N] [--prepare ASSEMBLY[:NamespacePrefix]]...
//   (default)           run every workload once and print deterministic results
//   --rounds N          run the workloads N times (the output is the same each round)
//   --no-workloads      skip the workloads (force-compile only)
//   --prepare SPEC      force-compile every method of ASSEMBLY (optionally only the types whose
//                       full name starts with NamespacePrefix) with RuntimeHelpers.PrepareMethod,
//                       after the workloads; prints the counts of prepared, skipped and failed
//                       methods, failures by exception type. "self" is this program's assembly.
//
// Exit codes: 0 fine; 1 a workload failed (its exception is printed); 2 bad arguments;
// 3 force-compiling raised InvalidProgramException or BadImageFormatException (a bad rewrite).
int rounds = 1;
bool workloads = true;
var prepare = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], out rounds) && rounds >= 0: i++; break;
        case "--no-workloads": workloads = false; break;
        case "--prepare" when i + 1 < args.Length: prepare.Add(args[++i]); break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'");
            Console.Error.WriteLine("usage: Everything [--no-workloads] [--rounds N] [--prepare ASSEMBLY[:NamespacePrefix]]...");
            return 2;
    }
}

int exitCode = 0;
if (workloads)
{
    for (int round = 0; round < rounds; round++)
    {
        foreach (var (name, run) in Workloads.All)
        {
            try
            {
                foreach (string line in run()) Console.WriteLine($"{name}: {line}");
            }
            catch (Exception e)
            {
                Console.WriteLine($"{name}: FAILED {e.GetType().FullName}: {e.Message}");
                Console.Error.WriteLine(e);
                exitCode = 1;
            }
        }
    }
}

if (prepare.Count > 0)
{
    var total = new ForceCompile.Counts();
    foreach (string spec in prepare)
    {
        ForceCompile.Counts counts = ForceCompile.Run(spec);
        Console.WriteLine($"prepare {spec}: {counts.Describe()}");
        total.Add(counts);
    }
    Console.WriteLine($"prepare total: {total.Describe()}");
    long bad = total.Failures("System.InvalidProgramException") + total.Failures("System.BadImageFormatException");
    Console.WriteLine($"prepare bad-il: InvalidProgramException={total.Failures("System.InvalidProgramException")} " +
                      $"BadImageFormatException={total.Failures("System.BadImageFormatException")}");
    if (bad > 0 && exitCode == 0) exitCode = 3;
}

Console.WriteLine($"done exit={exitCode}");
return exitCode;
