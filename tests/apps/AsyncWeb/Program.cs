using AsyncWeb;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// `dotnet AsyncWeb.dll [N]`: serves GET /slow on http://127.0.0.1 (a free port), calls it N times
// (default 20) with HttpClient.SendAsync, one request at a time, prints what it got and exits.
// Output is deterministic (no port, no timings, no logging), so plain and probed runs compare
// byte for byte. Probed: AsyncWeb.Handlers::SlowAsync and System.Net.Http.HttpClient::SendAsync.
int requests = args.Length > 0 ? int.Parse(args[0]) : 20;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
var app = builder.Build();
app.MapGet("/slow", Handlers.SlowAsync);
await app.StartAsync();
string baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
    .Addresses.First();

var statuses = new SortedDictionary<int, int>();
var bodies = new SortedSet<string>();
using (var client = new HttpClient())
{
    for (int i = 0; i < requests; i++)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/slow");
        // The overload every other SendAsync overload ends in: one probed call per request.
        using HttpResponseMessage response =
            await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        int status = (int)response.StatusCode;
        statuses[status] = statuses.GetValueOrDefault(status) + 1;
        bodies.Add(await response.Content.ReadAsStringAsync());
    }
}
await app.StopAsync();

foreach (var (status, count) in statuses) Console.WriteLine($"status {status} x{count}");
foreach (string body in bodies) Console.WriteLine($"body {body}");
Console.WriteLine($"expected AsyncWeb.Handlers::SlowAsync calls={requests} exceptions=0 cancelled=0");
Console.WriteLine($"expected System.Net.Http.HttpClient::SendAsync calls={requests} exceptions=0 cancelled=0");
return 0;

namespace AsyncWeb
{
    public static class Handlers
    {
        // The endpoint handler: ~50 ms, nearly all of it awaiting.
        public static async Task<string> SlowAsync()
        {
            await Task.Delay(50);
            return "slow done";
        }
    }
}
