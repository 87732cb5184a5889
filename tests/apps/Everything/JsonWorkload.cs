using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Everything;

public enum Tier { Bronze, Silver, Gold }

public sealed class Address
{
    public string Street { get; set; } = "";
    public string City { get; set; } = "";
    public int? Zip { get; set; }
}

public sealed class Customer
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public Tier Tier { get; set; }
    public decimal Balance { get; set; }
    public DateTime Since { get; set; }
    public List<string> Tags { get; set; } = new();
    public Dictionary<string, int> Scores { get; set; } = new();
    public Address? Home { get; set; }
    public double[] Ratios { get; set; } = Array.Empty<double>();
    [JsonIgnore] public string Secret { get; set; } = "hidden";
}

public record OrderLine(string Sku, int Quantity, decimal Price);

public record Order(Guid Id, int CustomerId, IReadOnlyList<OrderLine> Lines, DateTimeOffset Placed);

// Reflection-based System.Text.Json (no source generator): serialize, deserialize, compare,
// plus the DOM (JsonNode) and the reader.
public static class JsonWorkload
{
    public static IEnumerable<string> Run()
    {
        var customers = Enumerable.Range(1, 40).Select(MakeCustomer).ToList();
        var options = new JsonSerializerOptions
        {
            WriteIndented = false,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Converters = { new JsonStringEnumConverter() },
        };
        string json = JsonSerializer.Serialize(customers, options);
        var back = JsonSerializer.Deserialize<List<Customer>>(json, options)!;
        string again = JsonSerializer.Serialize(back, options);
        yield return $"customers={back.Count} bytes={json.Length} roundtrip={(json == again ? "same" : "DIFFERENT")} hash={Workloads.Hex(Workloads.Fnv(json))}";
        yield return $"first={JsonSerializer.Serialize(back[0], options)}";

        var orders = Enumerable.Range(0, 25).Select(MakeOrder).ToArray();
        string ordersJson = JsonSerializer.Serialize(orders);
        var ordersBack = JsonSerializer.Deserialize<Order[]>(ordersJson)!;
        decimal total = ordersBack.SelectMany(o => o.Lines).Sum(l => l.Quantity * l.Price);
        bool recordsEqual = orders.Zip(ordersBack).All(p => p.First.Id == p.Second.Id && p.First.Lines.SequenceEqual(p.Second.Lines));
        yield return $"orders={ordersBack.Length} lines={ordersBack.Sum(o => o.Lines.Count)} total={total} equal={recordsEqual} hash={Workloads.Hex(Workloads.Fnv(ordersJson))}";

        JsonNode root = JsonNode.Parse(json)!;
        var gold = root.AsArray().Where(n => (string?)n!["tier"] == "Gold").Select(n => (int)n!["id"]!).ToList();
        root.AsArray()[0]!["name"] = "renamed";
        yield return $"dom gold={string.Join(",", gold)} first-name={root[0]!["name"]} nodes={root.AsArray().Count}";

        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(ordersJson));
        var tokens = new SortedDictionary<JsonTokenType, int>();
        while (reader.Read()) tokens[reader.TokenType] = tokens.GetValueOrDefault(reader.TokenType) + 1;
        yield return "reader " + string.Join(" ", tokens.Select(kv => $"{kv.Key}={kv.Value}"));

        using JsonDocument doc = JsonDocument.Parse(json);
        long zipSum = 0;
        foreach (JsonElement c in doc.RootElement.EnumerateArray())
        {
            if (c.TryGetProperty("home", out JsonElement home) && home.ValueKind == JsonValueKind.Object &&
                home.TryGetProperty("zip", out JsonElement zip) && zip.ValueKind == JsonValueKind.Number)
            {
                zipSum += zip.GetInt32();
            }
        }
        yield return $"document zip-sum={zipSum}";

        string bad = "{\"id\": \"not a number\"}";
        string error;
        try
        {
            JsonSerializer.Deserialize<Customer>(bad, options);
            error = "none";
        }
        catch (JsonException e)
        {
            error = $"{e.GetType().Name} path={e.Path}";
        }
        yield return $"invalid {error}";
    }

    private static Customer MakeCustomer(int i) => new()
    {
        Id = i,
        Name = $"Customer {i:D3}",
        Tier = (Tier)(i % 3),
        Balance = i * 12.75m - 100,
        Since = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i * 17),
        Tags = Enumerable.Range(0, i % 4).Select(t => $"tag{t}").ToList(),
        Scores = Enumerable.Range(0, i % 3 + 1).ToDictionary(s => $"s{s}", s => s * i),
        Home = i % 5 == 0 ? null : new Address { Street = $"{i} Main St", City = i % 2 == 0 ? "Springfield" : "Shelbyville", Zip = i % 7 == 0 ? null : 10000 + i },
        Ratios = Enumerable.Range(0, i % 5).Select(r => r / 4.0).ToArray(),
    };

    private static Order MakeOrder(int i) => new(
        new Guid(i, 0, 0, new byte[] { 1, 2, 3, 4, 5, 6, 7, (byte)i }),
        i % 40 + 1,
        Enumerable.Range(0, i % 4 + 1).Select(l => new OrderLine($"SKU-{i}-{l}", l + 1, 9.99m + l)).ToList(),
        new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.FromHours(i % 3)).AddMinutes(i * 13));
}
