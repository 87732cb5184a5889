using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Everything;

// String formatting, parsing, StringBuilder, spans, encodings and regular expressions
// (interpreted, compiled — which uses Reflection.Emit dynamic methods — and source-free
// NonBacktracking).
public static class TextWorkload
{
    private const string Log = """
        2024-03-01T10:00:00Z INFO  user=alice action=login ms=12
        2024-03-01T10:00:05Z WARN  user=bob action=upload ms=340 size=1024
        2024-03-01T10:01:00Z ERROR user=carol action=delete ms=7 code=E42
        2024-03-01T10:02:30Z INFO  user=alice action=logout ms=3
        2024-03-01T10:03:10Z INFO  user=dave action=login ms=15
        """;

    public static IEnumerable<string> Run()
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        yield return string.Format(inv, "format {0:N2} {1:X8} {2:yyyy-MM-dd} {3,8:F3} {4:P1} {5:E2}",
            1234567.891, 48879, new DateTime(2024, 2, 29), Math.PI, 0.4567, 6.02214076e23);
        FormattableString interpolated = $"interp {42,-6}|{-7.5:0.00}|{'x'}|{true}|{DayOfWeek.Friday}|{new TimeSpan(1, 2, 3, 4)}";
        yield return interpolated.ToString(inv);

        var sb = new StringBuilder();
        for (int i = 0; i < 200; i++) sb.Append(i % 7).Append(',');
        sb.Replace("3,", "three,").Insert(0, "[").Append(']');
        yield return $"builder length={sb.Length} hash={Workloads.Hex(Workloads.Fnv(sb.ToString()))}";

        string csv = "alpha, beta ,gamma,,delta ";
        string[] parts = csv.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        yield return $"split {string.Join("|", parts)} upper={string.Concat(parts.Select(p => p.ToUpperInvariant()[0]))} " +
                     $"pad=[{"7".PadLeft(3, '0')}] trim=[{"  x  ".Trim()}] contains={csv.Contains("GAMMA", StringComparison.OrdinalIgnoreCase)}";

        ReadOnlySpan<char> span = "key1=value1;key2=value2;key3=value3";
        int pairs = 0, valueChars = 0;
        foreach (Range r in span.Split(';'))
        {
            ReadOnlySpan<char> pair = span[r];
            int eq = pair.IndexOf('=');
            pairs++;
            valueChars += pair[(eq + 1)..].Length;
        }
        yield return $"span pairs={pairs} value-chars={valueChars} parse={int.Parse("-1234", inv) + long.Parse("99", inv)} " +
                     $"double={double.Parse("1.5e3", inv)} tryparse={int.TryParse("12x", out _)}";

        byte[] utf8 = Encoding.UTF8.GetBytes("héllo wörld – ∑ 😀");
        yield return $"encoding utf8={utf8.Length} chars={Encoding.UTF8.GetCharCount(utf8)} base64={Convert.ToBase64String(utf8[..9])} " +
                     $"hex={Convert.ToHexString(utf8[..6])} roundtrip={Encoding.UTF8.GetString(utf8) == "héllo wörld – ∑ 😀"}";

        var pattern = @"^(?<time>\S+)\s+(?<level>[A-Z]+)\s+user=(?<user>\w+) action=(?<action>\w+) ms=(?<ms>\d+)";
        foreach (var (name, options) in new[]
                 {
                     ("interpreted", RegexOptions.Multiline),
                     ("compiled", RegexOptions.Multiline | RegexOptions.Compiled),
                     ("nonbacktracking", RegexOptions.Multiline | RegexOptions.NonBacktracking),
                 })
        {
            var regex = new Regex(pattern, options);
            var matches = regex.Matches(Log);
            int totalMs = matches.Sum(m => int.Parse(m.Groups["ms"].Value, inv));
            string users = string.Join(",", matches.Select(m => m.Groups["user"].Value).Distinct());
            yield return $"regex {name} matches={matches.Count} ms={totalMs} users={users}";
        }
        yield return "regex replace " + Regex.Replace("a1b22c333", @"\d+", m => $"<{m.Value.Length}>") +
                     " split " + string.Join("|", Regex.Split("one, two;three  four", @"[,;\s]+")) +
                     " ismatch " + Regex.IsMatch("abc@example.org", @"^[^@\s]+@[^@\s]+\.\w+$");

        string compared = string.Join(",", new[] { "b", "A", "a", "B", "c" }.OrderBy(x => x, StringComparer.Ordinal));
        yield return $"compare ordinal={compared} ignore-case={string.Compare("abc", "ABC", StringComparison.OrdinalIgnoreCase)}";
    }
}
