using OrderService.Orders;
using OrderService.Pricing;

namespace OrderService;

// Totals of one worker; counters are read live (Interlocked.Read) by the once-a-second reporter.
public sealed class WorkerStats
{
    public long Processed;
    public long Saved;
    public long Rejected;
    public decimal Revenue;
}

// One worker thread: each iteration looks an order up, changes it, prices it and saves it.
// Each worker owns its own id range and Random(seed + index), so totals are deterministic.
public sealed class Worker
{
    private readonly int _index;
    private readonly Store _store;
    private readonly Calculator _calculator;
    private readonly Random _rng;
    private readonly bool _verbose;

    public Worker(int index, int seed, Store store, Calculator calculator, bool verbose)
    {
        _index = index;
        _store = store;
        _calculator = calculator;
        _rng = new Random(seed + index);
        _verbose = verbose;
    }

    public WorkerStats Stats { get; } = new();

    // Runs `iterations` orders, or until `deadline` when iterations is null.
    public void Run(long? iterations, DateTime deadline)
    {
        for (long n = 0; iterations is null ? DateTime.UtcNow < deadline : n < iterations; n++)
        {
            ProcessOne();
            // Pace the demo so it looks like a service rather than a busy loop.
            if (iterations is null && n % 50 == 49) Thread.Sleep(1);
        }
    }

    private void ProcessOne()
    {
        int id = _index * 100_000 + _rng.Next(1, 500);
        Order order = _store.GetById(id) ?? new Order(id);
        order.Lines = _rng.Next(20) == 0 ? 0 : _rng.Next(1, 5);
        order.Quantity = _rng.Next(1, 15);
        order.UnitPrice = _rng.Next(100, 10_000) / 100m;
        try
        {
            order.Total = _calculator.Price(order);
            _store.Save(order);
            Stats.Revenue += order.Total;
            Interlocked.Increment(ref Stats.Saved);
        }
        catch (InvalidOrderException e)
        {
            Interlocked.Increment(ref Stats.Rejected);
            if (_verbose) Console.Error.WriteLine($"[worker {_index}] rejected: {e.Message}");
        }
        Interlocked.Increment(ref Stats.Processed);
    }
}
