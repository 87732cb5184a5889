namespace OrderService.Orders;

public sealed class Order
{
    public Order(int id) => Id = id;

    public int Id { get; }

    public int Lines { get; set; }

    public int Quantity { get; set; }

    public decimal UnitPrice { get; set; }

    public decimal Total { get; set; }

    public int Revision { get; set; }
}
