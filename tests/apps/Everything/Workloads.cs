namespace Everything;

// Every workload returns the lines it prints (prefixed with its name by Main). The lines
// depend only on the inputs, never on timing, hashing seeds or thread scheduling, so a run
// under clrprobe must print exactly what a plain run prints.
public static class Workloads
{
    public static readonly (string Name, Func<IEnumerable<string>> Run)[] All =
    {
        ("json", JsonWorkload.Run),
        ("linq", LinqWorkload.Run),
        ("collections", CollectionsWorkload.Run),
        ("async-io", () => AsyncIoWorkload.RunAsync().GetAwaiter().GetResult()),
        ("channels", () => ChannelsWorkload.RunAsync().GetAwaiter().GetResult()),
        ("text", TextWorkload.Run),
        ("exceptions", ExceptionsWorkload.Run),
    };

    // FNV-1a over UTF-16 code units: a stable checksum (string.GetHashCode is seeded per process).
    public static ulong Fnv(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    public static string Hex(ulong value) => value.ToString("x16");
}
