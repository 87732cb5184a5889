using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Everything;

// The generic collections of CoreLib, System.Collections and System.Collections.Immutable.
public static class CollectionsWorkload
{
    private readonly record struct Point(int X, int Y);

    public static IEnumerable<string> Run()
    {
        var list = new List<int>();
        for (int i = 0; i < 500; i++) list.Add(i * 7919 % 1009);
        list.Sort();
        list.RemoveAll(x => x % 5 == 0);
        list.Reverse(10, 20);
        list.Insert(3, -1);
        yield return $"list count={list.Count} first={string.Join(",", list.Take(5))} index-of-500={list.IndexOf(500)} binary={list.GetRange(40, 100).BinarySearch(list[90])}";

        var dict = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string word in Words()) dict[word] = dict.GetValueOrDefault(word) + 1;
        dict.Remove("w3");
        dict.TryAdd("extra", 99);
        yield return $"dictionary count={dict.Count} top={string.Join(",", dict.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(4).Select(kv => $"{kv.Key}={kv.Value}"))}";

        var points = new Dictionary<Point, string>();
        for (int i = 0; i < 100; i++) points[new Point(i % 10, i / 10)] = $"p{i}";
        yield return $"struct-keys count={points.Count} get={points[new Point(3, 4)]} contains={points.ContainsKey(new Point(11, 0))}";

        var set = new HashSet<int>(Enumerable.Range(0, 300).Select(i => i * i % 97));
        var other = new HashSet<int>(Enumerable.Range(50, 100));
        int before = set.Count;
        set.IntersectWith(other);
        yield return $"hashset before={before} after={set.Count} subset={set.IsSubsetOf(other)} overlaps={set.Overlaps(new[] { 1, 2, 64 })}";

        var sorted = new SortedSet<string>(Words(), StringComparer.Ordinal);
        var view = sorted.GetViewBetween("w2", "w5");
        yield return $"sortedset count={sorted.Count} min={sorted.Min} max={sorted.Max} view={string.Join(",", view)}";

        var sortedDict = new SortedDictionary<int, string>();
        var sortedList = new SortedList<int, string>();
        for (int i = 0; i < 50; i++)
        {
            sortedDict[i * 37 % 50] = $"v{i}";
            sortedList[i * 13 % 50] = $"v{i}";
        }
        yield return $"sorted dict-first={sortedDict.First().Value} list-key-at-10={sortedList.Keys[10]} list-index-of-25={sortedList.IndexOfKey(25)}";

        var queue = new Queue<int>();
        var stack = new Stack<int>();
        long q = 0, s = 0;
        for (int i = 0; i < 1000; i++)
        {
            queue.Enqueue(i);
            stack.Push(i);
            if (i % 3 == 0) q += queue.Dequeue();
            if (i % 4 == 0) s += stack.Pop();
        }
        yield return $"queue count={queue.Count} sum={q} peek={queue.Peek()} stack count={stack.Count} sum={s} peek={stack.Peek()}";

        var pq = new PriorityQueue<string, int>();
        for (int i = 0; i < 40; i++) pq.Enqueue($"job{i}", i * 17 % 23);
        var order = new List<string>();
        while (pq.TryDequeue(out string? job, out int priority) && order.Count < 6) order.Add($"{job}@{priority}");
        yield return "priority " + string.Join(",", order);

        var linked = new LinkedList<int>(Enumerable.Range(0, 10));
        linked.AddFirst(-1);
        linked.AddAfter(linked.Find(5)!, 55);
        linked.Remove(7);
        yield return "linkedlist " + string.Join(",", linked);

        ImmutableArray<int> immutable = ImmutableArray.CreateRange(Enumerable.Range(0, 20));
        ImmutableArray<int> changed = immutable.Add(100).RemoveAt(0).Insert(5, -5).SetItem(1, 11);
        var builder = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < 10; i++) builder[$"k{i}"] = i;
        ImmutableDictionary<string, int> idict = builder.ToImmutable().Remove("k3").SetItem("k4", 40);
        ImmutableList<string> ilist = ImmutableList.Create("b", "a", "c").Sort(StringComparer.Ordinal);
        yield return $"immutable array={immutable.Length}->{changed.Length} sum={changed.Sum()} dict={idict.Count} k4={idict["k4"]} list={string.Join("", ilist)}";

        var concurrent = new ConcurrentDictionary<int, int>();
        Parallel.For(0, 1000, i => concurrent.AddOrUpdate(i % 17, 1, (_, v) => v + 1));
        var bag = new ConcurrentQueue<int>(Enumerable.Range(0, 10));
        bag.TryDequeue(out int head);
        yield return $"concurrent keys={concurrent.Count} total={concurrent.Values.Sum()} queue-head={head} queue-count={bag.Count}";

        int[] array = Enumerable.Range(0, 64).Select(i => (i * 29) % 64).ToArray();
        Array.Sort(array, (x, y) => y.CompareTo(x));
        Span<int> span = array.AsSpan(8, 16);
        span.Reverse();
        yield return $"array first={string.Join(",", array.Take(4))} span-sum={Sum(span)} find={Array.FindIndex(array, x => x == 33)}";
    }

    private static int Sum(ReadOnlySpan<int> span)
    {
        int sum = 0;
        foreach (int x in span) sum += x;
        return sum;
    }

    private static IEnumerable<string> Words()
    {
        for (int i = 0; i < 400; i++) yield return $"w{i * i % 11}";
    }
}
