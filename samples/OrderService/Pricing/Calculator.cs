using OrderService.Orders;

namespace OrderService.Pricing;

public sealed class InvalidOrderException : Exception
{
    public InvalidOrderException(string message) : base(message)
    {
    }
}

public sealed class Calculator
{
    // Price of an order; throws InvalidOrderException for orders without lines.
    public decimal Price(Order order)
    {
        if (order.Lines <= 0) throw new InvalidOrderException($"order {order.Id} has no lines");
        decimal gross = order.Lines * order.Quantity * order.UnitPrice;
        decimal discount = order.Quantity >= 10 ? 0.10m : 0m;
        return decimal.Round(gross * (1 - discount), 2, MidpointRounding.ToEven);
    }
}
