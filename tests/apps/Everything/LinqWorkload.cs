namespace Everything;

// LINQ to Objects: grouping, joins, ordering, set operations, aggregation, chunking, zips,
// lazy pipelines, over value and reference types.
public static class LinqWorkload
{
    private sealed record Sale(int Id, string Region, string Product, int Units, decimal Price);

    public static IEnumerable<string> Run()
    {
        string[] regions = { "north", "south", "east", "west" };
        string[] products = { "apple", "pear", "plum", "fig", "kiwi", "lime" };
        var sales = Enumerable.Range(0, 600)
            .Select(i => new Sale(i, regions[i * 7 % 4], products[i * 5 % 6], i % 13 + 1, 0.5m + i % 9 * 0.25m))
            .ToList();

        var byRegion = sales.GroupBy(s => s.Region)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}:{g.Count()}/{g.Sum(s => s.Units * s.Price)}");
        yield return "by-region " + string.Join(" ", byRegion);

        var top = sales.OrderByDescending(s => s.Units * s.Price).ThenBy(s => s.Id).Take(5).Select(s => s.Id);
        yield return "top " + string.Join(",", top);

        var prices = products.Select((p, i) => (Product: p, List: 1m + i)).ToArray();
        var joined = sales.Join(prices, s => s.Product, p => p.Product, (s, p) => s.Units * p.List).Sum();
        var grouped = prices.GroupJoin(sales, p => p.Product, s => s.Product, (p, ss) => $"{p.Product}={ss.Count()}");
        yield return $"join total={joined} groupjoin {string.Join(" ", grouped)}";

        int[] numbers = Enumerable.Range(1, 200).Select(i => i * 37 % 101).ToArray();
        yield return $"numbers distinct={numbers.Distinct().Count()} min={numbers.Min()} max={numbers.Max()} avg={numbers.Average():F3} " +
                     $"sum-even={numbers.Where(n => n % 2 == 0).Sum()} any>100={numbers.Any(n => n > 100)} all>0={numbers.All(n => n > 0)}";
        var a = numbers.Take(60);
        var b = numbers.Skip(40).Take(60);
        yield return $"sets union={a.Union(b).Count()} intersect={a.Intersect(b).Count()} except={a.Except(b).Count()} " +
                     $"concat={a.Concat(b).Count()} sequence-equal={a.SequenceEqual(a.ToList())}";
        yield return "chunks " + string.Join("|", numbers.Chunk(50).Select(c => c.Sum()));
        yield return "zip " + string.Join(",", numbers.Zip(numbers.Skip(1), (x, y) => x - y).Take(8));
        yield return "index " + string.Join(",", numbers.Index().Where(p => p.Item % 10 == 0).Select(p => p.Index).Take(8));
        yield return $"aggregate {numbers.Aggregate(17L, (acc, n) => (acc * 31 + n) % 1000003)} " +
                     $"countby {string.Join(",", numbers.CountBy(n => n % 3).OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{kv.Value}"))}";
        var lookup = sales.ToLookup(s => s.Units % 4);
        yield return "lookup " + string.Join(",", Enumerable.Range(0, 4).Select(k => lookup[k].Count()));
        var dict = sales.DistinctBy(s => s.Product).ToDictionary(s => s.Product, s => s.Id);
        yield return "distinctby " + string.Join(",", dict.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        var lazy = Generate().Where(x => x % 3 == 0).Select(x => x * x).TakeWhile(x => x < 5000).SkipWhile(x => x < 9);
        yield return "lazy " + string.Join(",", lazy);
        yield return "reverse " + string.Join(",", Enumerable.Range(0, 6).Reverse()) + " order " +
                     string.Join(",", products.Order(StringComparer.Ordinal)) + " minby " + sales.MinBy(s => s.Price * 1000 - s.Id)!.Id;
    }

    private static IEnumerable<int> Generate()
    {
        for (int i = 0; ; i++) yield return i;
    }
}
