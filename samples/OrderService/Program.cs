using OrderService;
using OrderService.Orders;
using OrderService.Pricing;

// Usage: OrderService [SECONDS] [--iterations N] [--seed S] [--workers W] [--verbose]
//   SECONDS (default 30): run for that long, printing a summary line every second.
//   --iterations N: instead, each worker processes exactly N orders (deterministic output).
int seconds = 30;
long? iterations = null;
int seed = 42;
int workerCount = 2;
bool verbose = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--iterations": iterations = long.Parse(args[++i]); break;
        case "--seed": seed = int.Parse(args[++i]); break;
        case "--workers": workerCount = int.Parse(args[++i]); break;
        case "--verbose": verbose = true; break;
        default:
            if (!int.TryParse(args[i], out seconds))
            {
                Console.Error.WriteLine($"unknown argument '{args[i]}'");
                Console.Error.WriteLine("usage: OrderService [SECONDS] [--iterations N] [--seed S] [--workers W] [--verbose]");
                return 2;
            }
            break;
    }
}

var store = new Store();
var calculator = new Calculator();
var workers = Enumerable.Range(0, workerCount)
    .Select(i => new Worker(i, seed, store, calculator, verbose))
    .ToArray();
if (iterations is null)
{
    Console.WriteLine($"OrderService pid {Environment.ProcessId}: {workerCount} workers for {seconds} s (seed {seed})");
}
else
{
    Console.WriteLine($"OrderService: {workerCount} workers x {iterations} orders (seed {seed})");
}

DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
using var finished = new CountdownEvent(workerCount);
var threads = workers.Select((w, i) => new Thread(() =>
{
    w.Run(iterations, deadline);
    finished.Signal();
}) { Name = $"worker-{i}" }).ToArray();
foreach (Thread t in threads) t.Start();

int tick = 0;
while (!finished.Wait(TimeSpan.FromSeconds(1)))
{
    if (iterations is not null) continue; // deterministic mode: final summary only
    tick++;
    Console.WriteLine($"[{tick,3}s] processed {Sum(s => Interlocked.Read(ref s.Processed))} saved {Sum(s => Interlocked.Read(ref s.Saved))} rejected {Sum(s => Interlocked.Read(ref s.Rejected))}");
}
foreach (Thread t in threads) t.Join();

long processed = Sum(s => Interlocked.Read(ref s.Processed));
long saved = Sum(s => Interlocked.Read(ref s.Saved));
long rejected = Sum(s => Interlocked.Read(ref s.Rejected));
decimal revenue = workers.Sum(w => w.Stats.Revenue);
Console.WriteLine($"final: processed {processed} saved {saved} rejected {rejected} revenue {revenue:F2} stored {store.Count}");
// What a probe on each method should count (one GetById and one Price per order).
Console.WriteLine($"calls OrderService.Orders.Store::GetById {processed}");
Console.WriteLine($"calls OrderService.Orders.Store::Save {saved}");
Console.WriteLine($"calls OrderService.Pricing.Calculator::Price {processed}");
Console.WriteLine($"exceptions OrderService.Pricing.Calculator::Price {rejected}");
return 0;

long Sum(Func<WorkerStats, long> field) => workers.Sum(w => field(w.Stats));
