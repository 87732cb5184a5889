using System.Reflection;
using LiveService;

// A long-running console service for the live-probe tests.
//
// Usage: LiveService [--workers N] [--paused] [--pace N] [--latelib PATH]
//   --workers N    worker threads (default 2)
//   --paused       start paused (workers wait for `resume` or `run N`)
//   --pace N       each worker sleeps 1 ms every N iterations (default 20; 0: never)
//   --latelib PATH LateLib.dll for `loadlate` (default: ../LateLib/LateLib.dll next to this program)
//
// Prints "ready pid=<pid> workers=<N>", then reads one command per line on stdin:
//   pause      workers finish their current iteration and park; prints
//              "paused iterations=N <method>=<calls> ... exceptions(<method>)=N LateLib.Plugin::Compute=N"
//              with the exact number of calls of each target method so far
//   resume     workers run freely again; prints "resumed"
//   run N      each worker runs exactly N more iterations, then parks; prints the "paused" line
//   counts     prints "counts ..." like "paused ..." without stopping anything (not exact)
//   loadlate   loads LateLib.dll (Assembly.LoadFrom); from then on every iteration also calls
//              LateLib.Plugin::Compute 4 times; prints "loaded LateLib"
//   stop       (or end of input) stops the workers, prints the final results, exits 0
// Errors are reported as "error <text>" lines; the service keeps running.
int workerCount = 2;
bool startPaused = false;
int pace = 20;
string latePath = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "LateLib", "LateLib.dll"));
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--workers" when i + 1 < args.Length: workerCount = int.Parse(args[++i]); break;
        case "--paused": startPaused = true; break;
        case "--pace" when i + 1 < args.Length: pace = int.Parse(args[++i]); break;
        case "--latelib" when i + 1 < args.Length: latePath = Path.GetFullPath(args[++i]); break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'");
            Console.Error.WriteLine("usage: LiveService [--workers N] [--paused] [--pace N] [--latelib PATH]");
            return 2;
    }
}

var control = new Control(workerCount, startPaused);
var threads = Enumerable.Range(0, workerCount)
    .Select(i => new Thread(new Worker(i, control, pace).Run) { Name = $"worker-{i}", IsBackground = true })
    .ToArray();
foreach (Thread t in threads) t.Start();
Console.WriteLine($"ready pid={Environment.ProcessId} workers={workerCount}");

string? line;
while ((line = Console.ReadLine()) is not null)
{
    string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    if (words.Length == 0) continue;
    if (words[0] == "stop") break;
    try
    {
        Console.WriteLine(Execute(words));
    }
    catch (Exception e)
    {
        Console.WriteLine($"error {words[0]}: {e.GetType().Name}: {e.Message}");
    }
}

control.Stop();
foreach (Thread t in threads) t.Join();
foreach (string result in Tally.FinalLines()) Console.WriteLine(result);
Console.WriteLine("stopped");
return 0;

string Execute(string[] words)
{
    switch (words[0])
    {
        case "pause":
            control.Pause();
            return "paused " + Tally.Describe();
        case "resume":
            control.Resume();
            return "resumed";
        case "run" when words.Length == 2 && long.TryParse(words[1], out long n) && n >= 0:
            control.RunIterations(n);
            return "paused " + Tally.Describe();
        case "counts":
            return "counts " + Tally.Describe();
        case "loadlate":
            return LoadLate();
        default:
            return $"error unknown command '{string.Join(' ', words)}' (pause, resume, run N, counts, loadlate, stop)";
    }
}

string LoadLate()
{
    if (Volatile.Read(ref Worker.LateCompute) is not null) return "loaded LateLib (already)";
    if (!File.Exists(latePath)) return $"error LateLib.dll not found at {latePath}";
    Assembly asm = Assembly.LoadFrom(latePath);
    Type type = asm.GetType("LateLib.Plugin", throwOnError: true)!;
    object plugin = Activator.CreateInstance(type)!;
    var compute = type.GetMethod("Compute")!.CreateDelegate<Func<int, int>>(plugin);
    Volatile.Write(ref Worker.LateCompute, compute);
    return "loaded LateLib";
}
