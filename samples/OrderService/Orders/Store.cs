namespace OrderService.Orders;

// In-memory order store shared by the workers (a lock, like a small cache in front of a DB).
public sealed class Store
{
    private readonly Dictionary<int, Order> _orders = new();
    private readonly object _gate = new();

    public Order? GetById(int id)
    {
        lock (_gate)
        {
            return _orders.TryGetValue(id, out Order? order) ? order : null;
        }
    }

    public void Save(Order order)
    {
        lock (_gate)
        {
            order.Revision++;
            _orders[order.Id] = order;
        }
    }

    public int Count
    {
        get
        {
            lock (_gate) return _orders.Count;
        }
    }
}
