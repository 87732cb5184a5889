using System.Text;
using System.Threading.Channels;

namespace Everything;

// Async file I/O in a private temporary directory: concurrent writes (Task.WhenAll), reads
// with streams and readers, a directory listing; the directory is removed afterwards.
public static class AsyncIoWorkload
{
    public static async Task<IEnumerable<string>> RunAsync()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"everything-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var lines = new List<string>();
            var writes = Enumerable.Range(0, 16).Select(i => WriteFileAsync(dir, i));
            long[] sizes = await Task.WhenAll(writes);
            lines.Add($"written files={sizes.Length} bytes={sizes.Sum()}");

            var reads = Directory.GetFiles(dir).OrderBy(f => f, StringComparer.Ordinal).Select(ReadFileAsync);
            (string Name, int Lines, ulong Hash)[] results = await Task.WhenAll(reads);
            lines.Add($"read files={results.Length} lines={results.Sum(r => r.Lines)} " +
                      $"hash={Workloads.Hex(results.Aggregate(0UL, (h, r) => h * 31 + r.Hash))}");

            string appended = Path.Combine(dir, "append.log");
            for (int i = 0; i < 20; i++) await File.AppendAllTextAsync(appended, $"entry {i}\n");
            string[] all = await File.ReadAllLinesAsync(appended);
            lines.Add($"append lines={all.Length} last={all[^1]}");

            byte[] payload = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31)).ToArray();
            string binary = Path.Combine(dir, "blob.bin");
            await using (var stream = new FileStream(binary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                for (int offset = 0; offset < payload.Length; offset += 8192)
                {
                    await stream.WriteAsync(payload.AsMemory(offset, Math.Min(8192, payload.Length - offset)));
                }
            }
            byte[] back = await File.ReadAllBytesAsync(binary);
            lines.Add($"binary bytes={back.Length} equal={back.AsSpan().SequenceEqual(payload)}");

            int delayed = await DelayedSumAsync(10);
            lines.Add($"delayed sum={delayed}");
            return lines;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<long> WriteFileAsync(string dir, int index)
    {
        string path = Path.Combine(dir, $"file{index:D2}.txt");
        var text = new StringBuilder();
        for (int line = 0; line < 50 + index; line++) text.Append($"file {index} line {line} value {line * index}\n");
        await File.WriteAllTextAsync(path, text.ToString());
        return new FileInfo(path).Length;
    }

    private static async Task<(string, int, ulong)> ReadFileAsync(string path)
    {
        using var reader = new StreamReader(path);
        int lines = 0;
        ulong hash = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            lines++;
            hash = hash * 1099511628211UL ^ Workloads.Fnv(line);
        }
        return (Path.GetFileName(path), lines, hash);
    }

    private static async Task<int> DelayedSumAsync(int n)
    {
        var tasks = Enumerable.Range(1, n).Select(async i =>
        {
            await Task.Delay(i % 3);
            await Task.Yield();
            return i * i;
        });
        return (await Task.WhenAll(tasks)).Sum();
    }
}

// System.Threading.Channels: bounded producer/consumer with several producers.
public static class ChannelsWorkload
{
    public static async Task<IEnumerable<string>> RunAsync()
    {
        var channel = Channel.CreateBounded<(int Producer, int Value)>(new BoundedChannelOptions(8)
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (int i = 0; i < 250; i++) await channel.Writer.WriteAsync((p, i * (p + 1)));
        })).ToArray();
        var consumer = Task.Run(async () =>
        {
            var sums = new long[4];
            int count = 0;
            await foreach (var (producer, value) in channel.Reader.ReadAllAsync())
            {
                sums[producer] += value;
                count++;
            }
            return (sums, count);
        });
        await Task.WhenAll(producers);
        channel.Writer.Complete();
        var (sums, count) = await consumer;

        var unbounded = Channel.CreateUnbounded<string>();
        for (int i = 0; i < 10; i++) unbounded.Writer.TryWrite($"m{i}");
        unbounded.Writer.Complete();
        var messages = new List<string>();
        while (await unbounded.Reader.WaitToReadAsync())
        {
            while (unbounded.Reader.TryRead(out string? m)) messages.Add(m);
        }
        return new[]
        {
            $"bounded items={count} sums={string.Join(",", sums)}",
            $"unbounded {string.Join(",", messages)}",
        };
    }
}
