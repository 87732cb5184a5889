using System.Runtime.CompilerServices;
using MinimalApi;

// Start-up and load benchmark: an ASP.NET Core minimal API. bench/run starts it with
// ASPNETCORE_URLS=http://127.0.0.1:<free port> and measures process start to the first
// HTTP 200 of GET /orders/1, then loads GET /orders/{id} with wrk.
// The request-path handler is MinimalApi.Handlers::GetOrder; it and the nine methods it
// calls are the targets of the "10 startup probes" case.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/orders/{id:int}", Handlers.GetOrder);
app.MapGet("/health", () => "ok");
app.Run();

namespace MinimalApi
{
    public sealed record Order(int Id, string Customer, decimal Price, decimal Tax, bool InStock, string Region);

    public static class Handlers
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static Order GetOrder(int id)
        {
            decimal price = Pricing.Discount(Pricing.PriceOf(id), id);
            return new Order(id, Customers.NameOf(id), price, Tax.Of(price, Regions.Of(id)),
                Inventory.InStock(id), Regions.Of(id));
        }
    }

    public static class Pricing
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static decimal PriceOf(int id) => 10m + (id % 97) * 1.25m;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static decimal Discount(decimal price, int id) => id % 10 == 0 ? price * 0.9m : price;
    }

    public static class Customers
    {
        static readonly string[] Names = ["ada", "grace", "linus", "barbara", "ken"];

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static string NameOf(int id) => Names[Index(id)];

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Index(int id) => (int)((uint)id % (uint)Names.Length);
    }

    public static class Tax
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static decimal Of(decimal price, string region) => Math.Round(price * Rate(region), 2);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static decimal Rate(string region) => region == "eu" ? 0.2m : 0.08m;
    }

    public static class Inventory
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static bool InStock(int id) => Stock(id) > 0;

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Stock(int id) => (id * 7919) % 13;
    }

    public static class Regions
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static string Of(int id) => (id & 1) == 0 ? "eu" : "us";
    }
}
